"""Each demo role signs in through the real form and lands on its own home page."""

import pytest
from django_otp.oath import totp

from gecc.demo.accounts import DEMO_PASSWORD, DEMO_TOTP_KEY_HEX, ensure_demo_accounts

HOMES = {
    "secretariat@demo.gecc.local": ("/staff/", "home-secretariat"),
    "assessor@demo.gecc.local": ("/staff/assessment/", "home-assessor"),
    "coordinator@demo.gecc.local": ("/portal/", "home-coordinator"),
    "steering@demo.gecc.local": ("/staff/steering/", "home-steering"),
}


def fill_login(page, email, password):
    page.goto("/accounts/login/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")


@pytest.mark.parametrize("email", list(HOMES))
def test_demo_role_signs_in_and_lands_on_its_home(page, live_server, email):
    ensure_demo_accounts()
    fill_login(page, email, DEMO_PASSWORD)
    if email.startswith("secretariat"):
        # The secretariat must give the second factor before reaching any page.
        page.wait_for_url("**/accounts/otp/verify/**")
        page.fill("input[name=code]", f"{totp(bytes.fromhex(DEMO_TOTP_KEY_HEX)):06d}")
        page.click("main form button[type=submit]")
    path, testid = HOMES[email]
    page.wait_for_url(live_server.url + path)
    assert page.get_by_test_id(testid).is_visible()
    assert page.get_by_test_id("user-name").inner_text().endswith("(ตัวอย่าง)")
    assert page.locator("html").get_attribute("lang") == "th"


def test_wrong_password_shows_thai_error_and_keeps_email(page):
    ensure_demo_accounts()
    fill_login(page, "assessor@demo.gecc.local", "not-the-password")
    error = page.locator(".errorlist, .message.error").first
    error.wait_for()
    assert "อีเมลหรือรหัสผ่านไม่ถูกต้อง" in page.content()
    assert page.input_value("input[name=email]") == "assessor@demo.gecc.local"
    assert "/accounts/login/" in page.url


def test_sign_out_returns_to_public_home(page, live_server):
    ensure_demo_accounts()
    fill_login(page, "steering@demo.gecc.local", DEMO_PASSWORD)
    page.wait_for_url(live_server.url + "/staff/steering/")
    page.click("text=ออกจากระบบ")
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_text("เข้าสู่ระบบ").first.is_visible()
