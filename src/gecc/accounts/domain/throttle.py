"""Sign-in throttling: slow down, then lock, an account; lock a client address much later.

Every failed attempt (wrong password, wrong one-time code) is one ``LoginFailure`` row.
Failures are counted per account (email address) and per client address within
``settings.LOGIN_THROTTLE["WINDOW_SECONDS"]``; the stricter verdict of the two wins.

- Account: after ``SLOW_AFTER`` failures the next attempt must wait
  ``2 ** (n - SLOW_AFTER) * SLOW_BASE_SECONDS`` seconds after the latest failure; after
  ``LOCK_AFTER`` failures within one window, attempts are refused for ``LOCK_SECONDS``
  after the latest failure.
- Client address: no slowing; locked after ``ADDRESS_LOCK_AFTER`` failures (much higher,
  since a whole government office may sign in from one NAT address, and one colleague's
  locked account must not refuse another's right password).

Concurrency: the verdict above is read from the database, so attempts sent at the same
moment would all pass it before any failure is written. ``begin()`` therefore also
*reserves* the attempt in two cache counters (account and address) before the password is
looked at: ``cache.add`` creates a counter with its window, ``cache.incr`` takes a place
atomically, and a place beyond the limit is refused without checking the password. A
counter holds the failures plus the attempts in flight: ``release()`` gives the place
back when the password (or code) was right. So however many attempts arrive at once, at
most ``LOCK_AFTER`` passwords are checked per account per window. ``user.locked`` is
written once per lock: the failure that locks also claims a lock marker with
``cache.add``, and only the one request that wins it writes the entry.

When the cache cannot be reached, sign-in **fails closed**: the attempt is refused with
a Thai message saying sign-in is unavailable for a moment (never a server error), since
without the counters the password could be guessed at without limit. Password-reset
requests fail closed as well (``password_reset_allowed``): the page answers as always,
"if the address has an account we sent a link", but no email goes out.

A refused attempt is not recorded (so waiting out a lock always ends it) and never
checks the password. A complete sign-in clears the failures of that email address.
Every verdict function takes an optional ``now`` so tests can move time.
"""

import hashlib
import logging
import math
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from gecc.accounts.models import LoginFailure, User
from gecc.audit.domain import log_action

logger = logging.getLogger(__name__)


def _cache_errors() -> tuple:
    """What a cache backend raises when its server is down or does not answer."""
    errors = [OSError]  # ConnectionError, TimeoutError, socket errors
    try:
        from redis.exceptions import RedisError
    except ImportError:  # pragma: no cover - redis is a dependency
        pass
    else:
        errors.append(RedisError)
    return tuple(errors)


CACHE_ERRORS = _cache_errors()


class CacheUnavailable(Exception):
    """The throttle's cache did not answer; the caller decides whether to fail closed."""


SLOW_BASE_SECONDS = 5
ACCOUNT, ADDRESS = "account", "address"


@dataclass(frozen=True)
class Verdict:
    """Whether an attempt may go ahead now; if not, how long to wait and why."""

    allowed: bool
    locked: bool = False
    wait_seconds: int = 0
    unavailable: bool = False  # the throttle's cache did not answer: refused, fail closed

    @property
    def message(self) -> str:
        if self.allowed:
            return ""
        if self.unavailable:
            return _("Sign-in is unavailable for a moment because of a system fault. "
                     "Please try again in a few minutes.")
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
UNAVAILABLE = Verdict(allowed=False, unavailable=True)


def normalise_email(email) -> str:
    return (email or "").strip().lower()


