"""The feedback report of an application (ผลการตรวจประเมินและข้อเสนอแนะ) and its release to
the unit.

The report is read from what the sub-committee locked: the proposed result stored on the
team sheet (``TeamSheet.result``, the criteria engine's ``Result.as_dict()``: overall,
category and criterion percentages, mandatory items failed, level, explanation) and the
team's findings per item (``ConsensusScore.strengths``/``improvements``). It shows
percentages per category and criterion, the proposed level and, for the next level up, what
is missing, in plain words; then, per category and criterion, the items the team wrote
findings on (items without findings are left out). The team's consensus score of each such
item is shown only when asked (``include_scores``; the default is the
``SCORING_FEEDBACK_ITEM_SCORES`` setting, off). It never names a member, nor shows a
member's own scores.

* ``feedback_report(team_sheet, include_scores=None)`` → :class:`FeedbackReport` (a handful
  of queries, whatever the number of items), in the active language;
* ``feedback_pdf(report)`` → the Thai PDF through the one document renderer;
* ``release_feedback(team_sheet, actor, request=None)``: the unit's coordinators may now
  read it (locked sheets only, once), audited ``scoring.feedback_released``, the
  coordinators told by e-mail (event ``scoring.feedback_released``);
* ``release_round_feedback(round, actor, request=None, team_sheets=None)``: the same for
  every locked team sheet of the round not yet released (``releasable_team_sheets``).
  Written to be called without a person too (``actor=None``: the system), as the closing of
  the steering committee's meeting will.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gecc.audit.domain import log_action, person
from gecc.criteria.enums import NodeKind
from gecc.criteria.interfaces.labels import level_display_name, localized
from gecc.criteria.models import Node
from gecc.scoring import rules_feedback  # noqa: F401  (registers the permissions)
from gecc.scoring.domain.results import next_level as next_level_of
from gecc.scoring.domain.results import percent_text, reason_sentence
from gecc.scoring.enums import TeamSheetState
from gecc.scoring.models import ConsensusScore, TeamSheet

PDF_TEMPLATE = "documents/scoring/feedback.html"
EVENT = "scoring.feedback_released"


# -- the report --------------------------------------------------------------------------


def score_text(value) -> str:
    if value is None:
        return "–"
    return f"{float(value):.2f}".rstrip("0").rstrip(".") or "0"


@dataclass
class ItemFinding:
    ref: str
    text: str
    strengths: str
    improvements: str
    score: str = ""  # "3 / 4", "ไม่เกี่ยวข้อง", or "" when not recorded
    mandatory: bool = False
    failed: bool = False  # a mandatory item not met


@dataclass
class CriterionSection:
    ref: str
    name: str
    percent: float | None
    findings: list[ItemFinding] = field(default_factory=list)

    @property
    def percent_text(self) -> str:
        return percent_text(self.percent)


@dataclass
class CategorySection:
    ref: str
    name: str
    percent: float | None
    criteria: list[CriterionSection] = field(default_factory=list)

    @property
    def percent_text(self) -> str:
        return percent_text(self.percent)

    @property
    def criteria_with_findings(self) -> list[CriterionSection]:
        return [criterion for criterion in self.criteria if criterion.findings]


@dataclass
class FeedbackReport:
    team_sheet: TeamSheet
    application: object
    unit: object
    agency: object
    round: object
    team_name: str
    visit_date: object  # datetime.date or None
    overall_percent: float | None
    level_code: str
    level_name: str  # "" when no level is reached
    mandatory_failed: list[ItemFinding]
    next_level_name: str  # "" when the highest level is reached
    next_level_missing: list[str]
    categories: list[CategorySection]
    include_scores: bool
    title: str

    @property
    def overall_text(self) -> str:
        return percent_text(self.overall_percent)

    @property
    def findings_count(self) -> int:
        return sum(len(c.findings) for cat in self.categories for c in cat.criteria)

    @property
    def released_at(self):
        return self.team_sheet.feedback_released_at


def default_include_scores() -> bool:
    return bool(getattr(settings, "SCORING_FEEDBACK_ITEM_SCORES", False))


def report_title(unit) -> str:
    return _("Site visit feedback report: %(unit)s") % {"unit": unit.name_th}


def visit_date_of(application):
    """The day of the application's site visit on a confirmed itinerary, or ``None``."""
    from gecc.visits.enums import ItineraryState
    from gecc.visits.models import Visit

    return (Visit.objects.filter(application_id=application.pk, day__isnull=False,
                                 itinerary__state=ItineraryState.CONFIRMED)
            .values_list("day__date", flat=True).first())


