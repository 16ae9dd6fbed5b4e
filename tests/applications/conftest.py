import pytest

from tests.applications.factories import make_application, make_round
from tests.registry.factories import ServiceUnitFactory


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
