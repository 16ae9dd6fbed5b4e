"""How long a signed-in session lasts, and ending one that has run out.

Two clocks, both kept in the session (seconds since the epoch):

- idle: the time of the last request; after ``SESSION_IDLE_TIMEOUT_STAFF_OTP`` (default
  30 minutes) for a staff member who verified a second factor, ``SESSION_IDLE_TIMEOUT``
  (default 8 hours) for everyone else, the session ends;
- absolute: the time of signing in; after ``SESSION_ABSOLUTE_LIFETIME`` (default 12 hours)
  the session ends however busy it is.

The last-request time is written at most once a minute, so a page of many htmx requests
does not save the session on every one.
"""

import time

from django.conf import settings
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.signals import user_logged_in

from gecc.audit.domain import log_action

STARTED_KEY = "gecc_session_started"
SEEN_KEY = "gecc_session_seen"
USER_KEY = "gecc_session_user"
SEEN_RESOLUTION_SECONDS = 60

IDLE, ABSOLUTE = "idle", "absolute"


def idle_timeout(user) -> int:
    """Seconds without a request after which ``user``'s session ends."""
    staff = user.is_staff or user.is_superuser or user.is_staff_member
    verified = getattr(user, "is_verified", lambda: False)()
    if staff and verified:
        return int(settings.SESSION_IDLE_TIMEOUT_STAFF_OTP)
    return int(settings.SESSION_IDLE_TIMEOUT)


def absolute_lifetime() -> int:
    return int(settings.SESSION_ABSOLUTE_LIFETIME)


def start_clocks(sender, request, user, **kwargs):
    """On signing in: both clocks start now (a receiver of ``user_logged_in``)."""
    session = getattr(request, "session", None)
    if session is not None:
        now = time.time()
        session[USER_KEY], session[STARTED_KEY], session[SEEN_KEY] = user.pk, now, now


def connect_signals():
    user_logged_in.connect(start_clocks, dispatch_uid="gecc.accounts.sessions.start_clocks")


def check_session(request, now=None):
    """``None`` while the signed-in session may go on (its clocks are updated), else why it
    has ended: ``"idle"`` or ``"absolute"``."""
    now = time.time() if now is None else now
    session, user = request.session, request.user
    if session.get(USER_KEY) != user.pk or STARTED_KEY not in session:
        # Signed in since the clocks were set (or before they existed): start them now.
        session[USER_KEY], session[STARTED_KEY], session[SEEN_KEY] = user.pk, now, now
        return None
    if now - float(session[STARTED_KEY]) > absolute_lifetime():
        return ABSOLUTE
    if now - float(session.get(SEEN_KEY, session[STARTED_KEY])) > idle_timeout(user):
        return IDLE
    if now - float(session.get(SEEN_KEY, 0)) >= SEEN_RESOLUTION_SECONDS:
        session[SEEN_KEY] = now
    return None


def end_session(request, reason):
    """Sign the user out because the session ran out (``reason``: idle or absolute)."""
    user = request.user
    log_action("user.session_expired", actor=user, obj=user, data={"reason": reason},
               request=request)
    auth_logout(request)
