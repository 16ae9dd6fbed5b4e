"""Signing in and out: password check (throttled), pending second factor, audit.

A user with a confirmed TOTP device is not signed in after the password alone: the
password step leaves a short-lived "pending" mark in the session, and only a valid
one-time code (``gecc.accounts.domain.otp.verify_code``) completes the sign-in.
"""

import time
from dataclasses import dataclass, field

from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.utils.translation import gettext as _
from django_otp import login as otp_login

from gecc.accounts.domain import throttle
from gecc.accounts.domain.otp import has_confirmed_device
from gecc.accounts.models import User
from gecc.audit.domain import log_action

PENDING_USER_KEY = "accounts_pending_user"
PENDING_BACKEND_KEY = "accounts_pending_backend"
PENDING_SINCE_KEY = "accounts_pending_since"
PENDING_MAX_SECONDS = 600


@dataclass
class PasswordOutcome:
    user: User | None
    errors: list = field(default_factory=list)
    needs_second_factor: bool = False


def check_password(request, email, password, *, now=None) -> PasswordOutcome:
    """The password step. Throttled: a refused attempt does not check the password.

    The attempt holds its place in the throttle's counters before the password is checked
    (see ``gecc.accounts.domain.throttle``), so attempts sent at once cannot all slip
    through; when the throttle's cache is down the attempt is refused (fail closed).
    """
    email = throttle.normalise_email(email)
    ip = throttle.client_ip(request)
    attempt = throttle.begin(email, ip, now=now)
    if not attempt.allowed:
        return PasswordOutcome(None, [attempt.message])
    user = authenticate(request, email=email, password=password)
    if user is None:
        log_action("user.login_failed", data={"email": email, "ip": ip}, request=request)
        verdict = throttle.record_failure(email, ip, now=now, request=request)
        errors = [_("The email address or password is incorrect.")]
        if not verdict.allowed:
            errors.append(verdict.message)
        return PasswordOutcome(None, errors)
    throttle.release(attempt)  # a right password is not a failure
    return PasswordOutcome(user, needs_second_factor=has_confirmed_device(user))


def complete_login(request, user, *, device=None, backend=None):
    """Sign ``user`` in (with ``device`` as the verified second factor, if given)."""
    auth_login(request, user, backend=backend or getattr(user, "backend", None))
    if device is not None:
        otp_login(request, device)
    clear_pending(request)
    throttle.clear_failures(user.email)
    log_action("user.login", actor=user, obj=user,
               data={"ip": throttle.client_ip(request), "second_factor": device is not None},
               request=request)


def logout(request):
    user = request.user
    if user.is_authenticated:
        log_action("user.logout", actor=user, obj=user, request=request)
    auth_logout(request)


# The pending second-factor step ----------------------------------------------------------


def start_pending(request, user):
    """Remember that ``user`` passed the password step and must now give a code.

    Whoever was signed in on this browser before is signed out first.
    """
    if request.user.is_authenticated:
        logout(request)
    request.session.cycle_key()
    request.session[PENDING_USER_KEY] = user.pk
    request.session[PENDING_BACKEND_KEY] = user.backend
    request.session[PENDING_SINCE_KEY] = int(time.time())


def pending_user(request):
    """The user waiting for the second-factor step in this session, or None."""
    session = request.session
    pk = session.get(PENDING_USER_KEY)
    if pk is None:
        return None
    if int(time.time()) - session.get(PENDING_SINCE_KEY, 0) > PENDING_MAX_SECONDS:
        clear_pending(request)
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is not None:
        user.backend = session.get(PENDING_BACKEND_KEY)
    return user


def clear_pending(request):
    for key in (PENDING_USER_KEY, PENDING_BACKEND_KEY, PENDING_SINCE_KEY):
        request.session.pop(key, None)