def _scale_maxima(version) -> dict:
    return {scale.get("code"): max((int(p["value"]) for p in scale.get("points", [])),
                                   default=0)
            for scale in version.scales or []}


def feedback_report(team_sheet, include_scores: bool | None = None) -> FeedbackReport:
    """The report of a (locked) team sheet in the active language; see the module
    docstring. Four queries: the sheet, the criteria tree, the team's items, the visit."""
    team_sheet = (TeamSheet.objects.select_related(
        "application", "application__unit", "application__unit__organization",
        "application__round", "application__round__edition", "subcommittee")
        .get(pk=team_sheet.pk))
    if include_scores is None:
        include_scores = default_include_scores()
    application = team_sheet.application
    unit, round_obj = application.unit, application.round
    version = round_obj.edition
    result = team_sheet.result or {}
    nodes = list(Node.objects.filter(version=version).order_by("position")
                 .only("pk", "parent_id", "kind", "ref", "text_th", "text_en", "mandatory",
                       "applies_to", "scale"))
    consensus = {row.item_id: row for row in
                 ConsensusScore.objects.filter(team_sheet=team_sheet)}
    maxima = _scale_maxima(version)
    failed_refs = list(result.get("mandatory_failed") or [])
    names = {node.ref: f"{localized(node, 'text')} ({node.ref})" for node in nodes}
    categories, criteria_by_pk, items_by_ref = [], {}, {}
    category_percents = result.get("categories") or {}
    criterion_percents = result.get("criteria") or {}
    sections = {}
    for node in nodes:
        if node.kind == NodeKind.CATEGORY:
            section = CategorySection(node.ref, localized(node, "text"),
                                      category_percents.get(node.ref))
            sections[node.pk] = section
            categories.append(section)
        elif node.kind == NodeKind.CRITERION:
            criterion = CriterionSection(node.ref, localized(node, "text"),
                                         criterion_percents.get(node.ref))
            criteria_by_pk[node.pk] = criterion
            sections[node.parent_id].criteria.append(criterion)
        else:
            if node.applies_to and unit.unit_type not in node.applies_to:
                continue
            row = consensus.get(node.pk)
            finding = ItemFinding(node.ref, localized(node, "text"),
                                  (row.strengths if row else "").strip(),
                                  (row.improvements if row else "").strip(),
                                  mandatory=node.mandatory, failed=node.ref in failed_refs)
            if include_scores and row is not None:
                if row.not_applicable:
                    finding.score = _("not applicable")
                elif row.value is not None:
                    finding.score = (f"{score_text(row.value)} / "
                                     f"{maxima.get(node.scale or version.default_scale, '–')}")
            items_by_ref[node.ref] = finding
            if finding.strengths or finding.improvements:
                criteria_by_pk[node.parent_id].findings.append(finding)
    levels = list(version.levels or [])
    level_code = result.get("level") or ""
    level = next((lv for lv in levels if lv.get("code") == level_code), None)
    next_level = next_level_of(levels, result.get("level"))
    missing = []
    if next_level is not None:
        missing = [reason_sentence(reason, names)
                   for reason in result.get("explanation") or []
                   if reason.get("level") == next_level.get("code")]
    return FeedbackReport(
        team_sheet=team_sheet, application=application, unit=unit,
        agency=unit.organization, round=round_obj,
        team_name=team_sheet.subcommittee.display_name,
        visit_date=visit_date_of(application),
        overall_percent=result.get("overall_percent"),
        level_code=level_code,
        level_name=level_display_name(level) if level else "",
        mandatory_failed=[items_by_ref.get(ref) or ItemFinding(ref, ref, "", "")
                          for ref in failed_refs],
        next_level_name=level_display_name(next_level) if next_level else "",
        next_level_missing=missing,
        categories=categories,
        include_scores=include_scores,
        title=report_title(unit),
    )


def feedback_filename(team_sheet) -> str:
    application = team_sheet.application
    return f"ผลการตรวจประเมิน-{application.unit.code}-{application.round.year}.pdf"


