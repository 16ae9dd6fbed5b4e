import io

import openpyxl
import pytest

from gecc.registry.enums import ImportKind
from gecc.registry.interfaces.exporters import build_template, export_file
from gecc.registry.interfaces.formats import ORGANIZATION_COLUMNS, UNIT_COLUMNS
from gecc.registry.interfaces.importers import import_file, parse_and_validate
from gecc.registry.models import Organization, ServiceUnit
from tests.registry.factories import OrganizationFactory, ServiceUnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry():
    ministry = OrganizationFactory(code="MOF", name_th="กระทรวงการคลัง", name_en="")
    baac = OrganizationFactory(code="BAAC", name_th="ธ.ก.ส.", parent=ministry)
    ServiceUnitFactory(code="U1", organization=baac, latitude="18.330860",
                       longitude="98.819250", phone="053 980 123", email="a@b.example.th")
    ServiceUnitFactory(code="U2", organization=baac, name_en="Mae Tha",
                       subdistrict_id="510201", postcode="51140")
    return baac


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(("kind", "model"), [(ImportKind.ORGANIZATIONS, Organization),
                                             (ImportKind.UNITS, ServiceUnit)])
def test_export_then_import_changes_nothing(registry, fmt, kind, model):
    data = export_file(kind, model.objects.all(), fmt)
    preview, result = import_file(data, kind)
    assert preview.errors == []
    assert (result.created, result.updated, result.unchanged) == (0, 0, model.objects.count())


def test_export_units_xlsx_has_exactly_the_import_columns(registry):
    data = export_file(ImportKind.UNITS, ServiceUnit.objects.all(), "xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert list(rows[0]) == UNIT_COLUMNS
    unit = ServiceUnit.objects.get(code="U1")
    assert rows[1] == ("U1", unit.name_th, None, "BAAC", "branch", "510301", "51130",
                       "18.330860", "98.819250", "053 980 123", "a@b.example.th")


def test_export_organizations_csv_has_bom_and_parent_codes(registry):
    data = export_file(ImportKind.ORGANIZATIONS, Organization.objects.all(), "csv")
    text = data.decode("utf-8")
    # every cell in double quotes (the shared writer, gecc.common.csvexport)
    assert text.startswith("\ufeff" + ",".join(f'"{c}"' for c in ORGANIZATION_COLUMNS))
    assert '"BAAC","ธ.ก.ส.","Test body' in text
    assert text.splitlines()[1].endswith(',"MOF",""')  # parent code, then no abbreviation


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("kind", list(ImportKind))
def test_template_has_header_only_and_imports_as_no_data(kind, fmt):
    preview = parse_and_validate(build_template(kind, fmt), kind)
    assert [e.message for e in preview.errors] == ["แฟ้มไม่มีข้อมูลนอกจากแถวหัวตาราง"]


def test_template_xlsx_explains_every_column():
    workbook = openpyxl.load_workbook(io.BytesIO(build_template(ImportKind.UNITS)))
    explained = [row[0] for row in workbook.worksheets[1].iter_rows(min_row=2, values_only=True)]
    assert explained == UNIT_COLUMNS


def test_export_xlsx_keeps_a_formula_like_name_as_text_and_imports_back(registry):
    unit = ServiceUnit.objects.get(code="U1")
    unit.name_th = "=HYPERLINK(\"http://evil.example\",\"x\")"
    unit.save(update_fields=["name_th"])
    data = export_file(ImportKind.UNITS, ServiceUnit.objects.all(), "xlsx")
    name_cell = openpyxl.load_workbook(io.BytesIO(data)).active.cell(row=2, column=2)
    assert (name_cell.value, name_cell.data_type) == (unit.name_th, "s")
    preview, result = import_file(data, ImportKind.UNITS)
    assert preview.errors == []
    assert (result.created, result.updated) == (0, 0)
