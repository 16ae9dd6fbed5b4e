import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def sign_in_verified(client, user):
    """Sign ``user`` in with a confirmed TOTP device, as the second-factor middleware wants
    for the secretariat."""
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def secretariat(make_user):
    return make_user("secretariat", email="sec@example.go.th", full_name="สมศรี เลขาฯ")


@pytest.fixture
def secretariat_client(client, secretariat):
    return sign_in_verified(client, secretariat)
