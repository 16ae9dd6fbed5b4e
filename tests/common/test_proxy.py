import pytest
from django.test import RequestFactory

from gecc.common.middleware import TrustedProxyMiddleware


def remote_addr(settings, count, forwarded):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    return TrustedProxyMiddleware(lambda r: r.META["REMOTE_ADDR"])(request)


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),  # header ignored by default
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # a forged first hop is not trusted
        (2, "198.51.100.1, 203.0.113.9", "198.51.100.1"),
        (2, "203.0.113.9", "10.0.0.1"),  # fewer hops than proxies: keep the socket address
        (1, "", "10.0.0.1"),
    ],
)
def test_client_address_from_trusted_proxies(settings, count, forwarded, expected):
    assert remote_addr(settings, count, forwarded) == expected
