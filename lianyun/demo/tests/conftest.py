"""The small demo county at one pinned clock, for the tests that count on it by hand."""

import datetime

import pytest
import time_machine
from django.test import Client

from lianyun.accounts.models import User
from lianyun.demo.actions import load_demo

# A Saturday morning in Beijing that is still Friday in UTC.
CLOCK = datetime.datetime(2026, 12, 5, 6, 40, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.fixture
def demo() -> None:
    with time_machine.travel(CLOCK, tick=False):
        load_demo(seed=7, scale="small")


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client
