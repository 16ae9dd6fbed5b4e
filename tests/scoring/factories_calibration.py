"""Building scored rounds for the calibration tests.

* ``scored_round(teams=1, applications=2, members=3)`` → a ``World`` with an opened round
  (the small test edition: levels basic, advanced, excellence), ``teams`` sub-committees of
  ``members`` scoring members each (chair, member-secretary, qualified members) and
  ``applications`` accepted applications confirmed to each team.
* ``give_scores(application, member, {ref: value})`` writes one member's sheet directly
  (test setup, not the sync path): a number is a score, ``NA`` marks the item not
  applicable, ``None`` leaves it unscored.
* ``lock_result(application, level, percent)`` stores the team's locked proposed result.
"""

from dataclasses import dataclass, field

from gecc.committees.models import Membership
from gecc.criteria.models import Node
from gecc.scoring.enums import SheetState, TeamSheetState
from gecc.scoring.models import ItemScore, ScoreSheet, TeamSheet
from tests.applications.factories import make_round
from tests.committees.factories import make_team
from tests.visits.factories import assign, make_unit

NA = "n/a"


@dataclass
class World:
    round: object
    teams: list = field(default_factory=list)
    applications: dict = field(default_factory=dict)  # team pk → [application]
    members: dict = field(default_factory=dict)  # team pk → [user] (chair first)

    def team_of(self, application):
        return next(team for team in self.teams
                    if application in self.applications[team.pk])


def scored_round(teams=1, applications=2, members=3, *, year=2569):
    world = World(make_round(year=year))
    for _number in range(teams):
        team = make_team(world.round, members)
        world.teams.append(team)
        world.members[team.pk] = [m.user for m in Membership.objects.filter(
            subcommittee=team).select_related("user").order_by("pk")]
        world.applications[team.pk] = [
            assign(team, make_unit(name_th=f"ศูนย์ราชการสะดวก คณะที่ {team.number} "
                                           f"หน่วยที่ {index + 1}"))
            for index in range(applications)]
    return world


def item(round_obj, ref):
    return Node.objects.get(version=round_obj.edition, kind="item", ref=ref)


def give_scores(application, member, scores, *, team=None, submitted=True):
    team = team or application.assignment.subcommittee
    sheet, _created = ScoreSheet.objects.get_or_create(
        application=application, assessor=member,
        defaults={"subcommittee": team,
                  "state": SheetState.SUBMITTED if submitted else SheetState.DRAFT})
    for ref, value in scores.items():
        ItemScore.objects.create(sheet=sheet, item=item(application.round, ref),
                                 value=None if value in (NA, None) else value,
                                 not_applicable=value == NA)
    return sheet


def lock_result(application, level, percent=None, *, team=None, locked=True):
    team = team or application.assignment.subcommittee
    return TeamSheet.objects.create(
        application=application, subcommittee=team,
        state=TeamSheetState.LOCKED if locked else TeamSheetState.OPEN,
        result_level=level, result_percent=percent)


def build_hand_case():
    """Two applications, two items (P1.1, Q1.1, both 0–4), three assessors X, Y, Z.

    ============  ====  ====  ====  =====  ===========  ==========================
    cell          X     Y     Z     mean   SD (pop.)    z (X, Y, Z)
    ============  ====  ====  ====  =====  ===========  ==========================
    A1 P1.1       4     2     3     3      √(2/3)       +√1.5, −√1.5, 0
    A1 Q1.1       3     3     3     3      0            0, 0, 0 (everyone agreed)
    A2 P1.1       4     2     N/A   3      1            +1, −1, —
    A2 Q1.1       2     1     0     1      √(2/3)       +√1.5, 0, −√1.5
    ============  ====  ====  ====  =====  ===========  ==========================

    Leniency (mean z over the assessor's cells):
    X = (√1.5 + 0 + 1 + √1.5) / 4 = (1 + √6) / 4 ≈ 0.8624 over 4 cells;
    Y = (−√1.5 + 0 − 1 + 0) / 4 = −(1 + √1.5) / 4 ≈ −0.5562 over 4 cells;
    Z = (0 + 0 − √1.5) / 3 = −1/√6 ≈ −0.4082 over 3 cells (N/A left out).
    """
    world = scored_round(applications=2, members=3)
    team = world.teams[0]
    a1, a2 = world.applications[team.pk]
    x, y, z = world.members[team.pk]
    give_scores(a1, x, {"P1.1": 4, "Q1.1": 3})
    give_scores(a1, y, {"P1.1": 2, "Q1.1": 3})
    give_scores(a1, z, {"P1.1": 3, "Q1.1": 3})
    give_scores(a2, x, {"P1.1": 4, "Q1.1": 2})
    give_scores(a2, y, {"P1.1": 2, "Q1.1": 1})
    give_scores(a2, z, {"P1.1": NA, "Q1.1": 0})
    world.x, world.y, world.z = x, y, z
    return world
