"""The registry import preview as a secretariat officer sees it: column headers in the
interface language, each cell under its own column (the unit's organisation code under
"organisation code", not the unit's own code), and a wide table that scrolls sideways inside
its own focusable region instead of being cut off, on a desktop and on a 390 px phone."""

import pytest
from django.core.files.base import ContentFile

from gecc.registry.enums import ImportKind, ImportStatus
from gecc.registry.models import ImportJob
from gecc.registry.tasks import validate_file_task
from tests.browser.test_accessibility import axe_violations, describe
from tests.browser.test_desk_review import sign_in_verified
from tests.factories import UserFactory
from tests.registry.factories import OrganizationFactory
from tests.registry.helpers import unit_row, xlsx_bytes

THAI_HEADERS = ["แถว", "รหัสหน่วยบริการ", "ชื่อภาษาไทย", "ชื่อภาษาอังกฤษ", "รหัสหน่วยงาน",
                "ประเภทหน่วยบริการ", "รหัสตำบล", "รหัสไปรษณีย์", "ละติจูด", "ลองจิจูด",
                "โทรศัพท์", "อีเมล"]


@pytest.fixture
def preview_job(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    officer = UserFactory(roles=["secretariat"])
    OrganizationFactory(code="BAAC", name_th="ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร")
    job = ImportJob.objects.create(
        file=ContentFile(xlsx_bytes([unit_row()]), name="units.xlsx"),
        original_name="units.xlsx", kind=ImportKind.UNITS, created_by=officer,
        status=ImportStatus.VALIDATING)
    validate_file_task(job.pk, "th")
    job.refresh_from_db()
    assert job.status == ImportStatus.AWAITING_CONFIRMATION
    return officer, job


def open_preview(page, live_server, preview_job):
    officer, job = preview_job
    sign_in_verified(page, live_server, officer)
    response = page.goto(f"/registry/imports/{job.pk}/", wait_until="networkidle")
    assert response.status == 200


def cell_under(page, header):
    headers = page.locator("[data-testid=import-preview] thead th").all_inner_texts()
    return page.locator("[data-testid=import-preview] tbody tr").first.locator(
        "td").nth(headers.index(header)).inner_text()


@pytest.mark.parametrize("who_page", ["page", "phone_page"])
def test_import_preview_has_thai_headers_right_cells_and_scrolls_inside_its_region(
        request, live_server, preview_job, who_page):
    page = request.getfixturevalue(who_page)
    open_preview(page, live_server, preview_job)
    assert page.locator("[data-testid=import-preview] thead th").all_inner_texts() == \
        THAI_HEADERS
    assert cell_under(page, "รหัสหน่วยบริการ") == "LPN-BAAC-01"
    assert cell_under(page, "รหัสหน่วยงาน") == "BAAC"
    region = page.locator("[data-testid=import-preview-scroll]")
    assert (region.get_attribute("role"), region.get_attribute("tabindex"),
            region.get_attribute("aria-label")) == ("region", "0", "ตัวอย่างแถวแรกของแฟ้ม")
    sizes = region.evaluate("e => [e.scrollWidth > e.clientWidth, "
                            "getComputedStyle(e).overflowX, "
                            "e.getBoundingClientRect().right <= window.innerWidth, "
                            "document.documentElement.scrollWidth <= window.innerWidth]")
    # The table is wider than its box, the box scrolls, and neither it nor the page runs
    # past the right edge of the window.
    assert sizes == [True, "auto", True, True]
    # The last column can be scrolled into view with the keyboard.
    region.focus()
    page.keyboard.press("End")
    last = page.locator("[data-testid=import-preview] thead th").last
    last.scroll_into_view_if_needed()
    assert last.evaluate("e => e.getBoundingClientRect().right <= window.innerWidth + 1")
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def test_import_preview_headers_are_english_in_the_english_interface(page, live_server,
                                                                     preview_job):
    open_preview(page, live_server, preview_job)
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("networkidle")
    headers = page.locator("[data-testid=import-preview] thead th").all_inner_texts()
    assert headers[:5] == ["Row", "Unit code", "Thai name", "English name",
                           "Organisation code"]
    assert cell_under(page, "Organisation code") == "BAAC"
