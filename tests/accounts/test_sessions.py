"""Signed-in sessions end after an idle time (30 minutes for staff with a verified second
factor, 8 hours otherwise) and at an absolute lifetime; signed-in pages are never cached."""

import time

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from gecc.accounts.domain.sessions import SEEN_KEY, STARTED_KEY
from gecc.audit.models import AuditEntry
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
HOME = "/accounts/security/"


def age_session(client, *, idle=0, since_login=0):
    """Move the session's clocks into the past."""
    session = client.session
    now = time.time()
    session[SEEN_KEY] = now - idle
    session[STARTED_KEY] = now - max(since_login, idle)
    session.save()


def staff_with_second_factor(client, make_user):
    user = make_user("secretariat")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return sign_in(client, user)


def test_signing_in_starts_both_clocks(client, make_user):
    sign_in(client, make_user("coordinator"))
    session = client.session
    assert abs(session[STARTED_KEY] - time.time()) < 5
    assert abs(session[SEEN_KEY] - time.time()) < 5


def test_verified_staff_session_ends_after_30_idle_minutes(client, make_user):
    staff_with_second_factor(client, make_user)
    age_session(client, idle=31 * 60)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert "ไม่มีการใช้งานเป็นเวลานาน" in page.content.decode()


def test_verified_staff_session_goes_on_after_29_idle_minutes(client, make_user):
    staff_with_second_factor(client, make_user)
    age_session(client, idle=29 * 60)
    assert client.get(HOME).status_code == 200
    assert abs(client.session[SEEN_KEY] - time.time()) < 5  # the idle clock restarts


def test_coordinator_session_lasts_8_idle_hours(client, make_user):
    sign_in(client, make_user("coordinator"))
    age_session(client, idle=7 * 3600)
    assert client.get(HOME).status_code == 200
    age_session(client, idle=8 * 3600 + 60)
    assert client.get(HOME).status_code == 302


def test_idle_timeouts_follow_the_settings(client, make_user, settings):
    settings.SESSION_IDLE_TIMEOUT = 600
    sign_in(client, make_user("coordinator"))
    age_session(client, idle=601)
    assert client.get(HOME).status_code == 302


def test_busy_session_ends_at_its_absolute_lifetime(client, make_user):
    sign_in(client, make_user("coordinator"))
    age_session(client, idle=10, since_login=12 * 3600 + 1)
    response = client.get(HOME)
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "ครบระยะเวลาสูงสุด" in page.content.decode()


def test_expiry_is_written_to_the_audit_log(client, make_user):
    user = make_user("coordinator")
    sign_in(client, user)
    age_session(client, idle=9 * 3600)
    client.get(HOME)
    entry = AuditEntry.objects.filter(action="user.session_expired").get()
    assert (entry.actor_id, entry.data["reason"]) == (user.pk, "idle")


def test_expired_htmx_request_answers_401_with_the_message(client, make_user):
    sign_in(client, make_user("coordinator"))
    age_session(client, idle=9 * 3600)
    response = client.get(HOME, HTTP_HX_REQUEST="true")
    assert response.status_code == 401
    assert "data-error-message" in response.content.decode()
    assert "ไม่มีการใช้งานเป็นเวลานาน" in response.content.decode()


def test_signed_in_pages_are_not_cached(client, make_user):
    sign_in(client, make_user("coordinator"))
    response = client.get(HOME)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_public_pages_for_anonymous_visitors_keep_their_caching(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_session_cookie_does_not_outlive_the_absolute_lifetime(settings):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_ABSOLUTE_LIFETIME == 12 * 3600
