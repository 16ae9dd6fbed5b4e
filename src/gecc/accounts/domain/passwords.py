"""Password change and reset: the state change and its audit entry (never the secret)."""

from django.db import transaction

from gecc.accounts.domain.throttle import client_ip, normalise_email, password_reset_allowed
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


def password_reset_requested(email, *, request=None) -> bool:
    """Log a reset request and say whether a link may be emailed now.

    At most PASSWORD_RESET_LIMIT["PER_EMAIL"] links per address and ["PER_IP"] requests per
    client address in ["WINDOW_SECONDS"], so nobody can flood a mailbox. The page answers
    the same either way; whether the address has an account is kept in the log only.
    When the throttle's cache is down no link is sent (fail closed; see
    ``throttle.password_reset_allowed``), and the page still answers the same.
    """
    email = normalise_email(email)
    ip = client_ip(request)
    allowed = password_reset_allowed(email, ip)
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    log_action("user.password_reset_requested", obj=user,
               data={"email": email, "ip": ip, "known": user is not None,
                     "throttled": not allowed},
               request=request)
    return allowed
