"""Middleware for signed-in sessions: the idle and absolute time limits, and no caching of
signed-in pages. The rules themselves are in ``gecc.accounts.domain.sessions``."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from gecc.accounts.domain.sessions import IDLE, check_session, end_session


def expired_message(reason) -> str:
    if reason == IDLE:
        return _("You were signed out because the system was not used for a while. Sign in "
                 "again to continue.")
    return _("You were signed out because your session reached its maximum length. Sign in "
             "again to continue.")


class SessionTimeoutMiddleware:
    """End a session that was idle too long or is older than its absolute lifetime.

    A page goes to the sign-in page (with a message, and back afterwards); an htmx request
    answers 401 with the message, so the page keeps what was typed and shows why it was not
    saved; the REST API simply sees an anonymous user.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            reason = check_session(request)
            if reason is not None:
                end_session(request, reason)
                message = expired_message(reason)
                if request.headers.get("HX-Request") == "true":
                    return HttpResponse(
                        format_html('<p data-error-message data-testid="session-expired">'
                                    "{}</p>", message), status=401)
                if not request.path.startswith("/api/"):
                    messages.warning(request, message)
                    return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class PrivateCacheMiddleware:
    """``Cache-Control: private, no-store`` on every response to a signed-in user, so no
    shared cache or browser history keeps a page meant for one person. Static files never
    get here (WhiteNoise answers them first) and anonymous pages keep their own headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
        return response
