"""Reversing one URL pattern many times on a page, cheaply.

A self-assessment page links every one of its 60 answers and their evidence files to a
handful of URL patterns; ``django.urls.reverse`` resolves the pattern afresh each time
(about 0.04 ms, a sixth of the page). ``reverse_one`` reverses a pattern once with a
stand-in value, keeps the text before and after it, and fills in the real value: the same
string ``reverse`` gives, for URLs with one ``int`` or ``uuid`` argument. Anything else
goes to ``reverse``.

``absolute_url`` turns a path into the full address e-mails must carry (``SITE_URL``).
"""

import functools
import uuid
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

_STAND_INS = {int: 987654320123456789,
              uuid.UUID: uuid.UUID("0badc0de-0000-4000-8000-00000000beef")}


@functools.lru_cache(maxsize=256)
def _around(name, argument, kind, prefix, urlconf):
    stand_in = _STAND_INS[kind]
    url = reverse(name, kwargs={argument: stand_in}, urlconf=urlconf)
    before, found, after = url.partition(str(stand_in))
    if not found:  # a converter that does not write the value as str() does
        return None
    return before, after


def reverse_one(name, **kwargs) -> str:
    """``reverse(name, kwargs=kwargs)`` for a URL with a single int or UUID argument."""
    if len(kwargs) == 1:
        (argument, value), = kwargs.items()
        kind = type(value)
        if kind in _STAND_INS:
            parts = _around(name, argument, kind, get_script_prefix(), get_urlconf())
            if parts is not None:
                return f"{parts[0]}{value}{parts[1]}"
    return reverse(name, kwargs=kwargs)


# -- absolute links for e-mails ------------------------------------------------------------

def absolute_url(url, request=None) -> str:
    """The address of ``url`` (a path such as ``/portal/applications/9/``) that works from
    outside the site, e.g. in a mail client: ``SITE_URL`` + path. Every link put into an
    e-mail is built here.

    An absolute URL (with a scheme) is returned as it is. Without ``SITE_URL``, a path is made
    absolute from ``request`` (the address the browser used) when one is given, and is
    otherwise returned unchanged: the outbox then refuses the message as containing a
    relative link (``gecc.notifications.domain.links``) and the deploy check warns."""
    if not url or not isinstance(url, str) or urlsplit(url).scheme:
        return url
    base = (getattr(settings, "SITE_URL", "") or "").strip()
    if base:
        return urljoin(base.rstrip("/") + "/", url.lstrip("/"))
    if request is not None:
        return request.build_absolute_uri(url)
    return url
