"""URL-walk expectations of a certificate's lifecycle pages (suspend, reinstate, withdraw):
the secretariat's only. Walked on a valid certificate of ``assigned``'s application (made
here with the ORM unless another part made it first): the secretariat gets the suspend and
withdraw forms and, for reinstate, the page saying why it cannot be done (200 either way);
everyone else signed in gets 403, anonymous the sign-in page."""

LOGIN, OK, DENIED = "LOGIN", "OK", "DENIED"

SECRETARIAT = (LOGIN, OK, DENIED, DENIED, DENIED, DENIED)

EXPECTED = {
    "certificates:certificate.suspend": SECRETARIAT,
    "certificates:certificate.reinstate": SECRETARIAT,
    "certificates:certificate.withdraw": SECRETARIAT,
}


def _certificate(world, target):
    from gecc.certificates.models import Certificate
    from tests.certificates.lifecycle_factories import certify

    application = target.application
    return (Certificate.objects.filter(application=application).first()
            or certify(application))


PK_OWNERS = {
    "certificates:certificate.suspend": _certificate,
    "certificates:certificate.reinstate": _certificate,
    "certificates:certificate.withdraw": _certificate,
}
