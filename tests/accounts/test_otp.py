"""Second factor: the code step after the password, enrolment, removal, throttling."""

import re
from base64 import b32decode

import pytest
from django.contrib.auth import SESSION_KEY
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from gecc.accounts.models import LoginFailure
from gecc.audit.models import AuditEntry

from .conftest import REQUIRED, post_login, th
from .factories import TOTPDeviceFactory, code_for

pytestmark = pytest.mark.django_db

WRONG_CODE = "รหัสไม่ถูกต้อง"


@pytest.fixture
def assessor_with_device(make_user):
    user = make_user("assessor")
    TOTPDeviceFactory(user=user)
    return user


def verify(client, code, next_url=None):
    data = {"code": code}
    if next_url:
        data["next"] = next_url
    return client.post("/accounts/otp/verify/", data)


# The code step after the password ------------------------------------------------------


def test_password_with_device_goes_to_verify_and_is_not_signed_in(
        client, assessor_with_device, password):
    response = post_login(client, assessor_with_device.email, password, next_url="/staff/assessment/")
    assert response.status_code == 302
    assert response.url == "/accounts/otp/verify/?next=%2Fstaff%2Fassessment%2F"
    assert client.session.get(SESSION_KEY) is None
    assert client.get("/staff/assessment/").status_code == 302


def test_verify_page_asks_for_the_code_in_thai(client, assessor_with_device, password):
    post_login(client, assessor_with_device.email, password)
    response = client.get("/accounts/otp/verify/?next=/staff/assessment/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "รหัสยืนยัน" in content
    assert 'autocomplete="one-time-code"' in content
    assert '<input type="hidden" name="next" value="/staff/assessment/">' in content


def test_verify_right_code_signs_in_and_keeps_next(client, assessor_with_device, password):
    post_login(client, assessor_with_device.email, password)
    response = verify(client, code_for(TOTPDevice.objects.get()), "/staff/assessment/")
    assert response.status_code == 302
    assert response.url == "/staff/assessment/"
    assert client.session[SESSION_KEY] == str(assessor_with_device.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == TOTPDevice.objects.get().persistent_id
    assert client.get("/staff/assessment/").status_code == 200
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["user.otp_verified", "user.login"]


def test_verify_without_next_goes_home(client, assessor_with_device, password):
    post_login(client, assessor_with_device.email, password)
    assert verify(client, code_for(TOTPDevice.objects.get())).url == "/home/"


def test_verify_wrong_code_shows_thai_error_and_is_throttled(
        client, assessor_with_device, password):
    post_login(client, assessor_with_device.email, password)
    right = code_for(TOTPDevice.objects.get())
    wrong = "000000" if right != "000000" else "111111"
    response = verify(client, wrong)
    assert response.status_code == 200
    assert WRONG_CODE in response.content.decode()
    assert client.session.get(SESSION_KEY) is None
    assert LoginFailure.objects.get().email == assessor_with_device.email
    entry = AuditEntry.objects.get(action="user.otp_failed")
    assert entry.actor is None
    assert entry.data == {"email": assessor_with_device.email, "ip": "127.0.0.1"}


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "12a456"])
def test_verify_malformed_code_is_a_form_error_not_a_failure(
        client, assessor_with_device, password, code):
    post_login(client, assessor_with_device.email, password)
    response = verify(client, code)
    content = response.content.decode()
    assert response.status_code == 200
    expected = th(REQUIRED) if code == "" else "กรอกรหัส 6 หลัก"
    assert expected in content
    assert LoginFailure.objects.count() == 0


def test_verify_code_with_a_space_is_accepted(client, assessor_with_device, password):
    post_login(client, assessor_with_device.email, password)
    code = code_for(TOTPDevice.objects.get())
    response = verify(client, f"{code[:3]} {code[3:]}")
    assert response.url == "/home/"


def test_verify_refuses_even_the_right_code_while_locked(client, assessor_with_device, password):
    post_login(client, assessor_with_device.email, password)
    LoginFailure.objects.bulk_create(
        [LoginFailure(email=assessor_with_device.email) for _ in range(8)])
    response = verify(client, code_for(TOTPDevice.objects.get()))
    assert "ถูกล็อกชั่วคราว" in response.content.decode()
    assert client.session.get(SESSION_KEY) is None
    assert TOTPDevice.objects.get().last_t == -1  # the code was never checked


def test_password_login_with_device_does_not_clear_failures_before_the_code(
        client, assessor_with_device, password):
    LoginFailure.objects.create(email=assessor_with_device.email)
    post_login(client, assessor_with_device.email, password)
    assert LoginFailure.objects.count() == 1
    verify(client, code_for(TOTPDevice.objects.get()))
    assert LoginFailure.objects.count() == 0


