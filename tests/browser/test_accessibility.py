"""Every page passes axe-core's WCAG 2.1 A/AA rules with no violation.

axe-core comes from the npm registry (package.json) and is only needed here: the test
reads ``node_modules/axe-core/axe.min.js`` from disk and runs it in the page through
``page.evaluate`` (the site's Content-Security-Policy would block an injected <script>
tag; code evaluated through the DevTools protocol is not subject to it). It is never
served as a static asset.

Each page is built from the factories for the role that sees it, then checked at desktop
width; a few key pages are checked again at phone width (390 px). The sub-committee,
assignment and itinerary pages need more data (teams, a solver's proposal, planned and
confirmed itineraries): ``World`` builds it only for the pages that ask for it.
"""

import datetime
import functools
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from gecc.applications.domain import submit_application
from gecc.applications.models import Application
from gecc.committees.domain.assignment import run_assignment
from gecc.committees.enums import ConflictKind
from gecc.committees.models import Conflict
from gecc.criteria.models import EditionVersion
from gecc.visits.domain.itineraries import confirm_itinerary, plan_itinerary
from tests.applications.factories import answer_all, make_application, make_round
from tests.browser.test_desk_review import sign_in_verified
from tests.committees.factories import make_team
from tests.factories import UserFactory
from tests.notifications.factories import OutboxMessageFactory
from tests.registry.factories import ServiceUnitFactory
from tests.visits.factories import LAMPHUN, coordinate, near, team_with_units

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


def assert_accessible(page, path, status=200, landing=None, shows=None):
    response = page.goto(path, wait_until="networkidle")
    # The page under test, not a redirect to the sign-in or second-factor form.
    assert (response.status, urlsplit(page.url).path) == (status, urlsplit(landing or path).path)
    for selector in shows or ():  # the parts of the page the data was built for
        page.locator(selector).first.wait_for()
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


@pytest.fixture(autouse=True)
def _quick_solvers(settings):
    """The live server runs in this process: the solvers search for a moment only."""
    settings.VISIT_SOLVER_SECONDS = 0.3
    settings.ASSIGNMENT_TIME_LIMIT_S = 2.0


class AssignmentWorld:
    """A round with two complete sub-committees (Lamphun, Chiang Mai), four accepted units
    with coordinates, a declared conflict of interest and the solver's proposal (not
    confirmed)."""

    def __init__(self, secretariat):
        self.round = make_round(secretariat, year=2570, version=EditionVersion.objects.first())
        self.team = make_team(self.round, 3, name="คณะอนุกรรมการภาคเหนือตอนบน")
        self.other_team = make_team(self.round, 3, base_province_id="50")
        units = [ServiceUnitFactory(name_th=f"ศูนย์ราชการสะดวก หน่วยที่ {index + 1}",
                                    latitude=coordinate(point[0]),
                                    longitude=coordinate(point[1]))
                 for index, point in enumerate(
                     [near(LAMPHUN, 4), near(LAMPHUN, -6, 3), near(LAMPHUN, 24, -6),
                      near(LAMPHUN, 30, -8)])]
        for unit in units:
            application = make_application(self.round, unit)
            Application.objects.filter(pk=application.pk).update(state="accepted")
        self.conflicted_member = self.other_team.members.order_by("pk").first().user
        Conflict.objects.create(round=self.round, user=self.conflicted_member, unit=units[0],
                                kind=ConflictKind.DECLARED, reason="เคยเป็นหัวหน้าหน่วยนี้")
        run_assignment(self.round, secretariat)

    @staticmethod
    def url(name, *args):
        return reverse(name, args=args)


class VisitWorld:
    """A round with a confirmed itinerary (the coordinator's unit is on it) and a planned
    draft itinerary of another sub-committee."""

    def __init__(self, secretariat):
        self.round = make_round(secretariat, year=2571, version=EditionVersion.objects.first())
        self.coordinator = UserFactory(roles=["coordinator"], full_name="สมหญิง รอรับตรวจ")
        confirmed_team, applications = team_with_units(
            self.round, count=2, number=1, coordinator=self.coordinator,
            names=["ศูนย์บริการร่วมอำเภอป่าซาง", "ศูนย์บริการร่วมอำเภอแม่ทา"])
        self.application = applications[0]
        self.confirmed = confirm_itinerary(plan_itinerary(confirmed_team, secretariat),
                                           secretariat)
        self.member = confirmed_team.members.order_by("pk").first().user
        draft_team, _applications = team_with_units(self.round, count=3, number=2)
        self.draft = plan_itinerary(draft_team, secretariat)
        self.visit = self.draft.visits.filter(day__isnull=False).order_by("pk").first()

    @staticmethod
    def url(name, *args):
        return reverse(name, args=args)