def feedback_pdf(team_sheet, *, include_scores: bool | None = None, request=None) -> bytes:
    """The report as a PDF, always in Thai (an official document)."""
    from gecc.common.documents import render_pdf

    with translation.override("th"):
        report = feedback_report(team_sheet, include_scores=include_scores)
        return render_pdf(PDF_TEMPLATE, {"report": report, "printed_at": timezone.now()},
                          request=request)


# -- release -----------------------------------------------------------------------------


def release_refusal(team_sheet) -> str | None:
    """Why the report of ``team_sheet`` cannot be released now (a Thai sentence), or None."""
    if team_sheet.state != TeamSheetState.LOCKED:
        return _("The team sheet is not locked yet: the report can be released once the "
                 "sub-committee has locked its proposed result.")
    if team_sheet.feedback_released_at is not None:
        return _("The report was already released on %(when)s.") % {
            "when": _date_text(team_sheet.feedback_released_at)}
    return None


def _date_text(moment) -> str:
    from gecc.common.thaidate import format_be_datetime

    return format_be_datetime(moment)


def coordinator_emails(application) -> list[str]:
    return application.unit.coordinator_emails()


@transaction.atomic
def release_feedback(team_sheet, actor, request=None, *, now=None) -> TeamSheet:
    """Let the unit's coordinators read the report of ``team_sheet``: only a locked sheet,
    only once (a second call is refused with the date of the first, code
    ``already_released``). Audited ``scoring.feedback_released``; the coordinators get an
    e-mail with the link to the portal page. ``actor=None`` is the system."""
    team_sheet = (TeamSheet.objects.select_for_update(of=("self",))
                  .select_related("application", "application__unit",
                                  "application__round", "subcommittee")
                  .get(pk=team_sheet.pk))
    refusal = release_refusal(team_sheet)
    if refusal:
        code = "not_locked" if not team_sheet.is_locked else "already_released"
        raise ValidationError(refusal, code=code)
    team_sheet.feedback_released_at = now or timezone.now()
    team_sheet.feedback_released_by = person(actor)
    team_sheet.save(update_fields=["feedback_released_at", "feedback_released_by",
                                   "updated_at"])
    application = team_sheet.application
    recipients = coordinator_emails(application)
    log_action("scoring.feedback_released", actor=person(actor),
               actor_label="" if person(actor) else "system", obj=team_sheet,
               request=request, before={"feedback_released_at": None},
               after={"feedback_released_at": team_sheet.feedback_released_at.isoformat()},
               data={"application": application.pk, "unit": application.unit.name_th,
                     "round": application.round.year, "to": recipients})
    _tell_the_unit(team_sheet, recipients, actor)
    return team_sheet


def _tell_the_unit(team_sheet, recipients, actor):
    from gecc.notifications.domain import notify

    application = team_sheet.application
    notify(EVENT, recipients=recipients, obj=team_sheet,
           actor=person(actor),
           context={"application": application, "unit": application.unit,
                    "round": application.round,
                    "team_name": team_sheet.subcommittee.display_name,
                    "url": reverse("portal:application.feedback",
                                   kwargs={"pk": application.pk})})


def releasable_team_sheets(round_obj):
    """The round's locked team sheets whose report is not released yet, by team then unit."""
    return (TeamSheet.objects
            .filter(application__round=round_obj, state=TeamSheetState.LOCKED,
                    feedback_released_at__isnull=True)
            .select_related("application", "application__unit", "subcommittee")
            .order_by("subcommittee__number", "application__unit__code", "pk"))


@transaction.atomic
def release_round_feedback(round_obj, actor, request=None, *, team_sheets=None) -> list:
    """Release every report of the round not released yet (``release_feedback`` for each,
    in one transaction). ``team_sheets``: the ids a person confirmed on the page; when given
    and the round's list differs (a sheet was locked, unlocked or released meanwhile),
    nothing is released and a ``ValidationError`` (code ``list_changed``) says so."""
    sheets = list(releasable_team_sheets(round_obj).select_for_update(of=("self",)))
    if team_sheets is not None and {s.pk for s in sheets} != {int(pk) for pk in team_sheets}:
        raise ValidationError(_("The list of reports to release changed since the page was "
                                "shown. Check the list again, then confirm."),
                              code="list_changed")
    return [release_feedback(sheet, actor, request) for sheet in sheets]
