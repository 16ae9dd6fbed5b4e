"""Every page passes axe-core's WCAG 2.1 A/AA rules with no violation.

axe-core comes from the npm registry (package.json) and is only needed here: the test
reads ``node_modules/axe-core/axe.min.js`` from disk and runs it in the page through
``page.evaluate`` (the site's Content-Security-Policy would block an injected <script>
tag; code evaluated through the DevTools protocol is not subject to it). It is never
served as a static asset.

Each page is built from the factories for the role that sees it, then checked at desktop
width; a few key pages are checked again at phone width (390 px).
"""

import datetime
import functools
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils import timezone

from gecc.applications.domain import submit_application
from tests.applications.factories import answer_all, make_application, make_round
from tests.browser.test_desk_review import sign_in_verified
from tests.factories import UserFactory
from tests.notifications.factories import OutboxMessageFactory
from tests.registry.factories import ServiceUnitFactory

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_RUN = """async (tags) => {
    const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
    return results.violations.map((violation) => ({
        id: violation.id,
        impact: violation.impact,
        help: violation.help,
        targets: violation.nodes.slice(0, 3).map((node) => node.target.join(" ")),
        detail: (violation.nodes[0] && violation.nodes[0].failureSummary) || "",
        count: violation.nodes.length,
    }));
}"""


@functools.cache
def axe_source():
    path = Path(settings.NODE_MODULES_DIR) / "axe-core" / "axe.min.js"
    if not path.is_file():
        pytest.fail(f"axe-core not found at {path}: run `npm install` (it is in package.json).",
                    pytrace=False)
    return path.read_text(encoding="utf-8")


def axe_violations(page):
    page.evaluate(axe_source())
    return page.evaluate(AXE_RUN, WCAG_TAGS)


def describe(violations):
    return "\n".join(
        f"  {v['id']} ({v['impact']}, {v['count']} node(s)): {v['help']}\n"
        + "".join(f"      at {target}\n" for target in v["targets"])
        + "".join(f"      | {line}\n" for line in v["detail"].splitlines())
        for v in violations)


def assert_accessible(page, path, status=200):
    response = page.goto(path, wait_until="networkidle")
    # The page under test, not a redirect to the sign-in or second-factor form.
    assert (response.status, urlsplit(page.url).path) == (status, path)
    violations = axe_violations(page)
    assert violations == [], (
        f"axe-core found {len(violations)} WCAG 2.1 A/AA violation(s) on {path} "
        f"(landed on {page.url}):\n{describe(violations)}")


def open_round_now(actor):
    now = timezone.now()
    day = datetime.timedelta(days=1)
    return make_round(actor, applications_open_at=now - day,
                      applications_close_at=now + 30 * day,
                      desk_review_end_at=now + 60 * day, site_visits_start_at=now + 70 * day,
                      site_visits_end_at=now + 90 * day, decision_at=now + 100 * day,
                      announcement_at=now + 110 * day)


class World:
    """One round with a coordinator's draft and another unit's submitted application."""

    def __init__(self):
        self.secretariat = UserFactory(roles=["secretariat"])
        self.coordinator = UserFactory(roles=["coordinator"], full_name="สมศรี ประสานงาน")
        self.lone_coordinator = UserFactory(roles=["coordinator"])  # no unit: empty state
        self.assessor = UserFactory(roles=["assessor"])
        self.steering = UserFactory(roles=["steering"])
        self.round = open_round_now(self.secretariat)
        self.unit = ServiceUnitFactory(name_th="ศูนย์บริการร่วมอำเภอเมืองลำพูน",
                                       coordinators=[self.coordinator])
        self.draft = make_application(self.round, self.unit, self.coordinator,
                                      now=timezone.now())
        answer_all(self.draft)
        self.other_coordinator = UserFactory(roles=["coordinator"])  # sees the receipt
        self.other_unit = ServiceUnitFactory(name_th="ศูนย์บริการร่วมอำเภอบ้านโฮ่ง",
                                             coordinators=[self.other_coordinator])
        self.submitted = make_application(self.round, self.other_unit, self.secretariat,
                                          now=timezone.now())
        answer_all(self.submitted)
        submit_application(self.submitted, None)
        OutboxMessageFactory()
        self.version = self.round.edition


