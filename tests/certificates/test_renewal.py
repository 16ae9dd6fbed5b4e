"""Renewal (issue 13, point 5): the certificates app answers the applications app's
"was this unit certified?" (``certified_application_for``, ``register_certified_lookup``): a
unit that holds or held a certificate of an earlier round that was not withdrawn; a renewal
application links to the certificate it renews (``renewed_certificate``)."""

import pytest
from django.core.exceptions import ValidationError

from gecc.applications.domain import certified_application_for, previous_application_for
from gecc.applications.domain import renewal as applications_renewal
from gecc.applications.enums import ApplicationKind
from gecc.applications.models import Application
from gecc.certificates.domain.renewal import (
    certified_application,
    renewable_certificate,
    renewed_certificate,
)
from gecc.certificates.enums import CertificateState
from tests.applications.factories import DURING, make_application, make_round
from tests.certificates.lifecycle_factories import certificate, certify
from tests.scoring.factories_feedback import accepted_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def cert():
    return certificate()


@pytest.fixture
def next_round(cert):
    """A later round, open for applications now (the test edition)."""
    return make_round(None, year=cert.round.year + 3, version=cert.round.edition)


def test_the_certificates_lookup_is_registered():
    assert applications_renewal._certified_lookup is certified_application


@pytest.mark.parametrize("state", [CertificateState.ISSUED, CertificateState.SUSPENDED,
                                   CertificateState.EXPIRED])
def test_a_unit_with_a_certificate_not_withdrawn_is_renewable(cert, next_round, state):
    type(cert).objects.filter(pk=cert.pk).update(state=state)
    assert certified_application_for(cert.unit, next_round) == cert.application
    assert previous_application_for(cert.unit, next_round) == cert.application
    assert renewable_certificate(cert.unit, next_round) == cert


def test_a_withdrawn_certificate_does_not_make_a_unit_renewable(cert, next_round):
    type(cert).objects.filter(pk=cert.pk).update(state=CertificateState.WITHDRAWN)
    assert certified_application_for(cert.unit, next_round) is None
    with pytest.raises(ValidationError) as exc:
        make_application(next_round, cert.unit, cert.unit.coordinators.get(),
                         now=DURING, kind=ApplicationKind.RENEWAL)
    assert exc.value.code == "nothing_to_renew"
    assert not Application.objects.filter(round=next_round).exists()


def test_an_accepted_application_without_a_certificate_is_not_renewable(cert, next_round):
    application = accepted_application(cert.round, cert.round.team)
    assert application.state == "accepted"
    assert certified_application_for(application.unit, next_round) is None


def test_a_certificate_of_the_same_round_does_not_count(cert):
    assert certified_application_for(cert.unit, cert.round) is None


def test_the_most_recent_certificate_is_the_one_renewed(cert, next_round):
    later_round = make_round(None, year=cert.round.year + 1, version=cert.round.edition)
    newer = certify(_second_application(cert, later_round))
    final_round = make_round(None, year=cert.round.year + 5, version=cert.round.edition)
    assert certified_application_for(cert.unit, final_round) == newer.application
    type(newer).objects.filter(pk=newer.pk).update(state=CertificateState.WITHDRAWN)
    assert certified_application_for(cert.unit, final_round) == cert.application


def _second_application(cert, round_obj):
    """The unit's renewal in ``round_obj``, accepted (written directly)."""
    return Application.objects.create(
        round=round_obj, unit=cert.unit, kind=ApplicationKind.RENEWAL,
        target_level="basic", contact_name="นางสาวสมใจ ใจดี", previous=cert.application,
        state="accepted")


def test_a_renewal_application_links_to_the_certificate_it_renews(cert, next_round):
    renewal = make_application(next_round, cert.unit, cert.unit.coordinators.get(), now=DURING,
                               kind=ApplicationKind.RENEWAL)
    assert renewal.previous == cert.application
    assert renewed_certificate(renewal) == cert


def test_a_new_application_renews_nothing(cert, next_round):
    application = make_application(next_round, cert.unit, cert.unit.coordinators.get(),
                                   now=DURING)
    assert renewed_certificate(application) is None
