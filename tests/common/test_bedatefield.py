"""Entering dates in the Buddhist era with ``BEDateField``."""

import datetime

import pytest
from django import forms
from django.utils import translation

from gecc.common.forms import BEDateField

JUNE_8 = datetime.date(2020, 6, 8)


class VisitForm(forms.Form):
    visit_on = BEDateField()
    follow_up_on = BEDateField(required=False)


def field_errors(form):
    return form.errors.get("visit_on", [])


@pytest.mark.parametrize("typed", ["08/06/2563", "8/6/2563", "8-6-2563", "2563-06-08"])
def test_bedatefield_reads_buddhist_era(typed):
    form = VisitForm(data={"visit_on": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["visit_on"] == JUNE_8


def test_bedatefield_optional_empty_is_none():
    form = VisitForm(data={"visit_on": "08/06/2563", "follow_up_on": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["follow_up_on"] is None


def test_bedatefield_required_empty_is_refused():
    form = VisitForm(data={"visit_on": ""})
    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()["visit_on"]] == ["required"]


def test_bedatefield_bound_form_redisplays_buddhist_era():
    form = VisitForm(data={"visit_on": "08/06/2563"})
    assert form.is_valid()
    assert 'value="08/06/2563"' in str(form["visit_on"])


def test_bedatefield_initial_date_is_shown_in_buddhist_era():
    form = VisitForm(initial={"visit_on": JUNE_8})
    html = str(form["visit_on"])
    assert 'value="08/06/2563"' in html
    assert 'type="text"' in html
    assert "2020" not in html


def test_bedatefield_initial_aware_datetime_uses_local_day():
    form = VisitForm(initial={"visit_on": datetime.datetime(2020, 6, 7, 18, tzinfo=datetime.UTC)})
    assert 'value="08/06/2563"' in str(form["visit_on"])


def test_bedatefield_accepts_date_objects():
    field = BEDateField()
    assert field.clean(JUNE_8) == JUNE_8
    assert field.clean(datetime.datetime(2020, 6, 7, 18, tzinfo=datetime.UTC)) == JUNE_8


def test_bedatefield_unchanged_initial_is_not_a_change():
    form = VisitForm(data={"visit_on": "8/6/2563"}, initial={"visit_on": JUNE_8})
    assert "visit_on" not in form.changed_data


def test_bedatefield_ce_year_is_refused_not_stored_as_1477():
    form = VisitForm(data={"visit_on": "08/06/2020"})
    assert not form.is_valid()
    assert "visit_on" not in form.cleaned_data
    [error] = form.errors.as_data()["visit_on"]
    assert error.code == "ce_year"
    [message] = field_errors(form)
    assert "2020" in message
    assert "2563" in message
    assert "1477" not in message


def test_bedatefield_ce_year_message_in_thai_and_english():
    with translation.override("th"):
        [thai] = field_errors(VisitForm(data={"visit_on": "08/06/2020"}))
    with translation.override("en"):
        [english] = field_errors(VisitForm(data={"visit_on": "08/06/2020"}))
    assert thai == "ปี 2020 ดูเหมือนเป็นปีคริสต์ศักราช กรุณากรอกปีพุทธศักราช (เช่น 2563)"
    assert english == (
        "2020 looks like a Christian-era year. Enter the Buddhist-era year (for example 2563)."
    )


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("nonsense", "invalid"),
        ("31/02/2563", "invalid"),
        ("8/6/63", "invalid"),
        ("01/01/2800", "out_of_range"),
        ("01/01/0800", "out_of_range"),
    ],
)
def test_bedatefield_refuses(typed, code):
    form = VisitForm(data={"visit_on": typed})
    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()["visit_on"]] == [code]


def test_bedatefield_out_of_range_message_names_the_year():
    with translation.override("en"):
        assert field_errors(VisitForm(data={"visit_on": "01/01/2800"})) == [
            "The year 2800 is out of range."
        ]


def test_bedatefield_invalid_message_shows_an_example():
    with translation.override("en"):
        assert field_errors(VisitForm(data={"visit_on": "31/02/2563"})) == [
            "Enter a date as day/month/Buddhist-era year, for example 08/06/2563."
        ]


@pytest.mark.parametrize("typed", ["08/06/2020", "31/02/2563", "nonsense"])
def test_bedatefield_invalid_form_keeps_what_was_typed(typed):
    form = VisitForm(data={"visit_on": typed})
    assert not form.is_valid()
    html = str(form["visit_on"])
    assert f'value="{typed}"' in html
    assert 'aria-invalid="true"' in html
