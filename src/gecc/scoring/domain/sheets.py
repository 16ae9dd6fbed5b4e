"""Members' own score sheets: who scores, the sheet of a member and an application, the items
it covers, submitting and reopening it, and who sees which sheet.

Who scores: a member of the application's confirmed sub-committee in one of
``SCORING_POSITIONS`` (chair, qualified member, member-secretary; assistant secretaries do
not score), while the round is in its site visits, for an accepted application in the
member's scope (``committees.scoping.assessor_application_scope``: confirmed assignment, no
conflict of interest in force). ``scoring_refusals`` answers that for many applications in a
constant number of queries (the sync batch uses it); ``scoring_refusal`` for one.

Independence: a member sees the co-members' sheets of an application only once their own is
submitted (``visible_sheets``); the secretariat sees every sheet.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gecc.accounts.enums import Role
from gecc.applications.enums import ApplicationState
from gecc.applications.models import Application
from gecc.audit.domain import log_action
from gecc.committees.enums import AssignmentState, Position
from gecc.committees.models import Assignment, Membership
from gecc.committees.scoping import assessor_application_scope, conflict_in_force_exists
from gecc.criteria.enums import NodeKind
from gecc.criteria.models import Node
from gecc.rounds.enums import RoundPhase
from gecc.scoring.enums import SheetState, TeamSheetState
from gecc.scoring.models import ItemPhoto, ItemScore, ItemScoreHistory, ScoreSheet, TeamSheet

SCORING_POSITIONS = frozenset({Position.CHAIR, Position.QUALIFIED, Position.SECRETARY})

# Refusal codes (the ``code`` of a ValidationError, of a refused sync change).
NOT_MEMBER = "not_member"
NOT_IN_SITE_VISITS = "not_in_site_visits"
NOT_ACCEPTED = "not_accepted"
NOT_ASSIGNED = "not_assigned"
CONFLICT = "conflict_of_interest"
NOT_SCORING_POSITION = "not_scoring_position"
SHEET_SUBMITTED = "sheet_submitted"


def refusal_message(code: str) -> str:
    """The Thai (active language) sentence for a refusal code of this module."""
    messages = {
        NOT_MEMBER: _("Only members of a sub-committee score applications."),
        NOT_IN_SITE_VISITS: _("The round is not in its site visits: scores cannot be "
                              "recorded now."),
        NOT_ACCEPTED: _("This application is not waiting for a site visit."),
        NOT_ASSIGNED: _("This application is not assigned to your sub-committee."),
        CONFLICT: _("You have a conflict of interest with this unit: you cannot score it."),
        NOT_SCORING_POSITION: _("Assistant secretaries do not score applications."),
        SHEET_SUBMITTED: _("Your score sheet for this application has been submitted and is "
                           "locked. Ask the chair to reopen it."),
    }
    return messages[code]


# -- who scores --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Scorable:
    """An application a member may score, with the sub-committee the sheet belongs to."""

    application: Application
    subcommittee_id: int


def scoring_refusals(user, application_ids) -> tuple[dict[int, Scorable], dict[int, str]]:
    """For each application id: either a :class:`Scorable` (the member may score it) or a
    refusal code (``refusal_message(code)`` says it in words). Four queries at most whatever
    the number of applications (one more only for those refused, to tell a conflict of
    interest from "not assigned")."""
    ids = sorted({int(pk) for pk in application_ids})
    allowed, refused = {}, {}
    if not ids:
        return allowed, refused
    if user is None or not user.is_authenticated or not user.has_role(Role.ASSESSOR):
        return allowed, dict.fromkeys(ids, NOT_MEMBER)
    applications = {
        application.pk: application for application in
        Application.objects.filter(pk__in=ids).select_related("round__edition", "unit")
        .annotate(in_scope=Q(assessor_application_scope(user)))}
    confirmed = dict(Assignment.objects.filter(application_id__in=list(applications),
                                               state=AssignmentState.CONFIRMED)
                     .values_list("application_id", "subcommittee_id"))
    positions = dict(Membership.objects.filter(user=user,
                                               subcommittee_id__in=set(confirmed.values()))
                     .values_list("subcommittee_id", "position"))
    unclear = []
    for pk in ids:
        application = applications.get(pk)
        if application is None:
            refused[pk] = NOT_ASSIGNED
        elif application.round.phase != RoundPhase.SITE_VISITS:
            refused[pk] = NOT_IN_SITE_VISITS
        elif application.state != ApplicationState.ACCEPTED:
            refused[pk] = NOT_ACCEPTED
        elif not application.in_scope:
            unclear.append(pk)
        elif positions.get(confirmed.get(pk)) not in SCORING_POSITIONS:
            refused[pk] = NOT_SCORING_POSITION
        else:
            allowed[pk] = Scorable(application, confirmed[pk])
    if unclear:
        conflicted = set(Application.objects.filter(pk__in=unclear)
                         .filter(conflict_in_force_exists(user))
                         .values_list("pk", flat=True))
        for pk in unclear:
            refused[pk] = CONFLICT if pk in conflicted else NOT_ASSIGNED
    return allowed, refused


def can_score_any(user) -> bool:
    """Whether ``user`` may score at least one application now (the rule of
    :func:`scoring_refusals` over the applications confirmed to their scoring teams)."""
    if user is None or not user.is_authenticated or not user.has_role(Role.ASSESSOR):
        return False
    teams = Membership.objects.filter(user=user, position__in=SCORING_POSITIONS) \
        .values("subcommittee_id")
    candidates = list(Assignment.objects.filter(
        state=AssignmentState.CONFIRMED, subcommittee_id__in=teams,
        application__state=ApplicationState.ACCEPTED,
        application__round__phase=RoundPhase.SITE_VISITS)
        .values_list("application_id", flat=True))
    allowed, _refused = scoring_refusals(user, candidates)
    return bool(allowed)


def scoring_refusal(user, application) -> str | None:
    """Why ``user`` may not score ``application`` (a sentence in the active language, Thai by
    default), or None when they may."""
    code = scoring_refusal_code(user, application)
    return refusal_message(code) if code else None


def scoring_refusal_code(user, application) -> str | None:
    _allowed, refused = scoring_refusals(user, [application.pk])
    return refused.get(application.pk)


def sheet_for(user, application) -> ScoreSheet:
    """The member's sheet for ``application``, created the first time. Raises a
    ``ValidationError`` (Thai message, refusal ``code``) when the member may not score it."""
    allowed, refused = scoring_refusals(user, [application.pk])
    if application.pk in refused:
        code = refused[application.pk]
        raise ValidationError(refusal_message(code), code=code)
    subcommittee_id = allowed[application.pk].subcommittee_id
    sheet = ScoreSheet.objects.filter(application=application, assessor=user).first()
    if sheet is not None:
        return sheet
    try:
        with transaction.atomic():
            return ScoreSheet.objects.create(application=application, assessor=user,
                                             subcommittee_id=subcommittee_id)
    except IntegrityError:  # made at the same moment by another request of the member
        return ScoreSheet.objects.get(application=application, assessor=user)


# -- the items ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ItemRule:
    """What one item accepts: its node id, the points of its scale, N/A or not, and the unit
    types it applies to (empty: all)."""

    node_id: int
    ref: str
    allowed: frozenset
    na_allowed: bool
    applies_to: tuple
    position: int

    def applies(self, unit_type) -> bool:
        return not self.applies_to or unit_type in self.applies_to


_RULES: dict[tuple, dict[str, ItemRule]] = {}
_COMPILED: dict[tuple, object] = {}


def _version_key(version) -> tuple:
    # A version used by a round is locked and never changes; the checksum and load time keep
    # a version that was deleted and loaded again (tests, a mistake) from reusing a stale entry.
    return (version.pk, version.checksum, version.loaded_at)


def item_rules(version) -> dict[str, ItemRule]:
    """``{ref: ItemRule}`` of every item of a criteria version (one query, then cached per
    version for the life of the process)."""
    key = _version_key(version)
    rules = _RULES.get(key)
    if rules is None:
        scales = {scale.get("code"): frozenset(float(point["value"])
                                               for point in scale.get("points", []))
                  for scale in version.scales or []}
        rules = {}
        for node in (Node.objects.filter(version_id=version.pk, kind=NodeKind.ITEM)
                     .order_by("position")
                     .only("pk", "ref", "scale", "na_allowed", "applies_to", "position")):
            rules[node.ref] = ItemRule(
                node_id=node.pk, ref=node.ref,
                allowed=scales.get(node.scale or version.default_scale, frozenset()),
                na_allowed=node.na_allowed, applies_to=tuple(node.applies_to or ()),
                position=node.position)
        if len(_RULES) > 64:
            _RULES.clear()
        _RULES[key] = rules
    return rules


def compiled_edition(application):
    """The criteria engine's ``CompiledEdition`` of the application's round edition for the
    unit's type, cached per version."""
    from gecc.criteria.domain.editions import spec_from_version
    from gecc.criteria.domain.scoring import compile_edition

    version = application.round.edition
    key = _version_key(version)
    spec = _COMPILED.get(key)
    if spec is None:
        if len(_COMPILED) > 16:
            _COMPILED.clear()
        spec = _COMPILED[key] = spec_from_version(version)
    return compile_edition(spec, application.unit.unit_type)


