"""Sign-in throttling: slow down, then lock, an email address or an IP address.

Every failed attempt (wrong password, wrong one-time code) is one ``LoginFailure`` row.
Failures are counted per email address and per IP address within
``settings.LOGIN_THROTTLE["WINDOW_SECONDS"]``; the stricter verdict of the two wins.

- After ``SLOW_AFTER`` failures the next attempt must wait
  ``2 ** (n - SLOW_AFTER) * SLOW_BASE_SECONDS`` seconds after the latest failure.
- After ``LOCK_AFTER`` failures within one window, attempts are refused for
  ``LOCK_SECONDS`` after the latest failure.

A refused attempt is not recorded (so waiting out a lock always ends it) and never
checks the password. A complete sign-in clears the failures of that email address.
Every function takes an optional ``now`` so tests can move time.
"""

import math
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from gecc.accounts.models import LoginFailure, User
from gecc.audit.domain import log_action

SLOW_BASE_SECONDS = 5


@dataclass(frozen=True)
class Verdict:
    """Whether an attempt may go ahead now; if not, how long to wait and why."""

    allowed: bool
    locked: bool = False
    wait_seconds: int = 0

    @property
    def message(self) -> str:
        if self.allowed:
            return ""
        if self.locked:
            minutes = max(1, math.ceil(self.wait_seconds / 60))
            if minutes == 1:
                return _("Sign-in is locked after too many failed attempts. "
                         "Try again in one minute.")
            return _("Sign-in is locked after too many failed attempts. "
                     "Try again in %(minutes)d minutes.") % {"minutes": minutes}
        if self.wait_seconds == 1:
            return _("Too many failed attempts. Please wait one second before trying again.")
        return _("Too many failed attempts. Please wait %(seconds)d seconds "
                 "before trying again.") % {"seconds": self.wait_seconds}


ALLOWED = Verdict(allowed=True)


def normalise_email(email) -> str:
    return (email or "").strip().lower()


def client_ip(request):
    """The address the request came from (REMOTE_ADDR), or None."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _config():
    return settings.LOGIN_THROTTLE


def _seconds_until(moment, now) -> int:
    return max(1, math.ceil((moment - now).total_seconds()))


def _verdict(failures, now) -> Verdict:
    """The verdict for one set of failures (one email address or one IP address)."""
    cfg = _config()
    window = timedelta(seconds=cfg["WINDOW_SECONDS"])
    lock = timedelta(seconds=cfg["LOCK_SECONDS"])
    lock_after, slow_after = cfg["LOCK_AFTER"], cfg["SLOW_AFTER"]
    recent = list(
        failures.filter(at__gt=now - max(window, lock), at__lte=now)
        .order_by("-at")
        .values_list("at", flat=True)[:lock_after]
    )
    if not recent:
        return ALLOWED
    latest = recent[0]
    if len(recent) >= lock_after and recent[lock_after - 1] > latest - window:
        locked_until = latest + lock
        if now < locked_until:
            return Verdict(allowed=False, locked=True,
                           wait_seconds=_seconds_until(locked_until, now))
        return ALLOWED  # the lock has run out: one more try
    count = sum(1 for at in recent if at > now - window)
    if count >= slow_after:
        slowed_until = latest + timedelta(seconds=2 ** (count - slow_after) * SLOW_BASE_SECONDS)
        if now < slowed_until:
            return Verdict(allowed=False, wait_seconds=_seconds_until(slowed_until, now))
    return ALLOWED


def _strictest(verdicts) -> Verdict:
    refused = [v for v in verdicts if not v.allowed]
    if not refused:
        return ALLOWED
    return max(refused, key=lambda v: (v.locked, v.wait_seconds))


def check(email, ip, *, now=None) -> Verdict:
    """May someone try to sign in as ``email`` from ``ip`` now?"""
    now = now or timezone.now()
    verdicts = [_verdict(LoginFailure.objects.filter(email=normalise_email(email)), now)]
    if ip:
        verdicts.append(_verdict(LoginFailure.objects.filter(ip_address=ip), now))
    return _strictest(verdicts)


def record_failure(email, ip, *, now=None, request=None) -> Verdict:
    """Record one failed attempt; return the verdict for the next one.

    When this failure locks the email address or the IP address, ``user.locked`` is logged.
    """
    now = now or timezone.now()
    email = normalise_email(email)
    LoginFailure.objects.create(email=email, ip_address=ip, at=now)
    verdict = check(email, ip, now=now)
    if verdict.locked:
        log_action(
            "user.locked",
            obj=User.objects.filter(email__iexact=email).first(),
            data={"email": email, "ip": ip, "locked_seconds": verdict.wait_seconds},
            request=request,
        )
    return verdict


def clear_failures(email) -> int:
    """Forget the failures of ``email`` after a complete sign-in; returns how many."""
    deleted, _counts = LoginFailure.objects.filter(email=normalise_email(email)).delete()
    return deleted
