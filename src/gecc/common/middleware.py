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
