"""Buddhist-era display: the helpers and the builtin template filters."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from gecc.common.templatetags.thaidate import (
    thaidate,
    thaidate_numeric,
    thaidate_short,
    thaidatetime,
)
from gecc.common.thaidate import (
    BEDateError,
    format_be,
    format_be_datetime,
    format_be_numeric,
    parse_be,
)

JUNE_8 = datetime.date(2020, 6, 8)
UTC = datetime.UTC


def render(source, **context):
    return Template(source).render(Context(context))


def test_thaidate_long_form_in_thai():
    assert thaidate(JUNE_8) == "8 มิถุนายน 2563"


def test_thaidate_short_form_in_thai():
    assert thaidate_short(JUNE_8) == "8 มิ.ย. 63"


def test_thaidate_numeric_pads_day_and_month():
    assert thaidate_numeric(JUNE_8) == "08/06/2563"


def test_thaidate_short_pads_two_digit_year():
    assert thaidate_short(datetime.date(1957, 1, 2)) == "2 ม.ค. 00"


def test_thaidatetime_shows_local_time_with_thai_suffix():
    moment = datetime.datetime(2020, 6, 8, 7, 5, tzinfo=UTC)  # 14:05 in Bangkok
    assert thaidatetime(moment) == "8 มิถุนายน 2563 14:05 น."


def test_thaidate_aware_datetime_uses_bangkok_calendar_day():
    evening_utc = datetime.datetime(2020, 6, 7, 18, 0, tzinfo=UTC)  # 01:00 on the 8th
    assert thaidate_short(evening_utc) == "8 มิ.ย. 63"
    assert thaidate(evening_utc) == "8 มิถุนายน 2563"
    assert thaidate_numeric(evening_utc) == "08/06/2563"
    assert thaidatetime(evening_utc) == "8 มิถุนายน 2563 01:00 น."


def test_thaidate_follows_the_active_time_zone():
    evening_utc = datetime.datetime(2020, 6, 7, 18, 0, tzinfo=UTC)
    with timezone.override("UTC"):
        assert thaidate_short(evening_utc) == "7 มิ.ย. 63"


def test_thaidate_naive_datetime_is_taken_as_written():
    assert thaidatetime(datetime.datetime(2020, 6, 8, 9, 30)) == "8 มิถุนายน 2563 09:30 น."


def test_thaidatetime_of_a_plain_date_shows_no_time():
    assert thaidatetime(JUNE_8) == "8 มิถุนายน 2563"


@pytest.mark.parametrize("value", [None, ""])
@pytest.mark.parametrize("fmt", [thaidate, thaidate_short, thaidatetime, thaidate_numeric])
def test_thaidate_filters_empty_value_shows_nothing(fmt, value):
    assert fmt(value) == ""


@pytest.mark.parametrize("value", ["2020-06-08", 42, object()])
@pytest.mark.parametrize("fmt", [thaidate, thaidate_short, thaidatetime, thaidate_numeric])
def test_thaidate_filters_non_date_shows_nothing(fmt, value):
    assert fmt(value) == ""


def test_thaidate_filters_are_template_builtins():
    moment = datetime.datetime(2020, 6, 7, 18, 0, tzinfo=UTC)
    html = render(
        "{{ d|thaidate }}|{{ d|thaidate_short }}|{{ d|thaidate_numeric }}|{{ m|thaidatetime }}"
        "|{{ m|thaidate_short }}|{{ nothing|thaidate }}|{{ missing|thaidate_short }}",
        d=JUNE_8, m=moment, nothing=None,
    )
    assert html == (
        "8 มิถุนายน 2563|8 มิ.ย. 63|08/06/2563|8 มิถุนายน 2563 01:00 น.|8 มิ.ย. 63||"
    )


def test_thaidate_in_english():
    moment = datetime.datetime(2020, 6, 8, 7, 5, tzinfo=UTC)
    with translation.override("en"):
        assert thaidate(JUNE_8) == "8 June 2563 BE"
        assert thaidate_short(JUNE_8) == "8 Jun 63"
        assert thaidatetime(moment) == "8 June 2563 BE 14:05"
        assert thaidate_numeric(JUNE_8) == "08/06/2563"
        assert render("{{ d|thaidate }}", d=JUNE_8) == "8 June 2563 BE"


def test_thaidate_explicit_language_wins_over_active_one():
    with translation.override("en"):
        assert format_be(JUNE_8, language="th") == "8 มิถุนายน 2563"
    assert format_be_datetime(JUNE_8, language="en") == "8 June 2563 BE"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08/06/2563", JUNE_8),
        ("8/6/2563", JUNE_8),
        ("8-6-2563", JUNE_8),
        ("8.6.2563", JUNE_8),
        (" 08 / 06 / 2563 ", JUNE_8),
        ("2563-06-08", JUNE_8),
        ("๐๘/๐๖/๒๕๖๓", JUNE_8),  # Thai digits
        ("29/02/2563", datetime.date(2020, 2, 29)),
    ],
)
def test_parse_be_reads_buddhist_era(text, expected):
    assert parse_be(text) == expected


@pytest.mark.parametrize(
    ("text", "code", "year"),
    [
        ("08/06/2020", "ce_year", 2020),
        ("2020-06-08", "ce_year", 2020),
        ("01/01/0800", "out_of_range", 800),
        ("01/01/2800", "out_of_range", 2800),
        ("31/02/2563", "invalid", None),
        ("29/02/2562", "invalid", None),
        ("13/13/2563", "invalid", None),
        ("8/6/63", "invalid", None),
        ("yesterday", "invalid", None),
        ("", "invalid", None),
        (None, "invalid", None),
    ],
)
def test_parse_be_refuses(text, code, year):
    with pytest.raises(BEDateError) as caught:
        parse_be(text)
    assert (caught.value.code, caught.value.year) == (code, year)


@given(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2150, 12, 31)))
def test_parse_be_round_trips_format_be_numeric(value):
    assert parse_be(format_be_numeric(value)) == value
