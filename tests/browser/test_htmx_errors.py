"""Every htmx request that fails says so on the page, in Thai, and the pages run under the
Content-Security-Policy without a single violation."""

import re

from playwright.sync_api import expect

from gecc.applications.models import Application
from tests.applications.factories import answer_all
from tests.browser.test_desk_review import sign_in_verified
from tests.browser.test_portal_submission import open_round_now
from tests.factories import UserFactory
from tests.registry.factories import ServiceUnitFactory

SAVE_URL = re.compile(r"/portal/answers/\d+/save/$")


def draft_on_screen(page, sign_in):
    """A coordinator's draft application, its self-assessment open in ``page``."""
    from tests.applications.factories import make_application

    secretariat = UserFactory(roles=["secretariat"])
    coordinator = UserFactory(roles=["coordinator"])
    unit = ServiceUnitFactory(coordinators=[coordinator])
    round_obj = open_round_now(secretariat)
    from django.utils import timezone
    application = make_application(round_obj, unit, coordinator, now=timezone.now())
    sign_in(page, coordinator)
    page.goto(f"/portal/applications/{application.pk}/assessment/")
    return application, coordinator


def csp_violations(page):
    found = []
    page.on("console", lambda message: found.append(message.text)
            if "Content Security Policy" in message.text else None)
    return found


def test_autosave_answering_500_shows_a_thai_message(page, sign_in):
    draft_on_screen(page, sign_in)
    page.route(SAVE_URL, lambda route: route.fulfill(status=500, body="Server Error",
                                                     content_type="text/html"))
    card = page.get_by_test_id("answer-P1.1")
    card.locator('input[name="score"][value="3"]').check()
    message = page.get_by_test_id("htmx-message")
    expect(message).to_be_visible()
    expect(message).to_contain_text("เซิร์ฟเวอร์ขัดข้อง การแก้ไขล่าสุดจึงยังไม่ได้บันทึก")
    expect(card.get_by_test_id("answer-status")).to_have_text("ยังไม่ได้บันทึก")
    # The server is back: the next save clears the message.
    page.unroute(SAVE_URL)
    card.locator('input[name="score"][value="2"]').check()
    expect(card.get_by_test_id("answer-status")).to_contain_text("บันทึกแล้ว")
    expect(page.get_by_test_id("htmx-message-text")).to_be_empty()


def test_autosave_without_a_connection_shows_a_thai_message(page, sign_in):
    draft_on_screen(page, sign_in)
    page.route(SAVE_URL, lambda route: route.abort("internetdisconnected"))
    page.get_by_test_id("answer-P1.1").locator('input[name="score"][value="3"]').check()
    expect(page.get_by_test_id("htmx-message")).to_contain_text(
        "ไม่สามารถเชื่อมต่อเซิร์ฟเวอร์ได้")
    page.get_by_role("button", name="ปิด").click()
    expect(page.get_by_test_id("htmx-message-text")).to_be_empty()


def test_autosave_answering_403_shows_a_thai_message(page, sign_in):
    draft_on_screen(page, sign_in)
    page.route(SAVE_URL, lambda route: route.fulfill(status=403, body="<h1>403 Forbidden</h1>",
                                                     content_type="text/html"))
    page.get_by_test_id("answer-P1.1").locator('input[name="score"][value="3"]').check()
    expect(page.get_by_test_id("htmx-message")).to_contain_text("ไม่อนุญาตให้แก้ไขนี้")


def test_tab_of_an_application_submitted_elsewhere_says_so(page, sign_in):
    from gecc.applications.domain import submit_application

    application, coordinator = draft_on_screen(page, sign_in)
    answer_all(application)
    submit_application(application, coordinator)  # in another tab, on another device
    card = page.get_by_test_id("answer-P1.1")
    card.locator('input[name="score"][value="3"]').check()
    expect(card.get_by_test_id("answer-not-editable")).to_contain_text(
        "ใบสมัครนี้ถูกยื่นจากแท็บอื่นหรืออุปกรณ์อื่นแล้ว")
    expect(card.get_by_test_id("answer-status")).not_to_contain_text("บันทึกแล้ว")
    assert Application.objects.get(pk=application.pk).state == "submitted"


def test_over_long_file_name_shows_a_thai_message(page, sign_in, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    draft_on_screen(page, sign_in)
    card = page.get_by_test_id("answer-P1.1")
    card.locator('input[type="file"][name="file"]').last.set_input_files({
        "name": "รายงานผลการประเมิน" * 20 + ".pdf", "mimeType": "application/pdf",
        "buffer": b"%PDF-1.4\n%%EOF\n"})
    card.get_by_role("button", name="อัปโหลด").click()
    expect(page.get_by_test_id("htmx-message")).to_contain_text("ชื่อไฟล์ยาวเกินไป")
    expect(card.get_by_role("button", name="อัปโหลด")).to_be_visible()  # the form is intact


def test_pages_run_under_the_policy_without_violations(page, sign_in, live_server):
    violations = csp_violations(page)
    for url in ("/", "/accounts/login/"):
        response = page.goto(url)
        assert "script-src 'self'" in response.headers["content-security-policy"]
    draft_on_screen(page, sign_in)
    card = page.get_by_test_id("answer-P1.1")
    card.locator('input[name="score"][value="3"]').check()  # htmx swaps, progress bars
    expect(card.get_by_test_id("answer-status")).to_contain_text("บันทึกแล้ว")
    page.goto("/portal/")
    assert violations == []


def test_staff_pages_run_under_the_policy_without_violations(page, live_server):
    violations = csp_violations(page)
    secretariat = UserFactory(roles=["secretariat"])
    sign_in_verified(page, live_server, secretariat)
    for url in ("/", "/applications/review/", "/registry/units/"):
        response = page.goto(url)
        assert response.status < 400, url
    assert violations == []
