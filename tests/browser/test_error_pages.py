"""Error pages and small finishing touches, in Chromium: the 500 and CSRF-failure pages
pass axe-core like every page (the 403 and 404 pages are in test_accessibility's list),
badges stay on one line on a phone, and the favicon answers."""

import pytest
from django.conf import settings

from tests.browser.test_accessibility import World, assert_accessible, axe_violations, describe
from tests.browser.test_desk_review import sign_in_verified


def check_server_error_page(page):
    assert_accessible(page, "/broken/", 500)
    assert page.locator("h1").inner_text() == "ระบบขัดข้อง"
    assert page.get_by_test_id("error-home").get_attribute("href") == "/"


@pytest.mark.urls("tests.common.error_urls")
def test_server_error_page_is_thai_and_accessible(page):
    check_server_error_page(page)


@pytest.mark.urls("tests.common.error_urls")
def test_server_error_page_is_accessible_on_a_phone(phone_page):
    check_server_error_page(phone_page)


def test_csrf_failure_page_is_thai_and_accessible(page, make_user):
    make_user("coordinator", email="somsri@lamphun.go.th")
    page.goto("/accounts/login/")
    page.context.clear_cookies()  # the security cookie is gone, as after a long pause
    page.fill("input[name=email]", "somsri@lamphun.go.th")
    page.fill("input[name=password]", "wrong password")
    with page.expect_response(lambda r: r.request.method == "POST") as info:
        page.locator("#main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert info.value.status == 403
    assert page.locator("h1").inner_text() == "ส่งแบบฟอร์มไม่สำเร็จ"
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def test_status_badges_stay_on_one_line_on_a_phone(phone_page, live_server):
    world = World()
    sign_in_verified(phone_page, live_server, world.secretariat)
    phone_page.goto("/applications/review/", wait_until="networkidle")
    badges = phone_page.locator(".badge")
    assert badges.count() > 0
    lines = badges.evaluate_all("""(els) => els.map((el) => {
        const style = getComputedStyle(el);
        return [style.whiteSpace, Math.round(el.getBoundingClientRect().height
                                             / parseFloat(style.lineHeight))];
    })""")
    assert set(map(tuple, lines)) == {("nowrap", 1)}


def test_the_favicon_answers(page):
    page.goto("/", wait_until="networkidle")
    href = page.locator("link[rel=icon][type='image/svg+xml']").get_attribute("href")
    assert href == settings.STATIC_URL + "gecc/favicon.svg"
    assert page.request.get(href).status == 200
    icon = page.request.get("/favicon.ico")  # follows the redirect
    assert (icon.status, icon.headers["content-type"]) == (200, "image/vnd.microsoft.icon")
