import io

import pytest
from openpyxl import load_workbook

from gecc.criteria.domain.parse import CriteriaError, parse_edition
from gecc.criteria.interfaces.example import example_edition
from gecc.criteria.interfaces.excel import read_workbook, write_workbook
from tests.criteria.factories import small_document


@pytest.mark.parametrize("edition", [parse_edition(small_document()), example_edition()],
                         ids=["small", "example"])
def test_excel_round_trip_gives_equal_edition(edition):
    data = write_workbook(edition)
    assert parse_edition(read_workbook(io.BytesIO(data))) == edition


def test_excel_has_one_tree_row_per_node():
    edition = parse_edition(small_document())
    sheet = load_workbook(io.BytesIO(write_workbook(edition)))["tree"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("category", "P", None), ("criterion", "P1", "P"), ("item", "P1.1", "P1"),
        ("item", "P1.2", "P1"), ("category", "Q", None), ("criterion", "Q1", "Q"),
        ("item", "Q1.1", "Q1"), ("item", "Q1.2", "Q1")]


def _edited(edit):
    workbook = load_workbook(io.BytesIO(write_workbook(parse_edition(small_document()))))
    edit(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def test_excel_invalid_weight_reports_document_path():
    def edit(workbook):
        workbook["tree"]["M5"] = 0  # the weight of P1.2 (row 5)
    with pytest.raises(CriteriaError) as caught:
        parse_edition(read_workbook(_edited(edit)))
    assert [(i.path, i.code) for i in caught.value.issues] == [
        ("categories[0].criteria[0].items[1].weight", "not_positive")]


def test_excel_unknown_parent_reports_row():
    def edit(workbook):
        workbook["tree"]["C4"] = "P9"
    with pytest.raises(CriteriaError) as caught:
        read_workbook(_edited(edit))
    assert [(i.path, i.code) for i in caught.value.issues] == [
        ("tree row 4.parent", "unknown_parent")]


def test_excel_bad_kind_and_missing_sheet():
    def edit(workbook):
        workbook["tree"]["A4"] = "leaf"
        del workbook["levels"]
    with pytest.raises(CriteriaError) as caught:
        read_workbook(_edited(edit))
    assert [(i.path, i.code) for i in caught.value.issues] == [
        ("sheet levels", "missing_sheet"), ("tree row 4.kind", "bad_kind")]


def test_excel_not_a_workbook():
    with pytest.raises(CriteriaError) as caught:
        read_workbook(io.BytesIO(b"not a zip"))
    assert caught.value.issues[0].code == "bad_workbook"


def test_workbook_that_unpacks_too_big_is_refused_before_openpyxl(monkeypatch):
    import io
    import zipfile

    import pytest

    from gecc.common import files
    from gecc.criteria.domain.parse import CriteriaError
    from gecc.criteria.interfaces.excel import read_workbook

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 5_000_000)  # compresses to ~5 kB
    monkeypatch.setattr(files.check_zip_unpacked_size, "__defaults__", (1_000_000,))
    with pytest.raises(CriteriaError) as error:
        read_workbook(io.BytesIO(buffer.getvalue()))
    assert "unpacks to 5000000 bytes" in str(error.value.issues[0].message)
