"""A locked team sheet with the team's findings, for the feedback report tests.

``feedback_world()`` → a :class:`FeedbackWorld`: a round of the small test edition
(``tests/criteria/factories.py``), an accepted application of a ``branch`` unit (items P1.1,
P1.2, Q1.1; Q1.2 applies only to ``local`` units) confirmed to a sub-committee (chair,
qualified member, member-secretary, assistant secretary), the unit's ``coordinator``, the
``secretariat`` (second factor confirmed), and a team sheet whose consensus scores are
``values`` and whose stored ``result`` is what the real engine computes from them
(``compile_edition(spec, unit type).score(values, team=True).as_dict()``), locked unless
``locked=False``, released when ``released=True``. ``visit_date`` adds the visit on a
confirmed itinerary. Rows are written directly: no audit entry, no e-mail.

The default scores give the level "ก้าวหน้า" (advanced): overall 75%, ด้านกายภาพ 83.33%,
ด้านคุณภาพ 50%; the next level up, "เป็นเลิศ", needs 85% overall and 80% on Q1.
"""

import datetime
import itertools
from dataclasses import dataclass

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from gecc.accounts.enums import Role
from gecc.applications.models import Application
from gecc.committees.enums import AssignmentState, Position
from gecc.committees.models import Assignment, Membership, SubCommittee
from gecc.criteria.domain.editions import spec_from_version
from gecc.criteria.domain.scoring import compile_edition
from gecc.criteria.models import Node
from gecc.scoring.enums import TeamSheetState
from gecc.scoring.models import ConsensusScore, TeamSheet
from tests.applications.factories import make_application, make_round
from tests.factories import UserFactory
from tests.registry.factories import ServiceUnitFactory

_years = itertools.count(3300)

ADVANCED = {"P1.1": 3, "P1.2": 1, "Q1.1": 2}
NO_LEVEL = {"P1.1": 1, "P1.2": 1, "Q1.1": 3}  # P1.1 is mandatory (met from 2): not met
TOP = {"P1.1": 4, "P1.2": 1, "Q1.1": 4}
FINDINGS = {
    "P1.1": ("ที่จอดรถกว้างขวาง มีช่องจอดสำหรับผู้พิการ", "ควรเพิ่มป้ายบอกทางไปที่จอดรถ"),
    "Q1.1": ("", "ควรติดตามผลการร้องเรียนและแจ้งผู้ร้องภายใน 15 วัน"),
    # P1.2 has no finding: it is left out of the report.
}


@dataclass
class FeedbackWorld:
    round: object
    application: object
    team: object
    team_sheet: object
    chair: object
    qualified: object
    secretary: object
    assistant: object
    secretariat: object
    coordinator: object

    @property
    def unit(self):
        return self.application.unit

    @property
    def members(self):
        return [self.chair, self.qualified, self.secretary]


def engine_result(application, values) -> dict:
    spec = spec_from_version(application.round.edition)
    compiled = compile_edition(spec, application.unit.unit_type)
    return compiled.score(values, team=True).as_dict()


def lock(team_sheet, values, *, at=None):
    """Store the engine's result of ``values`` and lock (test setup, not the domain path)."""
    result = engine_result(team_sheet.application, values)
    at = at or timezone.now()
    TeamSheet.objects.filter(pk=team_sheet.pk).update(
        state=TeamSheetState.LOCKED, result=result, result_percent=result["overall_percent"],
        result_level=result["level"] or "", result_computed_at=at, locked_at=at)
    team_sheet.refresh_from_db()
    return team_sheet


def add_team_sheet(application, team, values=None, findings=None, *, locked=True,
                   released=False):
    values = ADVANCED if values is None else values
    findings = FINDINGS if findings is None else findings
    team_sheet = TeamSheet.objects.create(application=application, subcommittee=team)
    items = {node.ref: node for node in Node.objects.filter(
        version=application.round.edition, kind="item", ref__in=list(values))}
    for ref, value in values.items():
        strengths, improvements = findings.get(ref, ("", ""))
        ConsensusScore.objects.create(
            team_sheet=team_sheet, item=items[ref], value=value, median=value,
            not_applicable=value is None, strengths=strengths, improvements=improvements)
    if locked:
        lock(team_sheet, values)
    if released:
        TeamSheet.objects.filter(pk=team_sheet.pk).update(
            feedback_released_at=timezone.now())
        team_sheet.refresh_from_db()
    return team_sheet


def _user(role, **fields):
    return UserFactory(roles=[role], **fields)


def accepted_application(round_obj, team, coordinator=None, **unit_fields):
    coordinator = coordinator or _user(Role.COORDINATOR)
    unit = ServiceUnitFactory(coordinators=[coordinator], **unit_fields)
    application = make_application(round_obj, unit, coordinator)
    Application.objects.filter(pk=application.pk).update(state="accepted")
    application.refresh_from_db()
    Assignment.objects.create(round=round_obj, application=application, subcommittee=team,
                              state=AssignmentState.CONFIRMED)
    return application


def add_visit(application, team, date, *, confirmed=True):
    from gecc.visits.enums import ItineraryState
    from gecc.visits.models import Itinerary, ItineraryDay, Visit

    itinerary, _ = Itinerary.objects.get_or_create(subcommittee=team)
    if confirmed:
        Itinerary.objects.filter(pk=itinerary.pk).update(state=ItineraryState.CONFIRMED)
    day, _ = ItineraryDay.objects.get_or_create(itinerary=itinerary, date=date)
    return Visit.objects.create(itinerary=itinerary, application=application, day=day,
                                order=1, number=1, start_at=datetime.time(9, 0),
                                end_at=datetime.time(10, 30))


def new_team(round_obj):
    number = SubCommittee.objects.filter(round=round_obj).count() + 1
    team = SubCommittee.objects.create(round=round_obj, number=number)
    people = {}
    for key, position, name in (("chair", Position.CHAIR, "นายประธาน"),
                                ("qualified", Position.QUALIFIED, "นางสาวผู้ทรงคุณวุฒิ"),
                                ("secretary", Position.SECRETARY, "นายเลขานุการ"),
                                ("assistant", Position.ASSISTANT, "นางผู้ช่วยเลขานุการ")):
        people[key] = _user(Role.ASSESSOR, full_name=f"{name} คณะที่ {number}")
        Membership.objects.create(subcommittee=team, user=people[key], position=position)
    return team, people


def feedback_world(values=None, findings=None, *, locked=True, released=False,
                   visit_date=None, round_obj=None, secretariat=None) -> FeedbackWorld:
    """Everything in the module docstring."""
    if secretariat is None:
        secretariat = _user(Role.SECRETARIAT)
        TOTPDevice.objects.create(user=secretariat, name="test", confirmed=True)
    if round_obj is None:
        from gecc.criteria.models import EditionVersion

        round_obj = make_round(secretariat, year=next(_years),
                               version=EditionVersion.objects.first())
    team, people = new_team(round_obj)
    coordinator = _user(Role.COORDINATOR)
    application = accepted_application(round_obj, team, coordinator,
                                       name_th="ศูนย์ราชการสะดวก อำเภอบ้านโฮ่ง")
    team_sheet = add_team_sheet(application, team, values, findings, locked=locked,
                                released=released)
    if visit_date is not None:
        add_visit(application, team, visit_date)
    return FeedbackWorld(round=round_obj, application=application, team=team,
                         team_sheet=team_sheet, secretariat=secretariat,
                         coordinator=coordinator, **people)
