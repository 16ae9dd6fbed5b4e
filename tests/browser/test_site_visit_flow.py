"""The secretariat's site-visit flow in the browser, end to end: form a sub-committee →
run the assignment → adjust one application by hand (and be refused where a member has a
conflict of interest) → confirm the assignment → plan and confirm the itineraries → the
unit's coordinator sees the visit on the portal.

The round is in its site-visit phase with four accepted applications of units in Lamphun
and Chiang Mai and one complete sub-committee; the second one is formed through the pages.
The assignment and planning tasks run eagerly in the live server (the embedded default), so
each POST returns when the work is done; the solvers search for a moment only.
"""

import datetime
import time

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _

from gecc.applications.models import Application
from gecc.committees.enums import AssignmentState, ConflictKind, Position
from gecc.committees.models import Assignment, Conflict, SubCommittee
from gecc.common.thaidate import format_be, format_be_numeric
from gecc.notifications.models import OutboxMessage
from gecc.rounds.models import Round
from gecc.visits.enums import ItineraryState
from gecc.visits.models import Itinerary, Visit
from tests.applications.factories import make_application, make_round
from tests.browser.test_desk_review import sign_in_verified
from tests.committees.factories import AssessorFactory, make_team
from tests.factories import UserFactory
from tests.registry.factories import ServiceUnitFactory
from tests.visits.factories import coordinate, near

LAMPHUN = (18.5745, 99.0087)
CHIANG_MAI = (18.7883, 98.9853)
NEW_TEAM = "คณะอนุกรรมการเชียงใหม่"
FLOW_SECONDS = 60


@pytest.fixture(autouse=True)
def _quick_solvers(settings):
    """The live server runs in this process: the solvers search for a moment only."""
    settings.VISIT_SOLVER_SECONDS = 0.3
    settings.ASSIGNMENT_TIME_LIMIT_S = 2.0


def visits_round(secretariat):
    """A round whose site visits started yesterday (dates around today); its phase is moved
    on by ``start_site_visits`` once the applications are in."""
    now, day = timezone.now(), datetime.timedelta(days=1)
    round_obj = make_round(secretariat, applications_open_at=now - 120 * day,
                           applications_close_at=now - 90 * day,
                           desk_review_end_at=now - 30 * day,
                           site_visits_start_at=now - day, site_visits_end_at=now + 60 * day,
                           decision_at=now + 70 * day, announcement_at=now + 80 * day)
    return round_obj


def next_monday(day):
    return day + datetime.timedelta(days=-day.weekday() % 7)


def start_site_visits(round_obj):
    Round.objects.filter(pk=round_obj.pk).update(phase="site_visits")  # test setup
    round_obj.refresh_from_db()


def accepted(round_obj, name, point, subdistrict, postcode, **unit_fields):
    unit = ServiceUnitFactory(name_th=name, latitude=coordinate(point[0]),
                              longitude=coordinate(point[1]), subdistrict_id=subdistrict,
                              postcode=postcode, **unit_fields)
    application = make_application(round_obj, unit,
                                   now=timezone.now() - datetime.timedelta(days=100))
    Application.objects.filter(pk=application.pk).update(state="accepted")
    return application


