"""A final decision to certify, for the certificate tests.

``certify_world(values=ADVANCED, ...)`` → :class:`CertifyWorld`: the feedback world of
``tests/scoring/factories_feedback.py`` (a round of the small test edition, levels basic
(blue), advanced (silver), excellence (gold); an accepted application of a unit named
"ศูนย์ราชการสะดวก อำเภอบ้านโฮ่ง" with a locked team sheet and its coordinator) plus a
steering-committee meeting held on ``held_on`` (closed unless ``closed=False``) and a
decision to certify at ``level`` (the proposed level by default). Rows of the decisions app
are written directly (its domain belongs to another part): no audit entry, no e-mail.
"""

import datetime
import itertools
from dataclasses import dataclass

from django.utils import timezone

from gecc.decisions.enums import DecisionOutcome, MeetingState
from gecc.decisions.models import Decision, Meeting
from tests.applications.factories import make_round
from tests.scoring.factories_feedback import ADVANCED, feedback_world

HELD_ON = datetime.date(2026, 8, 20)
_years = itertools.count(2563)


@dataclass
class CertifyWorld:
    round: object
    application: object
    team_sheet: object
    meeting: object
    decision: object
    secretariat: object
    coordinator: object

    @property
    def unit(self):
        return self.application.unit


def make_meeting(round_obj, *, held_on=HELD_ON, closed=True, number=None):
    number = number or Meeting.objects.filter(round=round_obj).count() + 1
    return Meeting.objects.create(
        round=round_obj, number=number, held_on=held_on,
        state=MeetingState.CLOSED if closed else MeetingState.OPEN,
        closed_at=timezone.now() if closed else None)


def make_decision(application, meeting, *, outcome=DecisionOutcome.CERTIFY, level=None,
                  proposed="advanced"):
    if level is None:
        level = proposed if outcome == DecisionOutcome.CERTIFY else ""
    return Decision.objects.create(application=application, meeting=meeting, outcome=outcome,
                                   level=level, proposed_level=proposed,
                                   decided_at=timezone.now())


def certify_world(values=None, *, level=None, held_on=HELD_ON, closed=True, round_obj=None,
                  secretariat=None, meeting=None, outcome=DecisionOutcome.CERTIFY,
                  **unit_fields) -> CertifyWorld:
    if round_obj is None:
        from tests.factories import UserFactory

        secretariat = secretariat or UserFactory(roles=["secretariat"])
        round_obj = make_round(secretariat, year=next(_years))
    built = feedback_world(values or ADVANCED, round_obj=round_obj, secretariat=secretariat)
    if unit_fields:
        type(built.application.unit).objects.filter(pk=built.application.unit_id).update(
            **unit_fields)
        built.application.unit.refresh_from_db()
    meeting = meeting or make_meeting(round_obj, held_on=held_on, closed=closed)
    decision = make_decision(built.application, meeting, outcome=outcome, level=level,
                             proposed=built.team_sheet.result_level)
    return CertifyWorld(round=round_obj, application=built.application,
                        team_sheet=built.team_sheet, meeting=meeting, decision=decision,
                        secretariat=built.secretariat, coordinator=built.coordinator)
