"""Thai first: the interface language is Thai unless the user chose English.

Django's LocaleMiddleware would follow the browser's Accept-Language header, so a
Thai official on an English-language browser would get English. Here only the
language cookie set by the language switch (``/i18n/setlang/``) changes it.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


def chosen_language(request) -> str:
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if language in dict(settings.LANGUAGES):
        return language
    return settings.LANGUAGE_CODE


class ThaiFirstLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class TrustedProxyMiddleware:
    """Behind a reverse proxy, take the client's address from X-Forwarded-For.

    Only the last ``TRUSTED_PROXY_COUNT`` hops are trusted: with one proxy the client is the
    last address in the header (anything before it may be forged by the client). With the
    default of 0 the header is ignored. Login throttling and the audit log read REMOTE_ADDR.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = settings.TRUSTED_PROXY_COUNT
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if count > 0 and forwarded:
            hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
            if len(hops) >= count:
                request.META["REMOTE_ADDR"] = hops[-count]
        return self.get_response(request)


class UploadErrorMiddleware:
    """A form upload Django cannot read answers a Thai message instead of a bare
    "Bad Request (400)".

    Django reads a multipart request lazily and gives up with a 400 and no page when a part's
    headers exceed 1 KB (``MAX_TOTAL_HEADER_SIZE``: a file name of about 300 Thai letters),
    when the form fields are too big (``DATA_UPLOAD_MAX_MEMORY_SIZE``) or too many. Here the
    body is read before anything else needs it; if that fails the answer is a 400 with the
    reason in Thai: for htmx a fragment swapped into the page's message area
    (``#htmx-message-text``, or shown by ``gecc/js/htmx-errors.js`` from its
    ``data-error-message``), otherwise a page with a link back. The REST API keeps its own
    errors.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (request.method == "POST" and not request.path.startswith("/api/")
                and request.content_type == "multipart/form-data"):
            from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
            from django.http.multipartparser import MultiPartParserError

            try:
                request.POST  # noqa: B018 - reads the body, files included
            except (MultiPartParserError, RequestDataTooBig, TooManyFieldsSent) as exc:
                return upload_error_response(request, exc)
        return self.get_response(request)


def upload_error_message(exc) -> str:
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
    from django.utils.translation import gettext as _

    if "header size" in str(exc):
        return _("The file name is too long. Rename the file to a shorter name (up to about "
                 "200 letters) and upload it again.")
    if isinstance(exc, RequestDataTooBig):
        return _("The form holds too much text to be sent at once. Shorten it and try again.")
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return _("The form sends too many fields or files at once. Send fewer at a time.")
    return _("The upload could not be read. Choose the file again and upload it again.")


def upload_error_response(request, exc):
    from django.shortcuts import render
    from django.utils.http import url_has_allowed_host_and_scheme

    message = upload_error_message(exc)
    if request.headers.get("HX-Request") == "true":
        response = render(request, "errors/upload_fragment.html", {"message": message},
                          status=400)
        response["HX-Retarget"] = "#htmx-message-text"
        response["HX-Reswap"] = "innerHTML"
        return response
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        back = ""
    return render(request, "errors/upload.html", {"message": message, "back_url": back},
                  status=400)
