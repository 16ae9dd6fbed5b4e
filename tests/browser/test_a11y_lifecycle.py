"""A certificate's lifecycle pages pass axe-core's WCAG 2.1 A/AA rules: the suspend form
(with a complaint to choose), its confirmation, the withdraw form after a refused submit
(errors shown), the reinstate page of a suspended certificate and the page saying why a
valid one cannot be reinstated."""

import pytest
from django.urls import reverse

from gecc.certificates.models import Certificate
from tests.browser.test_accessibility import assert_accessible, axe_violations, describe
from tests.browser.test_desk_review import sign_in_verified
from tests.certificates.lifecycle_factories import certificate
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def built(page, live_server):
    from gecc.decisions.models import Complaint

    cert = certificate()
    Complaint.objects.create(reference="C-2570-0009", unit=cert.unit,
                             text="ไม่มีทางลาดสำหรับรถเข็น")
    sign_in_verified(page, live_server, UserFactory(roles=["secretariat"]))
    return cert


def assert_no_violations(page):
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def url(name, cert):
    return reverse(f"certificates:certificate.{name}", args=[cert.pk])


def test_the_suspend_form_is_accessible(page, built):
    assert_accessible(page, url("suspend", built), shows=["[data-testid=lifecycle-form]"])


def test_the_suspend_confirmation_is_accessible(page, live_server, built):
    page.goto(url("suspend", built))
    page.fill("textarea[name=reason]", "ตรวจพบว่าปิดบริการในวันทำการ")
    page.click("[data-testid=next]")
    page.wait_for_selector("[data-testid=lifecycle-confirm]")
    assert_no_violations(page)


def test_the_withdraw_form_with_an_error_is_accessible(page, live_server, built):
    page.goto(url("withdraw", built))
    page.click("[data-testid=next]")
    page.wait_for_selector(".has-error")
    assert_no_violations(page)


@pytest.mark.parametrize("state", ["suspended", "issued"])
def test_the_reinstate_page_is_accessible(page, built, state):
    Certificate.objects.filter(pk=built.pk).update(state=state)
    shows = ["[data-testid=lifecycle-form]"] if state == "suspended" else \
        ["[data-testid=lifecycle-problem]"]
    assert_accessible(page, url("reinstate", built), shows=shows)
