"""Require a verified second factor for the roles that must have one."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/verify/")


class SecondFactorRequiredMiddleware:
    """Send a signed-in user whose role requires a second factor to enrol or verify it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and requires_second_factor(user)
            and not user.is_verified()
        ):
            from gecc.accounts.domain.otp import has_confirmed_device

            target = "accounts:otp.verify" if has_confirmed_device(user) else "accounts:otp.enrol"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


def requires_second_factor(user) -> bool:
    from gecc.accounts.domain.otp import requires_second_factor as required

    return required(user)
