from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "lianyun.regions"
    label = "regions"
