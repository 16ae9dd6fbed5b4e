"""Password reset by email and password change."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import TestCase
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from gecc.audit.models import AuditEntry

from .conftest import REQUIRED, post_login, th
from .factories import TOTPDeviceFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "ศูนย์ราชการ-สะดวก-2568"
WRONG_LOGIN = "อีเมลหรือรหัสผ่านไม่ถูกต้อง"


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def without_csrf(content):
    return re.sub(rb'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', rb"\\1", content)


def request_reset(client, email):
    # The link goes through the outbox, which sends once the request's transaction commits.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post("/accounts/password/reset/", {"email": email})


def reset_link():
    return re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)


def test_reset_form_renders_in_thai(client):
    content = client.get("/accounts/password/reset/").content.decode()
    assert "ตั้งรหัสผ่านใหม่" in content


def test_reset_sends_bilingual_email_with_link(client, make_user):
    user = make_user("coordinator", full_name="สมศรี ใจดี")
    response = request_reset(client, user.email)
    assert response.status_code == 302
    assert response.url == "/accounts/password/reset/done/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject == "ตั้งรหัสผ่านใหม่ GECC Certify / Reset your GECC Certify password"
    assert "เรียน สมศรี ใจดี" in message.body
    assert "Dear สมศรี ใจดี" in message.body
    assert message.body.index("ลิงก์") < message.body.index("Someone asked")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    assert reset_link().startswith(f"/accounts/password/reset/{uid}/")


def test_reset_unknown_email_shows_the_same_sent_page(client, make_user):
    known = client.get(request_reset(client, make_user("coordinator").email).url)
    unknown_response = request_reset(client, "nobody@example.go.th")
    assert unknown_response.url == "/accounts/password/reset/done/"
    unknown = client.get(unknown_response.url)
    assert without_csrf(unknown.content) == without_csrf(known.content)
    assert len(mail.outbox) == 1


def test_reset_request_is_audited_without_secrets(client, make_user):
    user = make_user("coordinator")
    request_reset(client, user.email)
    entry = AuditEntry.objects.get(action="user.password_reset_requested")
    assert entry.actor is None
    assert entry.object_id == str(user.pk)
    assert entry.data == {"email": user.email, "ip": "127.0.0.1", "known": True,
                          "throttled": False}


def test_reset_emails_per_address_are_limited_and_the_page_stays_the_same(client, make_user,
                                                                          settings):
    settings.PASSWORD_RESET_LIMIT = {"WINDOW_SECONDS": 3600, "PER_EMAIL": 2, "PER_IP": 50}
    user = make_user("coordinator")
    responses = [request_reset(client, user.email) for _ in range(4)]
    assert [r.url for r in responses] == ["/accounts/password/reset/done/"] * 4
    assert len(mail.outbox) == 2
    throttled = AuditEntry.objects.filter(action="user.password_reset_requested",
                                          data__throttled=True)
    assert throttled.count() == 2


def test_reset_requests_per_client_address_are_limited(client, make_user, settings):
    settings.PASSWORD_RESET_LIMIT = {"WINDOW_SECONDS": 3600, "PER_EMAIL": 50, "PER_IP": 3}
    users = [make_user("coordinator") for _ in range(5)]
    for user in users:
        request_reset(client, user.email)
    assert len(mail.outbox) == 3


def test_reset_empty_email_shows_required_error(client):
    response = request_reset(client, "")
    assert response.status_code == 200
    assert th(REQUIRED) in response.content.decode()
    assert mail.outbox == []


def test_reset_link_sets_new_password_that_works(client, make_user, password):
    user = make_user("coordinator")
    request_reset(client, user.email)
    response = client.get(reset_link())
    assert response.status_code == 302  # Django moves the token into the session
    form_url = response.url
    assert "เลือกรหัสผ่านใหม่" in client.get(form_url).content.decode()
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.url == "/accounts/password/reset/complete/"
    assert client.session.get(SESSION_KEY) is None  # no sign-in that skips the second factor
    entry = AuditEntry.objects.get(action="user.password_changed")
    assert entry.data == {"via": "reset"}
    assert NEW_PASSWORD not in str(entry.data)
    assert WRONG_LOGIN in post_login(client, user.email, password).content.decode()
    post_login(client, user.email, NEW_PASSWORD)
    assert client.session[SESSION_KEY] == str(user.pk)


def test_reset_link_works_only_once(client, make_user):
    user = make_user("coordinator")
    request_reset(client, user.email)
    link = reset_link()
    form_url = client.get(link).url
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = client.get(link, follow=True)
    assert "ลิงก์นี้ใช้ไม่ได้แล้ว" in response.content.decode()


def test_reset_mismatched_passwords_show_error(client, make_user):
    user = make_user("coordinator")
    request_reset(client, user.email)
    form_url = client.get(reset_link()).url
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": "other"})
    assert response.status_code == 200
    assert not AuditEntry.objects.filter(action="user.password_changed").exists()


def test_password_change_requires_sign_in(client):
    response = client.get("/accounts/password/change/")
    assert response.url == "/accounts/login/?next=/accounts/password/change/"


def test_password_change_sets_new_password_and_keeps_session(client, make_user, password):
    user = make_user("coordinator")
    client.force_login(user)
    response = client.post("/accounts/password/change/", {
        "old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.url == "/accounts/security/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.get("/accounts/security/").status_code == 200  # still signed in
    entry = AuditEntry.objects.get(action="user.password_changed")
    assert entry.actor == user
    assert entry.data == {"via": "change"}


def test_password_change_wrong_old_password_is_refused(client, make_user):
    user = make_user("coordinator")
    client.force_login(user)
    response = client.post("/accounts/password/change/", {
        "old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 200
    user.refresh_from_db()
    assert not user.check_password(NEW_PASSWORD)


def test_password_change_empty_fields_show_errors(client, make_user):
    client.force_login(make_user("coordinator"))
    response = client.post("/accounts/password/change/", {})
    assert response.content.decode().count(th(REQUIRED)) == 3


def test_password_change_needs_verified_second_factor(client, make_user):
    user = make_user("coordinator")
    TOTPDeviceFactory(user=user)
    client.force_login(user)
    response = client.get("/accounts/password/change/")
    assert response.url == "/accounts/otp/verify/?next=%2Faccounts%2Fpassword%2Fchange%2F"
