"""The self-assessment page sends a failed autosave again by itself: after no connection or a
server error (the database restarting, a proxy's 502/503) it retries with a growing wait,
keeps what was typed and says so in Thai, until the answer is saved; a refusal (4xx) is a
real answer and is not sent again."""

import re
import time

from playwright.sync_api import expect

from gecc.applications.models import Answer
from tests.browser.test_htmx_errors import SAVE_URL, draft_on_screen

RETRYING = "บันทึกไม่สำเร็จ กำลังลองใหม่…"


def stored(application, ref, field, expected, timeout=5.0):
    """The answer's ``field`` as stored, once it is ``expected`` or the time is up."""
    deadline = time.monotonic() + timeout
    while True:
        value = getattr(Answer.objects.get(application=application, item__ref=ref), field)
        if value == expected or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def test_a_failed_autosave_is_sent_again_until_it_is_saved(page, sign_in):
    application, _coordinator = draft_on_screen(page, sign_in)
    attempts = []

    def flaky(route):
        attempts.append(time.monotonic())
        if len(attempts) == 1:
            route.abort("internetdisconnected")  # no connection
        elif len(attempts) == 2:
            route.fulfill(status=503, body="Service Unavailable", content_type="text/html")
        else:
            route.continue_()

    page.route(SAVE_URL, flaky)
    card = page.get_by_test_id("answer-P1.1")
    text = "มีลานจอดรถ 40 คัน ตรวจนับเมื่อ 8 มิถุนายน 2563"
    card.locator("textarea").fill(text)
    retry = card.get_by_test_id("answer-retry")
    expect(retry).to_have_text(RETRYING)
    expect(card.get_by_test_id("answer-status")).to_have_text("ยังไม่ได้บันทึก")
    expect(card.locator("textarea")).to_have_value(text)
    # Saved by the third attempt, with nobody touching the page.
    expect(card.get_by_test_id("answer-status")).to_contain_text("บันทึกแล้ว", timeout=10_000)
    expect(retry).to_have_count(0)
    expect(page.get_by_test_id("htmx-message-text")).to_be_empty()
    assert len(attempts) == 3
    waits = [later - earlier for earlier, later in zip(attempts, attempts[1:], strict=False)]
    assert 0.9 < waits[0] < 1.8 and 1.9 < waits[1] < 3.0, waits  # 1 s, then 2 s
    assert stored(application, "P1.1", "explanation", text) == text
    expect(card.locator("textarea")).to_have_value(text)
    # The revision came back with the save: the next change is no conflict. (Unrouted: the
    # route's handler runs only while the test waits on the page, not on the database.)
    page.unroute(SAVE_URL)
    card.locator('input[name="score"][value="3"]').check()
    assert stored(application, "P1.1", "self_score", 3) == 3
    expect(card.get_by_test_id("answer-conflict")).to_have_count(0)


def test_a_refused_autosave_is_not_sent_again(page, sign_in):
    draft_on_screen(page, sign_in)
    attempts = []

    def refuse(route):
        attempts.append(route.request.url)
        route.fulfill(status=403, body="<h1>403 Forbidden</h1>", content_type="text/html")

    page.route(SAVE_URL, refuse)
    card = page.get_by_test_id("answer-P1.1")
    card.locator('input[name="score"][value="3"]').check()
    expect(page.get_by_test_id("htmx-message")).to_contain_text("ไม่อนุญาตให้แก้ไขนี้")
    page.wait_for_timeout(3500)  # longer than the first two waits of a retry
    assert len(attempts) == 1
    expect(card.get_by_test_id("answer-retry")).to_have_count(0)


def test_leaving_while_a_save_is_retried_asks_first(page, sign_in):
    application, _coordinator = draft_on_screen(page, sign_in)
    page.route(SAVE_URL, lambda route: route.fulfill(status=502, body="Bad Gateway",
                                                     content_type="text/html"))
    card = page.get_by_test_id("answer-P1.1")
    card.locator('input[name="score"][value="2"]').check()
    expect(card.get_by_test_id("answer-retry")).to_have_text(RETRYING)
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    page.get_by_test_id("next-category").click(no_wait_after=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]  # a change that is not saved yet: the page asks
    expect(page).to_have_url(re.compile(rf"/applications/{application.pk}/assessment/$"))
    expect(card.get_by_test_id("answer-retry")).to_have_text(RETRYING)  # still trying
