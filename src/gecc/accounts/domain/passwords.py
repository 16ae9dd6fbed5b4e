"""Password change and reset: the state change and its audit entry (never the secret)."""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from gecc.accounts.domain.throttle import client_ip, normalise_email
from gecc.accounts.models import User
from gecc.audit.domain import log_action


@transaction.atomic
def set_new_password(user, raw_password, *, request=None, via="change"):
    """Set ``user``'s password; ``via`` is "change" (signed in) or "reset" (emailed link)."""
    user.set_password(raw_password)
    user.save(update_fields=["password"])
    log_action("user.password_changed", actor=user if via == "change" else None, obj=user,
               data={"via": via}, request=request)
    return user


def _within_limit(key, limit, window):
    """Count one more request under ``key``; False once ``limit`` is passed in ``window``."""
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit


def password_reset_requested(email, *, request=None) -> bool:
    """Log a reset request and say whether a link may be emailed now.

    At most PASSWORD_RESET_LIMIT["PER_EMAIL"] links per address and ["PER_IP"] requests per
    client address in ["WINDOW_SECONDS"], so nobody can flood a mailbox. The page answers
    the same either way; whether the address has an account is kept in the log only.
    """
    email = normalise_email(email)
    ip = client_ip(request)
    limits = settings.PASSWORD_RESET_LIMIT
    window = limits["WINDOW_SECONDS"]
    allowed = _within_limit(f"pwreset:ip:{ip}", limits["PER_IP"], window)
    allowed = _within_limit(f"pwreset:email:{email}", limits["PER_EMAIL"], window) and allowed
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    log_action("user.password_reset_requested", obj=user,
               data={"email": email, "ip": ip, "known": user is not None,
                     "throttled": not allowed},
               request=request)
    return allowed
