"""docs/criteria-format.md is enough to write an edition: its example is the checked-in
docs/criteria-example.yaml, the example workbook docs/criteria-example.xlsx is what the
project's writer makes of it (scripts/build_criteria_example.py), both read back to the same
edition, and every sheet and column the reader takes is documented."""

import io
import re
from pathlib import Path

from openpyxl import load_workbook

from gecc.criteria.domain.nesting import nesting_warnings
from gecc.criteria.domain.parse import edition_to_dict, parse_edition
from gecc.criteria.interfaces.excel import (
    LEVEL_COLUMNS,
    META_KEYS,
    SCALE_COLUMNS,
    TREE_COLUMNS,
    UNIT_TYPE_COLUMNS,
    write_workbook,
)
from gecc.criteria.interfaces.files import read_criteria_file

DOCS = Path(__file__).resolve().parents[2] / "docs"
FORMAT = (DOCS / "criteria-format.md").read_text(encoding="utf-8")
EXAMPLE_YAML = DOCS / "criteria-example.yaml"
EXAMPLE_XLSX = DOCS / "criteria-example.xlsx"
REBUILD = "run scripts/build_criteria_example.py and commit docs/criteria-example.xlsx"


def cells(data: bytes) -> dict:
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
            for sheet in workbook.worksheets}


def test_the_documented_example_is_the_checked_in_file():
    block = re.search(r"```yaml\n(.*?)```", FORMAT, re.S)[1]
    assert block == EXAMPLE_YAML.read_text(encoding="utf-8")


def test_the_documented_example_is_valid_and_nested():
    edition = parse_edition(read_criteria_file(EXAMPLE_YAML))
    assert nesting_warnings(edition_to_dict(edition)["levels"]) == []


def test_the_example_workbook_is_what_the_writer_makes_of_the_example():
    edition = parse_edition(read_criteria_file(EXAMPLE_YAML))
    assert cells(EXAMPLE_XLSX.read_bytes()) == cells(write_workbook(edition)), REBUILD


def test_the_example_workbook_reads_back_to_the_same_edition():
    from_yaml = edition_to_dict(parse_edition(read_criteria_file(EXAMPLE_YAML)))
    from_xlsx = edition_to_dict(parse_edition(read_criteria_file(EXAMPLE_XLSX)))
    assert from_xlsx == from_yaml


def test_every_sheet_and_column_is_documented():
    documented = set(re.findall(r"`([a-z_]+)`", FORMAT))
    sheets = set(cells(EXAMPLE_XLSX.read_bytes()))
    assert sheets == {"edition", "unit_types", "scales", "levels", "tree"}
    columns = {*META_KEYS, *UNIT_TYPE_COLUMNS, *SCALE_COLUMNS, *LEVEL_COLUMNS, *TREE_COLUMNS,
               "field", "value"}
    assert sorted(sheets - documented) == []
    assert sorted(columns - documented) == []


def test_the_docs_say_what_a_file_must_be_and_how_to_score_by_unit_type():
    assert "UTF-8" in FORMAT
    assert "--unit-type" in FORMAT
    assert "docs/criteria-example.xlsx" in FORMAT


def test_evaluate_scores_the_documented_example_by_unit_type(tmp_path):
    import json

    from django.core.management import CommandError, call_command

    scores = tmp_path / "scores.csv"
    scores.write_text("assessor,item,score\na,P1.1,2\na,P1.2,1\na,Q1.1,3\n", encoding="utf-8")
    out = io.StringIO()
    # Q1.2 applies to local units only: a provincial unit is scored without it.
    call_command("evaluate", "--criteria", str(EXAMPLE_YAML), "--scores", str(scores),
                 "--unit-type", "provincial", stdout=out)
    assert json.loads(out.getvalue())["criteria"]["Q1"] == 75.0
    try:
        call_command("evaluate", "--criteria", str(EXAMPLE_YAML), "--scores", str(scores),
                     "--unit-type", "district")
    except CommandError as exc:
        assert "not a unit type" in str(exc) and "provincial, local" in str(exc)
    else:
        raise AssertionError("an unknown unit type was accepted")
