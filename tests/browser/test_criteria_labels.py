"""The criteria comparison page in a browser: fields and values in words, and no WCAG 2.1
A/AA violation (its tables scroll in focusable regions)."""

from gecc.criteria.domain.editions import load_edition
from tests.browser.test_accessibility import axe_violations, describe
from tests.browser.test_desk_review import sign_in_verified
from tests.criteria.factories import small_document
from tests.factories import UserFactory


def test_criteria_diff_page_reads_in_words_and_is_accessible(page, live_server):
    old = load_edition(small_document()).version
    document = small_document(revision=2)
    document["categories"][0]["criteria"][0]["items"][0]["mandatory"] = False
    document["levels"][0]["rule"]["min_overall"] = 55
    new = load_edition(document).version
    sign_in_verified(page, live_server, UserFactory(roles=["secretariat"]))
    page.goto(f"/staff/criteria/diff/?a={old.pk}&b={new.pk}", wait_until="networkidle")
    assert page.locator("[data-testid=changed] td").all_inner_texts() == [
        "P1.1", "ข้อบังคับ", "ใช่", "ไม่ใช่"]
    assert page.locator("[data-testid=rule-changed] td").first.inner_text() == "พื้นฐาน"
    violations = axe_violations(page)
    assert violations == [], describe(violations)
