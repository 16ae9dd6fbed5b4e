"""Test data for the steering-committee meetings and decisions (and the parts built on them:
certificates, appeals, the public registry). Rows are written directly with the ORM: no
audit entry, no e-mail, so a test sees only what its own domain call writes.

* ``decision_round(secretariat=None)`` → a round of the small test edition (levels
  ``basic`` พื้นฐาน, ``advanced`` ก้าวหน้า, ``excellence`` เป็นเลิศ) in its ``decision`` phase.
* ``locked_application(round_obj=None, values=ADVANCED, *, team=None, released=False,
  coordinator=None, **unit_fields)`` → an accepted application (a ``branch`` unit with one
  coordinator) confirmed to a sub-committee, with a locked team sheet whose proposed result
  is what the real engine gives for ``values`` (``ADVANCED`` → ``advanced`` 75 %, ``TOP`` →
  ``excellence``, ``NO_LEVEL`` → no level). The application's ``team_sheet`` is loaded.
* ``open_meeting(round_obj, number=None, held_on=None)`` → an open ``Meeting``.
* ``decided(application=None, *, outcome="certify", level=None, meeting=None,
  closed=True, reason="", actor=None, closed_at=None)`` → a ``Decision`` (certify at the
  proposed level by default) on a meeting that is closed unless ``closed=False``.
"""

import datetime

from django.utils import timezone

from gecc.decisions.enums import DecisionOutcome, MeetingState
from gecc.decisions.models import Decision, Meeting
from gecc.rounds.enums import RoundPhase
from gecc.rounds.models import Round
from tests.scoring.factories_feedback import (
    ADVANCED,
    NO_LEVEL,
    TOP,
    _user,
    accepted_application,
    add_team_sheet,
    feedback_world,
    new_team,
)

__all__ = ["ADVANCED", "NO_LEVEL", "TOP", "decided", "decision_round", "locked_application",
           "open_meeting", "secretariat_user"]


def secretariat_user():
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from gecc.accounts.enums import Role

    user = _user(Role.SECRETARIAT)
    TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return user


def decision_round(secretariat=None):
    """A round in its decision phase, with one locked application already (the
    ``feedback_world`` one, kept as ``round_obj.first_application``)."""
    world = feedback_world(secretariat=secretariat)
    round_obj = world.round
    Round.objects.filter(pk=round_obj.pk).update(phase=RoundPhase.DECISION)
    round_obj.refresh_from_db()
    round_obj.first_application = world.application
    round_obj.secretariat = world.secretariat
    round_obj.team = world.team
    return round_obj


def locked_application(round_obj=None, values=None, *, team=None, released=False,
                       coordinator=None, **unit_fields):
    """An accepted application with a locked team sheet at the level ``values`` give."""
    if round_obj is None:
        round_obj = decision_round()
    if team is None:
        team = getattr(round_obj, "team", None) or new_team(round_obj)[0]
    phase = Round.objects.values_list("phase", flat=True).get(pk=round_obj.pk)
    Round.objects.filter(pk=round_obj.pk).update(phase=RoundPhase.APPLICATIONS)
    round_obj.phase = RoundPhase.APPLICATIONS
    try:  # the application is made through the domain, which needs the round open
        application = accepted_application(round_obj, team, coordinator, **unit_fields)
    finally:
        Round.objects.filter(pk=round_obj.pk).update(phase=phase)
        round_obj.phase = phase
    add_team_sheet(application, team, ADVANCED if values is None else values,
                   released=released)
    application.refresh_from_db()
    return application


def open_meeting(round_obj, number=None, held_on=None, **fields):
    if number is None:
        number = Meeting.objects.filter(round=round_obj).count() + 1
    return Meeting.objects.create(round=round_obj, number=number,
                                  held_on=held_on or datetime.date(2026, 8, 5), **fields)


def decided(application=None, *, outcome=DecisionOutcome.CERTIFY, level=None, meeting=None,
            closed=True, reason="", actor=None, closed_at=None):
    """A decision on ``application`` (a new locked one when not given) at ``meeting`` (a
    new one when not given), its meeting closed unless ``closed=False``."""
    if application is None:
        application = locked_application()
    sheet = application.team_sheet
    if level is None:
        level = sheet.result_level if outcome == DecisionOutcome.CERTIFY else ""
    if meeting is None:
        meeting = open_meeting(application.round)
    now = timezone.now()
    decision = Decision.objects.create(
        application=application, meeting=meeting, outcome=outcome, level=level or "",
        proposed_level=sheet.result_level, proposed_percent=sheet.result_percent,
        reason=reason, decided_by=actor, decided_at=now)
    if closed and meeting.state != MeetingState.CLOSED:
        Meeting.objects.filter(pk=meeting.pk).update(state=MeetingState.CLOSED,
                                                     closed_at=closed_at or now,
                                                     closed_by=actor)
        meeting.refresh_from_db()
    decision.meeting = meeting
    return decision