def applicable_items(application) -> list[Node]:
    """The round edition's items that apply to the unit's type, in document order."""
    items = Node.objects.filter(version_id=application.round.edition_id,
                                kind=NodeKind.ITEM).order_by("position")
    unit_type = application.unit.unit_type
    return [item for item in items if not item.applies_to or unit_type in item.applies_to]


def missing_items(sheet) -> list[Node]:
    """The applicable items of the sheet not yet scored (neither a point nor N/A)."""
    scored = set(ItemScore.objects.filter(sheet=sheet)
                 .filter(Q(value__isnull=False) | Q(not_applicable=True))
                 .values_list("item_id", flat=True))
    return [item for item in applicable_items(sheet.application) if item.pk not in scored]


# -- submitting and reopening ------------------------------------------------------------------

class SheetIncomplete(ValidationError):
    """Submitting a sheet with items left unscored; ``missing`` lists their references."""

    def __init__(self, missing):
        self.missing = missing
        super().__init__(_("Score every item (or mark it not applicable where the criteria "
                           "allow) before submitting. Items left: %(refs)s")
                         % {"refs": ", ".join(missing)}, code="incomplete")


def _locked(sheet) -> ScoreSheet:
    """The sheet with its row and its application's locked (a team's work on one application
    goes one at a time); the round, the unit and the member are read, not locked, so the
    members of other applications of the round never wait for this one."""
    return (ScoreSheet.objects.select_for_update(of=("self", "application"))
            .select_related("application__round", "application__unit", "assessor")
            .get(pk=sheet.pk))


