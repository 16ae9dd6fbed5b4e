"""The 60-item self-assessment in a browser, at desktop and phone width: one category per
page with a sticky index, old item links, the folded missing list, a renewal's "confirm all
unchanged", and a change typed just before leaving the page that is still saved."""

import datetime
import re
import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from gecc.applications.models import Answer, Application
from gecc.criteria.interfaces.example import load_example_edition
from tests.applications.factories import answer_all, make_application, make_round
from tests.browser.conftest import DESKTOP, PHONE, close_quietly, live_server_traffic
from tests.browser.test_accessibility import axe_violations
from tests.certificates.lifecycle_factories import certify
from tests.factories import UserFactory
from tests.registry.factories import ServiceUnitFactory

DAY = datetime.timedelta(days=1)


class World:
    """The example edition (60 items for a unit), a round open now with a new application,
    and a renewal of a unit certified in the round before."""

    def __init__(self):
        now = timezone.now()
        secretariat = UserFactory(roles=["secretariat"])
        self.coordinator = UserFactory(roles=["coordinator"])
        version = load_example_edition().version
        earlier = make_round(secretariat, year=2568, version=version,
                             applications_open_at=now - 400 * DAY,
                             applications_close_at=now - 380 * DAY,
                             desk_review_end_at=now - 370 * DAY,
                             site_visits_start_at=now - 360 * DAY,
                             site_visits_end_at=now - 350 * DAY, decision_at=now - 340 * DAY,
                             announcement_at=now - 330 * DAY)
        current = make_round(secretariat, year=2569, version=version,
                             applications_open_at=now - DAY, applications_close_at=now + 30 * DAY,
                             desk_review_end_at=now + 60 * DAY,
                             site_visits_start_at=now + 70 * DAY,
                             site_visits_end_at=now + 90 * DAY, decision_at=now + 100 * DAY,
                             announcement_at=now + 110 * DAY)
        certified = ServiceUnitFactory(coordinators=[self.coordinator])
        newcomer = ServiceUnitFactory(coordinators=[self.coordinator])
        old = make_application(earlier, certified, self.coordinator, now=now - 390 * DAY)
        answer_all(old)
        Application.objects.filter(pk=old.pk).update(state="accepted")
        certify(old)  # the unit holds a certificate of the earlier round
        self.renewal = make_application(current, certified, self.coordinator, now=now,
                                        kind="renewal")
        self.new = make_application(current, newcomer, self.coordinator, now=now)
        self.refs = list(Answer.objects.filter(application=self.new)
                         .order_by("item__position").values_list("item__ref", flat=True))


def url(application, query=""):
    return f"/portal/applications/{application.pk}/assessment/{query}"


@pytest.fixture
def world(transactional_db):
    return World()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_one_category_per_page_puts_the_first_question_on_the_first_screen(
        browser_page_factory, live_server, sign_in, world, size):
    viewport = {"desktop": DESKTOP, "phone": PHONE}[size]
    page = browser_page_factory(viewport=viewport, base_url=live_server.url)
    sign_in(page, world.coordinator)
    assert len(world.refs) == 60
    figures = []
    for kind, application in (("new", world.new), ("renewal", world.renewal)):
        page.goto(url(application))
        height = page.evaluate("document.documentElement.scrollHeight")
        first = page.locator("article.answer-card").first
        expect(first).to_have_attribute("data-testid", "answer-P1.1")
        top = first.bounding_box()["y"]
        figures.append(f"{size} {kind}: page {height} px, first question at {top:.0f} px, "
                       f"{page.locator('article.answer-card').count()} items")
        # Before: 43,752 px (desktop) and 67,309 px (phone) for all 60 items, the first
        # question 5,516 px down on a phone.
        assert top < 2 * PHONE["height"]
        assert height < {"desktop": 20_000, "phone": 30_000}[size]
    print("\n" + "\n".join(figures))
    # The index stays on screen while the items scroll.
    page.goto(url(world.new))
    page.evaluate("window.scrollTo(0, 5000)")
    assert page.evaluate("window.scrollY") == 5000
    index = page.get_by_test_id("progress")
    expect(index).to_be_in_viewport()
    expect(index.get_by_test_id("category-Q")).to_be_visible()


def test_switching_category_and_old_item_links(phone_page, live_server, sign_in, world):
    page = phone_page
    sign_in(page, world.coordinator)
    page.goto(url(world.new))
    expect(page.get_by_test_id("category-P")).to_have_attribute("aria-current", "page")
    page.get_by_test_id("category-Q").click()
    expect(page).to_have_url(re.compile(r"/assessment/\?category=Q$"))
    expect(page.locator("article.answer-card").first).to_have_attribute("data-testid",
                                                                        "answer-Q1.1")
    expect(page.get_by_test_id("category-Q")).to_have_attribute("aria-current", "page")
    expect(page.get_by_test_id("category-P")).not_to_have_attribute("aria-current", "page")
    page.get_by_test_id("next-category").click()
    expect(page).to_have_url(re.compile(r"\?category=O$"))
    # A link from before the categories (the submit page, an e-mail): the item's category,
    # at the item.
    page.goto(url(world.new, "#item-Q3.2"))
    expect(page).to_have_url(re.compile(r"/assessment/\?category=Q#item-Q3\.2$"))
    expect(page.get_by_test_id("answer-Q3.2")).to_be_in_viewport()