# (id, who signs in, path as a function of the world)
PAGES = [
    ("public-home", None, lambda w: "/"),
    ("login", None, lambda w: "/accounts/login/"),
    ("password-reset", None, lambda w: "/accounts/password/reset/"),
    ("not-found", None, lambda w: "/no-such-page/"),
    ("not-found-signed-in", "coordinator", lambda w: "/no-such-page/"),
    ("forbidden", "coordinator", lambda w: "/staff/audit/"),
    ("portal-home", "coordinator", lambda w: "/portal/"),
    ("portal-home-empty", "lone_coordinator", lambda w: "/portal/"),
    ("portal-application", "coordinator", lambda w: f"/portal/applications/{w.draft.pk}/"),
    ("portal-assessment", "coordinator",
     lambda w: f"/portal/applications/{w.draft.pk}/assessment/"),
    ("portal-confirm-all", "coordinator",
     lambda w: f"/portal/applications/{w.draft.pk}/assessment/confirm-all/"),
    ("portal-submit", "coordinator", lambda w: f"/portal/applications/{w.draft.pk}/submit/"),
    ("portal-submitted", "other_coordinator",
     lambda w: f"/portal/applications/{w.submitted.pk}/"),
    ("portal-receipt", "other_coordinator",
     lambda w: f"/portal/applications/{w.submitted.pk}/receipts/1/"),
    ("account-security", "coordinator", lambda w: "/accounts/security/"),
    ("otp-verify", "secretariat-unverified", lambda w: "/accounts/otp/verify/"),
    ("secretariat-home", "secretariat", lambda w: "/staff/"),
    ("round-list", "secretariat", lambda w: "/rounds/"),
    ("round-detail", "secretariat", lambda w: f"/rounds/{w.round.year}/"),
    ("unit-list", "secretariat", lambda w: "/registry/units/"),
    ("unit-detail", "secretariat", lambda w: f"/registry/units/{w.unit.code}/"),
    ("registry-import", "secretariat", lambda w: "/registry/imports/new/"),
    ("criteria-list", "secretariat", lambda w: "/staff/criteria/"),
    ("criteria-detail", "secretariat", lambda w: f"/staff/criteria/{w.version.pk}/"),
    ("review-list", "secretariat", lambda w: "/applications/review/"),
    ("review-detail", "secretariat",
     lambda w: f"/applications/review/{w.submitted.pk}/"),
    ("audit-log", "secretariat", lambda w: "/staff/audit/"),
    ("outbox", "secretariat", lambda w: "/staff/outbox/"),
    ("assessor-home", "assessor", lambda w: "/staff/assessment/"),
    ("steering-home", "steering", lambda w: "/staff/steering/"),
]
PHONE_PAGES = ["public-home", "login", "portal-home", "portal-assessment",
               "secretariat-home", "review-detail", "not-found"]
BY_ID = {page_id: (who, path) for page_id, who, path in PAGES}


def prepare(page, who, path, live_server, sign_in):
    world = World()
    if who == "secretariat":
        sign_in_verified(page, live_server, world.secretariat)
    elif who == "secretariat-unverified":
        sign_in_verified(page, live_server, world.secretariat)  # creates the device
        page.context.clear_cookies()
        sign_in(page, world.secretariat)
    elif who is not None:
        sign_in(page, getattr(world, who))
    return path(world)


def expected_status(page_id):
    return {"not-found": 404, "not-found-signed-in": 404, "forbidden": 403}.get(page_id, 200)


@pytest.mark.parametrize("page_id", list(BY_ID))
def test_page_has_no_wcag_violations(page, live_server, sign_in, page_id):
    who, path = BY_ID[page_id]
    assert_accessible(page, prepare(page, who, path, live_server, sign_in),
                      expected_status(page_id))


@pytest.mark.parametrize("page_id", PHONE_PAGES)
def test_page_has_no_wcag_violations_on_a_phone(phone_page, live_server, sign_in, page_id):
    who, path = BY_ID[page_id]
    assert_accessible(phone_page, prepare(phone_page, who, path, live_server, sign_in),
                      expected_status(page_id))


def test_the_check_reports_a_violation(browser_page_factory):
    """Guard against a check that passes because axe ran no rule at all."""
    page = browser_page_factory()
    page.set_content('<html lang="th"><head><title>t</title></head><body><main>'
                     '<input type="text" name="q"></main></body></html>')
    assert [v["id"] for v in axe_violations(page)] == ["label"]
