"""The public pages' cache: the HTML of a page's content (never the page around it, which
carries the visitor's CSRF token, language switch and sign-in state), in the Django cache.

Two kinds of key:

- **By question** (registry search, province counts): the language, the cleaned filters
  and page, today's date and the registry's version number. An entry lives
  ``PUBLIC_CACHE_SECONDS`` (300 s by default), so a change reaches these pages within that
  time at the latest; ``registry_changed()`` bumps the version number, which makes every
  such entry unreachable at once (call it after a change the public must see now).
- **By answer** (a centre's page): the page's data is read with one query on every request
  and the key is a hash of everything the content shows (with the language), so a
  suspension, a withdrawal or a level change shows on the very next request; only the
  rendering is saved.
- **Verification** (``/verify/<number>/``, the page the QR codes open): the key holds the
  number, the language, today's date (a certificate expires by date), the registry's
  version and the certificate's own version number. Saving or deleting a certificate bumps
  both (``gecc.public.apps``: ``post_save``/``post_delete`` receivers, so every lifecycle
  function that saves the row, e.g. ``suspend_certificate``, is seen on the next request);
  saving a unit or an organisation bumps the registry's version. A page served from the
  cache costs no query. A change written with ``QuerySet.update()`` (no signal) shows
  within ``PUBLIC_CACHE_SECONDS``; the daily expiry job needs nothing, since the status is
  computed from the date.

Whole pages are kept for anonymous visitors with a placeholder for the CSRF token
(``views_registry.page``).

When the cache cannot be reached the pages are rendered without it.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from gecc.accounts.domain.throttle import CACHE_ERRORS

logger = logging.getLogger(__name__)

VERSION_KEY = "public:registry:version"


def registry_version() -> int:
    try:
        return cache.get(VERSION_KEY) or 0
    except CACHE_ERRORS as error:
        logger.warning("Public cache unavailable (version): %s", error)
        return 0


def registry_changed() -> None:
    """Make every cached registry page (search, province counts) stale at once."""
    try:
        cache.add(VERSION_KEY, 0, timeout=None)
        cache.incr(VERSION_KEY)
    except (ValueError, *CACHE_ERRORS) as error:
        logger.warning("Public cache unavailable (bump): %s", error)


def _certificate_key(number) -> str:
    return "public:certificate:" + hashlib.sha256(str(number).encode()).hexdigest()[:32]


def certificate_version(number) -> int:
    try:
        return cache.get(_certificate_key(number)) or 0
    except CACHE_ERRORS as error:
        logger.warning("Public cache unavailable (certificate version): %s", error)
        return 0


def certificate_changed(number) -> None:
    """Make the cached verification page of certificate ``number`` stale at once."""
    key = _certificate_key(number)
    try:
        cache.add(key, 0, timeout=None)
        cache.incr(key)
    except (ValueError, *CACHE_ERRORS) as error:
        logger.warning("Public cache unavailable (certificate bump): %s", error)


def page_key(kind, *parts, by_question=True) -> str:
    language = get_language() or settings.LANGUAGE_CODE
    if by_question:
        parts = (*parts, timezone.localdate().isoformat(), registry_version())
    digest = hashlib.sha256(repr((language, *parts)).encode()).hexdigest()[:40]
    return f"public:{kind}:{digest}"


def get(key):
    try:
        return cache.get(key)
    except CACHE_ERRORS as error:
        logger.warning("Public cache unavailable (get): %s", error)
        return None


def cached(key, build, *, timeout=None):
    """The value under ``key``, or ``build()`` stored there for ``timeout`` seconds
    (``PUBLIC_CACHE_SECONDS`` by default)."""
    try:
        value = cache.get(key)
    except CACHE_ERRORS as error:
        logger.warning("Public cache unavailable (get): %s", error)
        return build()
    if value is None:
        value = build()
        try:
            cache.set(key, value, timeout=settings.PUBLIC_CACHE_SECONDS
                      if timeout is None else timeout)
        except CACHE_ERRORS as error:
            logger.warning("Public cache unavailable (set): %s", error)
    return value
