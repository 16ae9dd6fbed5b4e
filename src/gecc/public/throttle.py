"""Per-client-address limits of the public site, kept in the Django cache.

- Pages: at most ``PUBLIC_RATE_PER_MINUTE`` requests a minute per client address to the
  registry, verification and complaint pages (a fixed one-minute window: the counter is
  created with ``cache.add`` and counted with the atomic ``cache.incr``, as the sign-in
  throttle does in ``gecc.accounts.domain.throttle``); the next one gets a Thai 429 page
  with ``Retry-After``. When the cache cannot be reached the pages stay open (they only
  read public data).
- Complaints: at most ``PUBLIC_COMPLAINTS_PER_DAY`` complaints a day per client address
  (a day's window from the first), counted here before the complaint is filed; when the
  cache cannot be reached the complaint goes on to ``file_complaint``, which counts the
  address's complaints of the day in the database as well.

The client address is ``REMOTE_ADDR`` as ``gecc.common.middleware.TrustedProxyMiddleware``
sets it behind a trusted proxy; cache keys hold only a hash of it.
"""

import hashlib
import time

from django.conf import settings

from gecc.accounts.domain.throttle import CacheUnavailable, client_ip, take_place

MINUTE = 60
DAY = 24 * 60 * 60


def _address_key(kind, request, window) -> str:
    address = client_ip(request) or "unknown"
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"public:{kind}:{digest}:{window}"


def page_allowed(request, *, now=None) -> tuple[bool, int]:
    """Count this request against its address's minute; ``(allowed, seconds to wait)``."""
    now = time.time() if now is None else now
    window = int(now // MINUTE)
    try:
        count = take_place(_address_key("rate", request, window), MINUTE + 5)
    except CacheUnavailable:
        return True, 0
    if count <= settings.PUBLIC_RATE_PER_MINUTE:
        return True, 0
    return False, max(1, MINUTE - int(now % MINUTE))


def complaint_allowed(request) -> bool | None:
    """Count one complaint from this address for the day: True while within
    ``PUBLIC_COMPLAINTS_PER_DAY``, False beyond it, None when the cache did not answer."""
    try:
        count = take_place(_address_key("complaints", request, "day"), DAY)
    except CacheUnavailable:
        return None
    return count <= settings.PUBLIC_COMPLAINTS_PER_DAY
