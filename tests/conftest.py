import pytest
from django.conf import settings
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _thai_first():
    """Every test starts in Thai, the interface's default, whatever an earlier one left."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate limits and other cached counters start from zero in every test."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _site_url(settings):
    """Links in e-mails are absolute, built from SITE_URL (an empty one makes the outbox
    refuse them): the test client's host stands in for the site's address."""
    settings.SITE_URL = "http://testserver"


@pytest.fixture(autouse=True)
def _geography_after_flush(request):
    """A test marked ``django_db(transaction=True)`` runs after tables were emptied by the
    one before it, the geography of the data migration included: load it again when gone."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from gecc.geography.domain.loader import load_geography
    from gecc.geography.models import Subdistrict

    if not Subdistrict.objects.exists():
        load_geography()


@pytest.fixture
def make_user(db):
    """``make_user("secretariat", "coordinator")`` → an active user holding those roles."""

    def make(*roles, **kwargs):
        return UserFactory(roles=list(roles), **kwargs)

    return make


def sign_in(client, user):
    """Sign ``user`` in on the test client, second factor verified where they have one."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return user


@pytest.fixture
def login_as(client, make_user):
    """``login_as("secretariat")`` → a signed-in user with those roles; a role that needs a
    second factor gets a confirmed device and a verified session."""

    def login(*roles, **kwargs):
        user = make_user(*roles, **kwargs)
        if "secretariat" in roles:
            TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        return sign_in(client, user)

    return login
