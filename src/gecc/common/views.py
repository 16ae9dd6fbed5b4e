"""The error pages: 400, 403, 404, 500 and the CSRF failure, in the site's layout.

Django's own handlers render ``400.html`` and ``500.html`` without the request, so those
pages would have no navigation, no language and no signed-in user; these render every
error page with the request (context processors included) and offer a way back: the
previous page when it was on this site, and the home page. ``gecc/urls.py`` installs them
as ``handler400``…``handler500``; ``settings.CSRF_FAILURE_VIEW`` names ``csrf_failure``.

The 500 page is rendered while something is already broken (the database may be down, and
the navigation reads the user's roles from it), so when rendering it with the request fails
it falls back to ``500_plain.html``, a self-contained page that needs no context processor,
and, if even that fails, to a fixed bilingual text.
"""

import logging

from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme

logger = logging.getLogger(__name__)

PLAIN_500 = (
    '<!DOCTYPE html><html lang="th"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>เกิดข้อผิดพลาด · Server error</title></head><body><main>"
    "<h1>ระบบขัดข้องชั่วคราว</h1><p>โปรดลองอีกครั้งในอีกสักครู่ "
    '<a href="/">กลับหน้าแรก</a></p>'
    '<h2 lang="en">Server error</h2><p lang="en">Please try again in a moment. '
    '<a href="/">Back to the home page</a></p></main></body></html>')


def back_url(request):
    """The page the user came from, when it is a page of this site and not this one."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer or not url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return ""
    if referer.endswith(request.get_full_path()):
        return ""  # the broken page itself: "back" would only show it again
    return referer


def render_error(request, template_name, status, **context):
    body = loader.render_to_string(template_name, {"back_url": back_url(request),
                                                   "status": status, **context},
                                   request=request)
    return HttpResponse(body, status=status)


def bad_request(request, exception=None):
    return render_error(request, "400.html", 400)


def permission_denied(request, exception=None):
    return render_error(request, "403.html", 403)


def page_not_found(request, exception=None):
    return render_error(request, "404.html", 404, request_path=request.path)


def csrf_failure(request, reason=""):
    """The form was sent without a valid security token: usually a page left open past the
    session's end, or cookies switched off. ``reason`` is Django's English diagnosis; it is
    logged, not shown."""
    logger.warning("CSRF failure on %s: %s", request.path, reason)
    return render_error(request, "403_csrf.html", 403)


def server_error(request, *args, **kwargs):
    try:
        return render_error(request, "500.html", 500)
    except Exception:  # the page must be shown whatever else is broken
        logger.exception("The 500 page could not be rendered with the request; plain page")
    try:
        return HttpResponseServerError(loader.render_to_string("500_plain.html"))
    except Exception:
        logger.exception("The plain 500 page could not be rendered; fixed text")
        return HttpResponseServerError(PLAIN_500)
