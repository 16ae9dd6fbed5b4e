import pytest
from django.core.cache import cache

PASSWORD = "correct-horse-battery"  # tests/factories.py UserFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def password():
    return PASSWORD


def post_login(client, email, password, next_url=None, **extra):
    data = {"email": email, "password": password}
    if next_url is not None:
        data["next"] = next_url
    return client.post("/accounts/login/", data, **extra)


def th(message):
    """Django's own message in Thai, as whichever catalogue translates it now."""
    from django.utils.translation import gettext, override

    with override("th"):
        return gettext(message)


REQUIRED = "This field is required."
