import pytest

from tests.applications.factories import make_round, make_version


@pytest.fixture
def round_obj(db):
    return make_round(year=2569, version=make_version())
