"""Small helpers shared by the account views."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from gecc.accounts.domain.otp import has_confirmed_device


def safe_next(request, default=None):
    """The ``next`` parameter if it points into this site, else ``default``."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default


def with_next(url_name, next_url):
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def redirect_next(request, default="home"):
    return redirect(safe_next(request) or resolve_url(default))


class VerifiedIfEnrolledMixin(LoginRequiredMixin):
    """Signed in, and, for a user who has a second factor, verified in this session.

    Security settings must not be changeable with the password alone.
    """

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not user.is_verified() and has_confirmed_device(user):
            return redirect(with_next("accounts:otp.verify", request.get_full_path()))
        return super().dispatch(request, *args, **kwargs)
