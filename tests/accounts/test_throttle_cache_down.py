"""The throttles when the cache (Redis) cannot be reached: refused in Thai, never a 500.

Sign-in fails closed: without its counters the password could be guessed at without limit,
so no password or code is checked until the cache answers again. A password-reset request
fails closed too: the page answers as it always does, but no link is sent.
"""

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice

from gecc.accounts.domain import login, throttle
from gecc.accounts.models import LoginFailure
from gecc.audit.models import AuditEntry

from .conftest import post_login
from .factories import TOTPDeviceFactory, code_for

pytestmark = pytest.mark.django_db

UNAVAILABLE = "ระบบเข้าสู่ระบบขัดข้องชั่วคราว"
CLOSED_PORT_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


@pytest.fixture
def cache_down(settings):
    settings.CACHES = CLOSED_PORT_CACHE


@pytest.fixture
def counted_checks(monkeypatch):
    calls = []
    real_authenticate = login.authenticate

    def counting_authenticate(*args, **kwargs):
        calls.append(kwargs.get("email"))
        return real_authenticate(*args, **kwargs)

    monkeypatch.setattr(login, "authenticate", counting_authenticate)
    return calls


def test_login_with_cache_down_is_refused_in_thai_without_checking_the_password(
        client, make_user, password, cache_down, counted_checks):
    user = make_user("assessor")
    response = post_login(client, user.email, password)
    assert response.status_code == 200
    content = response.content.decode()
    assert UNAVAILABLE in content
    assert client.session.get(SESSION_KEY) is None
    assert counted_checks == []
    assert LoginFailure.objects.count() == 0
    assert not AuditEntry.objects.filter(action__in=["user.login", "user.login_failed"]).exists()


def test_login_wrong_password_with_cache_down_is_refused_the_same_way(
        client, make_user, cache_down, counted_checks):
    user = make_user("assessor")
    response = post_login(client, user.email, "wrong")
    assert response.status_code == 200
    assert UNAVAILABLE in response.content.decode()
    assert counted_checks == []


def test_login_works_again_once_the_cache_answers(client, make_user, password, settings):
    user = make_user("assessor")
    settings.CACHES = CLOSED_PORT_CACHE
    assert UNAVAILABLE in post_login(client, user.email, password).content.decode()
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert post_login(client, user.email, password).status_code == 302
    assert client.session.get(SESSION_KEY) == str(user.pk)


def test_one_time_code_with_cache_down_is_refused_without_looking_at_it(
        client, make_user, password, settings):
    user = make_user("assessor")
    TOTPDeviceFactory(user=user)
    post_login(client, user.email, password)  # the password step, cache up
    settings.CACHES = CLOSED_PORT_CACHE
    response = client.post("/accounts/otp/verify/", {"code": code_for(TOTPDevice.objects.get())})
    assert response.status_code == 200
    assert UNAVAILABLE in response.content.decode()
    assert client.session.get(SESSION_KEY) is None
    assert TOTPDevice.objects.get().last_t == -1  # the code was never checked


def test_unavailable_message_in_english():
    from django.utils.translation import override

    with override("en"):
        assert throttle.UNAVAILABLE.message == (
            "Sign-in is unavailable for a moment because of a system fault. "
            "Please try again in a few minutes.")


def test_begin_with_cache_down_fails_closed(cache_down):
    attempt = throttle.begin("someone@example.go.th", "192.0.2.1")
    assert attempt.allowed is False
    assert attempt.verdict.unavailable is True
    assert UNAVAILABLE in attempt.message
    LoginFailure.objects.create(email="someone@example.go.th")
    assert throttle.clear_failures("someone@example.go.th") == 1  # no error either


def test_password_reset_with_cache_down_answers_the_sent_page_and_sends_nothing(
        client, make_user, settings, cache_down):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    user = make_user("coordinator")
    response = client.post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    assert response.url == "/accounts/password/reset/done/"
    assert client.get(response.url).status_code == 200
    assert mail.outbox == []
    entry = AuditEntry.objects.get(action="user.password_reset_requested")
    assert entry.data["throttled"] is True


def test_password_reset_allowed_with_cache_down_is_false(cache_down):
    assert throttle.password_reset_allowed("someone@example.go.th", "192.0.2.1") is False
