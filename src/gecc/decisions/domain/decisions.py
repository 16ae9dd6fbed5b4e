"""The steering committee's decision on each application (มติคณะกรรมการอำนวยการ).

* ``decidable_applications(round)``: accepted applications of the round with a locked team
  sheet (their proposed result) and no final decision other than a deferral.
* ``record_decision(application, meeting, actor, *, outcome, level="", reason="",
  on_behalf=None)``: at an open meeting of the application's round, in the decision phase.
  Certify at a level of the round's edition (the proposed level by default; another level
  needs a reason); not certify (a reason, unless the proposed result reached no level);
  defer (a reason). Recording again at the same open meeting replaces the decision; a
  deferral of a closed meeting is taken up by a later meeting (the one ``Decision`` row moves
  to it). ``on_behalf`` defaults to "the actor is the secretariat and not a committee
  member". Audited ``decision.recorded`` (before/after when it replaced one).
* ``approve_as_proposed(meeting, actor, *, exceptions=())``: ``record_decision`` for every
  decidable application of the round not decided at this meeting yet and not in
  ``exceptions`` (application ids): certify at the proposed level, or not certify where the
  proposed result reached no level.
* ``correct_decision`` / ``change_decision_on_appeal``: the only ways a final decision
  changes; reason required; audited ``decision.corrected`` / ``decision.changed_on_appeal``
  with before/after; ``revision`` + 1; ``hooks.decision_event(..., event=CHANGED)``.
* ``appeal_deadline(decision)``: the meeting's closing date + ``APPEAL_PERIOD_DAYS``, end of
  that day (Asia/Bangkok); None while the meeting is open.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gecc.audit.domain import log_action
from gecc.decisions.domain import hooks
from gecc.decisions.domain.meetings import _require_decision_phase, _require_open, meeting_label
from gecc.decisions.enums import DecisionChange, DecisionOutcome, MeetingState
from gecc.decisions.models import Decision, Meeting

OUTCOMES = {choice.value for choice in DecisionOutcome}


def edition_levels(round_obj) -> list[dict]:
    return [level for level in (round_obj.edition.levels or []) if isinstance(level, dict)]


def level_name(round_obj, code) -> str:
    """The level's name in the interface language, or ``code`` (or "" for no level)."""
    if not code:
        return ""
    from gecc.scoring.domain.results import level_names

    return level_names(round_obj.edition).get(code, code)


def decidable_applications(round):
    from gecc.applications.enums import ApplicationState
    from gecc.applications.models import Application
    from gecc.scoring.enums import TeamSheetState

    final = (Decision.objects.filter(meeting__state=MeetingState.CLOSED)
             .exclude(outcome=DecisionOutcome.DEFER).values("application_id"))
    return (Application.objects
            .filter(round=round, state=ApplicationState.ACCEPTED,
                    team_sheet__state=TeamSheetState.LOCKED)
            .exclude(pk__in=final))


def _snapshot(decision) -> dict:
    return {"meeting": decision.meeting_id, "outcome": decision.outcome,
            "level": decision.level, "reason": decision.reason,
            "on_behalf": decision.on_behalf, "change": decision.change,
            "revision": decision.revision}


def _diff(before: dict, after: dict) -> tuple[dict, dict]:
    keys = [key for key in after if before.get(key) != after[key]]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


def _check_outcome(round_obj, outcome, level, reason, proposed_level, *, allow_defer=True):
    """The cleaned (outcome, level, reason), or a ValidationError with a Thai sentence."""
    reason = (reason or "").strip()
    if outcome not in OUTCOMES or (outcome == DecisionOutcome.DEFER and not allow_defer):
        raise ValidationError(_("Choose a decision: certify, not certify or defer."),
                              code="bad_outcome")
    if outcome == DecisionOutcome.CERTIFY:
        level = (level or "").strip() or proposed_level
        if not level:
            raise ValidationError(
                _("Choose the level to certify at: the proposed result reached no level."),
                code="level_required")
        codes = [entry.get("code") for entry in edition_levels(round_obj)]
        if level not in codes:
            raise ValidationError(
                _("“%(level)s” is not a level of the criteria of round %(year)s.")
                % {"level": level, "year": round_obj.year}, code="unknown_level")
        if level != proposed_level and not reason:
            raise ValidationError(
                _("Give the reason for certifying at a level other than the proposed one "
                  "(%(proposed)s).")
                % {"proposed": level_name(round_obj, proposed_level) or _("no level")},
                code="reason_required")
        return outcome, level, reason
    if outcome == DecisionOutcome.NOT_CERTIFY and proposed_level and not reason:
        raise ValidationError(
            _("Give the reason for not certifying: the proposed result is the level "
              "%(proposed)s.") % {"proposed": level_name(round_obj, proposed_level)},
            code="reason_required")
    if outcome == DecisionOutcome.DEFER and not reason:
        raise ValidationError(_("Give the reason for deferring the decision."),
                              code="reason_required")
    return outcome, "", reason


