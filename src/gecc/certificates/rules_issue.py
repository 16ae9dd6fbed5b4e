"""Who may read certificates on the staff side, print them, and generate a round's
certificates in bulk; who sees them in the portal (django-rules).

The secretariat and the steering committee read the list, the detail, the PDF and the CSV
export; the secretariat generates and downloads a round's ZIP. A unit's coordinators see the
certificates of their own units in the portal (lookups start from
``Certificate.objects.visible_to(user)``, so another unit's certificate is a 404)."""

import rules

from gecc.accounts.rules import is_coordinator, is_secretariat, is_steering


@rules.predicate
def coordinates_the_unit(user, certificate):
    if certificate is None or not getattr(user, "is_authenticated", False):
        return False
    return certificate.unit.coordinators.filter(pk=user.pk).exists()


rules.add_perm("certificates.view_certificate", is_secretariat | is_steering)
rules.add_perm("certificates.export_certificates", is_secretariat | is_steering)
rules.add_perm("certificates.generate_batch", is_secretariat)
rules.add_perm("certificates.view_own_certificate", is_coordinator & coordinates_the_unit)