class Setup:
    def __init__(self):
        self.secretariat = UserFactory(roles=["secretariat"], full_name="สมชาย เลขานุการ")
        self.coordinator = UserFactory(roles=["coordinator"], full_name="สมศรี ผู้ประสานงาน")
        self.round = visits_round(self.secretariat)
        monday = next_monday(timezone.localdate() + datetime.timedelta(days=7))
        self.days = [monday, monday + datetime.timedelta(days=1)]
        # One complete team (chair, member-secretary, a qualified member), based in Lamphun.
        self.team = make_team(self.round, 3, visit_dates=[
            (monday + datetime.timedelta(days=offset)).isoformat() for offset in (0, 1, 2)])
        # Four accepted applications: two in Lamphun, two in Chiang Mai.
        self.lamphun = [
            accepted(self.round, "ศูนย์บริการร่วมอำเภอเมืองลำพูน", near(LAMPHUN, 2),
                     "510101", "51000"),
            accepted(self.round, "ศูนย์บริการร่วมอำเภอป่าซาง", near(LAMPHUN, -8, 2),
                     "510602", "51120")]
        self.visited = accepted(self.round, "ศูนย์บริการร่วมอำเภอสันทราย",
                                near(CHIANG_MAI, 6, 3), "501401", "50210",
                                coordinators=[self.coordinator])
        self.other = accepted(self.round, "ศูนย์บริการร่วมอำเภอหางดง",
                              near(CHIANG_MAI, -7, -2), "501501", "50230")
        start_site_visits(self.round)
        # A member of the existing team declared a conflict with the coordinator's unit.
        member = self.team.members.get(position=Position.QUALIFIED).user
        Conflict.objects.create(round=self.round, user=member, unit=self.visited.unit,
                                kind=ConflictKind.DECLARED, reason="เคยเป็นผู้อำนวยการหน่วยนี้")
        # The pool the new team's members come from (home province Chiang Mai).
        self.chair = AssessorFactory(user__full_name="ศาสตราจารย์ ประธาน เชียงใหม่",
                                     home_province_id="50")
        self.secretary = AssessorFactory(user__full_name="นางสาว เลขา เชียงใหม่",
                                         home_province_id="50")


def row_of(page, unit_name):
    return page.get_by_test_id("application-row").filter(has_text=unit_name)


def move(page, application, team):
    row = row_of(page, application.unit.name_th)
    row.get_by_role("combobox").select_option(str(team.pk))
    with page.expect_navigation():
        row.get_by_role("button", name="ย้าย").click()


def form_the_team(page, world):
    page.goto(f"/staff/committees/rounds/{world.round.pk}/subcommittees/")
    page.get_by_role("link", name="เพิ่มคณะอนุกรรมการ").first.click()
    form = page.locator("form.people-form")
    form.get_by_label("หมายเลข").fill("2")
    form.get_by_label("ชื่อ", exact=True).fill(NEW_TEAM)
    form.get_by_label("จังหวัดที่ตั้ง").select_option(label="เชียงใหม่")
    form.get_by_label("วันลงพื้นที่").fill("\n".join(format_be_numeric(d) for d in world.days))
    form.get_by_label("จำนวนแห่งต่อวัน").fill("3")
    form.get_by_role("button", name="บันทึก").click()
    page.get_by_role("heading", level=1, name=NEW_TEAM).wait_for()
    for profile, position in ((world.chair, Position.CHAIR),
                              (world.secretary, Position.SECRETARY)):
        add = page.locator("form[action$='/members/add/']")
        add.locator("select[name=profile]").select_option(str(profile.pk))
        add.locator("select[name=position]").select_option(position.value)
        add.get_by_role("button", name="เพิ่ม").click()
        page.get_by_test_id("member-table").filter(has_text=profile.user.full_name).wait_for()
    assert page.get_by_test_id("team-problems").count() == 0
    return SubCommittee.objects.get(round=world.round, number=2)


