import pytest

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_user(db):
    """``make_user("secretariat", "coordinator")`` → an active user holding those roles."""

    def make(*roles, **kwargs):
        return UserFactory(roles=list(roles), **kwargs)

    return make
