"""Throttling rules, with time passed in explicitly."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from gecc.accounts.domain import throttle
from gecc.accounts.models import LoginFailure
from gecc.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

EMAIL = "someone@example.go.th"
IP = "192.0.2.10"
T0 = timezone.now().replace(microsecond=0)


def fail(n, *, email=EMAIL, ip=IP, at=T0):
    verdict = None
    for _ in range(n):
        verdict = throttle.record_failure(email, ip, now=at)
    return verdict


def at(seconds):
    return T0 + timedelta(seconds=seconds)


def test_check_allows_a_first_attempt():
    assert throttle.check(EMAIL, IP, now=T0) == throttle.ALLOWED


def test_check_allows_below_slow_after():
    fail(2)
    assert throttle.check(EMAIL, IP, now=T0).allowed is True


def test_check_slows_after_three_failures_for_five_seconds():
    fail(3)
    verdict = throttle.check(EMAIL, IP, now=at(1))
    assert verdict == throttle.Verdict(allowed=False, locked=False, wait_seconds=4)
    assert throttle.check(EMAIL, IP, now=at(5)).allowed is True


def test_check_slowing_grows_with_each_failure():
    fail(5)  # 2 ** (5 - 3) * 5 = 20 seconds
    assert throttle.check(EMAIL, IP, now=at(19)).wait_seconds == 1
    assert throttle.check(EMAIL, IP, now=at(20)).allowed is True


def test_check_slow_message_says_how_many_seconds_in_thai():
    fail(4)
    assert throttle.check(EMAIL, IP, now=T0).message == (
        "พยายามเข้าสู่ระบบไม่สำเร็จหลายครั้งเกินไป กรุณารอ 10 วินาทีแล้วลองใหม่"
    )


def test_record_failure_locks_after_eight_failures():
    verdict = fail(8)
    assert verdict == throttle.Verdict(allowed=False, locked=True, wait_seconds=900)
    assert throttle.check(EMAIL, IP, now=at(600)).locked is True


def test_lock_message_says_locked_and_minutes_in_thai():
    fail(8)
    assert throttle.check(EMAIL, IP, now=at(60)).message == (
        "การเข้าสู่ระบบถูกล็อกชั่วคราวเพราะพยายามไม่สำเร็จหลายครั้งเกินไป "
        "กรุณาลองใหม่ในอีก 14 นาที"
    )


def test_lock_expires_after_lock_seconds():
    fail(8)
    assert throttle.check(EMAIL, IP, now=at(899)).locked is True
    assert throttle.check(EMAIL, IP, now=at(900)).allowed is True


def test_lock_expires_even_when_lock_outlasts_window(settings):
    settings.LOGIN_THROTTLE = {**settings.LOGIN_THROTTLE, "WINDOW_SECONDS": 60,
                               "LOCK_SECONDS": 600}
    fail(8)
    assert throttle.check(EMAIL, IP, now=at(300)).locked is True
    assert throttle.check(EMAIL, IP, now=at(600)).allowed is True


def test_failures_outside_the_window_do_not_count():
    fail(7, at=at(-901))
    assert throttle.check(EMAIL, IP, now=T0).allowed is True
    fail(1)
    assert throttle.check(EMAIL, IP, now=T0).allowed is True


def test_address_lock_applies_across_different_emails(settings):
    for n in range(settings.LOGIN_THROTTLE["ADDRESS_LOCK_AFTER"]):
        throttle.record_failure(f"guess{n}@example.go.th", IP, now=T0)
    assert throttle.check("victim@example.go.th", IP, now=at(1)).locked is True
    assert throttle.check("victim@example.go.th", "198.51.100.7", now=at(1)).allowed is True


def test_address_limit_is_much_higher_than_the_account_limit(settings):
    cfg = settings.LOGIN_THROTTLE
    assert cfg["ADDRESS_LOCK_AFTER"] >= 10 * cfg["LOCK_AFTER"]


def test_address_is_neither_slowed_nor_locked_by_one_locked_account():
    fail(8)  # EMAIL is locked, from IP
    assert throttle.check(EMAIL, IP, now=at(1)).locked is True
    assert throttle.check("colleague@example.go.th", IP, now=at(1)) == throttle.ALLOWED


def test_address_is_not_slowed_below_its_lock(settings):
    for n in range(settings.LOGIN_THROTTLE["ADDRESS_LOCK_AFTER"] - 1):
        throttle.record_failure(f"typo{n}@example.go.th", IP, now=T0)
    assert throttle.check("colleague@example.go.th", IP, now=T0) == throttle.ALLOWED


def test_email_lock_applies_from_any_ip():
    for n in range(8):
        throttle.record_failure(EMAIL, f"198.51.100.{n}", now=T0)
    assert throttle.check(EMAIL, "203.0.113.1", now=at(1)).locked is True


def test_email_is_matched_without_case_or_spaces():
    fail(8, email="Someone@Example.go.th ")
    assert throttle.check(EMAIL, None, now=at(1)).locked is True


def test_stricter_verdict_wins_between_email_and_ip(settings):
    fail(3)  # the email is slowed
    for n in range(settings.LOGIN_THROTTLE["ADDRESS_LOCK_AFTER"]):
        throttle.record_failure(f"other{n}@example.go.th", "203.0.113.9", now=T0)
    assert throttle.check(EMAIL, "203.0.113.9", now=at(1)).locked is True


def test_record_failure_logs_user_locked_once_on_locking(make_user):
    user = make_user(email=EMAIL)
    fail(7)
    assert AuditEntry.objects.filter(action="user.locked").count() == 0
    fail(1)
    entry = AuditEntry.objects.get(action="user.locked")
    assert entry.actor is None
    assert entry.object_id == str(user.pk)
    assert entry.data == {"email": EMAIL, "ip": IP, "scope": "account", "locked_seconds": 900}


def test_failures_landing_after_the_lock_do_not_log_it_again(make_user):
    make_user(email=EMAIL)
    fail(8)
    fail(3, at=at(1))  # attempts that were already in flight when the lock began
    assert AuditEntry.objects.filter(action="user.locked").count() == 1


def test_a_new_lock_after_the_last_one_ran_out_is_logged_again(make_user):
    make_user(email=EMAIL)
    fail(8)
    cache.clear()  # the lock marker lives as long as the lock: here it has run out
    assert throttle.check(EMAIL, IP, now=at(900)).allowed is True
    fail(8, at=at(900))
    assert AuditEntry.objects.filter(action="user.locked").count() == 2


def test_address_lock_is_logged_once_with_its_scope(settings):
    for n in range(settings.LOGIN_THROTTLE["ADDRESS_LOCK_AFTER"] + 2):
        throttle.record_failure(f"guess{n}@example.go.th", IP, now=T0)
    entry = AuditEntry.objects.get(action="user.locked")
    assert entry.data["scope"] == "address"
    assert entry.data["ip"] == IP


# Reservations: an attempt holds its place before the password is checked -----------------


def test_begin_refuses_once_lock_after_attempts_are_in_flight():
    attempts = [throttle.begin(EMAIL, IP, now=T0) for _ in range(8)]
    assert all(attempt.allowed for attempt in attempts)
    refused = throttle.begin(EMAIL, "198.51.100.3", now=T0)
    assert refused.allowed is False
    assert refused.verdict.locked is True
    assert LoginFailure.objects.count() == 0  # refused by the counter alone


def test_release_gives_the_place_back_after_a_right_password():
    attempts = [throttle.begin(EMAIL, IP, now=T0) for _ in range(8)]
    throttle.release(attempts[0])
    assert throttle.begin(EMAIL, IP, now=T0).allowed is True
    assert throttle.begin(EMAIL, IP, now=T0).allowed is False


def test_refused_attempt_holds_no_place():
    attempts = [throttle.begin(EMAIL, IP, now=T0) for _ in range(8)]
    for _ in range(5):
        assert throttle.begin(EMAIL, IP, now=T0).allowed is False
    throttle.release(attempts[0])
    assert throttle.begin(EMAIL, IP, now=T0).allowed is True


def test_begin_counts_the_address_separately_with_its_own_limit(settings):
    settings.LOGIN_THROTTLE = {**settings.LOGIN_THROTTLE, "ADDRESS_LOCK_AFTER": 12}
    for n in range(12):
        assert throttle.begin(f"user{n}@example.go.th", IP, now=T0).allowed is True
    assert throttle.begin("user99@example.go.th", IP, now=T0).allowed is False
    assert throttle.begin("user99@example.go.th", "198.51.100.3", now=T0).allowed is True


def test_begin_refuses_what_the_recorded_failures_refuse():
    fail(8)
    attempt = throttle.begin(EMAIL, IP, now=at(1))
    assert attempt.allowed is False
    assert attempt.message == throttle.check(EMAIL, IP, now=at(1)).message


def test_clear_failures_also_empties_the_account_counter():
    for _ in range(8):
        throttle.begin(EMAIL, IP, now=T0)
    throttle.clear_failures(EMAIL)
    assert throttle.begin(EMAIL, IP, now=T0).allowed is True


def test_clear_failures_forgets_only_that_email():
    fail(3)
    throttle.record_failure("other@example.go.th", IP, now=T0)
    assert throttle.clear_failures(EMAIL.upper()) == 3
    assert list(LoginFailure.objects.values_list("email", flat=True)) == ["other@example.go.th"]


def test_slow_message_for_the_last_second_in_thai():
    fail(3)
    assert throttle.check(EMAIL, IP, now=at(4)).message == (
        "พยายามเข้าสู่ระบบไม่สำเร็จหลายครั้งเกินไป กรุณารอ 1 วินาทีแล้วลองใหม่"
    )


def test_lock_message_for_the_last_minute_in_thai():
    fail(8)
    assert throttle.check(EMAIL, IP, now=at(850)).message == (
        "การเข้าสู่ระบบถูกล็อกชั่วคราวเพราะพยายามไม่สำเร็จหลายครั้งเกินไป "
        "กรุณาลองใหม่ในอีก 1 นาที"
    )


def test_messages_in_english():
    from django.utils.translation import override

    fail(8)
    with override("en"):
        assert throttle.check(EMAIL, IP, now=at(60)).message == (
            "Sign-in is locked after too many failed attempts. Try again in 14 minutes.")