@transaction.atomic
def submit_sheet(sheet, actor, request=None) -> ScoreSheet:
    """Lock the member's sheet once every applicable item is scored or N/A. Only the member
    submits their own sheet, while they may still score the application. Audited
    ``scoring.sheet_submitted``."""
    sheet = _locked(sheet)
    if actor is None or actor.pk != sheet.assessor_id:
        raise ValidationError(_("Only the member who scores this sheet can submit it."),
                              code="not_owner")
    if sheet.is_submitted:
        raise ValidationError(refusal_message(SHEET_SUBMITTED), code=SHEET_SUBMITTED)
    code = scoring_refusal_code(actor, sheet.application)
    if code:
        raise ValidationError(refusal_message(code), code=code)
    missing = missing_items(sheet)
    if missing:
        raise SheetIncomplete([item.ref for item in missing])
    sheet.state = SheetState.SUBMITTED
    sheet.submitted_at = timezone.now()
    sheet.save(update_fields=["state", "submitted_at", "updated_at"])
    log_action("scoring.sheet_submitted", actor=actor, obj=sheet, request=request,
               before={"state": SheetState.DRAFT}, after={"state": SheetState.SUBMITTED},
               data={"application": sheet.application_id,
                     "items": ItemScore.objects.filter(sheet=sheet).count()})
    return sheet


def can_reopen(user, sheet) -> bool:
    """The team's chair or the secretariat may reopen a submitted sheet."""
    if user is None or not user.is_authenticated:
        return False
    if user.has_role(Role.SECRETARIAT):
        return True
    return Membership.objects.filter(subcommittee_id=sheet.subcommittee_id, user=user,
                                     position=Position.CHAIR).exists()


@transaction.atomic
def reopen_sheet(sheet, actor, reason, request=None) -> ScoreSheet:
    """Open a submitted sheet again so the member can correct it: the team's chair or the
    secretariat, with a reason. Audited ``scoring.sheet_reopened``; the member is told by
    e-mail."""
    from gecc.common.urls import absolute_url
    from gecc.notifications.domain import notify

    sheet = _locked(sheet)
    reason = (reason or "").strip()
    if not can_reopen(actor, sheet):
        raise ValidationError(_("Only the chair of the sub-committee or the secretariat can "
                                "reopen a score sheet."), code="not_allowed")
    if not reason:
        raise ValidationError(_("Give the reason for reopening the score sheet."),
                              code="reason_required")
    if not sheet.is_submitted:
        raise ValidationError(_("This score sheet has not been submitted: there is nothing "
                                "to reopen."), code="not_submitted")
    if TeamSheet.objects.filter(application_id=sheet.application_id,
                                state=TeamSheetState.LOCKED).exists():
        raise ValidationError(_("The team sheet of this application is locked: the members' "
                                "sheets cannot be reopened until the secretariat unlocks it."),
                              code="team_locked")
    sheet.state = SheetState.DRAFT
    sheet.reopened_at = timezone.now()
    sheet.reopened_by = actor
    sheet.reopen_reason = reason
    sheet.save(update_fields=["state", "reopened_at", "reopened_by", "reopen_reason",
                              "updated_at"])
    log_action("scoring.sheet_reopened", actor=actor, obj=sheet, request=request,
               before={"state": SheetState.SUBMITTED}, after={"state": SheetState.DRAFT},
               data={"application": sheet.application_id, "reason": reason})
    application = sheet.application
    notify("scoring.sheet_reopened", recipients=[sheet.assessor.email], obj=sheet,
           actor=actor, context={
               "name": sheet.assessor.full_name or sheet.assessor.email,
               "unit_name": application.unit.name_th, "round": application.round,
               "reason": reason, "reopened_by": actor.full_name or actor.email,
               "url": absolute_url("/field/")})
    return sheet


