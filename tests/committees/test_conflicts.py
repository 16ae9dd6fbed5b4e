"""Conflicts of interest (issue point 3): each detected kind found (and not found when it
should not be), detection run twice makes nothing twice, declarations and withdrawals and
overrides audited, and detection in a fixed number of queries."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gecc.applications.models import Application
from gecc.audit.models import AuditEntry
from gecc.committees.domain.conflicts import (
    conflict_for,
    declare_conflict,
    detect_conflicts,
    forbidden_pairs,
    override_conflict,
    withdraw_conflict,
)
from gecc.committees.enums import AssignmentState, ConflictKind, Position
from gecc.committees.models import Assignment, Conflict, Membership
from gecc.notifications.models import OutboxMessage
from gecc.registry.domain.units import set_unit_coordinators
from gecc.registry.views.coordinators import remove_coordinator
from tests.applications.factories import make_application, make_round
from tests.committees.factories import (
    SubCommitteeFactory,
    make_assessor,
)
from tests.registry.factories import OrganizationFactory, ServiceUnitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def round_obj(secretariat):
    return make_round(secretariat)


@pytest.fixture
def team(round_obj):
    return SubCommitteeFactory(round=round_obj, number=1)


def seat(team, user, position=Position.QUALIFIED):
    """A member on the team (a plain row: detection is what these tests call)."""
    return Membership.objects.create(subcommittee=team, user=user, position=position)


def kinds(user):
    return sorted(Conflict.objects.filter(user=user).values_list("kind", flat=True))


# -- affiliation ------------------------------------------------------------------------------

def test_affiliation_with_the_units_organisation(round_obj, team):
    org = OrganizationFactory()
    unit = ServiceUnitFactory(organization=org)
    application = make_application(round_obj, unit)
    member = make_assessor(affiliation=org)
    seat(team, member)
    [conflict] = detect_conflicts(round_obj)
    assert (conflict.kind, conflict.organization, conflict.unit) == (
        ConflictKind.AFFILIATION, org, None)
    assert conflict_for(member, application) == conflict


def test_affiliation_with_the_parent_organisation(round_obj, team):
    ministry = OrganizationFactory()
    department = OrganizationFactory(parent=ministry)
    application = make_application(round_obj, ServiceUnitFactory(organization=department))
    member = make_assessor(affiliation=ministry)
    seat(team, member)
    detect_conflicts(round_obj)
    assert kinds(member) == [ConflictKind.AFFILIATION]
    assert conflict_for(member, application).organization == ministry


def test_no_affiliation_conflict_with_an_unrelated_or_child_organisation(round_obj, team):
    parent = OrganizationFactory()
    child = OrganizationFactory(parent=parent)
    make_application(round_obj, ServiceUnitFactory(organization=parent))
    seat(team, make_assessor(affiliation=child))
    seat(team, make_assessor(affiliation=OrganizationFactory()))
    seat(team, make_assessor(affiliation_text="มหาวิทยาลัยเชียงใหม่"))
    assert detect_conflicts(round_obj) == []


# -- coordinator --------------------------------------------------------------------------------

def test_a_current_coordinator(round_obj, team):
    member = make_assessor()
    unit = ServiceUnitFactory(coordinators=[member])
    make_application(round_obj, unit)
    seat(team, member)
    [conflict] = detect_conflicts(round_obj)
    assert (conflict.kind, conflict.unit) == (ConflictKind.COORDINATOR, unit)


def test_a_former_coordinator_from_a_change_of_coordinators(round_obj, team, secretariat):
    member = make_assessor()
    unit = ServiceUnitFactory(coordinators=[member])
    set_unit_coordinators(unit, [], actor=secretariat)  # unit.coordinators_changed
    make_application(round_obj, unit)
    seat(team, member)
    [conflict] = detect_conflicts(round_obj)
    assert (conflict.kind, conflict.unit) == (ConflictKind.COORDINATOR, unit)
    assert conflict.reason == "เคยเป็นผู้ประสานงาน (ตามประวัติในทะเบียน)"


def test_a_former_coordinator_who_was_removed(round_obj, team, secretariat):
    member = make_assessor(email="Former.Coordinator@example.go.th")
    unit = ServiceUnitFactory(coordinators=[member])
    remove_coordinator(unit, member, actor=secretariat)  # unit.coordinator_removed
    make_application(round_obj, unit)
    seat(team, member)
    detect_conflicts(round_obj)
    assert kinds(member) == [ConflictKind.COORDINATOR]


def test_no_coordinator_conflict_for_another_unit(round_obj, team, make_user):
    member = make_assessor()
    ServiceUnitFactory(coordinators=[member])  # no application this round
    other = ServiceUnitFactory(coordinators=[make_user("coordinator")])
    make_application(round_obj, other)
    seat(team, member)
    assert detect_conflicts(round_obj) == []


def test_no_conflict_with_a_rejected_or_withdrawn_application(round_obj, team):
    member = make_assessor()
    unit = ServiceUnitFactory(coordinators=[member])
    application = make_application(round_obj, unit)
    Application.objects.filter(pk=application.pk).update(state="withdrawn")
    seat(team, member)
    assert detect_conflicts(round_obj) == []


# -- previous round ----------------------------------------------------------------------------

@pytest.fixture
def visited_last_year(round_obj):
    """A member whose team visited ``unit`` (confirmed) in the previous year's round, and
    the unit's application in this round."""
    previous = make_round(year=round_obj.year - 1, version=round_obj.edition)
    unit = ServiceUnitFactory()
    old_team = SubCommitteeFactory(round=previous, number=3)
    member = make_assessor()
    seat(old_team, member)
    old_application = make_application(previous, unit)
    Application.objects.filter(pk=old_application.pk).update(state="accepted")
    Assignment.objects.create(round=previous, application=old_application,
                              subcommittee=old_team, state=AssignmentState.CONFIRMED)
    make_application(round_obj, unit)
    return member, unit, previous


