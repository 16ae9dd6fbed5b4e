"""Building sub-committees with a confirmed assignment for the itinerary tests.

Rows are created directly (test setup): the round through the rounds domain, applications
through ``create_application`` then marked accepted, sub-committees, members and confirmed
assignments as plain rows (``tests/committees/factories.py`` builds the same through the
committees domain, when it exists).
"""

import datetime
from decimal import Decimal

from gecc.applications.models import Application
from gecc.committees.enums import AssignmentState, Position
from gecc.committees.models import Assignment, Membership, SubCommittee
from tests.applications.factories import make_application, make_round
from tests.factories import UserFactory
from tests.registry.factories import ServiceUnitFactory

LAMPHUN = (18.5745, 99.0087)  # the team's base: Lamphun town
DAY_1 = datetime.date(2026, 6, 8)


def near(point, north_km=0.0, east_km=0.0):
    return point[0] + north_km / 111.2, point[1] + east_km / 106.0


def coordinate(value):
    return Decimal(f"{value:.6f}")


def add_member(team, position=Position.QUALIFIED, **user_fields):
    user = UserFactory(roles=["assessor"], **user_fields)
    return Membership.objects.create(subcommittee=team, user=user, position=position)


def make_team(round_obj, number=5, *, point=LAMPHUN, days=2, per_day=4, members=True):
    team = SubCommittee.objects.create(
        round=round_obj, number=number, base_latitude=coordinate(point[0]),
        base_longitude=coordinate(point[1]), base_address="ศาลากลางจังหวัดลำพูน",
        visits_per_day=per_day,
        visit_dates=[(DAY_1 + datetime.timedelta(days=d)).isoformat() for d in range(days)])
    if members:
        add_member(team, Position.CHAIR, full_name=f"นายประธาน คณะที่{number}")
        add_member(team, Position.QUALIFIED, full_name=f"นางสาวผู้ทรง คณะที่{number}")
    return team


def make_unit(point=None, coordinator=None, **fields):
    if point is not None:
        fields.update(latitude=coordinate(point[0]), longitude=coordinate(point[1]))
    if coordinator is not None:
        fields["coordinators"] = [coordinator]
    return ServiceUnitFactory(**fields)


def assign(team, unit, *, state=AssignmentState.CONFIRMED):
    """An accepted application of ``unit`` assigned to ``team`` (rows set directly)."""
    application = make_application(team.round, unit)
    Application.objects.filter(pk=application.pk).update(state="accepted")
    application.refresh_from_db()
    Assignment.objects.create(round=team.round, application=application, subcommittee=team,
                              state=state)
    return application


def team_with_units(round_obj=None, *, count=3, number=5, days=2, per_day=4, secretariat=None,
                    coordinator=None, names=None):
    """A team with ``count`` confirmed units spread north of the base, 5–25 km away."""
    round_obj = round_obj or make_round(secretariat)
    team = make_team(round_obj, number, days=days, per_day=per_day)
    applications = []
    for index in range(count):
        name = names[index] if names else f"ศูนย์ราชการสะดวก หน่วยทดสอบ {index + 1}"
        unit = make_unit(near(LAMPHUN, 5 + 7 * index, 3 * (index % 2)), coordinator,
                         name_th=name)
        applications.append(assign(team, unit))
    return team, applications
