"""Require a verified second factor for the roles that must have one."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/verify/")


class SecondFactorRequiredMiddleware:
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
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)


def requires_second_factor(user) -> bool:
    return any(user.has_role(role) for role in settings.SECOND_FACTOR_REQUIRED_ROLES)
