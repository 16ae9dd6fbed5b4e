"""A renewal starts from the unit's certified application: registered with the applications
app's renewal lookup (``register_certified_lookup``, run when ``checks.py`` imports this
module at start-up), so ``applications.domain.certified_application_for`` and its callers
(the portal's "apply" page, ``create_application``) answer from certificates.

A unit "was certified" when it holds or held a certificate from an earlier round that was
not withdrawn: valid, suspended or expired all count (an expired certificate is exactly what
a renewal is for); a withdrawn one never does. The renewal starts from that certificate's
application (the most recent round's, when there are several), and the certificate issued
on the renewal records the one it renews (``Certificate.renews``: see
``renewed_certificate``)."""

from __future__ import annotations

from gecc.applications.domain.renewal import register_certified_lookup
from gecc.applications.enums import ApplicationKind
from gecc.certificates.enums import CertificateState
from gecc.certificates.models import Certificate


def renewable_certificate(unit, round_obj) -> Certificate | None:
    """The unit's most recent certificate from a round before ``round_obj`` that was not
    withdrawn, or None."""
    return (Certificate.objects
            .filter(unit=unit, round__year__lt=round_obj.year)
            .exclude(state=CertificateState.WITHDRAWN)
            .select_related("application")
            .order_by("-round__year", "-valid_until", "-pk").first())


@register_certified_lookup
def certified_application(unit, round_obj):
    """The application a renewal of ``unit`` in ``round_obj`` starts from: the application
    of ``renewable_certificate``, or None (the unit applies as new)."""
    certificate = renewable_certificate(unit, round_obj)
    return certificate.application if certificate is not None else None


def renewed_certificate(application) -> Certificate | None:
    """The certificate a renewal ``application`` renews: the certificate of its previous
    application (None for a new application, or when that one has no certificate). Part of
    issuing: the new certificate's ``renews`` points at it."""
    if application.kind != ApplicationKind.RENEWAL or application.previous_id is None:
        return None
    return Certificate.objects.filter(application_id=application.previous_id).first()