def test_previous_round_conflict(round_obj, team, visited_last_year):
    member, unit, previous = visited_last_year
    seat(team, member)
    [conflict] = detect_conflicts(round_obj)
    assert (conflict.kind, conflict.unit) == (ConflictKind.PREVIOUS_ROUND, unit)
    assert str(previous.year) in conflict.reason


def test_previous_round_can_be_switched_off(round_obj, team, visited_last_year, settings):
    settings.COI_PREVIOUS_ROUND = False
    member, _unit, _previous = visited_last_year
    seat(team, member)
    assert detect_conflicts(round_obj) == []


def test_a_proposed_assignment_last_year_is_no_conflict(round_obj, team, visited_last_year):
    member, _unit, previous = visited_last_year
    Assignment.objects.filter(round=previous).update(state=AssignmentState.PROPOSED)
    seat(team, member)
    assert detect_conflicts(round_obj) == []


def test_a_teammate_of_last_year_is_not_concerned(round_obj, team, visited_last_year):
    _member, _unit, _previous = visited_last_year
    seat(team, make_assessor())
    assert detect_conflicts(round_obj) == []


# -- idempotence and audit ----------------------------------------------------------------------

def test_detection_twice_creates_nothing_twice(round_obj, team, secretariat):
    org = OrganizationFactory()
    member = make_assessor(affiliation=org)
    make_application(round_obj, ServiceUnitFactory(organization=org, coordinators=[member]))
    seat(team, member)
    first = detect_conflicts(round_obj, actor=secretariat)
    assert sorted(c.kind for c in first) == [ConflictKind.AFFILIATION, ConflictKind.COORDINATOR]
    assert detect_conflicts(round_obj, actor=secretariat) == []
    assert Conflict.objects.count() == 2
    detected = AuditEntry.objects.filter(action="conflict.detected")
    assert detected.count() == 2
    assert {entry.data["after"]["member"] for entry in detected} == {member.email}
    assert all(entry.actor == secretariat for entry in detected)


