"""The QR code printed on a certificate: the absolute address of its public verification
page (``public:verify``, ``/verify/<number>/``), drawn with ``segno``.

* ``verify_url(number, request=None)``: ``SITE_URL`` + the path (else the request's own
  address; without either, the path alone: set ``SITE_URL`` in production, as for e-mails);
* ``qr_code(number, request=None)``: the ``segno`` QR code (error correction M);
* ``qr_svg(number, request=None)``: the code as an inline ``<svg>`` (no external request, as
  documents allow), with a title naming the address for screen readers.
"""

import segno
from django.urls import reverse

from gecc.common.urls import absolute_url

ERROR_LEVEL = "m"


def verify_url(number, request=None) -> str:
    return absolute_url(reverse("public:verify", args=[str(number)]), request)


def qr_code(number, request=None):
    return segno.make_qr(verify_url(number, request), error=ERROR_LEVEL)


def qr_svg(number, request=None, *, scale: int = 4, title: str | None = None) -> str:
    url = verify_url(number, request)
    code = segno.make_qr(url, error=ERROR_LEVEL)
    svg = code.svg_inline(scale=scale, border=2, title=title or url, svgclass="qr-code",
                          lineclass=None, omitsize=False)
    return svg.replace("<svg ", '<svg role="img" ', 1)
