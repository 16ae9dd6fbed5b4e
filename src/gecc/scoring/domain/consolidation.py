"""Team consolidation: the members' scores side by side, the team's consensus per item, the
findings, locking the team sheet with its proposed result, and the whole round at once.

Who does what
-------------
* The chair and the member-secretary (on the chair's behalf) consolidate: they record the
  consensus and the findings and may change the team sheet's spread threshold, once their own
  sheet is submitted (independence); the secretariat may do all of it at any time.
* Locking: the chair or the secretariat. Unlocking: the secretariat, with a reason.
* Everything that changes the team sheet needs the round in its site visits.

The numbers per item
--------------------
Only *submitted* sheets count (a draft may still change and no co-member may see it). Per
item: each scoring member's score or N/A; the **median** of the numeric answers (N/A answers
set aside; of an even count, the mean of the two middle values — the criteria engine's
rule); **N/A** when every answer is N/A; the **spread** (max − min) and the **population
standard deviation** (divided by n, not n − 1) of the numeric answers; the number of notes and
of photos. An item is **flagged** when its spread is greater than the threshold
(``TeamSheet.spread_threshold``, else ``settings.SCORING_SPREAD_THRESHOLD``).

The consensus and its reason
----------------------------
The consensus of an item is a point of the item's scale, or N/A where the item allows it. It
*differs from the median* unless it equals the median exactly (a numeric consensus equal to a
numeric median, or N/A when every answer was N/A). So a median between two points (2.5) is
matched by no point: whichever point the team chooses needs a reason; with no submitted
answer there is no median and every consensus needs a reason. The reason is checked against
the median of the moment, when recorded and again when locking (a reopened and resubmitted
sheet can move the median).

Prefill: once every scoring member has submitted, ``team_sheet_for`` fills the items without
a consensus with the median when it is a point of the scale (N/A when every answer was N/A and
the item allows it); a median between two points is left for the team. A prefilled value
(``updated_by`` empty) follows the median until someone records the item.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gecc.accounts.enums import Role
from gecc.audit.domain import log_action
from gecc.committees.enums import AssignmentState, Position
from gecc.committees.models import Assignment, Conflict, Membership
from gecc.committees.models.subcommittee import MEMBER_ORDER
from gecc.criteria.enums import NodeKind
from gecc.criteria.models import Node
from gecc.rounds.enums import RoundPhase
from gecc.scoring.domain.results import (
    BASIS_CONSENSUS,
    BASIS_MEDIAN,
    edition_spec,
    proposed_result,
    result_document,
)
from gecc.scoring.domain.sheets import SCORING_POSITIONS, applicable_items, compiled_edition
from gecc.scoring.enums import SheetState, TeamSheetState
from gecc.scoring.models import ConsensusScore, ItemScore, ScoreSheet, TeamSheet

CONSOLIDATING_POSITIONS = frozenset({Position.CHAIR, Position.SECRETARY})
EPSILON = 1e-9
MAX_THRESHOLD = 100.0


# -- who --------------------------------------------------------------------------------------

def _is_secretariat(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(Role.SECRETARIAT))


def position_of(user, team_sheet) -> str | None:
    """The user's position on the team sheet's sub-committee, or None."""
    if not (user and user.is_authenticated):
        return None
    return (Membership.objects.filter(subcommittee_id=team_sheet.subcommittee_id, user=user)
            .values_list("position", flat=True).first())


def own_sheet_submitted(user, application) -> bool:
    return ScoreSheet.objects.filter(application=application, assessor=user,
                                     state=SheetState.SUBMITTED).exists()


def can_consolidate(user, team_sheet) -> bool:
    """The secretariat; the chair or member-secretary once their own sheet is submitted."""
    if _is_secretariat(user):
        return True
    return (position_of(user, team_sheet) in CONSOLIDATING_POSITIONS
            and own_sheet_submitted(user, team_sheet.application))


def can_lock(user, team_sheet) -> bool:
    """The secretariat, or the chair once their own sheet is submitted."""
    if _is_secretariat(user):
        return True
    return (position_of(user, team_sheet) == Position.CHAIR
            and own_sheet_submitted(user, team_sheet.application))


def can_unlock(user, team_sheet) -> bool:
    return _is_secretariat(user)


def _conflicted_user_ids(application, user_ids) -> set[int]:
    unit = application.unit
    organizations = [unit.organization_id]
    parent = getattr(unit.organization, "parent_id", None)
    if parent:
        organizations.append(parent)
    return set(Conflict.objects.in_force().filter(
        Q(unit_id=unit.pk) | Q(organization_id__in=organizations),
        round_id=application.round_id, user_id__in=list(user_ids))
        .values_list("user_id", flat=True))


def scoring_members(application, subcommittee_id=None) -> list[Membership]:
    """The members who score the application: its confirmed sub-committee's members in a
    scoring position (chair, qualified, member-secretary), in list order, without those who
    have a conflict of interest in force with the unit (two queries)."""
    if subcommittee_id is None:
        subcommittee_id = (Assignment.objects.filter(application=application,
                                                     state=AssignmentState.CONFIRMED)
                           .values_list("subcommittee_id", flat=True).first())
        if subcommittee_id is None:
            return []
    members = list(Membership.objects.filter(subcommittee_id=subcommittee_id,
                                             position__in=SCORING_POSITIONS)
                   .select_related("user").order_by(*MEMBER_ORDER))
    barred = _conflicted_user_ids(application, [m.user_id for m in members])
    return [m for m in members if m.user_id not in barred]


# -- the table --------------------------------------------------------------------------------

@dataclass
class MemberColumn:
    membership: Membership
    sheet: ScoreSheet | None

    @property
    def user(self):
        return self.membership.user

    @property
    def submitted(self) -> bool:
        return self.sheet is not None and self.sheet.is_submitted


@dataclass
class Cell:
    """One member's answer to one item, as the table shows it (``shown`` False: the sheet
    is not submitted, nothing is shown)."""

    shown: bool
    value: float | None = None
    not_applicable: bool = False
    note: str = ""
    photos: int = 0


@dataclass
class ItemRow:
    item: object
    points: list
    na_allowed: bool
    cells: list
    numbers: list
    answered: int
    median: float | None
    all_na: bool
    spread: float | None
    stdev: float | None
    notes: int
    photos: int
    flagged: bool
    consensus: ConsensusScore | None
    median_is_point: bool

    @property
    def has_consensus(self) -> bool:
        c = self.consensus
        return c is not None and (c.not_applicable or c.value is not None)

    @property
    def differs(self) -> bool:
        """The recorded consensus differs from the current median (see the module)."""
        if not self.has_consensus:
            return False
        return consensus_differs(self.consensus.value, self.consensus.not_applicable,
                                 self.median, self.all_na)

    @property
    def needs_reason(self) -> bool:
        return self.differs and not (self.consensus.reason or "").strip()


@dataclass
class TeamTable:
    team_sheet: TeamSheet
    members: list
    rows: list
    threshold: float
    problems: list = field(default_factory=list)

    @property
    def all_submitted(self) -> bool:
        return bool(self.members) and all(column.submitted for column in self.members)

    @property
    def submitted_count(self) -> int:
        return sum(1 for column in self.members if column.submitted)

    @property
    def flagged_count(self) -> int:
        return sum(1 for row in self.rows if row.flagged)

    @property
    def consensus_count(self) -> int:
        return sum(1 for row in self.rows if row.has_consensus)

    def row(self, ref) -> ItemRow | None:
        return next((row for row in self.rows if row.item.ref == ref), None)


def consensus_differs(value, not_applicable, median, all_na) -> bool:
    if not_applicable:
        return not all_na
    if median is None:
        return True
    return abs(value - median) > EPSILON


def threshold_of(team_sheet) -> float:
    if team_sheet.spread_threshold is not None:
        return team_sheet.spread_threshold
    return settings.SCORING_SPREAD_THRESHOLD


def _median(numbers):
    return statistics.median(numbers) if numbers else None


def item_table(team_sheet) -> TeamTable:
    """Every applicable item with each scoring member's answer and the figures of the
    module docstring (a constant number of queries)."""
    application = team_sheet.application
    compiled = compiled_edition(application)
    memberships = scoring_members(application, team_sheet.subcommittee_id)
    sheets = {sheet.assessor_id: sheet for sheet in ScoreSheet.objects.filter(
        application=application, assessor_id__in=[m.user_id for m in memberships])}
    columns = [MemberColumn(m, sheets.get(m.user_id)) for m in memberships]
    submitted_ids = [c.sheet.pk for c in columns if c.submitted]
    answers = {}
    for score in (ItemScore.objects.filter(sheet_id__in=submitted_ids)
                  .annotate(photo_count=Count("photos", filter=Q(photos__removed_at__isnull=True)))
                  .only("sheet_id", "item_id", "value", "not_applicable", "note")):
        answers[(score.sheet_id, score.item_id)] = score
    consensus = {c.item_id: c for c in ConsensusScore.objects.filter(team_sheet=team_sheet)}
    threshold = threshold_of(team_sheet)
    rows = []
    for item in applicable_items(application):
        index = compiled.index.get(item.ref)
        points = sorted(compiled.allowed[index]) if index is not None else []
        cells, numbers, answered, notes, photos = [], [], 0, 0, 0
        for column in columns:
            if not column.submitted:
                cells.append(Cell(shown=False))
                continue
            score = answers.get((column.sheet.pk, item.pk))
            if score is None or not score.is_scored:
                cells.append(Cell(shown=True))
                continue
            answered += 1
            if not score.not_applicable:
                numbers.append(score.value)
            notes += 1 if score.note.strip() else 0
            photos += score.photo_count
            cells.append(Cell(True, None if score.not_applicable else score.value,
                              score.not_applicable, score.note, score.photo_count))
        median = _median(numbers)
        spread = (max(numbers) - min(numbers)) if numbers else None
        rows.append(ItemRow(
            item=item, points=points, na_allowed=item.na_allowed, cells=cells,
            numbers=numbers, answered=answered, median=median,
            all_na=answered > 0 and not numbers, spread=spread,
            stdev=statistics.pstdev(numbers) if numbers else None,
            notes=notes, photos=photos,
            flagged=spread is not None and spread > threshold + EPSILON,
            consensus=consensus.get(item.pk),
            median_is_point=median is not None and any(abs(median - p) <= EPSILON
                                                       for p in points)))
    table = TeamTable(team_sheet, columns, rows, threshold)
    table.problems = lock_problems(table)
    return table


def lock_problems(table: TeamTable) -> list[str]:
    """Why the team sheet cannot be locked yet (Thai sentences; empty: it can)."""
    problems = []
    team_sheet = table.team_sheet
    if team_sheet.application.round.phase != RoundPhase.SITE_VISITS:
        problems.append(_("The round is not in its site visits."))
    if not table.members:
        problems.append(_("The sub-committee has no member who scores this application."))
    waiting = [c.user.full_name or c.user.email for c in table.members if not c.submitted]
    if waiting:
        problems.append(_("Not every member has submitted their score sheet: %(names)s.")
                        % {"names": ", ".join(waiting)})
    missing = [row.item.ref for row in table.rows if not row.has_consensus]
    if missing:
        problems.append(_("Items without a consensus score: %(refs)s.")
                        % {"refs": ", ".join(missing)})
    unexplained = [row.item.ref for row in table.rows if row.needs_reason]
    if unexplained:
        problems.append(_("Items whose consensus differs from the members' median without a "
                          "reason: %(refs)s.") % {"refs": ", ".join(unexplained)})
    return problems


# -- the team sheet ---------------------------------------------------------------------------

def _confirmed_team_id(application):
    team_id = (Assignment.objects.filter(application=application,
                                         state=AssignmentState.CONFIRMED)
               .values_list("subcommittee_id", flat=True).first())
    if team_id is None:
        raise ValidationError(_("This application has no confirmed sub-committee."),
                              code="not_assigned")
    return team_id


def team_sheet_for(application) -> TeamSheet:
    """The application's team sheet, created the first time; while it is open and every
    scoring member has submitted, the items without a consensus are prefilled with the
    median (see the module)."""
    team_sheet = TeamSheet.objects.filter(application=application).first()
    if team_sheet is None:
        team_id = _confirmed_team_id(application)
        try:
            with transaction.atomic():
                team_sheet = TeamSheet.objects.create(application=application,
                                                      subcommittee_id=team_id)
        except IntegrityError:  # made at the same moment by another request
            team_sheet = TeamSheet.objects.get(application=application)
    team_sheet.application = application
    if not team_sheet.is_locked:
        prefill(team_sheet)
    return team_sheet


def prefill(team_sheet, table: TeamTable | None = None) -> int:
    """Fill (or refresh) the machine-made consensus of each item from the median, once every
    scoring member has submitted. Returns the number of items written."""
    table = table or item_table(team_sheet)
    if not table.all_submitted or team_sheet.is_locked:
        return 0
    new, changed = [], []
    for row in table.rows:
        value = row.median if row.median_is_point else None
        not_applicable = row.all_na and row.na_allowed
        current = row.consensus
        if current is None:
            new.append(ConsensusScore(team_sheet=team_sheet, item=row.item, value=value,
                                      not_applicable=not_applicable, median=row.median))
        elif current.updated_by_id is None or not row.has_consensus:
            wanted = (value, not_applicable, row.median)
            if (current.value, current.not_applicable, current.median) != wanted:
                current.value, current.not_applicable, current.median = wanted
                current.reason = ""
                changed.append(current)
    if new or changed:
        with transaction.atomic():
            ConsensusScore.objects.bulk_create(new, ignore_conflicts=True)
            ConsensusScore.objects.bulk_update(
                changed, ["value", "not_applicable", "median", "reason", "updated_at"])
            log_action("scoring.consensus_prefilled", obj=team_sheet, actor_label="system",
                       data={"refs": [row.item.ref for row in table.rows
                                       if row.consensus is None or row.consensus in changed],
                             "count": len(new) + len(changed)})
    return len(new) + len(changed)


def _locked_row(team_sheet) -> TeamSheet:
    """The team sheet with its row and its application's locked, as a member's sheet is
    (``sheets._locked``): a member's reopening and the team's locking go one at a time. The
    round, edition, unit and sub-committee are read, not locked."""
    locked = (TeamSheet.objects.select_for_update(of=("self", "application"))
              .select_related("application__round__edition", "application__unit__organization",
                              "subcommittee")
              .get(pk=team_sheet.pk))
    return locked


def _check_open(team_sheet):
    if team_sheet.is_locked:
        raise ValidationError(_("The team sheet is locked: unlock it first (the secretariat)."),
                              code="locked")
    if team_sheet.application.round.phase != RoundPhase.SITE_VISITS:
        raise ValidationError(_("The round is not in its site visits: the team sheet cannot "
                                "change now."), code="not_in_site_visits")


def _check_consolidator(actor, team_sheet):
    if not can_consolidate(actor, team_sheet):
        raise ValidationError(_("Only the chair, the member-secretary (after submitting their "
                                "own sheet) or the secretariat can record the team's "
                                "scores."), code="not_allowed")


def check_consensus(team_sheet, item, *, value, not_applicable, reason, row: ItemRow):
    """The problems of a consensus entry, by field (raises ``ValidationError``)."""
    compiled = compiled_edition(team_sheet.application)
    index = compiled.index.get(item.ref)
    if index is None:
        raise ValidationError({"item": _("This item does not apply to the unit.")},
                              code="unknown_item")
    errors = {}
    if not_applicable:
        if value is not None:
            errors["value"] = _("Give a score or mark the item not applicable, not both.")
        elif not compiled.na_allowed[index]:
            errors["not_applicable"] = _("The criteria do not allow N/A for this item.")
    elif value is None:
        errors["value"] = _("Choose a score on the item's scale.")
    elif value not in compiled.allowed[index]:
        points = ", ".join(f"{p:g}" for p in sorted(compiled.allowed[index]))
        errors["value"] = _("%(value)s is not on the item's scale (%(points)s).") % {
            "value": f"{value:g}", "points": points}
    if not errors and not (reason or "").strip() and consensus_differs(
            value, not_applicable, row.median, row.all_na):
        errors["reason"] = (_("The consensus differs from the members' median (%(median)s): "
                              "give the reason.") % {"median": median_text(row)})
    if errors:
        raise ValidationError(errors)


def median_text(row: ItemRow) -> str:
    if row.all_na:
        return _("N/A")
    if row.median is None:
        return _("none yet")
    return f"{row.median:g}"


@transaction.atomic
def record_consensus(team_sheet, item, *, value, not_applicable=False, reason="", actor,
                     request=None) -> ConsensusScore:
    """The team's score for one item (see the module for the reason rule). Audited
    ``scoring.consensus_recorded``."""
    team_sheet = _locked_row(team_sheet)
    _check_open(team_sheet)
    _check_consolidator(actor, team_sheet)
    value = None if value in (None, "") else float(value)
    not_applicable = bool(not_applicable)
    reason = (reason or "").strip()
    table = item_table(team_sheet)
    row = table.row(item.ref)
    if row is None:
        raise ValidationError({"item": _("This item does not apply to the unit.")},
                              code="unknown_item")
    check_consensus(team_sheet, item, value=value, not_applicable=not_applicable,
                    reason=reason, row=row)
    consensus = row.consensus or ConsensusScore(team_sheet=team_sheet, item=item)
    before = {"value": consensus.value, "not_applicable": consensus.not_applicable,
              "reason": consensus.reason} if consensus.pk else None
    consensus.value = None if not_applicable else value
    consensus.not_applicable = not_applicable
    consensus.median = row.median
    consensus.reason = reason
    consensus.updated_by = actor
    consensus.save()
    log_action("scoring.consensus_recorded", actor=actor, obj=team_sheet, request=request,
               before=before, after={"value": consensus.value,
                                     "not_applicable": not_applicable, "reason": reason},
               data={"item": item.ref, "median": row.median})
    return consensus


@transaction.atomic
def record_findings(team_sheet, item, *, strengths, improvements, actor,
                    request=None) -> ConsensusScore | None:
    """The team's strengths and improvements (ข้อเด่น / ข้อควรปรับปรุง) for one item, for the
    feedback report. While the feedback is not released; a locked sheet keeps its scores but
    its findings may still be worded. Audited ``scoring.findings_recorded``."""
    team_sheet = _locked_row(team_sheet)
    _check_consolidator(actor, team_sheet)
    if team_sheet.feedback_released_at is not None:
        raise ValidationError(_("The feedback has been released: the findings can no longer "
                                "change."), code="released")
    if item.ref not in compiled_edition(team_sheet.application).index:
        raise ValidationError({"item": _("This item does not apply to the unit.")},
                              code="unknown_item")
    strengths, improvements = (strengths or "").strip(), (improvements or "").strip()
    consensus = ConsensusScore.objects.filter(team_sheet=team_sheet, item=item).first()
    if consensus is None:
        if not (strengths or improvements):
            return None
        consensus = ConsensusScore.objects.create(team_sheet=team_sheet, item=item)
    before = {"strengths": consensus.strengths, "improvements": consensus.improvements}
    after = {"strengths": strengths, "improvements": improvements}
    if before == after:
        return consensus
    consensus.strengths, consensus.improvements = strengths, improvements
    consensus.updated_by = consensus.updated_by or actor
    consensus.save(update_fields=["strengths", "improvements", "updated_by", "updated_at"])
    log_action("scoring.findings_recorded", actor=actor, obj=team_sheet, request=request,
               before=before, after=after, data={"item": item.ref})
    return consensus


@transaction.atomic
def set_spread_threshold(team_sheet, threshold, actor, request=None) -> TeamSheet:
    """Change the spread above which an item is flagged (None: the default of the
    settings). Audited ``scoring.threshold_changed``."""
    team_sheet = _locked_row(team_sheet)
    _check_consolidator(actor, team_sheet)
    if team_sheet.is_locked:
        raise ValidationError(_("The team sheet is locked: unlock it first (the secretariat)."),
                              code="locked")
    if threshold is not None:
        threshold = float(threshold)
        if not 0 <= threshold <= MAX_THRESHOLD:
            raise ValidationError({"threshold": _("Give a number from 0 to 100.")},
                                  code="out_of_range")
    before = team_sheet.spread_threshold
    if before == threshold:
        return team_sheet
    team_sheet.spread_threshold = threshold
    team_sheet.save(update_fields=["spread_threshold", "updated_at"])
    log_action("scoring.threshold_changed", actor=actor, obj=team_sheet, request=request,
               before={"spread_threshold": before}, after={"spread_threshold": threshold})
    return team_sheet


@transaction.atomic
def lock_team_sheet(team_sheet, actor, request=None) -> TeamSheet:
    """Lock the team sheet and store its proposed result: every scoring member submitted,
    every applicable item with a consensus, every difference from the median explained.
    Audited ``scoring.team_locked``."""
    team_sheet = _locked_row(team_sheet)
    _check_open(team_sheet)
    if not can_lock(actor, team_sheet):
        raise ValidationError(_("Only the chair (after submitting their own sheet) or the "
                                "secretariat can lock the team sheet."), code="not_allowed")
    table = item_table(team_sheet)
    if table.problems:
        raise ValidationError(table.problems, code="incomplete")
    values = {row.item.ref: (None if row.consensus.not_applicable else row.consensus.value)
              for row in table.rows}
    result = proposed_result(team_sheet, values)
    now = timezone.now()
    team_sheet.state = TeamSheetState.LOCKED
    team_sheet.result = result_document(
        result, values, BASIS_CONSENSUS,
        members=[column.user.pk for column in table.members])
    team_sheet.result_percent = result.overall_percent
    team_sheet.result_level = result.level or ""
    team_sheet.result_computed_at = now
    team_sheet.locked_at, team_sheet.locked_by = now, actor
    team_sheet.save(update_fields=["state", "result", "result_percent", "result_level",
                                   "result_computed_at", "locked_at", "locked_by",
                                   "updated_at"])
    log_action("scoring.team_locked", actor=actor, obj=team_sheet, request=request,
               before={"state": TeamSheetState.OPEN},
               after={"state": TeamSheetState.LOCKED, "result_percent": result.overall_percent,
                      "result_level": result.level or ""},
               data={"mandatory_failed": result.mandatory_failed})
    return team_sheet


@transaction.atomic
def unlock_team_sheet(team_sheet, actor, reason, request=None) -> TeamSheet:
    """Open a locked team sheet again (the secretariat, with a reason); its proposed result
    is cleared until it is locked again. Audited ``scoring.team_unlocked``."""
    team_sheet = _locked_row(team_sheet)
    if not can_unlock(actor, team_sheet):
        raise ValidationError(_("Only the secretariat can unlock a team sheet."),
                              code="not_allowed")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for unlocking the team sheet.")},
                              code="reason_required")
    if not team_sheet.is_locked:
        raise ValidationError(_("The team sheet is not locked."), code="not_locked")
    if team_sheet.feedback_released_at is not None:
        raise ValidationError(_("The feedback report has been released to the unit: the team "
                                "sheet it was written from can no longer be unlocked."),
                              code="feedback_released")
    if team_sheet.application.round.phase != RoundPhase.SITE_VISITS:
        raise ValidationError(_("The round is not in its site visits: the team sheet cannot "
                                "change now."), code="not_in_site_visits")
    before = {"state": team_sheet.state, "result_percent": team_sheet.result_percent,
              "result_level": team_sheet.result_level}
    team_sheet.state = TeamSheetState.OPEN
    team_sheet.result, team_sheet.result_percent, team_sheet.result_level = {}, None, ""
    team_sheet.result_computed_at = None
    team_sheet.locked_at, team_sheet.locked_by = None, None
    team_sheet.save(update_fields=["state", "result", "result_percent", "result_level",
                                   "result_computed_at", "locked_at", "locked_by",
                                   "updated_at"])
    log_action("scoring.team_unlocked", actor=actor, obj=team_sheet, request=request,
               before=before, after={"state": TeamSheetState.OPEN}, data={"reason": reason})
    return team_sheet


@transaction.atomic
def reopen_member_sheet(sheet, actor, reason, request=None):
    """Reopen a member's submitted sheet (``sheets.reopen_sheet``), refused while the
    application's team sheet is locked (its row is locked for the check, so a lock cannot
    slip in between)."""
    from gecc.scoring.domain.sheets import reopen_sheet

    team_sheet = (TeamSheet.objects.select_for_update()
                  .filter(application_id=sheet.application_id).first())
    if team_sheet is not None and team_sheet.is_locked:
        raise ValidationError(_("The team sheet of this application is locked: the "
                                "secretariat must unlock it before a member's sheet can be "
                                "reopened."), code="team_locked")
    return reopen_sheet(sheet, actor, reason, request=request)



# -- the whole round --------------------------------------------------------------------------

def _ensure_team_sheets(round_obj) -> int:
    """A team sheet for every accepted application of the round with a confirmed
    sub-committee (two queries; none written when they all exist)."""
    from gecc.applications.enums import ApplicationState

    missing = list(Assignment.objects.filter(
        round=round_obj, state=AssignmentState.CONFIRMED,
        application__state=ApplicationState.ACCEPTED,
        application__team_sheet__isnull=True).values_list("application_id", "subcommittee_id"))
    TeamSheet.objects.bulk_create([TeamSheet(application_id=a, subcommittee_id=t)
                                   for a, t in missing], ignore_conflicts=True)
    return len(missing)


_ELEMENT_TYPES = {20: ">i8", 23: ">i4", 701: ">f8"}  # PostgreSQL type OIDs: int8, int4, float8


def _parse_array(data):
    """A one-dimensional PostgreSQL array in binary form (``array_send``) as a numpy array.
    Header: dimensions, has-null flag, element type, length, lower bound (20 bytes); then per
    element a 4-byte length and the value (no NULL here: N/A travels as NaN)."""
    import numpy as np

    ndim, has_null, oid = np.frombuffer(data, ">i4", count=3)
    if ndim == 0:
        return np.zeros(0)
    assert ndim == 1 and has_null == 0, "expected a one-dimensional array with no NULL"
    element = np.dtype([("length", ">i4"), ("value", _ELEMENT_TYPES[int(oid)])])
    values = np.frombuffer(data, element, offset=20)["value"]
    return values.astype(np.float64 if oid == 701 else np.int64)


ITEM_BITS = VALUE_BITS = 12  # packed read: item offset and value code, 4,096 each
VALUE_STEPS = 16  # a value travels as value × 16 (scale points in sixteenths: 0, 0.5, 1 …)
ESCAPE = (1 << VALUE_BITS) - 1


def _raw_scores(connection, sheet_ids, item_ids=()):
    """Every answer of the sheets whose ids lie between the lowest and the highest of
    ``sheet_ids`` (an index range scan: the caller drops the few rows of other sheets in that
    range), read in one query, as three numpy arrays: sheet id, item id, value (NaN for N/A
    or no score).

    On PostgreSQL each row travels as ONE 64-bit integer of one binary array that numpy
    parses directly (instead of 1.35 million Python tuples): the sheet id, the item's offset
    from the edition's first item id (12 bits) and the value code (12 bits: 0 = N/A or none,
    else value × 16 + 1, exact for every point that is a multiple of 1/16). When the items
    span more than 4,096 ids or a value is not a multiple of 1/16 (``ESCAPE``), the same rows
    are read again as two arrays (packed sheet and item, and the values as doubles)."""
    import numpy as np

    ids = [int(pk) for pk in sheet_ids]
    empty = np.zeros(0, np.int64)
    if not ids:
        return empty, empty, np.zeros(0)
    if connection.vendor != "postgresql":
        rows = list(ItemScore.objects.filter(sheet_id__gte=min(ids), sheet_id__lte=max(ids)).values_list(
            "sheet_id", "item_id", "value", "not_applicable"))
        sheets = np.fromiter((r[0] for r in rows), np.int64, len(rows))
        items = np.fromiter((r[1] for r in rows), np.int64, len(rows))
        values = np.fromiter((np.nan if r[3] or r[2] is None else r[2] for r in rows),
                             np.float64, len(rows))
        return sheets, items, values
    import psycopg

    join = "FROM scoring_itemscore s WHERE s.sheet_id BETWEEN %s AND %s"
    bounds = [min(ids), max(ids)]
    base = min(item_ids, default=0)
    if item_ids and max(item_ids) - base < (1 << ITEM_BITS):
        code = (f"CASE WHEN s.not_applicable OR s.value IS NULL THEN 0 "
                f"WHEN s.value >= 0 AND s.value * {VALUE_STEPS} < {ESCAPE - 1} AND "
                f"s.value * {VALUE_STEPS} = floor(s.value * {VALUE_STEPS}) "
                f"THEN (s.value * {VALUE_STEPS})::int8 + 1 ELSE {ESCAPE} END")
        query = (f"SELECT array_send(array_agg(((s.sheet_id << {ITEM_BITS}) + s.item_id - "
                 f"{int(base)}) << {VALUE_BITS} | {code})) {join}")
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(query, bounds, binary=True)
            (packed,) = cursor.fetchone()
        if packed is None:
            return empty, empty, np.zeros(0)
        packed = _parse_array(packed)
        codes = packed & ESCAPE
        if not (codes == ESCAPE).any():
            items = ((packed >> VALUE_BITS) & ((1 << ITEM_BITS) - 1)) + base
            values = np.where(codes == 0, np.nan, (codes - 1) / VALUE_STEPS)
            return packed >> (ITEM_BITS + VALUE_BITS), items, values
    value = "CASE WHEN s.not_applicable THEN 'NaN'::float8 ELSE coalesce(s.value, 'NaN') END"
    query = (f"SELECT array_send(array_agg(s.sheet_id * 4294967296 + s.item_id)), "
             f"array_send(array_agg({value})) {join}")
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(query, bounds, binary=True)
        packed, values = cursor.fetchone()
    if packed is None:
        return empty, empty, np.zeros(0)
    packed = _parse_array(packed)
    return packed >> 32, packed & 0xFFFFFFFF, _parse_array(values)


def _store_results(connection, rows):
    """``rows``: (team sheet id, result document as JSON text or "{}", percent or None,
    level) — on PostgreSQL one UPDATE from one JSON parameter (``jsonb_to_recordset``: no
    per-row quoting on the client), batched ``bulk_update`` elsewhere."""
    import json

    now = timezone.now()
    if connection.vendor == "postgresql":
        payload = "[" + ",".join(
            f'{{"id":{pk},"result":{document},"percent":{_json_number(percent)},'
            f'"level":{json.dumps(level)}}}' for pk, document, percent, level in rows) + "]"
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE scoring_teamsheet AS t SET result = v.result, "
                "result_percent = v.percent, result_level = v.level, "
                "result_computed_at = %s, updated_at = %s "
                "FROM jsonb_to_recordset(%s::jsonb) "
                "AS v(id int8, result jsonb, percent float8, level text) WHERE t.id = v.id",
                [now, now, payload])
        return
    sheets = [TeamSheet(pk=pk, result=json.loads(document), result_percent=percent,
                        result_level=level, result_computed_at=now, updated_at=now)
              for pk, document, percent, level in rows]
    TeamSheet.objects.bulk_update(sheets, ["result", "result_percent", "result_level",
                                           "result_computed_at", "updated_at"],
                                  batch_size=500)


def _json_number(value) -> str:
    return "null" if value is None or value != value else repr(float(value))


def _documents(batch, submitted):
    """Each application's result document from a ``BatchResult``, as JSON text (the numbers
    of ``BatchResult.summary``, with ``basis`` and ``members_submitted``): written through
    one template per edition and unit type, so the round's 7,500 take a few tens of
    milliseconds. Yields (JSON text, overall percent or None, level code or "")."""
    import json

    compiled = batch.compiled
    mandatory = [ref for _, _, ref in compiled.mandatory]
    refs = [json.dumps(ref) for ref in compiled.category_refs]
    crit = [json.dumps(ref) for ref in compiled.criterion_refs]
    template = ('{"overall_percent":%s,"categories":{'
                + ",".join(f"{ref}:%s" for ref in refs).replace("%", "%%").replace("%%s", "%s")
                + '},"criteria":{'
                + ",".join(f"{ref}:%s" for ref in crit).replace("%", "%%").replace("%%s", "%s")
                + '},"mandatory_failed":%s,"level":%s,"basis":"'
                + BASIS_MEDIAN + '","members_submitted":%d}')
    codes = batch.level_codes
    level_json = {i: json.dumps(code) for i, code in enumerate(codes)}
    level_json[-1] = "null"
    overall = batch.overall.tolist()
    categories, criteria = batch.categories.tolist(), batch.criteria.tolist()
    failed = batch.mandatory_failed.tolist()
    known_failures = {}

    def failed_json(flags):  # a few patterns repeat across thousands of applications
        text = known_failures.get(flags)
        if text is None:
            text = known_failures[flags] = json.dumps(
                [ref for ref, f in zip(mandatory, flags, strict=True) if f])
        return text

    for i, level in enumerate(batch.level.tolist()):
        text = template % (
            _json_number(overall[i]), *map(_json_number, categories[i]),
            *map(_json_number, criteria[i]),
            failed_json(tuple(failed[i])),
            level_json[level], int(submitted[i]))
        yield (text, None if overall[i] != overall[i] else overall[i],
               codes[level] if level >= 0 else "")


@transaction.atomic
def propose_round(round_obj, actor=None, request=None) -> int:
    """The provisional proposed result of every open team sheet of the round, from the
    members' medians: one read of the raw scores of the submitted sheets, the median per item
    and the score of every application with the batch engine
    (``criteria.domain.batch.score_batch``), stored on each open team sheet in one UPDATE
    (``result["basis"] == "members_median"``, with ``members_submitted``). A sheet with no
    submitted member sheet has its result cleared. Locked sheets keep the result of their
    consensus. Returns the number of team sheets written; audited once on the round
    (``scoring.round_proposed``): nothing is decided, the figures can be recomputed."""
    import numpy as np
    from django.db import connection

    from gecc.criteria.domain.batch import score_batch
    from gecc.criteria.domain.scoring import compile_edition

    _ensure_team_sheets(round_obj)
    with connection.cursor() as cursor:  # plain rows: 30,000 of them, no model instances
        cursor.execute(
            "SELECT t.id, t.application_id, u.unit_type FROM scoring_teamsheet t "
            "JOIN applications_application a ON a.id = t.application_id "
            "JOIN registry_serviceunit u ON u.id = a.unit_id "
            "WHERE a.round_id = %s AND t.state = %s", [round_obj.pk, TeamSheetState.OPEN])
        open_sheets = cursor.fetchall()
        if not open_sheets:
            return 0
        cursor.execute(
            "SELECT h.id, h.application_id FROM scoring_scoresheet h "
            "JOIN applications_application a ON a.id = h.application_id "
            "WHERE a.round_id = %s AND h.state = %s", [round_obj.pk, SheetState.SUBMITTED])
        sheet_app = dict(cursor.fetchall())
    node_refs = dict(Node.objects.filter(version_id=round_obj.edition_id, kind=NodeKind.ITEM)
                     .values_list("pk", "ref"))
    spec = edition_spec(round_obj.edition)

    # Each submitted sheet → (application row, column): columns numbered per application.
    row_of_app = {app: i for i, (_pk, app, _t) in enumerate(open_sheets)}
    known = sorted(pk for pk, app in sheet_app.items() if app in row_of_app)
    sheet_keys = np.array(known, dtype=np.int64)
    sheet_row = np.empty(len(known), dtype=np.int64)
    sheet_col = np.empty(len(known), dtype=np.int64)
    next_col, submitted = {}, np.zeros(len(open_sheets), dtype=np.int64)
    for k, pk in enumerate(known):
        row = row_of_app[sheet_app[pk]]
        sheet_row[k], sheet_col[k] = row, next_col.get(row, 0)
        next_col[row] = sheet_col[k] + 1
        submitted[row] += 1
    width = max(next_col.values(), default=0) or 1
    sheet_ids, item_ids, values = _raw_scores(connection, known, list(node_refs))
    # Sheet id → its row and column through a dense lookup table (ids of one round are
    # close together): one gather per score instead of a binary search.
    first = int(sheet_keys[0]) if len(known) else 0
    lookup = np.full(int(sheet_keys[-1]) - first + 1 if len(known) else 1, -1, dtype=np.int64)
    lookup[sheet_keys - first] = np.arange(len(known))
    position = lookup[sheet_ids - first]
    if (position < 0).any():  # sheets in the id range that are not this round's submitted
        keep = position >= 0
        position, item_ids, values = position[keep], item_ids[keep], values[keep]
    rows_of_score = sheet_row[position] if len(known) else position
    cols_of_score = sheet_col[position] if len(known) else position
    type_names = sorted({t for _pk, _a, t in open_sheets})
    type_code = np.array([type_names.index(t) for _pk, _a, t in open_sheets], dtype=np.int64)

    written = []
    for code, unit_type in enumerate(type_names):
        compiled = compile_edition(spec, unit_type)
        members = np.flatnonzero(type_code == code)
        local = np.full(len(open_sheets), -1, dtype=np.int64)
        local[members] = np.arange(len(members))
        item_index = np.full(max(node_refs, default=0) + 1, -1, dtype=np.int64)
        for pk, ref in node_refs.items():
            item_index[pk] = compiled.index.get(ref, -1)
        grid = np.full((len(members), len(compiled.refs), width), np.nan)
        if len(type_names) == 1:  # the common case: no copy of the 1.35 million scores
            rows, cols, items, scores = rows_of_score, cols_of_score, item_ids, values
        else:
            mine = type_code[rows_of_score] == code
            rows, cols = rows_of_score[mine], cols_of_score[mine]
            items, scores = item_ids[mine], values[mine]
        index = item_index[items]
        keep = index >= 0
        grid[local[rows[keep]], index[keep], cols[keep]] = scores[keep]
        batch = score_batch(compiled, grid, "median")
        rows_here = members.tolist()
        for row, (document, percent, level) in zip(
                rows_here, _documents(batch, submitted[members]), strict=True):
            pk = open_sheets[row][0]
            written.append((pk, document, percent, level) if submitted[row]
                           else (pk, "{}", None, ""))
    _store_results(connection, written)
    log_action("scoring.round_proposed", actor=actor, obj=round_obj, request=request,
               data={"count": len(written)})
    return len(written)


# -- the round's phase check ------------------------------------------------------------------

NAMED_IN_CHECK = 10


def team_sheets_locked(round_obj, new_phase) -> list[str]:
    """Leaving the site visits for the decision needs a locked team sheet (the proposed
    result) for every accepted application with a confirmed sub-committee: the applications
    still without one are named (the first ten, then how many more). Registered as a phase
    check by ``gecc.scoring.checks``; it holds the round (not a warning)."""
    from gecc.applications.enums import ApplicationState
    from gecc.applications.models import Application
    from gecc.rounds.enums import RoundPhase as Phase

    if new_phase != Phase.DECISION:
        return []
    pending = (Application.objects.filter(round=round_obj, state=ApplicationState.ACCEPTED,
                                          assignment__state=AssignmentState.CONFIRMED)
               .exclude(team_sheet__state=TeamSheetState.LOCKED)
               .order_by("assignment__subcommittee__number", "unit__name_th", "pk"))
    total = pending.count()
    if not total:
        return []
    names = [f"{name} ({team})" for name, team in pending.values_list(
        "unit__name_th", "assignment__subcommittee__number")[:NAMED_IN_CHECK]]
    text = ", ".join(names)
    if total > NAMED_IN_CHECK:
        text += " " + _("and %(count)s more") % {"count": total - NAMED_IN_CHECK}
    return [ngettext(
        "%(count)s accepted application has no locked team sheet (its proposed result): "
        "%(names)s.",
        "%(count)s accepted applications have no locked team sheet (their proposed result): "
        "%(names)s.", total) % {"count": total, "names": text}
        + " " + _("Each sub-committee locks its team sheets after the consensus; the round "
                  "moves to the decision once every one is locked.")]
