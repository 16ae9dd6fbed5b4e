"""Levels that are not nested (a higher rule that does not imply the lower one) are warned
about at load time on every way in, loaded only when the secretariat confirms it, and shown
on the edition's page."""

import io
import json

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from gecc.audit.models import AuditEntry
from gecc.criteria.domain.editions import load_edition
from gecc.criteria.domain.nesting import LevelsNotNested, nesting_warnings
from gecc.criteria.domain.parse import edition_to_dict
from gecc.criteria.interfaces.example import example_edition
from gecc.criteria.models import EditionVersion
from tests.criteria.factories import small_document

pytestmark = pytest.mark.django_db


def unnested():
    """The small edition with excellence no longer asking advanced's minimum for P."""
    document = small_document()
    del document["levels"][2]["rule"]["min_category"]
    return document


def paths(levels):
    return [warning.path for warning in nesting_warnings(levels)]


def test_the_shipped_editions_are_nested():
    assert paths(small_document()["levels"]) == []
    assert paths(edition_to_dict(example_edition())["levels"]) == []


def test_each_way_a_higher_level_can_ask_less_is_named():
    levels = small_document()["levels"]
    levels[2]["rule"]["min_category"] = {"P": 59.5}  # advanced asks 60
    levels[2]["rule"]["all_mandatory"] = False
    levels[1]["rule"]["min_criterion"] = {"Q1": 70}  # excellence asks 80: nested
    assert paths(levels) == ["levels[2].rule.all_mandatory",
                             "levels[2].rule.min_category.P"]
    levels[1]["rule"]["min_criterion"] = {"Q1": 90}
    levels[2]["rule"]["min_overall"] = 65  # below advanced's 70
    assert paths(levels) == ["levels[2].rule.all_mandatory", "levels[2].rule.min_overall",
                             "levels[2].rule.min_category.P",
                             "levels[2].rule.min_criterion.Q1"]


def test_a_higher_level_that_asks_more_is_nested():
    levels = small_document()["levels"]
    levels[2]["rule"]["min_category"] = {"P": 60, "Q": 90}
    assert paths(levels) == []


def test_load_edition_refuses_until_confirmed_and_records_the_confirmation():
    with pytest.raises(LevelsNotNested) as caught:
        load_edition(unnested())
    assert [issue.code for issue in caught.value.issues] == ["level_not_nested"]
    assert not EditionVersion.objects.exists()
    outcome = load_edition(unnested(), accept_unnested=True)
    assert outcome.created
    entry = AuditEntry.objects.get(action="criteria.version_loaded")
    assert entry.data["levels_not_nested"] == ["levels[2].rule.min_category.P"]
    # The same content again changes nothing and asks nothing.
    assert not load_edition(unnested()).created


def write(tmp_path, document):
    path = tmp_path / "criteria.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def test_load_criteria_needs_the_flag(tmp_path):
    path = write(tmp_path, unnested())
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("load_criteria", str(path), stderr=err)
    assert "--accept-unnested-levels" in str(caught.value)
    assert err.getvalue().startswith("warning: levels[2].rule.min_category.P: ")
    assert not EditionVersion.objects.exists()
    call_command("load_criteria", str(path), "--accept-unnested-levels", stdout=io.StringIO())
    assert EditionVersion.objects.count() == 1


def test_evaluate_warns_and_still_scores(tmp_path):
    path = write(tmp_path, unnested())
    scores = tmp_path / "scores.csv"
    scores.write_text("assessor,item,score\na,P1.1,4\na,P1.2,1\na,Q1.1,4\na,Q1.2,4\n",
                      encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("evaluate", "--criteria", str(path), "--scores", str(scores), stdout=out,
                 stderr=err)
    assert json.loads(out.getvalue())["level"] == "excellence"
    assert err.getvalue().startswith("warning: levels[2].rule.min_category.P: ")


def upload(client, document):
    text = yaml.safe_dump(document, allow_unicode=True).encode()
    return client.post("/staff/criteria/upload/",
                       {"file": SimpleUploadedFile("criteria.yaml", text)})


def test_upload_shows_the_warnings_and_loads_only_once_confirmed(client, login_as):
    login_as("secretariat")
    response = upload(client, unnested())
    assert response.status_code == 200
    assert [w.path for w in response.context["warnings"]] == ["levels[2].rule.min_category.P"]
    assert 'data-testid="nesting-warnings"' in response.content.decode()
    assert not EditionVersion.objects.exists()
    pending = response.context["pending"]
    # Without the tick: asked again, nothing stored.
    response = client.post("/staff/criteria/upload/", {"pending": pending})
    assert response.status_code == 200 and response.context["missing_tick"]
    assert not EditionVersion.objects.exists()
    response = client.post("/staff/criteria/upload/", {"pending": pending, "confirm": "1"})
    version = EditionVersion.objects.get()
    assert response.status_code == 302 and response.url == version.get_absolute_url()
    assert version.source_name == "criteria.yaml"
    page = client.get(version.get_absolute_url()).content.decode()
    assert 'data-testid="nesting-warnings"' in page


def test_a_tampered_confirmation_is_refused(client, login_as):
    login_as("secretariat")
    pending = upload(client, unnested()).context["pending"]
    response = client.post("/staff/criteria/upload/",
                           {"pending": pending[:-2] + "xx", "confirm": "1"})
    assert response.status_code == 302
    assert not EditionVersion.objects.exists()


def test_a_nested_edition_shows_no_warning(client, login_as):
    login_as("secretariat")
    version = load_edition(small_document()).version
    page = client.get(version.get_absolute_url()).content.decode()
    assert 'data-testid="nesting-warnings"' not in page

