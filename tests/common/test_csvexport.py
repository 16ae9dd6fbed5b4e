"""The one CSV writer: UTF-8 with BOM, CRLF, every cell quoted, formula cells escaped as
OWASP recommends, numbers left as numbers, and the escape read back by importers."""

import csv
import io
from decimal import Decimal

import pytest

from gecc.common.csvexport import csv_lines, csv_response, escape_cell, unescape_cell, write_csv


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "-12.5", "@SUM(A1)", "\tx", "\rx"])
def test_text_starting_a_formula_gets_an_apostrophe(value):
    assert escape_cell(value) == "'" + value
    assert unescape_cell(escape_cell(value)) == value


@pytest.mark.parametrize("value", ["'=1", "''+1"])
def test_text_already_starting_with_an_apostrophe_survives_the_round_trip(value):
    assert escape_cell(value) == "'" + value
    assert unescape_cell(escape_cell(value)) == value


@pytest.mark.parametrize("value", ["ศูนย์บริการ", "a=b", " =1", "'quoted", "'", "", "＝1+1"])
def test_other_text_is_left_as_it_is(value):
    assert escape_cell(value) == value
    assert unescape_cell(value) == value


def test_numbers_none_and_booleans():
    assert [escape_cell(v) for v in (-5, -1.5, Decimal("-2.50"), 0, None, True)] == [
        -5, -1.5, Decimal("-2.50"), 0, "", "True"]


def test_write_csv_is_utf8_with_bom_crlf_and_every_cell_quoted():
    data = write_csv(["รหัส", "ชื่อ"], [["A1", '=HYPERLINK("x")'], [-3, None]])
    assert data == ('\ufeff"รหัส","ชื่อ"\r\n"A1","\'=HYPERLINK(""x"")"\r\n"-3",""\r\n'
                    .encode())


def test_a_separator_inside_a_cell_cannot_start_a_new_cell():
    data = write_csv(["a"], [["x;=1+1"], ["y,-1"]]).decode("utf-8-sig")
    for delimiter in ",;":
        rows = list(csv.reader(io.StringIO(data, newline=""), delimiter=delimiter))
        assert rows[1:] == [["x;=1+1"], ["y,-1"]]


def test_csv_lines_reads_rows_lazily():
    def rows():
        yield ["1"]
        raise AssertionError("read too far")

    lines = csv_lines(["h"], rows())
    assert next(lines) == '\ufeff"h"\r\n'
    assert next(lines) == '"1"\r\n'


@pytest.mark.parametrize("streaming", [False, True])
def test_csv_response_is_an_attachment(streaming):
    response = csv_response("x.csv", ["h"], [["@x"]], streaming=streaming)
    body = b"".join(response.streaming_content) if streaming else response.content
    assert body == '\ufeff"h"\r\n"\'@x"\r\n'.encode()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
