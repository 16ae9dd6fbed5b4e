"""Sign-in throttling under a burst of simultaneous attempts, on the real cache backend.

Each attempt reserves its place in the account's and the address's counters (cache add,
then incr) before the password is looked at, so a burst of 30 wrong passwords sent at once
checks at most ``LOCK_AFTER`` of them and writes one ``user.locked`` entry.
"""

import threading
import time

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.test import RequestFactory

from gecc.accounts.domain import login
from gecc.accounts.models import LoginFailure
from gecc.audit.models import AuditEntry

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "burst@example.go.th"
IP = "192.0.2.77"
BURST = 30
REDIS_URL = "redis://127.0.0.1:6379/14"  # a database of its own, for tests


def _redis_answers():
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def counted_checks(monkeypatch):
    """Count the password checks; each one lingers a little so the whole burst overlaps."""
    calls = []
    lock = threading.Lock()
    real_authenticate = login.authenticate

    def counting_authenticate(*args, **kwargs):
        with lock:
            calls.append(kwargs.get("email"))
        time.sleep(0.05)
        return real_authenticate(*args, **kwargs)

    monkeypatch.setattr(login, "authenticate", counting_authenticate)
    return calls


def burst(email, password, *, ip=IP, size=BURST):
    """``size`` threads try to sign in as ``email`` at the same moment; their outcomes."""
    start = threading.Barrier(size)
    outcomes, errors = [], []

    def attempt():
        try:
            start.wait(timeout=10)
            request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=ip)
            outcomes.append(login.check_password(request, email, password))
        except Exception as error:  # noqa: BLE001 - the assertion reports it
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(size)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(outcomes) == size
    return outcomes


def assert_burst_is_capped(make_user, counted_checks, settings):
    user = make_user(email=EMAIL)
    limit = settings.LOGIN_THROTTLE["LOCK_AFTER"]
    outcomes = burst(EMAIL, "wrong-password")
    assert all(outcome.user is None for outcome in outcomes)
    assert len(counted_checks) <= limit
    assert LoginFailure.objects.filter(email=EMAIL).count() == len(counted_checks)
    locked = AuditEntry.objects.filter(action="user.locked")
    if len(counted_checks) == limit:
        assert locked.count() == 1
        assert locked.get().object_id == str(user.pk)
    else:  # some attempts were still slowed by the failures already recorded
        assert locked.count() <= 1
    return outcomes


def test_concurrent_wrong_passwords_check_at_most_lock_after(make_user, counted_checks,
                                                             settings):
    outcomes = assert_burst_is_capped(make_user, counted_checks, settings)
    refused = [o for o in outcomes if "ถูกล็อกชั่วคราว" in " ".join(o.errors)
               or "กรุณารอ" in " ".join(o.errors)]
    assert len(refused) >= BURST - settings.LOGIN_THROTTLE["LOCK_AFTER"]


def test_concurrent_burst_then_the_right_password_is_refused(make_user, counted_checks,
                                                            settings, password):
    assert_burst_is_capped(make_user, counted_checks, settings)
    checked = len(counted_checks)
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="198.51.100.1")
    outcome = login.check_password(request, EMAIL, password)
    assert outcome.user is None
    assert len(counted_checks) == checked  # refused without looking at the password


def test_concurrent_wrong_passwords_leave_other_accounts_at_that_address_alone(
        make_user, counted_checks, settings, password):
    colleague = make_user(email="colleague@example.go.th")
    assert_burst_is_capped(make_user, counted_checks, settings)
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=IP)
    assert login.check_password(request, colleague.email, password).user == colleague


@pytest.mark.redis
def test_concurrent_wrong_passwords_on_redis(make_user, counted_checks, settings):
    if not _redis_answers():
        pytest.skip("Redis not reachable on 127.0.0.1:6379")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": REDIS_URL}}
    assert isinstance(caches["default"], RedisCache)
    cache.clear()
    try:
        assert_burst_is_capped(make_user, counted_checks, settings)
    finally:
        cache.clear()
