"""Sub-committees of a round (issue point 2): created and changed through the domain, each
change audited; exactly one chair and one member-secretary; one team per person per round;
a member needs a profile with a home province; dates a member cannot travel are a warning;
after the visits start (or once the itinerary is confirmed) the members are told."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from gecc.audit.models import AuditEntry
from gecc.committees.domain.subcommittees import (
    add_member,
    change_position,
    create_subcommittee,
    remove_member,
    team_problems,
    update_subcommittee,
    visits_started,
)
from gecc.committees.enums import ConflictKind, Position
from gecc.committees.models import Conflict, Membership, SubCommittee
from gecc.geography.models import Province
from gecc.notifications.models import OutboxMessage
from gecc.rounds.models import Round
from tests.applications.factories import make_application, make_round
from tests.committees.factories import (
    DURING_VISITS,
    AssessorFactory,
    SubCommitteeFactory,
    make_assessor,
    make_team,
)
from tests.registry.factories import ServiceUnitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def round_obj(secretariat):
    return make_round(secretariat)


@pytest.fixture
def team(round_obj):
    return SubCommitteeFactory(round=round_obj, number=5)


def codes():
    return list(AuditEntry.objects.filter(action__startswith="subcommittee.")
                .order_by("pk").values_list("action", flat=True))


# -- the team itself -----------------------------------------------------------------------------

def test_create_subcommittee_is_audited(round_obj, secretariat):
    lamphun = Province.objects.get(code="51")
    team = create_subcommittee(round_obj, 5, base_province=lamphun,
                               visit_dates=[datetime.date(2026, 6, 9), datetime.date(2026, 6, 8)],
                               visits_per_day=4, actor=secretariat)
    assert team.display_name == "คณะที่ 5"
    assert team.visit_dates == ["2026-06-08", "2026-06-09"]
    assert team.capacity == 8
    assert team.base_point() == (float(lamphun.latitude), float(lamphun.longitude))
    [entry] = AuditEntry.objects.filter(action="subcommittee.created")
    assert entry.data["after"]["number"] == 5 and entry.actor == secretariat


def test_a_base_with_coordinates_only_is_accepted(round_obj):
    team = create_subcommittee(round_obj, 1, base_address="โรงแรมในเมือง",
                               base_latitude="18.574500", base_longitude=Decimal("99.0087"))
    assert team.base_point() == (18.5745, 99.0087)


@pytest.mark.parametrize(("fields", "field", "thai"), [
    ({}, "base_province", "ที่ตั้ง"),
    ({"base_latitude": "40", "base_longitude": "99"}, "base_latitude", "นอกประเทศไทย"),
    ({"base_latitude": "abc", "base_longitude": "99"}, "base_latitude", "ทศนิยม"),
    ({"base_province": "51", "visits_per_day": 0}, "visits_per_day", "จำนวนแห่งต่อวัน"),
])
def test_bad_team_values_are_refused_in_thai(round_obj, fields, field, thai):
    fields = dict(fields)
    if fields.get("base_province"):
        fields["base_province"] = Province.objects.get(code=fields["base_province"])
    with pytest.raises(ValidationError) as error:
        create_subcommittee(round_obj, 1, **fields)
    assert thai in " ".join(error.value.message_dict[field])
    assert not SubCommittee.objects.exists()


def test_a_number_is_used_once_a_round(round_obj, team):
    with pytest.raises(ValidationError) as error:
        create_subcommittee(round_obj, 5, base_province=team.base_province)
    assert "คณะที่ 5" in error.value.message_dict["number"][0]


def test_update_records_the_changed_fields(team, secretariat):
    update_subcommittee(team, actor=secretariat, visits_per_day=3, name="คณะภาคเหนือ")
    entry = AuditEntry.objects.get(action="subcommittee.updated")
    assert entry.data["before"] == {"name": "", "visits_per_day": 4}
    assert entry.data["after"] == {"name": "คณะภาคเหนือ", "visits_per_day": 3}


def test_a_round_past_its_visits_refuses_changes(team):
    Round.objects.filter(pk=team.round_id).update(phase="decision")
    team.round.refresh_from_db()
    with pytest.raises(ValidationError):
        update_subcommittee(team, visits_per_day=2)
    with pytest.raises(ValidationError):
        add_member(team, make_assessor(), Position.QUALIFIED)


# -- members ------------------------------------------------------------------------------------

def test_add_member_is_audited(team, secretariat):
    user = make_assessor()
    membership = add_member(team, user, Position.CHAIR, actor=secretariat)
    assert membership.round_id == team.round_id and membership.warnings == []
    entry = AuditEntry.objects.get(action="subcommittee.member_added")
    assert entry.data["after"] == {"member": user.email, "position": "chair"}
    assert entry.object_id == str(team.pk)


def test_one_chair_and_one_member_secretary(team):
    add_member(team, make_assessor(full_name="นายประธาน"), Position.CHAIR)
    add_member(team, make_assessor(full_name="นางเลขา"), Position.SECRETARY)
    with pytest.raises(ValidationError) as error:
        add_member(team, make_assessor(), Position.CHAIR)
    assert error.value.messages == ["คณะนี้มีประธานแล้ว (นายประธาน)"]
    with pytest.raises(ValidationError) as error:
        add_member(team, make_assessor(), Position.SECRETARY)
    assert error.value.messages == ["คณะนี้มีอนุกรรมการและเลขานุการแล้ว (นางเลขา)"]
    add_member(team, make_assessor(), Position.QUALIFIED)
    add_member(team, make_assessor(), Position.QUALIFIED)
    assert team.members.count() == 4


def test_a_person_sits_on_one_team_a_round(round_obj, team):
    other = SubCommitteeFactory(round=round_obj, number=6)
    user = make_assessor()
    add_member(team, user, Position.QUALIFIED)
    with pytest.raises(ValidationError) as error:
        add_member(other, user, Position.QUALIFIED)
    assert "คณะที่ 5" in error.value.messages[0]
    with pytest.raises(ValidationError) as error:
        add_member(team, user, Position.CHAIR)
    assert "อยู่แล้ว" in error.value.messages[0]
    assert Membership.objects.filter(user=user).count() == 1


def test_the_same_person_may_sit_in_another_round(team):
    user = make_assessor()
    add_member(team, user)
    later = SubCommitteeFactory()
    add_member(later, user)
    assert Membership.objects.filter(user=user).count() == 2


@pytest.mark.parametrize(("setup", "thai"), [
    ("no_profile", "ยังไม่อยู่ในบัญชีรายชื่อผู้ตรวจประเมิน"),
    ("no_province", "ยังไม่มีจังหวัดที่พักอาศัย"),
    ("inactive", "เลิกใช้งาน"),
])
def test_a_member_needs_an_active_profile_with_a_home_province(team, make_user, setup, thai):
    user = make_user("assessor")
    if setup == "no_province":
        AssessorFactory(user=user, home_province_id=None)
    elif setup == "inactive":
        AssessorFactory(user=user, is_active=False)
    with pytest.raises(ValidationError) as error:
        add_member(team, user, Position.QUALIFIED)
    assert thai in error.value.messages[0]
    assert not team.members.exists()
    assert not AuditEntry.objects.filter(action="subcommittee.member_added").exists()


def test_unavailable_visit_dates_are_a_warning_not_a_refusal(team):
    user = make_assessor(unavailable_dates=["2026-06-09", "2026-07-01"])
    membership = add_member(team, user)
    assert len(membership.warnings) == 1
    assert "9 มิถุนายน 2569" in membership.warnings[0]
    assert "2569" in membership.warnings[0] and "1 กรกฎาคม" not in membership.warnings[0]
    entry = AuditEntry.objects.get(action="subcommittee.member_added")
    assert entry.data["warnings"] == membership.warnings


def test_change_position_is_guarded_and_audited(team, secretariat):
    add_member(team, make_assessor(), Position.CHAIR)
    member = add_member(team, make_assessor(), Position.QUALIFIED)
    with pytest.raises(ValidationError):
        change_position(member, Position.CHAIR)
    change_position(member, Position.SECRETARY, actor=secretariat)
    member.refresh_from_db()
    assert member.position == Position.SECRETARY
    entry = AuditEntry.objects.get(action="subcommittee.position_changed")
    assert entry.data["before"]["position"] == "qualified_member"
    assert entry.data["after"]["position"] == "member_secretary"


def test_remove_member_is_audited(team, secretariat):
    member = add_member(team, make_assessor(), Position.CHAIR)
    remove_member(member, actor=secretariat)
    assert not team.members.exists()
    entry = AuditEntry.objects.get(action="subcommittee.member_removed")
    assert entry.data["before"] == {"member": member.user.email, "position": "chair"}
    assert codes() == ["subcommittee.member_added", "subcommittee.member_removed"]


def test_adding_a_member_detects_their_conflicts(round_obj, team):
    user = make_assessor()
    unit = ServiceUnitFactory(coordinators=[user])
    make_application(round_obj, unit)
    add_member(team, user)
    conflict = Conflict.objects.get(user=user)
    assert (conflict.unit, conflict.kind) == (unit, ConflictKind.COORDINATOR)


# -- what is missing ---------------------------------------------------------------------------

def test_team_problems_name_what_is_missing(round_obj):
    empty = SubCommitteeFactory(round=round_obj, base_province_id=None, visit_dates=[])
    assert team_problems(empty) == [
        "ยังไม่มีประธาน", "ยังไม่มีอนุกรรมการและเลขานุการ", "ยังไม่มีวันลงพื้นที่",
        "ยังไม่มีที่ตั้งที่มีพิกัด (จังหวัด หรือที่อยู่พร้อมพิกัด)"]


def test_a_made_team_has_no_problems(round_obj):
    team = make_team(round_obj, n_members=4)
    assert team_problems(team) == []
    positions = sorted(team.members.values_list("position", flat=True))
    assert positions == ["chair", "member_secretary", "qualified_member", "qualified_member"]


def test_a_member_who_accepts_fewer_visits_a_day_is_a_problem(round_obj):
    team = make_team(round_obj, visits_per_day=5)
    problems = team_problems(team)
    assert len(problems) == 3 and "ไม่เกิน 4 แห่งต่อวัน" in problems[0]


# -- telling the members once the visits have started --------------------------------------------

def test_no_email_before_the_visits_start(team, secretariat):
    add_member(team, make_assessor(), Position.CHAIR, actor=secretariat)
    update_subcommittee(team, actor=secretariat, visits_per_day=3)
    assert not OutboxMessage.objects.filter(event="subcommittee.changed").exists()


def test_changes_during_the_visits_are_emailed_to_the_members(team, secretariat, clock):
    chair = add_member(team, make_assessor(), Position.CHAIR, actor=secretariat)
    clock.now = DURING_VISITS
    assert visits_started(team)
    newcomer = make_assessor(full_name="นายมาใหม่")
    add_member(team, newcomer, Position.QUALIFIED, actor=secretariat)
    [message] = OutboxMessage.objects.filter(event="subcommittee.changed")
    assert sorted(message.to) == sorted([chair.user.email, newcomer.email])
    assert "นายมาใหม่" in message.body_text and "คณะที่ 5" in message.subject
    remove_member(chair, actor=secretariat)
    last = OutboxMessage.objects.filter(event="subcommittee.changed").latest("pk")
    assert chair.user.email in last.to  # the removed member is told too
    assert AuditEntry.objects.filter(action="subcommittee.member_removed").exists()


def test_a_confirmed_itinerary_counts_as_started(team):
    from gecc.visits.models import Itinerary

    assert not visits_started(team)
    Itinerary.objects.create(subcommittee=team, state="confirmed")
    team = SubCommittee.objects.get(pk=team.pk)
    assert visits_started(team)


def test_members_are_listed_chair_qualified_secretary_assistant(round_obj):
    """Every list of a team (its page, e-mails, the itinerary and its PDF, calendars) reads
    the members in the order a sub-committee is written, whatever order they were added."""
    from gecc.committees.domain.subcommittees import with_members

    team = SubCommitteeFactory(round=round_obj, number=7)
    for position in (Position.ASSISTANT, Position.SECRETARY, Position.QUALIFIED,
                     Position.CHAIR, Position.QUALIFIED):
        Membership.objects.create(subcommittee=team, user=make_assessor(), position=position)
    expected = [Position.CHAIR, Position.QUALIFIED, Position.QUALIFIED, Position.SECRETARY,
                Position.ASSISTANT]
    assert [m.position for m in team.members.all()] == expected
    prefetched = with_members(SubCommittee.objects.filter(pk=team.pk)).get()
    assert [m.position for m in prefetched.members.all()] == expected