def _is_secretariat(actor) -> bool:
    from gecc.accounts.rules import is_secretariat

    return actor is not None and is_secretariat(actor)


def default_on_behalf(actor) -> bool:
    """The secretariat records on the committee's behalf unless they sit on it."""
    from gecc.accounts.rules import is_steering

    return _is_secretariat(actor) and not is_steering(actor)


def decision_refusal(application, meeting) -> str | None:
    """Why no decision can be recorded on ``application`` at ``meeting`` now, or None."""
    try:
        _guard(application, meeting)
    except ValidationError as error:
        return " ".join(error.messages)
    return None


def _guard(application, meeting):
    from gecc.applications.enums import ApplicationState

    _require_open(meeting)
    if application.round_id != meeting.round_id:
        raise ValidationError(
            _("This application belongs to another round: meeting %(label)s decides on "
              "round %(year)s only.")
            % {"label": meeting_label(meeting), "year": meeting.round.year},
            code="other_round")
    _require_decision_phase(meeting.round)
    sheet = getattr(application, "team_sheet", None)
    if (application.state != ApplicationState.ACCEPTED or sheet is None
            or not sheet.is_locked):
        raise ValidationError(
            _("This application has no locked proposed result: its sub-committee must lock "
              "the team sheet before the steering committee decides."),
            code="no_proposed_result")
    existing = Decision.objects.filter(application=application).select_related(
        "meeting", "meeting__round").first()
    if existing is not None and existing.meeting_id != meeting.pk:
        if existing.meeting.state == MeetingState.OPEN:
            raise ValidationError(
                _("A decision on this application is already recorded at meeting "
                  "%(label)s, which is still open.")
                % {"label": meeting_label(existing.meeting)}, code="other_meeting")
        if existing.outcome != DecisionOutcome.DEFER:
            raise ValidationError(
                _("This application already has a final decision (meeting %(label)s). It "
                  "changes only through an appeal or a correction with a reason.")
                % {"label": meeting_label(existing.meeting)}, code="final")
    return sheet, existing


def _load(application, meeting):
    from gecc.applications.models import Application

    meeting = (Meeting.objects.select_for_update(of=("self",)).select_related("round",
                                                                              "round__edition")
               .get(pk=meeting.pk))
    application = (Application.objects.select_related("unit", "round", "team_sheet")
                   .get(pk=application.pk))
    return application, meeting


@transaction.atomic
def record_decision(application, meeting, actor, *, outcome, level="", reason="",
                    on_behalf=None, request=None) -> Decision:
    application, meeting = _load(application, meeting)
    return _record(application, meeting, actor, outcome=outcome, level=level, reason=reason,
                   on_behalf=on_behalf, request=request)


def _record(application, meeting, actor, *, outcome, level, reason, on_behalf, request,
            bulk=False):
    sheet, existing = _guard(application, meeting)
    proposed = sheet.result_level or ""
    outcome, level, reason = _check_outcome(meeting.round, outcome, level, reason, proposed)
    if on_behalf is None:
        on_behalf = default_on_behalf(actor)
    now = timezone.now()
    values = {"meeting": meeting, "outcome": outcome, "level": level, "reason": reason,
              "proposed_level": proposed, "proposed_percent": sheet.result_percent,
              "on_behalf": bool(on_behalf), "decided_by": actor, "decided_at": now,
              "change": DecisionChange.MEETING}
    if existing is None:
        decision = Decision.objects.create(application=application, **values)
        before, after = {}, _snapshot(decision)
    else:
        before = _snapshot(existing)
        moved = existing.meeting_id != meeting.pk  # a deferral taken up by a later meeting
        decision = existing
        for key, value in values.items():
            setattr(decision, key, value)
        if moved:
            decision.revision += 1
        decision.save(update_fields=[*values, "revision", "updated_at"])
        before, after = _diff(before, _snapshot(decision))
    data = {"application": application.pk, "unit": application.unit.name_th,
            "meeting": meeting_label(meeting), "proposed_level": proposed,
            "proposed_percent": sheet.result_percent}
    if bulk:
        data["approved_as_proposed"] = True
    log_action("decision.recorded", actor=actor, obj=decision, request=request,
               before=before or None, after=after, data=data)
    return decision


