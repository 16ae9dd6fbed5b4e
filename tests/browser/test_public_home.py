"""The public home page in a real browser: Thai first, English on request, any screen."""

import re

from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

THAI_SCRIPT = re.compile(r"^[\u0E00-\u0E7F\s]+$")
HEADING = "Government Easy Contact Center certification"


def thai(msgid):
    with translation.override("th"):
        return gettext(msgid)


def test_home_renders_in_thai(page):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "th")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_be_visible()
    expect(heading).to_have_text(thai(HEADING))
    assert THAI_SCRIPT.match(heading.inner_text())


def test_home_language_switch_to_english_and_back(tablet_page):
    page = tablet_page
    page.goto("/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(HEADING)
    assert page.url.endswith("/")

    page.get_by_role("button", name="ภาษาไทย").click()
    expect(page.locator("html")).to_have_attribute("lang", "th")
    expect(page.get_by_role("heading", level=1)).to_have_text(thai(HEADING))


def test_home_language_choice_is_remembered(tablet_page):
    page = tablet_page
    page.goto("/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_home_tablet_shows_the_menu_without_toggle(tablet_page):
    tablet_page.goto("/")
    expect(tablet_page.locator(".nav-toggle-label")).to_be_hidden()
    expect(tablet_page.locator(".main-nav")).to_be_visible()


def test_home_phone_has_menu_toggle_and_no_horizontal_scroll(phone_page):
    page = phone_page
    page.goto("/")
    toggle = page.locator(".nav-toggle-label")
    expect(toggle).to_be_visible()
    expect(page.locator(".main-nav")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    toggle.click()
    expect(page.locator(".main-nav")).to_be_visible()
    expect(page.get_by_role("button", name="English")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
