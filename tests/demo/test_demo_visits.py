"""The demo's 2563 round after desk review: sub-committee 5 visiting the eight Lamphun
units on 8–9 June 2563 (the seed news item), and conflicts on two other teams."""

import datetime

import pytest
from django.core.management import call_command

from gecc.accounts.models import User
from gecc.applications.models import Application
from gecc.committees.enums import ConflictKind, Position
from gecc.committees.models import Assignment, Conflict, SubCommittee
from gecc.visits.enums import ItineraryState
from gecc.visits.models import Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.VISIT_SOLVER_SECONDS = 1
    call_command("setup_demo")


def test_sub_committee_5_visits_the_eight_units_on_8_and_9_june_2563(demo):
    team = SubCommittee.objects.get(round__year=2563, number=5)
    assert team.base_province.name_th == "ลำพูน"
    assert Assignment.objects.filter(subcommittee=team, state="confirmed").count() == 8
    visits = Visit.objects.filter(itinerary__subcommittee=team).select_related("day")
    assert visits.count() == 8
    assert team.itinerary.state == ItineraryState.CONFIRMED
    assert {visit.day.date for visit in visits} == {datetime.date(2020, 6, 8),
                                                   datetime.date(2020, 6, 9)}
    assert sorted(visit.number for visit in visits) == list(range(1, 9))
    assert all(visit.start_at >= datetime.time(8, 30) and visit.end_at <= datetime.time(16, 30)
               for visit in visits)


def test_the_demo_member_login_chairs_team_5_and_sees_its_eight_applications(demo):
    user = User.objects.get(email="assessor@demo.gecc.local")
    membership = user.memberships.get(round__year=2563)
    assert (membership.subcommittee.number, membership.position) == (5, Position.CHAIR)
    assert Application.objects.visible_to(user).filter(round__year=2563).count() == 8


def test_other_teams_carry_one_declared_and_one_detected_conflict(demo):
    conflicts = Conflict.objects.filter(round__year=2563).select_related("user")
    kinds = {conflict.kind for conflict in conflicts}
    assert ConflictKind.DECLARED in kinds and ConflictKind.AFFILIATION in kinds
    teams = {conflict.user.memberships.get(round__year=2563).subcommittee.number
             for conflict in conflicts}
    assert 5 not in teams


def test_the_demo_coordinator_sees_the_visit_in_the_portal(demo, client):
    from tests.conftest import sign_in

    coordinator = User.objects.get(email="coordinator@demo.gecc.local")
    sign_in(client, coordinator)
    application = Application.objects.filter(round__year=2563).order_by("unit__code").first()
    response = client.get(f"/portal/applications/{application.pk}/")
    assert response.status_code == 200
    assert "2563" in response.content.decode() and "คณะที่ 5" in response.content.decode()
