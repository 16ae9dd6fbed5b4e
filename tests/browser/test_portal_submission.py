"""A coordinator takes a new draft to submitted (autosaved answers, one PDF, submit); the
secretariat then reviews that same application, opens its evidence and accepts it, and the
coordinator sees the result."""

import re

from playwright.sync_api import expect

from gecc.applications.models import Answer, Application
from tests.applications.factories import make_round
from tests.browser.conftest import TABLET
from tests.browser.test_desk_review import sign_in_verified
from tests.factories import UserFactory
from tests.registry.factories import ServiceUnitFactory

PDF = (b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
       b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n")


def open_round_now(secretariat):
    import datetime

    from django.utils import timezone
    now = timezone.now()
    day = datetime.timedelta(days=1)
    return make_round(secretariat, applications_open_at=now - day,
                      applications_close_at=now + 30 * day,
                      desk_review_end_at=now + 60 * day, site_visits_start_at=now + 70 * day,
                      site_visits_end_at=now + 90 * day, decision_at=now + 100 * day,
                      announcement_at=now + 110 * day)


def test_portal_coordinator_submits_and_the_secretariat_accepts(
        tablet_page, sign_in, settings, tmp_path, browser_page_factory, live_server):
    settings.MEDIA_ROOT = tmp_path / "media"
    page = tablet_page
    secretariat = UserFactory(roles=["secretariat"])
    coordinator = UserFactory(roles=["coordinator"], full_name="สมศรี ประสานงาน")
    unit = ServiceUnitFactory(coordinators=[coordinator])
    open_round_now(secretariat)
    sign_in(page, coordinator)

    page.goto("/portal/")
    page.get_by_test_id("apply").click()
    page.get_by_label("พื้นฐาน").check()
    page.get_by_role("button", name="สร้างใบสมัคร").click()
    expect(page).to_have_url(re.compile(r"/portal/applications/\d+/assessment/$"))
    application = Application.objects.get(unit=unit)

    for ref, value in (("P1.1", "3"), ("P1.2", "1")):
        card = page.get_by_test_id(f"answer-{ref}")
        card.locator(f'input[name="score"][value="{value}"]').check()
        expect(card.get_by_test_id("answer-status")).to_contain_text("บันทึกแล้ว")
    card = page.get_by_test_id("answer-P1.1")
    textarea = card.locator("textarea")
    textarea.fill("มีที่จอดรถ 20 ช่อง รวมช่องจอดสำหรับผู้พิการ 2 ช่อง")
    textarea.press("End")  # the autosave waits 800 ms after the last keystroke, then posts
    expect(card.locator('input[name="revision"]')).to_have_value("2")
    stored = Answer.objects.get(application=application, item__ref="P1.1")
    assert (stored.self_score, stored.explanation) == (
        3, "มีที่จอดรถ 20 ช่อง รวมช่องจอดสำหรับผู้พิการ 2 ช่อง")

    card.locator('input[type="file"][name="file"]').last.set_input_files(
        {"name": "ลานจอดรถ.pdf", "mimeType": "application/pdf", "buffer": PDF})
    card.get_by_role("button", name="อัปโหลด").click()
    expect(card.get_by_test_id("evidence-file")).to_contain_text("ลานจอดรถ.pdf")

    # One category per page: Q1.1 is on the next one.
    page.get_by_test_id("category-Q").click()
    card = page.get_by_test_id("answer-Q1.1")
    card.locator('input[name="score"][value="4"]').check()
    expect(card.get_by_test_id("answer-status")).to_contain_text("บันทึกแล้ว")
    expect(page.get_by_test_id("overall-percent")).to_have_text("100%")

    page.get_by_test_id("submit-link").click()
    page.get_by_test_id("confirm-submit").click()
    expect(page.get_by_test_id("state")).to_have_text("ยื่นแล้ว")
    assert Application.objects.get(pk=application.pk).state == "submitted"

    # The secretariat, on another device, finds the application and its evidence.
    desk = sign_in_verified(browser_page_factory(viewport=TABLET, base_url=live_server.url),
                            live_server, secretariat)
    desk.goto("/applications/review/")
    desk.get_by_role("link", name=unit.name_th).click()
    desk.wait_for_url(f"**/applications/review/{application.pk}/")
    evidence = desk.get_by_test_id("answer-P1.1").get_by_test_id("evidence-link")
    expect(evidence).to_have_text("ลานจอดรถ.pdf")
    download = desk.request.get(evidence.get_attribute("href"))  # with the page's session
    assert (download.status, download.body()) == (200, PDF)
    form = desk.get_by_test_id("screening-form")
    for box in form.locator("input[type=checkbox]").all():
        box.check()
    desk.get_by_test_id("screening-save").click()
    desk.get_by_test_id("screening-complete").wait_for()
    desk.get_by_test_id("action-accept").click()
    desk.get_by_test_id("confirm").click()
    expect(desk.get_by_test_id("application-state")).to_have_text("ผ่านการตรวจสอบเอกสาร รอตรวจประเมินในพื้นที่")
    assert Application.objects.get(pk=application.pk).state == "accepted"

    # Back on the unit's tablet, the coordinator sees the decision.
    page.reload()
    expect(page.get_by_test_id("state")).to_have_text("ผ่านการตรวจสอบเอกสาร รอตรวจประเมินในพื้นที่")
