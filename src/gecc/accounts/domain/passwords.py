"""Password change and reset: the state change and its audit entry (never the secret)."""

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


def password_reset_requested(email, *, request=None):
    """Log a reset request. Whether the address has an account is kept in the log only."""
    email = normalise_email(email)
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    log_action("user.password_reset_requested", obj=user,
               data={"email": email, "ip": client_ip(request), "known": user is not None},
               request=request)