def test_verify_without_password_step_goes_to_login(client):
    response = client.get("/accounts/otp/verify/?next=/staff/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=%2Fstaff%2F"


def test_verify_when_already_verified_goes_on(client, login_as):
    login_as("secretariat")
    response = client.get("/accounts/otp/verify/?next=/staff/")
    assert response.url == "/staff/"


def test_verify_a_code_cannot_be_used_twice(client, assessor_with_device, password):
    post_login(client, assessor_with_device.email, password)
    code = code_for(TOTPDevice.objects.get())
    verify(client, code)
    client.post("/accounts/logout/")
    post_login(client, assessor_with_device.email, password)
    response = verify(client, code)
    assert WRONG_CODE in response.content.decode()


# Enrolment -----------------------------------------------------------------------------


def test_enrol_requires_sign_in(client):
    response = client.get("/accounts/otp/enrol/")
    assert response.url == "/accounts/login/?next=/accounts/otp/enrol/"


def test_enrol_shows_qr_code_and_secret_of_an_unconfirmed_device(client, make_user):
    user = make_user("assessor")
    client.force_login(user)
    response = client.get("/accounts/otp/enrol/")
    content = response.content.decode()
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed is False
    assert "<svg" in content
    secret = re.search(r'data-testid="secret">([A-Z2-7]+)<', content).group(1)
    assert b32decode(secret) == device.bin_key
    client.get("/accounts/otp/enrol/")
    assert TOTPDevice.objects.filter(user=user).count() == 1  # the same device is reused


def test_enrol_right_code_confirms_device_and_verifies_session(client, make_user):
    user = make_user("assessor")
    client.force_login(user)
    client.get("/accounts/otp/enrol/")
    device = TOTPDevice.objects.get(user=user)
    response = client.post("/accounts/otp/enrol/", {"code": code_for(device)})
    assert response.status_code == 302
    assert response.url == "/accounts/security/"
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    entry = AuditEntry.objects.get(action="user.otp_enrolled")
    assert entry.actor == user


def test_enrol_wrong_code_keeps_device_unconfirmed(client, make_user):
    user = make_user("assessor")
    client.force_login(user)
    client.get("/accounts/otp/enrol/")
    device = TOTPDevice.objects.get(user=user)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    response = client.post("/accounts/otp/enrol/", {"code": wrong})
    assert WRONG_CODE in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False
    assert not AuditEntry.objects.filter(action="user.otp_enrolled").exists()


def test_enrol_malformed_code_shows_error(client, make_user):
    client.force_login(make_user("assessor"))
    response = client.post("/accounts/otp/enrol/", {"code": "12"})
    assert "กรอกรหัส 6 หลัก" in response.content.decode()


def test_enrol_with_a_confirmed_device_goes_to_security(client, login_as):
    login_as("secretariat")
    response = client.get("/accounts/otp/enrol/")
    assert response.url == "/accounts/security/"


# Removal -------------------------------------------------------------------------------


def verified_login(client, user):
    device = TOTPDeviceFactory(user=user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def test_remove_asks_for_confirmation(client, make_user):
    user = make_user("assessor")
    verified_login(client, user)
    response = client.get("/accounts/otp/remove/")
    assert "ใช่ ถอดออก" in response.content.decode()
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_remove_deletes_the_device_and_audits(client, make_user):
    user = make_user("assessor")
    verified_login(client, user)
    response = client.post("/accounts/otp/remove/")
    assert response.url == "/accounts/security/"
    assert TOTPDevice.objects.filter(user=user).count() == 0
    assert AuditEntry.objects.get(action="user.otp_removed").data == {"devices": ["phone"]}


def test_remove_is_refused_for_a_role_that_requires_it(client, make_user):
    user = make_user("secretariat")
    verified_login(client, user)
    assert "ไม่สามารถถอดออกได้" in client.get("/accounts/otp/remove/").content.decode()
    assert client.post("/accounts/otp/remove/").status_code == 403
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_remove_needs_a_verified_session(client, make_user):
    user = make_user("assessor")
    TOTPDeviceFactory(user=user)
    client.force_login(user)
    response = client.post("/accounts/otp/remove/")
    assert response.url == "/accounts/otp/verify/?next=%2Faccounts%2Fotp%2Fremove%2F"
    assert TOTPDevice.objects.filter(user=user).count() == 1


# Security page -------------------------------------------------------------------------


def test_security_page_without_device_offers_set_up(client, make_user):
    client.force_login(make_user("assessor"))
    content = client.get("/accounts/security/").content.decode()
    assert "ปิดอยู่" in content
    assert 'href="/accounts/otp/enrol/"' in content
    assert 'href="/accounts/password/change/"' in content


def test_security_page_with_device_offers_removal(client, make_user):
    verified_login(client, make_user("assessor"))
    content = client.get("/accounts/security/").content.decode()
    assert "เปิดใช้อยู่" in content
    assert 'href="/accounts/otp/remove/"' in content


def test_security_page_for_secretariat_has_no_removal(client, login_as):
    login_as("secretariat")
    content = client.get("/accounts/security/").content.decode()
    assert "เปิดใช้อยู่" in content
    assert 'href="/accounts/otp/remove/"' not in content


def test_security_page_requires_sign_in(client):
    assert client.get("/accounts/security/").url == "/accounts/login/?next=/accounts/security/"


def test_password_step_for_another_user_signs_the_first_one_out(
        client, make_user, assessor_with_device, password):
    client.force_login(make_user("coordinator"))
    post_login(client, assessor_with_device.email, password)
    assert client.session.get(SESSION_KEY) is None
    response = client.get("/accounts/otp/verify/")
    assert response.context["person"] == assessor_with_device
