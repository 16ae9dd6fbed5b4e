"""Building assessors and sub-committees for tests.

* ``AssessorFactory()`` → an ``AssessorProfile`` (``.user`` holds the assessor role) with a
  home province (Lamphun, 51) and no affiliation; pass ``user__full_name=…``,
  ``affiliation=…``, ``home_province_id=…`` as needed. ``make_assessor(**fields)`` gives
  the user instead.
* ``SubCommitteeFactory(round=…)`` → a sub-committee of that round (a round is made when
  none is given) based in Lamphun, three visit dates from 8 June 2026, four visits a day;
  no members.
* ``make_team(round_obj, n_members=3, **team_fields)`` → a sub-committee with a chair, a
  member-secretary and ``n_members - 2`` qualified members, each a new assessor, so the team
  has no ``team_problems``. The memberships are plain rows (test setup): no audit entry, no
  e-mail, no conflict detection; tests of those call ``domain.subcommittees.add_member``.
"""

import datetime
import itertools

import factory

from gecc.committees.enums import Position
from gecc.committees.models import AssessorProfile, Membership, SubCommittee
from tests.applications.factories import make_round
from tests.factories import UserFactory

LAMPHUN = "51"
FIRST_VISIT_DAY = datetime.date(2026, 6, 8)
_years = itertools.count(2600)


def visit_dates(days=3, start=FIRST_VISIT_DAY) -> list[str]:
    return [(start + datetime.timedelta(days=offset)).isoformat() for offset in range(days)]


class AssessorFactory(factory.django.DjangoModelFactory):
    """An assessor profile; its user holds the assessor role."""

    class Meta:
        model = AssessorProfile

    user = factory.SubFactory(UserFactory, roles=["assessor"])
    home_province_id = LAMPHUN
    max_visits_per_day = 4
    expertise = factory.LazyFunction(lambda: ["การบริการประชาชน"])


def make_assessor(**user_fields):
    """A user with the assessor role and a profile (home province Lamphun)."""
    profile_fields = {key: user_fields.pop(key) for key in list(user_fields)
                      if key in {"home_province_id", "affiliation", "affiliation_text",
                                 "max_visits_per_day", "unavailable_dates", "is_active",
                                 "expertise", "phone"}}
    user = UserFactory(roles=["assessor"], **user_fields)
    AssessorFactory(user=user, **profile_fields)
    return user


def _round():
    """A new opened round (reusing the criteria version already loaded, if any)."""
    from gecc.criteria.models import EditionVersion

    return make_round(year=next(_years), version=EditionVersion.objects.first())


class SubCommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubCommittee

    round = factory.LazyFunction(_round)
    number = factory.Sequence(lambda n: n + 1)
    base_province_id = LAMPHUN
    base_address = "ศาลากลางจังหวัดลำพูน"
    visit_dates = factory.LazyFunction(visit_dates)
    visits_per_day = 4


def make_team(round_obj, n_members=3, **team_fields):
    """A ready sub-committee: chair, member-secretary and ``n_members - 2`` qualified
    members (at least the two)."""
    team = SubCommitteeFactory(round=round_obj, **team_fields)
    positions = [Position.CHAIR, Position.SECRETARY] + [Position.QUALIFIED] * max(
        n_members - 2, 0)
    for index, position in enumerate(positions, start=1):
        user = make_assessor(full_name=f"อนุกรรมการ คณะที่ {team.number} คนที่ {index}")
        Membership.objects.create(subcommittee=team, user=user, position=position)
    return team


class Clock:
    """The server's "now" for a test: every ``timezone.now()`` answers ``self.now``."""

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


# Before the default round's site visits start (2026-06-01), and during them.
BEFORE_VISITS = datetime.datetime(2026, 1, 20, 10, 0, tzinfo=datetime.UTC)
DURING_VISITS = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC)
