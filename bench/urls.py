"""The project's URLs plus /bench/minimal/: one template, one query."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from config.urls import urlpatterns as project
from lianyun.regions.models import Region


def minimal(request: HttpRequest) -> HttpResponse:
    return render(
        request, "bench_minimal.html", {"region": Region.objects.filter(parent=None).first()}
    )


urlpatterns = [path("bench/minimal/", minimal), *project]
