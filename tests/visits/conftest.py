import pytest

from tests.applications.factories import make_round


@pytest.fixture(autouse=True)
def _quick_solver(settings):
    """The routing solver searches for a fraction of a second (production: 5 seconds)."""
    settings.VISIT_SOLVER_SECONDS = 0.3


@pytest.fixture
def secretariat(make_user):
    return make_user("secretariat")


@pytest.fixture
def coordinator(make_user):
    return make_user("coordinator")


@pytest.fixture
def round_obj(secretariat):
    return make_round(secretariat)