def approve_candidates(meeting, exceptions=()):
    """The applications ``approve_as_proposed`` would decide (in unit order)."""
    excluded = {int(pk) for pk in exceptions}
    return (decidable_applications(meeting.round)
            .exclude(pk__in=Decision.objects.filter(meeting=meeting).values("application_id"))
            .exclude(pk__in=excluded)
            .exclude(decision__meeting__state=MeetingState.OPEN)
            .select_related("unit", "round", "team_sheet")
            .order_by("unit__name_th", "pk"))


@transaction.atomic
def approve_as_proposed(meeting, actor, *, exceptions=(), request=None) -> list[Decision]:
    meeting = (Meeting.objects.select_for_update(of=("self",)).select_related("round",
                                                                              "round__edition")
               .get(pk=meeting.pk))
    _require_open(meeting)
    _require_decision_phase(meeting.round)
    decisions = []
    on_behalf = default_on_behalf(actor)
    for application in approve_candidates(meeting, exceptions):
        proposed = application.team_sheet.result_level
        outcome = DecisionOutcome.CERTIFY if proposed else DecisionOutcome.NOT_CERTIFY
        decisions.append(_record(application, meeting, actor, outcome=outcome,
                                 level=proposed, reason="", on_behalf=on_behalf,
                                 request=request, bulk=True))
    return decisions


def _change(decision, actor, *, outcome, level, reason, change, action, request, data=None,
            appeal=None):
    decision = (Decision.objects.select_for_update(of=("self",))
                .select_related("meeting", "meeting__round", "meeting__round__edition",
                                "application", "application__unit")
                .get(pk=decision.pk))
    if decision.meeting.state != MeetingState.CLOSED:
        raise ValidationError(
            _("This decision is not final yet: change it at meeting %(label)s while the "
              "meeting is open.") % {"label": meeting_label(decision.meeting)},
            code="not_final")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the change."), code="reason_required")
    outcome, level, _reason = _check_outcome(decision.meeting.round, outcome, level, reason,
                                             decision.proposed_level, allow_defer=False)
    if outcome == decision.outcome and level == decision.level:
        raise ValidationError(_("The decision already reads so: nothing to change."),
                              code="unchanged")
    before = _snapshot(decision)
    decision.outcome, decision.level, decision.reason = outcome, level, reason
    decision.change = change
    decision.revision += 1
    decision.save(update_fields=["outcome", "level", "reason", "change", "revision",
                                 "updated_at"])
    before, after = _diff(before, _snapshot(decision))
    log_action(action, actor=actor, obj=decision, request=request, before=before,
               after=after, data={"application": decision.application_id,
                                  "unit": decision.application.unit.name_th,
                                  **(data or {})})
    hooks.decision_event(decision, actor, event=hooks.CHANGED, request=request)
    return decision


@transaction.atomic
def correct_decision(decision, actor, *, outcome, level="", reason, request=None) -> Decision:
    decision = _change(decision, actor, outcome=outcome, level=level, reason=reason,
                       change=DecisionChange.CORRECTION, action="decision.corrected",
                       request=request)
    _tell_the_unit_of_correction(decision, actor)
    return decision


@transaction.atomic
def change_decision_on_appeal(decision, actor, *, appeal, outcome, level="", reason,
                              request=None) -> Decision:
    if appeal is None or appeal.decision_id != decision.pk:
        raise ValidationError(_("This appeal is not about this decision."),
                              code="appeal_mismatch")
    return _change(decision, actor, outcome=outcome, level=level, reason=reason,
                   change=DecisionChange.APPEAL, action="decision.changed_on_appeal",
                   request=request, data={"appeal": appeal.pk})


def appeal_deadline(decision) -> datetime.datetime | None:
    from gecc.common.thaidate import end_of_day

    meeting = decision.meeting
    if meeting.state != MeetingState.CLOSED or meeting.closed_at is None:
        return None
    closed_on = timezone.localdate(meeting.closed_at)
    return end_of_day(closed_on + datetime.timedelta(days=settings.APPEAL_PERIOD_DAYS))


EVENT_CORRECTED = "decisions.corrected"


def _tell_the_unit_of_correction(decision, actor):
    from django.urls import reverse

    from gecc.notifications.domain import notify

    application = decision.application
    notify(EVENT_CORRECTED, recipients=application.unit.coordinator_emails(), obj=decision,
           actor=actor,
           context={"application": application, "unit": application.unit,
                    "round": decision.meeting.round, "decision": decision,
                    "outcome": decision.outcome,
                    "level_name": level_name(decision.meeting.round, decision.level),
                    "reason": decision.reason,
                    "url": reverse("portal:application.detail",
                                   kwargs={"pk": application.pk})})

