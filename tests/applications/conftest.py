import pytest
from django.utils import timezone

from tests.applications.factories import DURING, make_application, make_round
from tests.registry.factories import ServiceUnitFactory


class Clock:
    """The server's "now" for a test: every ``timezone.now()`` answers ``self.now``."""

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """Freeze the server clock inside the round's application period: saving an answer is
    refused once the round stops accepting applications (move it with ``clock.now = ...``)."""
    frozen = Clock(DURING)
    monkeypatch.setattr(timezone, "now", frozen)
    return frozen


@pytest.fixture
def secretariat(make_user):
    return make_user("secretariat")


@pytest.fixture
def coordinator(make_user):
    return make_user("coordinator")


@pytest.fixture
def unit(coordinator):
    return ServiceUnitFactory(coordinators=[coordinator])


@pytest.fixture
def round_obj(secretariat):
    return make_round(secretariat)


@pytest.fixture
def application(round_obj, unit, coordinator):
    return make_application(round_obj, unit, coordinator)