# -- who sees which sheet ----------------------------------------------------------------------

def visible_sheets(user, application):
    """The sheets of ``application`` that ``user`` may read: their own always; the
    co-members' only once their own is submitted (and the application is still in their
    scope); every sheet for the secretariat."""
    sheets = ScoreSheet.objects.filter(application=application)
    if user is None or not user.is_authenticated:
        return sheets.none()
    if user.has_role(Role.SECRETARIAT):
        return sheets
    if not user.has_role(Role.ASSESSOR):
        return sheets.none()
    own_submitted = ScoreSheet.objects.filter(application_id=OuterRef("application_id"),
                                              assessor=user, state=SheetState.SUBMITTED)
    in_scope = Application.objects.filter(assessor_application_scope(user),
                                          pk=OuterRef("application_id"))
    return sheets.filter(Q(assessor=user) | (Exists(own_submitted) & Exists(in_scope)))


def readable_sheets_q(user) -> Q | None:
    """The rule of :func:`visible_sheets` over every application, as a filter on
    ``ScoreSheet`` (``Q()`` for the secretariat, None for nobody)."""
    if user is None or not user.is_authenticated:
        return None
    if user.has_role(Role.SECRETARIAT):
        return Q()
    if not user.has_role(Role.ASSESSOR):
        return None
    own_submitted = ScoreSheet.objects.filter(application_id=OuterRef("application_id"),
                                              assessor=user, state=SheetState.SUBMITTED)
    in_scope = Application.objects.filter(assessor_application_scope(user),
                                          pk=OuterRef("application_id"))
    return Q(assessor=user) | (Q(Exists(own_submitted)) & Q(Exists(in_scope)))


# -- snapshots ---------------------------------------------------------------------------------

def _iso(value):
    return value.isoformat() if value is not None else None


def sheet_snapshots(sheets) -> dict[int, dict]:
    """``{sheet pk: snapshot}`` for many sheets in three queries (see ``sheet_snapshot``)."""
    sheets = list(sheets)
    if not sheets:
        return {}
    ids = [sheet.pk for sheet in sheets]
    scores = list(ItemScore.objects.filter(sheet_id__in=ids).select_related(None)
                  .annotate(history_count=Count("history"))
                  .values("pk", "sheet_id", "item__ref", "value", "not_applicable", "note",
                          "client_time", "history_count")
                  .order_by("sheet_id", "item__position"))
    photos: dict[int, list[str]] = {}
    for score_id, digest in (ItemPhoto.objects.filter(item_score__sheet_id__in=ids,
                                                      removed_at__isnull=True)
                             .order_by("item_score_id", "added_at", "pk")
                             .values_list("item_score_id", "blob__sha256")):
        photos.setdefault(score_id, []).append(digest)
    result = {sheet.pk: {"state": sheet.state, "items": {}} for sheet in sheets}
    for row in scores:
        result[row["sheet_id"]]["items"][row["item__ref"]] = {
            "value": row["value"], "not_applicable": row["not_applicable"],
            "note": row["note"], "client_time": _iso(row["client_time"]),
            "photos": photos.get(row["pk"], []), "history": row["history_count"]}
    return result


def sheet_snapshot(sheet) -> dict:
    """The sheet as JSON-ready data: ``{"state", "items": {ref: {"value", "not_applicable",
    "note", "client_time", "photos": [sha256...], "history": n}}}`` (items never touched are
    left out)."""
    return sheet_snapshots([sheet])[sheet.pk]


def item_history(item_score) -> list[ItemScoreHistory]:
    """The earlier or losing edits of an item, latest device time first."""
    return list(item_score.history.all())