def client_ip(request):
    """The address the request came from (REMOTE_ADDR), or None."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _config():
    return settings.LOGIN_THROTTLE


def _limits(scope):
    """(slow after, lock after) failures for ``scope``; an address is never slowed."""
    cfg = _config()
    if scope == ACCOUNT:
        return cfg["SLOW_AFTER"], cfg["LOCK_AFTER"]
    return None, cfg.get("ADDRESS_LOCK_AFTER", 100)


def _seconds_until(moment, now) -> int:
    return max(1, math.ceil((moment - now).total_seconds()))


# Verdicts from the recorded failures ------------------------------------------------------


def _verdict(failures, now, *, slow_after, lock_after) -> Verdict:
    """The verdict for one set of failures (one account or one client address)."""
    cfg = _config()
    window = timedelta(seconds=cfg["WINDOW_SECONDS"])
    lock = timedelta(seconds=cfg["LOCK_SECONDS"])
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
    if slow_after is None:
        return ALLOWED
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
    return max(refused, key=lambda v: (v.unavailable, v.locked, v.wait_seconds))


def _scope_verdicts(email, ip, now) -> dict:
    slow_after, lock_after = _limits(ACCOUNT)
    verdicts = {ACCOUNT: _verdict(LoginFailure.objects.filter(email=normalise_email(email)),
                                  now, slow_after=slow_after, lock_after=lock_after)}
    if ip:
        slow_after, lock_after = _limits(ADDRESS)
        verdicts[ADDRESS] = _verdict(LoginFailure.objects.filter(ip_address=ip), now,
                                     slow_after=slow_after, lock_after=lock_after)
    return verdicts


def check(email, ip, *, now=None) -> Verdict:
    """Do the recorded failures let someone try to sign in as ``email`` from ``ip`` now?

    This reads the database only; ``begin()`` adds the atomic reservation.
    """
    now = now or timezone.now()
    return _strictest(_scope_verdicts(email, ip, now).values())


# Atomic reservations in the cache --------------------------------------------------------


def _key(kind, scope, value) -> str:
    """A cache key that holds no address in clear (and no characters a backend refuses)."""
    digest = hashlib.sha256(str(value).encode()).hexdigest()[:32]
    return f"login:{kind}:{scope}:{digest}"


def _counter_seconds() -> int:
    """How long a reservation counter lives: its window, but never past a lock.

    After a lock has run out, the recorded failures allow one more try; a counter that
    outlived the lock would refuse it.
    """
    cfg = _config()
    return max(1, min(cfg["WINDOW_SECONDS"], cfg["LOCK_SECONDS"]))


def take_place(key, timeout) -> int:
    """Atomically count one more under ``key`` (created with ``timeout``); the new count.

    Raises ``CacheUnavailable`` when the cache does not answer.
    """
    try:
        for _attempt in range(3):
            cache.add(key, 0, timeout=timeout)
            try:
                return cache.incr(key)
            except ValueError:  # the counter expired between add and incr: start again
                continue
    except CACHE_ERRORS as error:
        logger.warning("Throttle cache unavailable (%s): %s", key.split(":")[0], error)
        raise CacheUnavailable from error
    raise CacheUnavailable(f"counter {key} keeps expiring")


def give_back(key) -> None:
    """Return one place taken with ``take_place``; a lost counter is simply gone."""
    try:
        cache.decr(key)
    except ValueError:  # expired or cleared meanwhile
        pass
    except CACHE_ERRORS as error:
        logger.warning("Throttle cache unavailable (give back): %s", error)


@dataclass
class Attempt:
    """One sign-in attempt: its verdict and the places it holds in the counters."""

    email: str
    ip: str | None
    verdict: Verdict
    keys: list = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return self.verdict.allowed

    @property
    def message(self) -> str:
        return self.verdict.message


def begin(email, ip, *, now=None) -> Attempt:
    """May someone try ``email`` from ``ip`` now? If so, hold a place for the attempt.

    Refused (without looking at the password) when the recorded failures say so, when the
    account's or the address's counter is full, or when the cache is down (fail closed).
    The caller checks the password only if ``attempt.allowed``; then it calls
    ``record_failure`` for a wrong one or ``release(attempt)`` for a right one.
    """
    email = normalise_email(email)
    verdict = check(email, ip, now=now)
    if not verdict.allowed:
        return Attempt(email, ip, verdict)
    scopes = [(ACCOUNT, email)] + ([(ADDRESS, ip)] if ip else [])
    attempt = Attempt(email, ip, ALLOWED)
    timeout = _counter_seconds()
    for scope, value in scopes:
        key = _key("attempts", scope, value)
        try:
            count = take_place(key, timeout)
        except CacheUnavailable:
            release(attempt)
            attempt.verdict = UNAVAILABLE
            return attempt
        attempt.keys.append(key)
        if count > _limits(scope)[1]:
            release(attempt)  # a refused attempt holds no place
            attempt.verdict = Verdict(allowed=False, locked=True, wait_seconds=timeout)
            return attempt
    return attempt


def release(attempt) -> None:
    """Give back the places ``attempt`` holds (the password or code was right)."""
    for key in attempt.keys:
        give_back(key)
    attempt.keys = []


# Failures, locks and clearing -------------------------------------------------------------


def _first_to_lock(scope, value) -> bool:
    """Claim the lock of ``scope``/``value``: True for exactly one request per lock."""
    try:
        return cache.add(_key("locked", scope, value), 1, timeout=_config()["LOCK_SECONDS"])
    except CACHE_ERRORS as error:
        logger.warning("Throttle cache unavailable (lock marker): %s", error)
        return True  # better a repeated audit entry than a missing one


def record_failure(email, ip, *, now=None, request=None) -> Verdict:
    """Record one failed attempt; return the verdict for the next one.

    When this failure locks the account or the client address, ``user.locked`` is logged
    once for that lock, however many failures land at the same moment.
    """
    email = normalise_email(email)
    LoginFailure.objects.create(email=email, ip_address=ip, at=now or timezone.now())
    # Judged after the insert, at a fresh "now" (unless a test fixed it), so the failures
    # written meanwhile by simultaneous attempts all count.
    verdicts = _scope_verdicts(email, ip, now or timezone.now())
    for scope, value in ((ACCOUNT, email), (ADDRESS, ip)):
        verdict = verdicts.get(scope)
        if verdict is not None and verdict.locked and _first_to_lock(scope, value):
            log_action(
                "user.locked",
                obj=User.objects.filter(email__iexact=email).first(),
                data={"email": email, "ip": ip, "scope": scope,
                      "locked_seconds": verdict.wait_seconds},
                request=request,
            )
    return _strictest(verdicts.values())


def clear_failures(email) -> int:
    """Forget the failures of ``email`` after a complete sign-in; returns how many."""
    email = normalise_email(email)
    deleted, _counts = LoginFailure.objects.filter(email=email).delete()
    try:
        cache.delete_many([_key("attempts", ACCOUNT, email), _key("locked", ACCOUNT, email)])
    except CACHE_ERRORS as error:
        logger.warning("Throttle cache unavailable (clear): %s", error)
    return deleted


# Password-reset requests -----------------------------------------------------------------


def password_reset_allowed(email, ip) -> bool:
    """Count one reset request for ``email`` and ``ip``; False once a limit is passed.

    At most ``PASSWORD_RESET_LIMIT["PER_EMAIL"]`` links per address and ``["PER_IP"]``
    requests per client address in ``["WINDOW_SECONDS"]``, so nobody can flood a mailbox.
    When the cache is down this fails closed (False): the page answers the same as ever,
    but no link is sent until the counters can be kept again.
    """
    limits = settings.PASSWORD_RESET_LIMIT
    window = limits["WINDOW_SECONDS"]
    try:
        allowed = take_place(f"pwreset:ip:{ip}", window) <= limits["PER_IP"]
        email_count = take_place(f"pwreset:email:{normalise_email(email)}", window)
    except CacheUnavailable:
        return False
    return email_count <= limits["PER_EMAIL"] and allowed