def test_secretariat_forms_assigns_plans_and_the_coordinator_sees_the_visit(
        page, live_server, browser_page_factory, sign_in):
    started = time.monotonic()
    world = Setup()
    sign_in_verified(page, live_server, world.secretariat)

    # 1. Form the second sub-committee and seat its chair and member-secretary.
    new_team = form_the_team(page, world)
    assert new_team.name == NEW_TEAM and new_team.visits_per_day == 3
    assert [datetime.date.fromisoformat(d) for d in new_team.visit_dates] == world.days

    # 2. Run the assignment: the run's page shows the progress, then the outcome.
    page.goto(f"/staff/committees/assignment/rounds/{world.round.pk}/")
    page.get_by_test_id("run-assignment").click()
    page.wait_for_url("**/staff/committees/assignment/runs/*/")
    assert page.locator("progress#run-progress").count() == 1
    page.get_by_test_id("run-result").wait_for()
    assert "4" in page.get_by_test_id("run-result").inner_text()
    page.get_by_test_id("to-overview").click()
    page.get_by_test_id("application-table").wait_for()
    proposal = dict(Assignment.objects.filter(round=world.round)
                    .values_list("application_id", "subcommittee_id"))
    assert len(proposal) == 4 and proposal[world.visited.pk] == new_team.pk

    # 3a. A team whose member has a conflict of interest with the unit is refused.
    conflicted = row_of(page, world.visited.unit.name_th).get_by_role("combobox")
    assert _("conflict of interest") in conflicted.locator(
        f"option[value='{world.team.pk}']").inner_text()
    move(page, world.visited, world.team)
    refusal = page.locator(".message.error").filter(has_text="ตรวจเยี่ยม")
    refusal.wait_for()
    assert world.visited.unit.name_th in refusal.inner_text()
    assert "เคยเป็นผู้อำนวยการหน่วยนี้" in refusal.inner_text()
    assert Assignment.objects.get(application=world.visited).subcommittee_id == new_team.pk

    # 3b. Move one Lamphun application to the new team by hand (locked there).
    moved = next(app for app in world.lamphun if proposal[app.pk] == world.team.pk)
    move(page, moved, new_team)
    page.locator(".message.success").filter(has_text=moved.unit.name_th).wait_for()
    assignment = Assignment.objects.get(application=moved)
    assert (assignment.subcommittee_id, assignment.locked) == (new_team.pk, True)

    # 4. Confirm the assignment on its confirmation page.
    page.get_by_test_id("confirm-assignment").click()
    page.get_by_role("heading", level=1, name="ยืนยันการจัดคณะอนุกรรมการ").wait_for()
    page.get_by_test_id("confirm").click()
    page.get_by_test_id("confirmed-note").wait_for()

    # 5. Plan every itinerary from the round's list, then open the new team's and plan it
    #    again on its own.
    page.goto(f"/staff/visits/?round={world.round.year}")
    page.get_by_test_id("plan-all").click()
    page.locator(".message.success").filter(has_text="เริ่มจัดกำหนดการ").wait_for()
    assert Itinerary.objects.filter(subcommittee__round=world.round,
                                    solved_at__isnull=False).count() == 2
    page.get_by_test_id("itinerary-table").get_by_role("link", name=NEW_TEAM).click()
    page.get_by_role("heading", level=1, name=NEW_TEAM).wait_for()
    # Plan this team again on its own (keeps what was fixed by hand).
    page.get_by_test_id("replan").click()
    page.locator(".message.success").filter(has_text="จัดลงได้ 3 หน่วย").wait_for()
    days = page.get_by_test_id("day-table")
    assert page.get_by_test_id("placed-count").inner_text() == "3"
    assert days.filter(has_text=world.visited.unit.name_th).count() == 1
    assert page.locator("svg.route-map").first.is_visible()
    assert page.locator("svg.route-map circle.route-stop").count() == 3

    # 6. Confirm the itinerary: the coordinators and the members are told.
    page.get_by_test_id("confirm-link").click()
    page.get_by_test_id("confirm-form").wait_for()
    page.get_by_test_id("confirm").click()
    page.locator(".message.success").filter(has_text="ยืนยันกำหนดการแล้ว").wait_for()
    assert page.get_by_test_id("itinerary-state").inner_text() == "ยืนยันแล้ว"

    # 7. The unit's coordinator (another browser) sees the visit on the portal.
    visit = Visit.objects.select_related("day").get(application=world.visited)
    portal = browser_page_factory(base_url=live_server.url)
    sign_in(portal, world.coordinator)
    portal.goto(f"/portal/applications/{world.visited.pk}/")
    card = portal.get_by_test_id("visit-card")
    card.wait_for()
    text = card.inner_text()
    assert format_be(visit.day.date) in text  # e.g. "12 ธันวาคม 2569"
    assert str(visit.day.date.year + 543) in text
    assert f"คณะอนุกรรมการตรวจประเมิน: {NEW_TEAM}" in text
    assert "การตรวจประเมินในพื้นที่" in text

    # The database at the end.
    assert set(Assignment.objects.filter(round=world.round)
               .values_list("state", flat=True)) == {AssignmentState.CONFIRMED}
    itinerary = Itinerary.objects.get(subcommittee=new_team)
    assert itinerary.state == ItineraryState.CONFIRMED
    assert itinerary.confirmed_by == world.secretariat
    scheduled = [message for message in OutboxMessage.objects.filter(event="visit.scheduled")
                 if world.coordinator.email in message.to]
    assert len(scheduled) == 1
    assert time.monotonic() - started < FLOW_SECONDS
