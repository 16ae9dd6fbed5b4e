import pytest
from django.utils import translation

from tests.evidence.factories import AnswerFactory
from tests.registry.factories import ServiceUnitFactory


@pytest.fixture(autouse=True)
def _thai():
    """Messages are asserted in Thai, whatever an earlier test left active."""
    with translation.override("th"):
        yield


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def coordinator(make_user):
    return make_user("coordinator")


@pytest.fixture
def answer(coordinator):
    """An answer of a draft application of a unit ``coordinator`` coordinates."""
    unit = ServiceUnitFactory(coordinators=[coordinator])
    return AnswerFactory(application__unit=unit)
