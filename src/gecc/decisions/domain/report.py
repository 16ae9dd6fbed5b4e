"""The steering committee's report of a round's proposed results (what it decides on).

``steering_report(round)`` → a :class:`SteeringReport`, plain data, in a fixed number of
queries whatever the round's size (about ten; see ``tests/decisions/test_report.py``):

* **The applications** (``rows``): every *accepted* application of the round whose team sheet
  is *locked*, with its unit, agency (the unit's organisation), province, sub-committee, the
  proposed score (``TeamSheet.result_percent``) and level (``result_level``; "" = no level),
  and its current decision (``decisions.Decision``) if one is recorded. Flagged rows first,
  then by province, agency and unit code.
* **Not ready** (``not_ready``): accepted applications without a locked team sheet (they are
  not in the report and cannot be decided yet).
* **Counts**: by proposed level (the edition's levels in their order, then "no level", then
  any code the edition does not know), and by province and by agency, each with its counts
  per level (same columns).
* **Flags** (``ReportRow.flags``, each a code and a Thai/English sentence in the active
  language):

  - ``mandatory``: a mandatory item not met (``TeamSheet.result["mandatory_failed"]``, named
    from the edition's items);
  - ``spread``: an item whose members' scores spread (max − min of the numeric answers of the
    sub-committee's *submitted* sheets, N/A left out, as in ``scoring.domain.consolidation``)
    more than the team sheet's threshold (``TeamSheet.spread_threshold``, else
    ``settings.SCORING_SPREAD_THRESHOLD``), computed for the whole round in one SQL
    aggregate;
  - ``calibration_team``: the application's sub-committee is flagged by
    ``scoring.domain.calibration.calibrate`` (mean proposed level off the national mean by
    more than ``CALIBRATION_LEVEL_THRESHOLD``);
  - ``calibration_assessor``: a member who scored it is flagged (|leniency| above
    ``CALIBRATION_Z_THRESHOLD``); the report gives their number, never their names (the
    steering committee reads it; calibration itself stays the secretariat's);
  - ``appeal``: an appeal in ``OPEN_APPEAL_STATES``.

The documents: ``report_pdf(report, rows)`` (always Thai, A4 landscape, through
``gecc.common.documents``) and ``report_xlsx(report, rows)`` (sheets "Summary",
"Applications", "Flagged"; every text cell escaped by ``gecc.common.csvexport.escape_cell``
and stored as text, so nothing becomes a formula).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import F, FloatField, Max, Min, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

EPSILON = 1e-9
NO_LEVEL = ""
PDF_TEMPLATE = "documents/decisions/report.html"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FLAG_MANDATORY = "mandatory"
FLAG_SPREAD = "spread"
FLAG_CALIBRATION_TEAM = "calibration_team"
FLAG_CALIBRATION_ASSESSOR = "calibration_assessor"
FLAG_APPEAL = "appeal"
FLAG_CODES = (FLAG_MANDATORY, FLAG_SPREAD, FLAG_CALIBRATION_TEAM, FLAG_CALIBRATION_ASSESSOR,
              FLAG_APPEAL)


@dataclass(frozen=True)
class Flag:
    code: str
    text: str


@dataclass
class DecisionInfo:
    outcome: str
    outcome_text: str
    level: str
    level_name: str
    meeting: str
    final: bool
    on_behalf: bool


@dataclass
class ReportRow:
    application_id: int
    team_sheet_id: int
    unit_code: str
    unit_name: str
    agency_id: int
    agency: str
    province_id: int | None
    province: str
    team: str
    percent: float | None
    level: str
    level_name: str
    decision: DecisionInfo | None = None
    flags: list[Flag] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return bool(self.flags)

    @property
    def percent_text(self) -> str:
        from gecc.scoring.domain.results import percent_text

        return percent_text(self.percent)


@dataclass
class CountRow:
    key: object
    name: str
    total: int = 0
    by_level: list[int] = field(default_factory=list)


@dataclass
class SteeringReport:
    round: object
    levels: list[tuple[str, str]]  # [(code, name)]: the edition's levels, then no level
    rows: list[ReportRow]
    not_ready: int
    by_level: list[CountRow]
    by_province: list[CountRow]
    by_agency: list[CountRow]
    generated_at: object = None

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def flagged(self) -> list[ReportRow]:
        return [row for row in self.rows if row.flagged]

    @property
    def decided(self) -> int:
        return sum(1 for row in self.rows if row.decision is not None)

    @property
    def flag_counts(self) -> list[tuple[str, str, int]]:
        """``[(code, label, applications with that flag)]`` in ``FLAG_CODES`` order."""
        labels = flag_labels()
        return [(code, labels[code],
                 sum(1 for row in self.rows if any(f.code == code for f in row.flags)))
                for code in FLAG_CODES]

    @property
    def provinces(self) -> list[tuple[int, str]]:
        return [(row.key, row.name) for row in self.by_province if row.key is not None]


def flag_labels() -> dict[str, str]:
    return {
        FLAG_MANDATORY: _("Mandatory item not met"),
        FLAG_SPREAD: _("Wide spread in the team's scores"),
        FLAG_CALIBRATION_TEAM: _("Sub-committee flagged in calibration"),
        FLAG_CALIBRATION_ASSESSOR: _("Assessor flagged in calibration"),
        FLAG_APPEAL: _("Open appeal"),
    }


def _number(value) -> str:
    from gecc.scoring.domain.results import percent_text

    return percent_text(value)


def _language_field(prefix: str) -> str:
    return f"{prefix}_en" if translation.get_language() == "en" else f"{prefix}_th"


# -- the queries ---------------------------------------------------------------------------


def _locked_sheets(round_obj):
    from gecc.applications.enums import ApplicationState
    from gecc.scoring.enums import TeamSheetState
    from gecc.scoring.models import TeamSheet

    return (TeamSheet.objects.filter(application__round=round_obj,
                                     application__state=ApplicationState.ACCEPTED,
                                     state=TeamSheetState.LOCKED)
            .select_related("subcommittee", "application__unit__organization",
                            "application__unit__province",
                            "application__decision__meeting")
            .order_by())


def _not_ready(round_obj) -> int:
    from gecc.applications.enums import ApplicationState
    from gecc.applications.models import Application
    from gecc.scoring.enums import TeamSheetState

    return (Application.objects.filter(round=round_obj, state=ApplicationState.ACCEPTED)
            .exclude(team_sheet__state=TeamSheetState.LOCKED).count())


def wide_spreads(round_obj) -> dict[int, list[dict]]:
    """``{application id: [{"ref", "name", "spread", "threshold"}]}``: the items of the
    round's locked team sheets whose members' numeric scores (submitted sheets of the team
    sheet's sub-committee) spread more than the team sheet's threshold; one SQL aggregate."""
    from gecc.applications.enums import ApplicationState
    from gecc.scoring.enums import SheetState, TeamSheetState
    from gecc.scoring.models import ItemScore

    team_sheet = "sheet__application__team_sheet"
    threshold = Coalesce(F(f"{team_sheet}__spread_threshold"),
                         Value(float(settings.SCORING_SPREAD_THRESHOLD)),
                         output_field=FloatField())
    name = _language_field("item__text")
    rows = (ItemScore.objects.filter(
        sheet__application__round=round_obj,
        sheet__application__state=ApplicationState.ACCEPTED,
        **{f"{team_sheet}__state": TeamSheetState.LOCKED},
        sheet__subcommittee=F(f"{team_sheet}__subcommittee"),
        sheet__state=SheetState.SUBMITTED, value__isnull=False, not_applicable=False)
        .values("sheet__application_id", "item__ref", "item__position", "item__text_th",
                name, f"{team_sheet}__spread_threshold")
        .annotate(spread=Max("value") - Min("value"), threshold=threshold)
        .filter(spread__gt=F("threshold") + EPSILON)
        .order_by("sheet__application_id", "item__position"))
    found: dict[int, list[dict]] = {}
    for row in rows:
        found.setdefault(row["sheet__application_id"], []).append({
            "ref": row["item__ref"], "name": row[name] or row["item__text_th"],
            "spread": row["spread"], "threshold": row["threshold"]})
    return found


def _mandatory_names(round_obj) -> dict[str, str]:
    from gecc.criteria.enums import NodeKind
    from gecc.criteria.models import Node

    name = _language_field("text")
    return {ref: f"{text or text_th} ({ref})" for ref, text, text_th in
            Node.objects.filter(version_id=round_obj.edition_id, kind=NodeKind.ITEM,
                                mandatory=True)
            .values_list("ref", name, "text_th").order_by()}


def _calibration_flags(round_obj):
    """``(flagged teams {team id: difference}, {application id: flagged assessors})``."""
    from gecc.scoring.domain.calibration import calibrate
    from gecc.scoring.models import ScoreSheet

    result = calibrate(round_obj)
    teams = {row.team_id: row.difference for row in result.flagged_teams}
    flagged_people = {row.assessor_id for row in result.flagged_assessors}
    people: dict[int, int] = {}
    for application_id, assessor_id in (
            ScoreSheet.objects.filter(application__round=round_obj)
            .values_list("application_id", "assessor_id").order_by()):
        if assessor_id in flagged_people:
            people[application_id] = people.get(application_id, 0) + 1
    return teams, people


def _open_appeals(round_obj) -> dict[int, list]:
    from gecc.decisions.enums import OPEN_APPEAL_STATES, AppealState
    from gecc.decisions.models import Appeal

    labels = dict(AppealState.choices)
    found: dict[int, list] = {}
    for application_id, state, filed_at in (
            Appeal.objects.filter(application__round=round_obj,
                                  state__in=list(OPEN_APPEAL_STATES))
            .values_list("application_id", "state", "filed_at").order_by("filed_at")):
        found.setdefault(application_id, []).append((str(labels.get(state, state)), filed_at))
    return found


# -- the report ------------------------------------------------------------------------------


def _decision_info(application, level_names, year) -> DecisionInfo | None:
    from gecc.decisions.enums import MeetingState

    try:
        decision = application.decision
    except ObjectDoesNotExist:
        return None
    meeting = decision.meeting
    return DecisionInfo(
        outcome=decision.outcome, outcome_text=str(decision.get_outcome_display()),
        level=decision.level, level_name=level_names.get(decision.level, decision.level),
        meeting=_("Meeting %(number)s/%(year)s") % {"number": meeting.number,
                                                    "year": year},
        final=meeting.state == MeetingState.CLOSED, on_behalf=decision.on_behalf)


def _flags(row, team_sheet, *, mandatory, spreads, teams, people, appeals) -> list[Flag]:
    from gecc.common.thaidate import format_be

    flags = []
    failed = (team_sheet.result or {}).get("mandatory_failed") or []
    if failed:
        flags.append(Flag(FLAG_MANDATORY, ngettext(
            "Mandatory item not met: %(items)s",
            "Mandatory items not met: %(items)s", len(failed)) % {
            "items": ", ".join(mandatory.get(ref, ref) for ref in failed)}))
    wide = spreads.get(row.application_id)
    if wide:
        flags.append(Flag(FLAG_SPREAD, _(
            "Wide spread in the members' scores (more than %(threshold)s points): "
            "%(items)s") % {
            "threshold": _number(wide[0]["threshold"]),
            "items": ", ".join(_("%(name)s (%(ref)s), spread %(spread)s") % {
                "name": item["name"], "ref": item["ref"],
                "spread": _number(item["spread"])} for item in wide)}))
    difference = teams.get(team_sheet.subcommittee_id)
    if difference is not None:
        text = (_("%(team)s proposes higher levels than the national mean (difference "
                  "%(difference)s, calibration)") if difference > 0 else
                _("%(team)s proposes lower levels than the national mean (difference "
                  "%(difference)s, calibration)"))
        flags.append(Flag(FLAG_CALIBRATION_TEAM, text % {
            "team": row.team, "difference": f"{difference:+.2f}".replace("-", "−")}))
    count = people.get(row.application_id)
    if count:
        flags.append(Flag(FLAG_CALIBRATION_ASSESSOR, ngettext(
            "Scored by %(count)s member flagged in calibration (scores much higher or lower "
            "than co-members)",
            "Scored by %(count)s members flagged in calibration (score much higher or lower "
            "than co-members)", count) % {"count": count}))
    for state, filed_at in appeals.get(row.application_id, ()):
        flags.append(Flag(FLAG_APPEAL, _("Open appeal (%(state)s, filed on %(date)s)") % {
            "state": state, "date": format_be(filed_at)}))
    return flags


def _counts(rows, key, name, level_codes) -> list[CountRow]:
    table: dict = {}
    for row in rows:
        entry = table.get(key(row))
        if entry is None:
            entry = table[key(row)] = CountRow(key(row), name(row), 0,
                                               [0] * len(level_codes))
        entry.total += 1
        entry.by_level[level_codes.index(row.level)] += 1
    return sorted(table.values(), key=lambda entry: (entry.name, str(entry.key)))


def steering_report(round_obj) -> SteeringReport:
    """The report of ``round_obj`` (see the module docstring), in the active language."""
    from gecc.scoring.domain.results import level_names as edition_level_names

    version = round_obj.edition
    names = edition_level_names(version)
    spreads = wide_spreads(round_obj)
    mandatory = _mandatory_names(round_obj)
    teams, people = _calibration_flags(round_obj)
    appeals = _open_appeals(round_obj)
    rows = []
    for team_sheet in _locked_sheets(round_obj):
        application = team_sheet.application
        unit = application.unit
        level = team_sheet.result_level or NO_LEVEL
        row = ReportRow(
            application_id=application.pk, team_sheet_id=team_sheet.pk,
            unit_code=unit.code, unit_name=unit.name_th, agency_id=unit.organization_id,
            agency=unit.organization.name_th, province_id=unit.province_id,
            province=unit.province.name_th if unit.province_id else "",
            team=team_sheet.subcommittee.display_name, percent=team_sheet.result_percent,
            level=level, level_name=names.get(level, level) if level else _("No level"),
            decision=_decision_info(application, names, round_obj.year))
        row.flags = _flags(row, team_sheet, mandatory=mandatory, spreads=spreads,
                           teams=teams, people=people, appeals=appeals)
        rows.append(row)
    rows.sort(key=lambda row: (not row.flagged, row.province, row.agency, row.unit_code))

    level_codes = [code for code in names]
    level_codes += sorted({row.level for row in rows} - set(level_codes) - {NO_LEVEL})
    level_codes.append(NO_LEVEL)
    levels = [(code, names.get(code, code) if code else _("No level")) for code in level_codes]
    by_level = []
    for code, level_name in levels:
        count = sum(1 for row in rows if row.level == code)
        by_level.append(CountRow(code, level_name, count,
                                 [count if other == code else 0 for other in level_codes]))
    return SteeringReport(
        round=round_obj, levels=levels, rows=rows, not_ready=_not_ready(round_obj),
        by_level=by_level,
        by_province=_counts(rows, lambda r: r.province_id, lambda r: r.province or "—",
                            level_codes),
        by_agency=_counts(rows, lambda r: r.agency_id, lambda r: r.agency, level_codes),
        generated_at=timezone.now())


def filter_rows(report: SteeringReport, *, province=None, level=None,
                flagged_only=False) -> list[ReportRow]:
    """The report's rows for the page's filters: ``province`` (a province id), ``level`` (a
    level code, "none" for no level), ``flagged_only``."""
    rows = report.rows
    if province not in (None, ""):
        rows = [row for row in rows if str(row.province_id) == str(province)]
    if level not in (None, ""):
        wanted = NO_LEVEL if level == "none" else level
        rows = [row for row in rows if row.level == wanted]
    if flagged_only:
        rows = [row for row in rows if row.flagged]
    return rows


# -- the documents ---------------------------------------------------------------------------


def report_filename(round_obj, extension: str) -> str:
    from gecc.common.thaidate import format_be_stamp

    return (f"รายงานผลการประเมิน-{round_obj.year}-"
            f"{format_be_stamp(timezone.localdate())}.{extension}")


def report_pdf(report: SteeringReport, rows: list[ReportRow], *, request=None) -> bytes:
    """The report as a Thai PDF (A4 landscape, Sarabun, searchable text), listing ``rows``.
    Build ``report`` in Thai (``translation.override("th")``): its flags and level names are
    sentences of the language it was built in."""
    from gecc.common.documents import render_pdf

    with translation.override("th"):
        return render_pdf(PDF_TEMPLATE, {
            "report": report, "rows": rows, "flagged_rows": [r for r in rows if r.flagged],
            "filtered": len(rows) != len(report.rows), "printed_at": timezone.now()},
            landscape=True, request=request)


def _text(sheet, value):
    """A text cell: escaped as the CSV writer escapes it, and stored as text."""
    from openpyxl.cell import WriteOnlyCell

    from gecc.common.csvexport import escape_cell

    cell = WriteOnlyCell(sheet, value=str(escape_cell("" if value is None else str(value))))
    cell.data_type = "s"
    return cell


def report_xlsx(report: SteeringReport, rows: list[ReportRow]) -> bytes:
    """The report as an XLSX workbook: "Summary" (counts by level, province and agency),
    "Applications" (``rows``), "Flagged" (one line per flag of ``rows``)."""
    import openpyxl

    from gecc.common.thaidate import format_be_datetime

    workbook = openpyxl.Workbook(write_only=True)
    level_headers = [name for _code, name in report.levels]

    sheet = workbook.create_sheet("Summary")
    sheet.append([_text(sheet, _("Round")), _text(sheet, str(report.round.name))])
    sheet.append([_text(sheet, _("Generated")),
                  _text(sheet, format_be_datetime(report.generated_at))])
    sheet.append([_text(sheet, _("Applications with a proposed result")), report.total])
    sheet.append([_text(sheet, _("Not ready (no locked team sheet)")), report.not_ready])
    sheet.append([_text(sheet, _("Flagged applications")), len(report.flagged)])
    sheet.append([])
    sheet.append([_text(sheet, _("Proposed level")), _text(sheet, _("Applications"))])
    for entry in report.by_level:
        sheet.append([_text(sheet, entry.name), entry.total])
    for title, entries in ((_("Province"), report.by_province),
                           (_("Agency"), report.by_agency)):
        sheet.append([])
        sheet.append([_text(sheet, title), _text(sheet, _("Total")),
                      *[_text(sheet, name) for name in level_headers]])
        for entry in entries:
            sheet.append([_text(sheet, entry.name), entry.total, *entry.by_level])
    sheet.append([])
    sheet.append([_text(sheet, _("Kind of case")), _text(sheet, _("Applications"))])
    for _code, label, count in report.flag_counts:
        sheet.append([_text(sheet, label), count])

    sheet = workbook.create_sheet("Applications")
    sheet.append([_text(sheet, header) for header in (
        _("Unit code"), _("Service unit"), _("Agency"), _("Province"), _("Sub-committee"),
        _("Proposed score (%)"), _("Proposed level"), _("Committee's decision"), _("Decided level"),
        _("Meeting"), _("Flags"))])
    for row in rows:
        decision = row.decision
        sheet.append([
            _text(sheet, row.unit_code), _text(sheet, row.unit_name), _text(sheet, row.agency),
            _text(sheet, row.province), _text(sheet, row.team),
            row.percent if row.percent is not None else "", _text(sheet, row.level_name),
            _text(sheet, decision.outcome_text if decision else ""),
            _text(sheet, decision.level_name if decision else ""),
            _text(sheet, decision.meeting if decision else ""),
            _text(sheet, "; ".join(flag.text for flag in row.flags))])

    sheet = workbook.create_sheet("Flagged")
    sheet.append([_text(sheet, header) for header in (
        _("Unit code"), _("Service unit"), _("Province"), _("Proposed level"), _("Kind of case"),
        _("Reason"))])
    labels = flag_labels()
    for row in rows:
        for flag in row.flags:
            sheet.append([_text(sheet, row.unit_code), _text(sheet, row.unit_name),
                          _text(sheet, row.province), _text(sheet, row.level_name),
                          _text(sheet, labels[flag.code]), _text(sheet, flag.text)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
