"""The appeal and complaint pages pass axe-core's WCAG 2.1 A/AA rules: the staff list,
detail and step pages of an appeal, the complaint list, detail and triage (secretariat),
the portal's appeal form (also with a refused file, also on a phone), the page that says an
appeal can no longer be filed, and the portal's appeal page."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from gecc.decisions.domain.appeals import file_appeal, receive_appeal
from gecc.decisions.domain.complaints import file_complaint
from gecc.decisions.enums import DecisionOutcome
from tests.browser.test_accessibility import assert_accessible, axe_violations, describe
from tests.browser.test_desk_review import sign_in_verified
from tests.decisions.builders import decided
from tests.evidence import samples
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def appeal_world(*, received=False):
    decision = decided(outcome=DecisionOutcome.CERTIFY, level="advanced")
    coordinator = decision.application.unit.coordinators.get()
    appeal = file_appeal(decision, coordinator, reasons="ขอให้พิจารณาระดับเป็นเลิศ",
                         requested_level="excellence",
                         files=[SimpleUploadedFile("หนังสืออุทธรณ์.pdf", samples.pdf_bytes())])
    secretariat = UserFactory(roles=["secretariat"], full_name="นางสาวเลขา ฝ่ายเลขานุการ")
    if received:
        receive_appeal(appeal, secretariat)
    return appeal, secretariat, coordinator


@pytest.mark.parametrize("name", ["list", "detail", "receive", "assign", "outcome"])
def test_staff_appeal_pages_are_accessible(page, live_server, name):
    appeal, secretariat, _coordinator = appeal_world(received=name in ("assign", "outcome"))
    sign_in_verified(page, live_server, secretariat)
    path, shows = {
        "list": (reverse("decisions:appeal.list"), ["[data-testid=appeal-table]"]),
        "detail": (reverse("decisions:appeal.detail", args=[appeal.pk]),
                   ["[data-testid=appeal-steps]", "[data-testid=appeal-attachments]"]),
        "receive": (reverse("decisions:appeal.receive", args=[appeal.pk]),
                    ["[data-testid=step-form]"]),
        "assign": (reverse("decisions:appeal.assign", args=[appeal.pk]),
                   ["[data-testid=step-form]"]),
        "outcome": (reverse("decisions:appeal.outcome", args=[appeal.pk]),
                    ["[data-testid=step-form]"]),
    }[name]
    assert_accessible(page, path, shows=shows)


def test_the_empty_appeal_list_is_accessible(page, live_server):
    sign_in_verified(page, live_server, UserFactory(roles=["secretariat"]))
    assert_accessible(page, reverse("decisions:appeal.list"),
                      shows=["[data-testid=empty-state]"])


@pytest.mark.parametrize("name", ["list", "detail", "triage"])
def test_complaint_pages_are_accessible(page, live_server, name):
    decision = decided(outcome=DecisionOutcome.CERTIFY, level="advanced")
    complaint = file_complaint(unit=decision.application.unit,
                               text="เจ้าหน้าที่ไม่อยู่ประจำจุดบริการ", client_address="203.0.113.7")
    sign_in_verified(page, live_server, UserFactory(roles=["secretariat"]))
    path, shows = {
        "list": (reverse("decisions:complaint.list"), ["[data-testid=complaint-table]"]),
        "detail": (reverse("decisions:complaint.detail", args=[complaint.pk]),
                   ["[data-testid=complaint-text]"]),
        "triage": (reverse("decisions:complaint.triage", args=[complaint.pk]),
                   ["[data-testid=triage-form]"]),
    }[name]
    assert_accessible(page, path, shows=shows)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_portal_appeal_form_is_accessible(page, phone_page, live_server, sign_in, size):
    target = page if size == "desktop" else phone_page
    decision = decided(outcome=DecisionOutcome.CERTIFY, level="advanced")
    sign_in(target, decision.application.unit.coordinators.get())
    assert_accessible(target, reverse("portal:appeal.create", args=[decision.application_id]),
                      shows=["[data-testid=appeal-form]"])


def test_the_portal_appeal_form_with_a_refused_file_is_accessible(page, live_server, sign_in,
                                                                  tmp_path):
    decision = decided(outcome=DecisionOutcome.CERTIFY, level="advanced")
    sign_in(page, decision.application.unit.coordinators.get())
    page.goto(reverse("portal:appeal.create", args=[decision.application_id]))
    bad = tmp_path / "script.pdf"
    bad.write_bytes(b"#!/bin/sh\necho no\n")
    page.fill("#id_reasons", "เหตุผลที่พิมพ์ไว้")
    page.set_input_files("#id_files", str(bad))
    page.click("[data-testid=file-appeal]")
    page.wait_for_selector("[data-testid=appeal-problem]")
    assert page.input_value("#id_reasons") == "เหตุผลที่พิมพ์ไว้"
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def test_the_portal_says_when_the_deadline_has_passed(page, live_server, sign_in, settings):
    settings.APPEAL_PERIOD_DAYS = 30
    decision = decided(closed_at=timezone.now() - datetime.timedelta(days=45))
    sign_in(page, decision.application.unit.coordinators.get())
    assert_accessible(page, reverse("portal:appeal.create", args=[decision.application_id]),
                      shows=["[data-testid=appeal-refusal]"])


def test_the_portal_appeal_page_is_accessible(page, live_server, sign_in):
    appeal, _secretariat, coordinator = appeal_world(received=True)
    sign_in(page, coordinator)
    assert_accessible(page, reverse("portal:appeal.detail", args=[appeal.pk]),
                      shows=["[data-testid=appeal-steps]", "[data-testid=appeal-deadline]"])
