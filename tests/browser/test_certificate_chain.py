"""The whole chain in the browser: the secretariat records the steering committee's decision
at an open meeting and closes the meeting (after its confirmation page); the certificate is
issued; its PDF carries the unit and the number; its QR code decodes to the absolute address
of the public verification page, which a visitor without an account opens and reads
"valid"; the secretariat suspends the certificate and the same page then says so."""

import datetime
import io
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from gecc.certificates.enums import CertificateState
from gecc.certificates.models import Certificate
from gecc.decisions.enums import DecisionOutcome, MeetingState
from gecc.decisions.models import Decision, Meeting
from tests.browser.test_desk_review import sign_in_verified
from tests.decisions.builders import decision_round, secretariat_user

pytestmark = pytest.mark.django_db(transaction=True)

UNIT_NAME = "ศูนย์บริการร่วมอำเภอป่าซาง"


def pdf_text(data: bytes) -> str:
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data,
                          capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def decode_qr(png: bytes) -> str:
    image = Image.open(io.BytesIO(png)).convert("L")
    found = zxingcpp.read_barcodes(image)
    assert len(found) == 1, f"{len(found)} codes read"
    return found[0].text


def test_decision_certificate_qr_verify_and_suspension(page, live_server, settings,
                                                       browser_page_factory):
    # The QR code names the site's address: the live server stands for it here.
    settings.SITE_URL = live_server.url
    secretariat = secretariat_user()
    round_obj = decision_round(secretariat)
    application = round_obj.first_application
    application.unit.name_th = UNIT_NAME
    application.unit.save(update_fields=["name_th"])
    proposed = application.team_sheet.result_level
    assert proposed
    held_on = timezone.localdate() - datetime.timedelta(days=2)
    sign_in_verified(page, live_server, secretariat)

    # The round's meetings: a new meeting, ครั้งที่ 1, held two days ago.
    page.goto(reverse("decisions:meeting.list", args=[round_obj.pk]))
    page.get_by_test_id("meeting-create").click()
    page.fill("input[name=held_on]",
              f"{held_on.day:02d}/{held_on.month:02d}/{held_on.year + 543}")
    page.fill("textarea[name=attendees]", "ประธานกรรมการอำนวยการ — ประธาน")
    page.fill("textarea[name=resolution]", "รับรองตามผลการตรวจประเมินที่เสนอ")
    page.get_by_test_id("save").click()
    page.get_by_test_id("meeting-title").wait_for()
    meeting = Meeting.objects.get(round=round_obj)
    assert (meeting.number, meeting.held_on) == (1, held_on)
    detail = reverse("decisions:meeting.detail", args=[meeting.pk])
    assert page.url == live_server.url + detail

    # Approve the proposed result as it is (a confirmation page first).
    page.get_by_test_id("meeting-approve").click()
    page.get_by_test_id("review").click()
    assert application.unit.name_th in page.get_by_test_id("approve-list").inner_text()
    page.get_by_test_id("confirm").click()
    page.wait_for_url(live_server.url + detail)
    decision = Decision.objects.get(application=application)
    assert (decision.outcome, decision.level) == (DecisionOutcome.CERTIFY, proposed)
    assert not Certificate.objects.exists()

    # Close the meeting: its confirmation page, then the decisions are final.
    page.get_by_test_id("meeting-close").click()
    page.wait_for_url(live_server.url + reverse("decisions:meeting.close", args=[meeting.pk]))
    page.get_by_test_id("confirm").click()
    page.wait_for_url(live_server.url + detail)
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CLOSED
    certificate = Certificate.objects.get(application=application)
    number = certificate.number
    assert number == f"GECC-{round_obj.year}-000001"

    # The certificate page: the PDF, then the QR code.
    page.goto(reverse("certificates:certificate.detail", args=[certificate.pk]))
    with page.expect_download() as caught:
        page.get_by_test_id("certificate-pdf").click()
    text = pdf_text(Path(caught.value.path()).read_bytes())
    assert number in text
    assert UNIT_NAME in text

    qr = page.locator("[data-testid=certificate-qr] svg")
    scanned = decode_qr(qr.screenshot())
    verify_url = live_server.url + reverse("public:verify", args=[number])
    assert scanned == verify_url

    # A visitor with no account scans it: the page says the certificate is valid.
    visitor = browser_page_factory()
    visitor.goto(scanned)
    verdict = visitor.get_by_test_id("verdict")
    assert verdict.get_attribute("data-status") == "valid"
    assert "ใบรับรองนี้ยังมีผล" in verdict.inner_text()
    assert number in visitor.content()

    # The secretariat suspends it (form, confirmation); the page now says suspended.
    page.goto(reverse("certificates:certificate.suspend", args=[certificate.pk]))
    page.fill("textarea[name=reason]", "พักใช้ระหว่างตรวจสอบเรื่องร้องเรียน")
    page.get_by_test_id("next").click()
    page.get_by_test_id("confirm").click()
    page.wait_for_url(live_server.url + reverse("certificates:certificate.detail",
                                                args=[certificate.pk]))
    certificate.refresh_from_db()
    assert certificate.state == CertificateState.SUSPENDED
    visitor.goto(scanned)
    verdict = visitor.get_by_test_id("verdict")
    assert verdict.get_attribute("data-status") == "suspended"
    assert "ใบรับรองนี้ถูกพักใช้" in verdict.inner_text()
