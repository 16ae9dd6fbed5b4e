"""The certificate pages pass axe-core's WCAG 2.1 A/AA rules: the staff list (with rows and
empty), one certificate with its QR code, the round's generation confirmation and its
progress page (finished, with the download link), and the portal's list at desktop and
phone width."""

import pytest
from django.urls import reverse

from gecc.certificates.domain.issue import issue_certificate
from gecc.certificates.enums import BatchState
from gecc.certificates.models import CertificateBatch
from tests.browser.test_accessibility import assert_accessible
from tests.browser.test_desk_review import sign_in_verified
from tests.certificates.factories_issue import certify_world
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def world():
    built = certify_world()
    certificate = issue_certificate(built.decision, built.secretariat)
    return built, certificate


@pytest.mark.parametrize("name", ["list", "list-empty", "detail", "batch-create",
                                  "batch-detail"])
def test_staff_certificate_pages_are_accessible(page, live_server, name):
    if name == "list-empty":
        secretariat = UserFactory(roles=["secretariat"])
        sign_in_verified(page, live_server, secretariat)
        assert_accessible(page, reverse("certificates:certificate.list"),
                          shows=["[data-testid=empty-state]"])
        return
    built, certificate = world()
    sign_in_verified(page, live_server, built.secretariat)
    if name == "batch-detail":
        batch = CertificateBatch.objects.create(round=built.round, state=BatchState.DONE,
                                                total=1, done=1, size=2048,
                                                file_name="certificates/batches/x.zip",
                                                sha256="0" * 64,
                                                requested_by=built.secretariat)
    path, shows = {
        "list": (reverse("certificates:certificate.list"),
                 ["[data-testid=certificate-table]", "[data-testid=batch-rounds]"]),
        "detail": (reverse("certificates:certificate.detail", args=[certificate.pk]),
                   ["[data-testid=certificate-qr] svg", "[data-testid=certificate-history]"]),
        "batch-create": (reverse("certificates:batch.create", args=[built.round.pk]),
                         ["[data-testid=batch-form]"]),
        "batch-detail": (reverse("certificates:batch.detail", args=[batch.pk])
                         if name == "batch-detail" else "",
                         ["[data-testid=batch-download]"]),
    }[name]
    assert_accessible(page, path, shows=shows)


def test_the_steering_committee_reads_an_accessible_list(page, live_server, sign_in):
    world()
    sign_in(page, UserFactory(roles=["steering"]))
    assert_accessible(page, reverse("certificates:certificate.list"),
                      shows=["[data-testid=certificate-row]"])


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_portal_certificate_list_is_accessible(page, phone_page, live_server, sign_in,
                                                   size):
    target = page if size == "desktop" else phone_page
    built, _certificate = world()
    sign_in(target, built.coordinator)
    assert_accessible(target, reverse("portal:certificate.list"),
                      shows=["[data-testid=portal-certificate-row]"])


def test_the_empty_portal_certificate_list_is_accessible(page, live_server, sign_in):
    sign_in(page, UserFactory(roles=["coordinator"]))
    assert_accessible(page, reverse("portal:certificate.list"),
                      shows=["[data-testid=empty-state]"])