def test_an_overridden_conflict_is_not_detected_again(round_obj, team, secretariat):
    member = make_assessor()
    make_application(round_obj, ServiceUnitFactory(coordinators=[member]))
    seat(team, member)
    [conflict] = detect_conflicts(round_obj)
    override_conflict(conflict, secretariat, "ย้ายงานไปแล้วสามปี")
    assert detect_conflicts(round_obj) == []
    assert Conflict.objects.in_force().count() == 0


def test_detection_runs_in_a_fixed_number_of_queries(round_obj, secretariat):
    def world(size, start):
        team = SubCommitteeFactory(round=round_obj, number=start)
        for _index in range(size):
            org = OrganizationFactory()
            member = make_assessor(affiliation=org)
            seat(team, member)
            make_application(round_obj, ServiceUnitFactory(organization=org,
                                                           coordinators=[member]))

    def count():
        with CaptureQueriesContext(connection) as queries:
            created = detect_conflicts(round_obj, actor=secretariat)
        return len(queries), len(created)

    world(1, 1)
    small, made = count()
    assert made == 2
    world(6, 2)
    large, made = count()
    assert made == 12
    assert large == small


# -- declaring, withdrawing, overriding ----------------------------------------------------------

def test_declare_a_conflict_is_audited(round_obj, make_user):
    member = make_user("assessor")
    unit = ServiceUnitFactory()
    conflict = declare_conflict(member, round_obj, unit=unit, reason="ภรรยาทำงานที่นี่",
                                actor=member)
    assert (conflict.kind, conflict.created_by) == (ConflictKind.DECLARED, member)
    entry = AuditEntry.objects.get(action="conflict.declared")
    assert entry.data["after"]["unit"] == unit.code
    assert entry.data["after"]["reason"] == "ภรรยาทำงานที่นี่"
    assert entry.actor == member


@pytest.mark.parametrize(("target", "reason", "field"), [
    ("none", "เหตุผล", "unit"), ("both", "เหตุผล", "unit"), ("unit", "  ", "reason")])
def test_a_declaration_needs_one_target_and_a_reason(round_obj, make_user, target, reason,
                                                     field):
    member = make_user("assessor")
    unit = ServiceUnitFactory() if target in ("unit", "both") else None
    organization = OrganizationFactory() if target == "both" else None
    with pytest.raises(ValidationError) as error:
        declare_conflict(member, round_obj, unit=unit, organization=organization,
                         reason=reason, actor=member)
    assert field in error.value.message_dict
    assert not Conflict.objects.exists()
    assert not AuditEntry.objects.filter(action="conflict.declared").exists()


def test_the_same_declaration_twice_is_refused(round_obj, make_user):
    member = make_user("assessor")
    organization = OrganizationFactory()
    declare_conflict(member, round_obj, organization=organization, reason="อดีตที่ทำงาน",
                     actor=member)
    with pytest.raises(ValidationError) as error:
        declare_conflict(member, round_obj, organization=organization, reason="ซ้ำ",
                         actor=member)
    assert "แจ้ง" in error.value.messages[0]


def test_withdraw_a_declaration(round_obj, make_user):
    member = make_user("assessor")
    conflict = declare_conflict(member, round_obj, unit=ServiceUnitFactory(), reason="ญาติ",
                                actor=member)
    withdraw_conflict(conflict, actor=member)
    assert not Conflict.objects.exists()
    entry = AuditEntry.objects.get(action="conflict.withdrawn")
    assert entry.data["before"]["reason"] == "ญาติ"


