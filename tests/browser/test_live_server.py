"""Browser fixtures: data a test commits is what the live server shows."""

from playwright.sync_api import expect

from tests.factories import UserFactory


def test_live_server_sees_committed_data_and_session(page, sign_in):
    user = UserFactory(roles=["coordinator"], full_name="สมหญิง ใจดี")
    sign_in(page, user)
    page.goto("/")
    expect(page.get_by_test_id("user-name")).to_have_text(str(user))
    expect(page.locator("html")).to_have_attribute("lang", "th")


def test_live_server_anonymous_page_is_not_signed_in(page):
    page.goto("/")
    expect(page.get_by_test_id("user-name")).to_have_count(0)
