"""The certificate as a Thai PDF (A4 landscape, Sarabun, the level's colour, the QR code of
the verification page), through the one document renderer (``gecc.common.documents``).

* ``certificate_context(certificate, request=None)``: what the template
  (``documents/certificates/certificate.html``) shows; nothing in it depends on the moment
  of printing, so printing the same certificate again gives the same text (the same number,
  the same words, the same dates);
* ``certificate_html(certificate, request=None)``: the template rendered in Thai;
* ``certificate_pdf(certificate, request=None)``: one PDF (``render_pdf``);
* ``certificate_pdfs(certificates, renderer=None)``: ``(certificate, PDF)`` pairs printed by
  one Chromium (``PdfRenderer``), for the bulk generation of a round;
* ``certificate_filename(certificate)``: ``<number>.pdf``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator

from django.template.loader import render_to_string
from django.utils import translation

from gecc.certificates.domain.qr import qr_svg, verify_url

TEMPLATE = "documents/certificates/certificate.html"
LANDSCAPE = True
# The level colours of the editions (``colour`` of a level) as printed: band and border.
COLOURS = {
    "blue": "#1f4e8c",
    "silver": "#7d8288",
    "gold": "#a87c12",
}
DEFAULT_COLOUR = "#1f4e8c"


def colour_of(certificate) -> str:
    return COLOURS.get((certificate.colour or "").lower(), DEFAULT_COLOUR)


def certificate_context(certificate, request=None) -> dict:
    return {
        "certificate": certificate,
        "unit": certificate.unit,
        "organization": certificate.organization,
        "colour": colour_of(certificate),
        "verify_url": verify_url(certificate.number, request),
        "qr_svg": qr_svg(certificate.number, request, scale=3),
    }


def certificate_html(certificate, request=None) -> str:
    """The document's HTML, always in Thai (an official document)."""
    with translation.override("th"):
        return render_to_string(TEMPLATE, certificate_context(certificate, request))


def certificate_filename(certificate) -> str:
    return f"{certificate.number}.pdf"


def certificate_pdf(certificate, request=None) -> bytes:
    from gecc.common.documents import print_html

    return print_html(certificate_html(certificate, request), landscape=LANDSCAPE,
                      name=certificate.number)


def certificate_pdfs(certificates: Iterable, renderer=None, request=None) -> Iterator[tuple]:
    """``(certificate, PDF bytes)`` for each certificate, in order, through one Chromium
    (``renderer``, or a ``PdfRenderer`` started and stopped here). Load the certificates
    with ``select_related("unit", "organization")`` (``printable``)."""
    from gecc.common.documents import PdfRenderer

    owned = renderer is None
    with (PdfRenderer() if owned else contextlib.nullcontext(renderer)) as printer:
        for certificate in certificates:
            html = certificate_html(certificate, request)
            yield certificate, printer.print_html(html, landscape=LANDSCAPE,
                                                  name=certificate.number)


def printable(queryset):
    """The certificates with what the document shows, in number order."""
    return (queryset.select_related("unit", "organization", "renews")
            .order_by("year", "sequence"))
