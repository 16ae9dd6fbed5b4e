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