def test_the_missing_list_is_folded_with_its_count(page, live_server, sign_in, world):
    sign_in(page, world.coordinator)
    page.goto(url(world.renewal))
    details = page.get_by_test_id("missing-details")
    expect(details).not_to_have_attribute("open", "")
    expect(page.get_by_test_id("missing-count")).to_have_text("60")
    expect(details.get_by_test_id("missing-Q1.1")).to_be_hidden()
    details.locator("summary").click()
    expect(details.get_by_test_id("missing-Q1.1")).to_be_visible()


def test_confirm_all_unchanged_on_a_renewal(phone_page, live_server, sign_in, world):
    page = phone_page
    sign_in(page, world.coordinator)
    page.goto(url(world.renewal))
    expect(page.get_by_test_id("to-confirm").first).to_be_visible()
    assert axe_violations(page) == []  # the renewal's page: badges, folded list, buttons
    page.get_by_test_id("confirm-all-link").click()
    rows = page.get_by_test_id("confirm-all-list").locator("tbody tr")
    expect(rows).to_have_count(60)
    assert axe_violations(page) == []
    assert [row.get_attribute("data-testid") for row in rows.all()] == [
        f"confirm-all-{ref}" for ref in world.refs]
    page.get_by_test_id("confirm-all").click()
    expect(page).to_have_url(re.compile(rf"/applications/{world.renewal.pk}/assessment/$"))
    expect(page.get_by_test_id("to-confirm")).to_have_count(0)
    expect(page.get_by_test_id("confirm-all-link")).to_have_count(0)
    assert not Answer.objects.filter(application=world.renewal,
                                     needs_confirmation=True).exists()


def stored_explanation(application, ref, expected, timeout=5.0):
    """The stored explanation, once it is ``expected`` or the time is up (the save left with
    the page, so it may land a moment after the next page)."""
    deadline = time.monotonic() + timeout
    while True:
        value = Answer.objects.get(application=application, item__ref=ref).explanation
        if value == expected or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


@pytest.mark.parametrize("leave", ["back", "address-bar"])
def test_a_change_typed_just_before_leaving_is_saved(phone_page, live_server, sign_in, world,
                                                      leave):
    page = phone_page
    sign_in(page, world.coordinator)
    page.goto(f"/portal/applications/{world.new.pk}/")
    page.goto(url(world.new))
    text = "มีป้ายบอกทางชัดเจน ตรวจเมื่อ 8 มิถุนายน 2563"
    page.get_by_test_id("answer-P1.1").locator("textarea").fill(text)
    # At once: well inside the 800 ms the autosave waits after the last keystroke, and the
    # textarea never loses focus, so no "change" is sent either.
    if leave == "back":
        page.go_back()
        expect(page).to_have_url(re.compile(rf"/applications/{world.new.pk}/$"))
    else:
        page.goto("/portal/")
    assert stored_explanation(world.new, "P1.1", text) == text
    page.goto(url(world.new))
    expect(page.get_by_test_id("answer-P1.1").locator("textarea")).to_have_value(text)


def test_leaving_after_a_failed_save_asks_first(page, live_server, sign_in, world):
    sign_in(page, world.coordinator)
    page.goto(url(world.new))
    page.route("**/answers/*/save/", lambda route: route.fulfill(status=500, body="boom"))
    card = page.get_by_test_id("answer-P1.1")
    card.locator('input[name="score"]').first.check()
    expect(page.get_by_test_id("htmx-message")).to_be_visible()
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    page.get_by_test_id("next-category").click(no_wait_after=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    expect(page).to_have_url(re.compile(rf"/applications/{world.new.pk}/assessment/$"))


def test_closing_the_pages_after_a_test_sends_nothing_more_to_the_server(
        browser_page_factory, live_server, sign_in, world):
    """The test's pages close before its data is flushed. A failed save still pending
    would go out on pagehide as a keepalive fetch that no route intercepts; when the flush
    met it at the server, PostgreSQL found a deadlock. The pages are closed so that it is
    never sent."""
    page = browser_page_factory(base_url=live_server.url)
    sign_in(page, world.coordinator)
    page.goto(url(world.new))
    page.route("**/answers/*/save/", lambda route: route.fulfill(status=500, body="boom"))
    page.get_by_test_id("answer-P1.1").locator('input[name="score"]').first.check()
    expect(page.get_by_test_id("htmx-message")).to_be_visible()
    before = len(live_server_traffic.paths)
    answer = Answer.objects.get(application=world.new, item__ref="P1.1")

    close_quietly([page.context], [page])
    time.sleep(1)  # a keepalive fetch would be at the server by now

    assert live_server_traffic.wait_idle()
    assert live_server_traffic.paths[before:] == []
    answer.refresh_from_db()
    assert answer.self_score is None