def test_withdrawal_is_refused_after_the_assignment_is_confirmed(round_obj, team, make_user):
    member = make_user("assessor")
    unit = ServiceUnitFactory()
    conflict = declare_conflict(member, round_obj, unit=unit, reason="ญาติ", actor=member)
    application = make_application(round_obj, ServiceUnitFactory())
    Assignment.objects.create(round=round_obj, application=application, subcommittee=team,
                              state=AssignmentState.CONFIRMED)
    with pytest.raises(ValidationError) as error:
        withdraw_conflict(conflict, actor=member)
    assert "ยืนยันแล้ว" in error.value.messages[0]
    assert Conflict.objects.filter(pk=conflict.pk).exists()


def test_only_the_declarer_withdraws_and_only_a_declaration(round_obj, team, make_user):
    member, other = make_user("assessor"), make_user("assessor")
    declared = declare_conflict(member, round_obj, unit=ServiceUnitFactory(), reason="ญาติ",
                                actor=member)
    with pytest.raises(ValidationError):
        withdraw_conflict(declared, actor=other)
    coordinator = make_assessor()
    make_application(round_obj, ServiceUnitFactory(coordinators=[coordinator]))
    seat(team, coordinator)
    [detected] = detect_conflicts(round_obj)
    with pytest.raises(ValidationError):
        withdraw_conflict(detected, actor=coordinator)
    assert Conflict.objects.count() == 2


def test_override_is_audited_and_tells_the_member(round_obj, team, secretariat):
    member = make_assessor()
    unit = ServiceUnitFactory(coordinators=[member])
    application = make_application(round_obj, unit)
    seat(team, member)
    [conflict] = detect_conflicts(round_obj)
    assert list(forbidden_pairs(round_obj)) == [application.pk]
    assert list(forbidden_pairs(round_obj)[application.pk]) == [team.pk]
    override_conflict(conflict, secretariat, "พ้นจากตำแหน่งผู้ประสานงานนานแล้ว")
    conflict.refresh_from_db()
    assert not conflict.in_force
    assert conflict.overridden_by == secretariat
    assert conflict.override_reason == "พ้นจากตำแหน่งผู้ประสานงานนานแล้ว"
    entry = AuditEntry.objects.get(action="conflict.overridden")
    assert entry.data["after"]["override_reason"] == "พ้นจากตำแหน่งผู้ประสานงานนานแล้ว"
    assert entry.actor == secretariat
    assert forbidden_pairs(round_obj) == {}
    assert conflict_for(member, application) is None
    [message] = OutboxMessage.objects.filter(event="conflict.overridden")
    assert message.to == [member.email]


def test_override_needs_the_secretariat_and_a_reason(round_obj, team, secretariat):
    member = make_assessor()
    make_application(round_obj, ServiceUnitFactory(coordinators=[member]))
    seat(team, member)
    [conflict] = detect_conflicts(round_obj)
    with pytest.raises(PermissionDenied):
        override_conflict(conflict, member, "ขอยกเว้นเอง")
    with pytest.raises(ValidationError) as error:
        override_conflict(conflict, secretariat, "   ")
    assert "reason" in error.value.message_dict
    override_conflict(conflict, secretariat, "เหตุผล")
    with pytest.raises(ValidationError):
        override_conflict(conflict, secretariat, "อีกครั้ง")
    assert AuditEntry.objects.filter(action="conflict.overridden").count() == 1


@pytest.mark.parametrize("conflicts", [1, 3])
def test_forbidden_pairs_reads_three_queries_however_many_conflicts(
        round_obj, team, conflicts, django_assert_num_queries):
    for index in range(conflicts):
        member = make_assessor()
        seat(team, member)
        unit = ServiceUnitFactory()
        make_application(round_obj, unit)
        declare_conflict(member, round_obj, unit=unit, reason=f"ญาติ {index}", actor=member)
    with django_assert_num_queries(3):  # members, conflicts with what they name, applications
        pairs = forbidden_pairs(round_obj)
    assert len(pairs) == conflicts
    assert all(list(teams) == [team.pk] for teams in pairs.values())
