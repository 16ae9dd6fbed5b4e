import io
import json
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.criteria.factories import small_document

# Without the django_db mark, any database access in these tests is an error.


@pytest.fixture
def criteria_file(tmp_path):
    path = Path(tmp_path) / "criteria.yaml"
    path.write_text(yaml.safe_dump(small_document(), allow_unicode=True), encoding="utf-8")
    return path


def _csv(tmp_path, text):
    path = Path(tmp_path) / "scores.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _run(criteria, scores, *extra):
    out = io.StringIO()
    call_command("evaluate", "--criteria", str(criteria), "--scores", str(scores), *extra,
                 stdout=out)
    return json.loads(out.getvalue())


SCORES = """assessor,item,score,role
a,P1.1,4,chair
a,P1.2,1,chair
a,Q1.1,2,chair
a,Q1.2,NA,chair
b,P1.1,3,
b,P1.2,1,
b,Q1.1,1,
b,Q1.2,NA,
c,P1.1,1,
c,P1.2,0,
c,Q1.1,0,
c,Q1.2,NA,
"""


def test_evaluate_median(tmp_path, criteria_file):
    result = _run(criteria_file, _csv(tmp_path, SCORES))
    # median P1.1=3, P1.2=1, Q1.1=1 → (2×3/4 + 1 + 1/4) / 4 = 68.75
    assert result["overall_percent"] == 68.75
    assert result["categories"] == {"P": 83.33, "Q": 25.0}
    assert result["criteria"] == {"P1": 83.33, "Q1": 25.0}
    assert result["mandatory_failed"] == []
    assert result["level"] == "basic"
    assert result["explanation"][0] == {"level": "advanced", "rule": "min_overall",
                                        "required": 70.0, "actual": 68.75, "shortfall": 1.25}
    assert result["spread"] == {"P1.1": 3, "P1.2": 1, "Q1.1": 2, "Q1.2": None}


def test_evaluate_names_the_edition_and_whether_it_is_an_example(tmp_path, criteria_file):
    result = _run(criteria_file, _csv(tmp_path, SCORES))
    document = small_document()["edition"]
    assert result["edition"] == {"standard": document["standard"], "label": document["label"],
                                 "revision": document["revision"],
                                 "status": document["status"]}


def test_evaluate_chair(tmp_path, criteria_file):
    result = _run(criteria_file, _csv(tmp_path, SCORES), "--strategy", "chair")
    assert result["overall_percent"] == 87.5
    assert result["level"] == "advanced"


def test_evaluate_mean_mandatory_failed(tmp_path, criteria_file):
    text = "assessor,item,score\na,P1.1,1\nb,P1.1,2\na,Q1.1,4\n"
    result = _run(criteria_file, _csv(tmp_path, text), "--strategy", "mean")
    assert result["mandatory_failed"] == ["P1.1"]
    assert result["level"] is None


@pytest.mark.parametrize(("text", "message"), [
    ("assessor,item,score\na,P1.1,2\na,X1,2\n", "a: unknown item reference 'X1'"),
    ("assessor,item,score\na,P1.1,5\n", "a: item P1.1: score 5 is not on the scale"),
    ("assessor,item,score\na,P1.1,2\na,Q1.1,NA\n", "a: item Q1.1: N/A is not allowed"),
    ("assessor,item,score\na,Q1.1,2\n", "a: mandatory item P1.1 has no score"),
    ("assessor,item,score\na,P1.1,high\n", "line 2: score 'high' is not a number or NA"),
    ("assessor,item\na,P1.1\n", "missing column(s): score"),
    ("assessor,item,score\na,P1.1,4\n", "item Q1.1 has no score, and N/A is not allowed"),
    ("assessor,item,score\na,P1.1,4\na,P1.1,3\na,Q1.1,2\n",
     "line 3: a scored item P1.1 twice"),
    ("assessor,item,score,role\na,P1.1,4,chair\nb,P1.1,3,chair\na,Q1.1,2,\n",
     "line 3: more than one chair (a, b)"),
    ("assessor,item,score\n", "the scores file has no rows"),
])
def test_evaluate_errors_exit_non_zero(tmp_path, criteria_file, text, message):
    with pytest.raises(CommandError) as caught:
        _run(criteria_file, _csv(tmp_path, text))
    assert message in str(caught.value)


def test_evaluate_chair_strategy_without_chair(tmp_path, criteria_file):
    with pytest.raises(CommandError) as caught:
        _run(criteria_file, _csv(tmp_path, "assessor,item,score\na,P1.1,2\n"),
             "--strategy", "chair")
    assert "the chair strategy needs rows with role=chair" in str(caught.value)


def test_evaluate_invalid_criteria_names_path(tmp_path, capsys):
    document = small_document()
    document["levels"][0]["colour"] = "green"
    path = Path(tmp_path) / "criteria.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        _run(path, _csv(tmp_path, "assessor,item,score\na,P1.1,2\n"))
    assert str(caught.value) == "criteria.yaml: 1 problem(s); nothing was scored"
    # As load_criteria prints them: the path, the reason, the place in words.
    assert capsys.readouterr().err.startswith("levels[0].colour: ")
