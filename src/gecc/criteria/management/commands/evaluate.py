"""Score one application by hand from a criteria file and a CSV of raw scores (no database)."""

import csv
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gecc.criteria.domain.nesting import nesting_warnings
from gecc.criteria.domain.parse import CriteriaError, edition_to_dict, parse_edition
from gecc.criteria.domain.scoring import STRATEGIES, ScoringError, compile_edition
from gecc.criteria.interfaces.files import issue_lines, read_criteria_file


def read_scores(path):
    """``{assessor: {item: score or None}}`` and the chair's name from a CSV with columns
    ``assessor,item,score[,role]``."""
    sheets, chair, problems = {}, None, []
    with Path(path).open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = {"assessor", "item", "score"} - set(reader.fieldnames or [])
        if missing:
            raise CommandError(f"{path}: missing column(s): {', '.join(sorted(missing))}")
        for line, row in enumerate(reader, start=2):
            assessor, item = (row["assessor"] or "").strip(), (row["item"] or "").strip()
            raw = (row["score"] or "").strip()
            if not assessor or not item:
                problems.append(f"line {line}: assessor and item are required")
                continue
            if raw.upper() in {"NA", "N/A"}:
                value = None
            else:
                try:
                    value = float(raw)
                except ValueError:
                    problems.append(f"line {line}: score {raw!r} is not a number or NA")
                    continue
                value = int(value) if value.is_integer() else value
            sheet = sheets.setdefault(assessor, {})
            if item in sheet:
                problems.append(f"line {line}: {assessor} scored item {item} twice")
            sheet[item] = value
            if (row.get("role") or "").strip().lower() == "chair":
                if chair not in (None, assessor):
                    problems.append(f"line {line}: more than one chair ({chair}, {assessor})")
                chair = assessor
    return sheets, chair, problems


class Command(BaseCommand):
    help = ("Score one application from a criteria file and SCORES.csv (assessor,item,score"
            "[,role]) and print the result as JSON. Needs no database.")
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--criteria", required=True, help="criteria file (.yaml or .xlsx)")
        parser.add_argument("--scores", required=True, help="CSV with assessor,item,score[,role]")
        parser.add_argument("--strategy", choices=STRATEGIES, default="median")
        parser.add_argument("--unit-type", default=None,
                            help="score only the items that apply to this unit type")

    def handle(self, *args, **options):
        criteria = Path(options["criteria"])
        document, rows = None, {}
        try:
            document = read_criteria_file(criteria, rows=rows)
            edition = parse_edition(document)
        except FileNotFoundError as exc:
            raise CommandError(f"{criteria}: no such file") from exc
        except CriteriaError as exc:
            for line in issue_lines(exc, document, rows):
                self.stderr.write(line)
            raise CommandError(f"{criteria.name}: {len(exc.issues)} problem(s); nothing was "
                               "scored") from exc
        for line in issue_lines(CriteriaError(nesting_warnings(
                edition_to_dict(edition)["levels"])), document, rows):
            self.stderr.write(f"warning: {line}")
        try:
            sheets, chair, problems = read_scores(options["scores"])
        except FileNotFoundError as exc:
            raise CommandError(f"{options['scores']}: no such file") from exc
        known = [unit_type.code for unit_type in edition.unit_types]
        if options["unit_type"] is not None and options["unit_type"] not in known:
            raise CommandError(f"--unit-type {options['unit_type']}: not a unit type of "
                               f"{criteria.name} ({', '.join(known) or 'it has none'})")
        compiled = compile_edition(edition, options["unit_type"])
        if not sheets and not problems:
            problems.append("the scores file has no rows")
        for assessor, sheet in sheets.items():
            problems.extend(compiled.check_sheet(sheet, who=assessor))
        if sheets:
            problems.extend(compiled.check_team(sheets))
        strategy = options["strategy"]
        if strategy == "chair" and chair is None and sheets:
            problems.append("the chair strategy needs rows with role=chair")
        if problems:
            raise CommandError("invalid scores:\n" + "\n".join(problems))
        try:
            team = compiled.consolidate(sheets, strategy, chair)
        except ScoringError as exc:
            raise CommandError("invalid scores:\n" + "\n".join(exc.problems)) from exc
        result = compiled.score(team.values, team=True)
        output = result.as_dict()
        output["edition"] = {"standard": edition.standard, "label": edition.label,
                             "revision": edition.revision, "status": edition.status}
        output["strategy"] = strategy
        output["spread"] = team.spread
        self.stdout.write(json.dumps(output, ensure_ascii=False, indent=2))
