"""Secretariat users must verify a second factor (SecondFactorRequiredMiddleware)."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from gecc.demo.accounts import DEMO_PASSWORD, DEMO_TOTP_KEY_HEX, ensure_demo_accounts

from .conftest import post_login
from .factories import TOTPDeviceFactory, code_for

pytestmark = pytest.mark.django_db


def test_secretariat_without_device_is_sent_to_enrol(client, make_user):
    client.force_login(make_user("secretariat"))
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response.url == "/accounts/otp/enrol/?next=%2Fstaff%2F"


def test_secretariat_with_device_not_verified_is_sent_to_verify(client, make_user):
    user = make_user("secretariat")
    TOTPDeviceFactory(user=user)
    client.force_login(user)
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response.url == "/accounts/otp/verify/?next=%2Fstaff%2F"


def test_secretariat_signed_in_unverified_reaches_staff_after_the_code(client, make_user):
    user = make_user("secretariat")
    device = TOTPDeviceFactory(user=user)
    client.force_login(user)
    response = client.post("/accounts/otp/verify/", {"code": code_for(device), "next": "/staff/"})
    assert response.url == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_secretariat_enrols_on_first_sign_in_and_reaches_staff(client, make_user, password):
    user = make_user("secretariat")
    response = post_login(client, user.email, password, next_url="/staff/")
    assert response.url == "/staff/"
    response = client.get("/staff/")
    assert response.url == "/accounts/otp/enrol/?next=%2Fstaff%2F"
    content = client.get(response.url).content.decode()
    assert "บทบาทของท่านต้องใช้" in content
    device = TOTPDevice.objects.get(user=user)
    response = client.post("/accounts/otp/enrol/", {"code": code_for(device), "next": "/staff/"})
    assert response.url == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_other_roles_are_not_forced_to_enrol(client, make_user):
    client.force_login(make_user("assessor"))
    assert client.get("/staff/assessment/").status_code == 200


def test_second_factor_required_roles_follow_the_setting(client, make_user, settings):
    settings.SECOND_FACTOR_REQUIRED_ROLES = ["assessor"]
    client.force_login(make_user("assessor"))
    assert client.get("/staff/assessment/").url == (
        "/accounts/otp/enrol/?next=%2Fstaff%2Fassessment%2F")


def test_demo_secretariat_signs_in_with_code_and_lands_on_staff(client):
    ensure_demo_accounts()
    response = post_login(client, "secretariat@demo.gecc.local", DEMO_PASSWORD)
    assert response.url == "/accounts/otp/verify/"
    response = client.post(response.url, {"code": f"{totp(bytes.fromhex(DEMO_TOTP_KEY_HEX)):06d}"})
    assert response.url == "/home/"
    response = client.get(response.url, follow=True)
    assert response.redirect_chain == [("/staff/", 302)]
    assert response.status_code == 200
