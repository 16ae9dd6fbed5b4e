"""Demo: sub-committee 5's on-site scoring of the eight Lamphun units (2563), done the way
members do it: each scoring member's tablet sends its scores as a sync batch on the day of
the visit and the member submits the sheet; the chair then records the team's consensus
(the members' median everywhere except one wide-spread item, with its reason), the
findings, and locks each team sheet, which stores the proposed result computed by the
criteria engine. The numbers come from :mod:`gecc.demo.scoring_data`.

Once every team sheet is locked the round moves on to the steering committee's decision
(the scoring app's phase check allows it only then).

Idempotent: a round whose team 5 already has team sheets is left as it is.
"""

import datetime
import uuid

from django.db import transaction
from django.utils import timezone

from gecc.criteria.models import Node
from gecc.demo.scoring_data import demo_scores
from gecc.rounds.domain import advance_phase
from gecc.rounds.enums import RoundPhase
from gecc.scoring.domain.consolidation import (
    lock_team_sheet,
    record_consensus,
    record_findings,
    scoring_members,
    team_sheet_for,
)
from gecc.scoring.domain.results import compiled_for
from gecc.scoring.domain.sheets import sheet_for, submit_sheet
from gecc.scoring.domain.sync import apply_batch, parse_batch
from gecc.scoring.models import TeamSheet

NAMESPACE = uuid.UUID("5b0c6f52-25a3-4c1e-9d7e-2563a0000005")
WIDE_NOTES = ("ยังไม่เห็นการนำผลสำรวจไปใช้", "มีแบบสำรวจครบทุกไตรมาส", "มีแบบสำรวจและรายงานผล",
              "สรุปผลและนำไปปรับปรุงงานแล้ว")


def _visit_time(application):
    """The visit's start on its day (Bangkok), or the round's first site-visit day."""
    visit = getattr(application, "visit", None)
    if visit is not None and visit.day_id and visit.start_at:
        moment = datetime.datetime.combine(visit.day.date, visit.start_at)
        return timezone.make_aware(moment)
    return application.round.site_visits_start_at


def _batch(application, membership, scores, when, notes):
    changes = []
    for offset, (ref, value) in enumerate(scores.items()):
        changes.append({
            "change_id": str(uuid.uuid5(NAMESPACE, f"{application.pk}/{membership.user_id}/{ref}")),
            "kind": "score", "application": application.pk, "item": ref, "value": value,
            "not_applicable": False, "note": notes.get(ref, ""),
            "client_time": (when + datetime.timedelta(minutes=offset)).isoformat()})
    return {"batch_id": str(uuid.uuid5(NAMESPACE, f"{application.pk}/{membership.user_id}")),
            "device_id": f"demo-tablet-{membership.user_id}", "changes": changes}


@transaction.atomic
def load_lamphun_2563_scores(team, actor=None) -> int:
    """Score, consolidate and lock the team's applications; returns how many were locked."""
    applications = list(team.assignments.filter(state="confirmed")
                        .select_related("application__unit", "application__round__edition",
                                        "application__visit__day")
                        .order_by("application__unit__code"))
    if TeamSheet.objects.filter(subcommittee=team).exists():
        return 0
    locked = 0
    for index, assignment in enumerate(applications):
        application = assignment.application
        members = scoring_members(application, team.pk)
        chair = next(m for m in members if m.position == "chair")
        compiled = compiled_for(application)
        data = demo_scores(compiled, application.unit.code, application.target_level,
                           members=len(members), wide=index == 0)
        when = _visit_time(application)
        for position, (membership, scores) in enumerate(zip(members, data.members,
                                                            strict=True)):
            notes = {ref: WIDE_NOTES[position % len(WIDE_NOTES)] for ref in data.reasons}
            apply_batch(membership.user, parse_batch(_batch(application, membership, scores,
                                                            when, notes)))
            submit_sheet(sheet_for(membership.user, application), membership.user)
        team_sheet = team_sheet_for(application)
        items = {node.ref: node for node in Node.objects.filter(
            version=application.round.edition, kind="item",
            ref__in=[*data.reasons, *data.strengths, *data.improvements])}
        for ref, reason in data.reasons.items():
            record_consensus(team_sheet, items[ref], value=data.consensus[ref], reason=reason,
                             actor=chair.user)
        for ref in sorted({*data.strengths, *data.improvements}):
            record_findings(team_sheet, items[ref], strengths=data.strengths.get(ref, ""),
                            improvements=data.improvements.get(ref, ""), actor=chair.user)
        lock_team_sheet(team_sheet, chair.user)
        locked += 1
    return locked


def close_site_visits(round_obj, actor):
    """Move the round from its site visits to the decision (nothing when it has moved)."""
    if round_obj.phase == RoundPhase.SITE_VISITS:
        advance_phase(round_obj, actor)
    return round_obj