class World:
    """One round with a coordinator's draft and another unit's submitted application; the
    committee and visit pages' rounds (``teams``, ``visits``) are built when first read."""

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

    @functools.cached_property
    def teams(self):
        return AssignmentWorld(self.secretariat)

    @functools.cached_property
    def visits(self):
        return VisitWorld(self.secretariat)

    @property
    def conflicted_member(self):
        return self.teams.conflicted_member

    @property
    def schedule_member(self):
        return self.visits.member

    @property
    def visit_coordinator(self):
        return self.visits.coordinator


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
    # Sub-committees, conflicts of interest and the assignment (the secretariat).
    ("assessor-pool", "secretariat", lambda w: w.teams.url("committees:assessor.list")),
    ("assessor-create", "secretariat", lambda w: w.teams.url("committees:assessor.create")),
    ("assessor-import", "secretariat", lambda w: w.teams.url("committees:assessor.import")),
    ("subcommittee-index", "secretariat",
     lambda w: w.teams.url("committees:subcommittee.index")),
    ("subcommittee-list", "secretariat",
     lambda w: w.teams.url("committees:subcommittee.list", w.teams.round.pk)),
    ("subcommittee-detail", "secretariat",
     lambda w: w.teams.url("committees:subcommittee.detail", w.teams.team.pk)),
    ("conflict-list", "secretariat",
     lambda w: w.teams.url("committees:conflict.list", w.teams.round.pk)),
    ("assignment-overview", "secretariat",
     lambda w: w.teams.url("committees:assignment.overview", w.teams.round.pk)),
    # Itineraries (the secretariat).
    ("itinerary-list", "secretariat",
     lambda w: w.visits.url("visits:itinerary.list") + f"?round={w.visits.round.year}"),
    ("itinerary-detail", "secretariat",
     lambda w: w.visits.url("visits:itinerary.detail", w.visits.draft.pk)),
    ("visit-edit", "secretariat", lambda w: w.visits.url("visits:visit.edit", w.visits.visit.pk)),
    ("itinerary-confirm", "secretariat",
     lambda w: w.visits.url("visits:itinerary.confirm", w.visits.draft.pk)),
    # A member of a sub-committee (assessor role).
    ("my-conflicts", "conflicted_member", lambda w: w.teams.url("committees:conflict.mine")),
    ("declare-conflict", "conflicted_member",
     lambda w: w.teams.url("committees:conflict.declare")),
    ("my-schedule", "schedule_member", lambda w: w.visits.url("visits:schedule.mine")),
    # The coordinator of a unit whose visit is confirmed.
    ("portal-visit", "visit_coordinator",
     lambda w: f"/portal/applications/{w.visits.application.pk}/"),
]
PHONE_PAGES = ["public-home", "login", "portal-home", "portal-assessment",
               "secretariat-home", "review-detail", "not-found", "itinerary-detail",
               "my-schedule", "portal-visit"]
BY_ID = {page_id: (who, path) for page_id, who, path in PAGES}
# Pages that answer with a redirect: where they land.
LANDS_ON = {"subcommittee-index":
            lambda w: w.teams.url("committees:subcommittee.list", w.teams.round.pk)}


# What each page was built to show (CSS selectors), so a page is never checked empty.
SHOWS = {
    "subcommittee-detail": ["[data-testid=member-table]"],
    "conflict-list": ["[data-testid=conflict-table]"],
    "assignment-overview": ["[data-testid=application-table]", "[data-testid=team-table]"],
    "itinerary-list": ["[data-testid=itinerary-table]"],
    "itinerary-detail": ["[data-testid=day-table]", "svg.route-map"],
    "visit-edit": ["[data-testid=fix-form]"],
    "itinerary-confirm": ["[data-testid=confirm-form]"],
    "my-conflicts": ["[data-testid=my-conflicts]"],
    "my-schedule": ["[data-testid=schedule-day]"],
    "portal-visit": ["[data-testid=visit-card]"],
}


def prepare(page, page_id, live_server, sign_in):
    """Build the world, sign the page's reader in; → (path, where it lands)."""
    who, path = BY_ID[page_id]
    world = World()
    if who == "secretariat":
        sign_in_verified(page, live_server, world.secretariat)
    elif who == "secretariat-unverified":
        sign_in_verified(page, live_server, world.secretariat)  # creates the device
        page.context.clear_cookies()
        sign_in(page, world.secretariat)
    elif who is not None:
        sign_in(page, getattr(world, who))
    landing = LANDS_ON.get(page_id)
    return path(world), landing(world) if landing else None


def expected_status(page_id):
    return {"not-found": 404, "not-found-signed-in": 404, "forbidden": 403}.get(page_id, 200)


def check_page(page, page_id, live_server, sign_in):
    target, landing = prepare(page, page_id, live_server, sign_in)
    assert_accessible(page, target, expected_status(page_id), landing, SHOWS.get(page_id))


@pytest.mark.parametrize("page_id", list(BY_ID))
def test_page_has_no_wcag_violations(page, live_server, sign_in, page_id):
    check_page(page, page_id, live_server, sign_in)


@pytest.mark.parametrize("page_id", PHONE_PAGES)
def test_page_has_no_wcag_violations_on_a_phone(phone_page, live_server, sign_in, page_id):
    check_page(phone_page, page_id, live_server, sign_in)


def test_the_check_reports_a_violation(browser_page_factory):
    """Guard against a check that passes because axe ran no rule at all."""
    page = browser_page_factory()
    page.set_content('<html lang="th"><head><title>t</title></head><body><main>'
                     '<input type="text" name="q"></main></body></html>')
    assert [v["id"] for v in axe_violations(page)] == ["label"]
