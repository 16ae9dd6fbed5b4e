import io

import openpyxl
import pytest
from django.utils import translation

from gecc.audit.models import AuditEntry
from gecc.registry.enums import ImportKind, UnitType
from gecc.registry.interfaces.importers import (
    ImportNotValid,
    apply,
    check_file,
    import_file,
    parse_and_validate,
    write_error_report,
)
from gecc.registry.models import Organization, ServiceUnit
from tests.registry.factories import OrganizationFactory, ServiceUnitFactory
from tests.registry.helpers import csv_text, org_csv, unit_row, xlsx_bytes

pytestmark = pytest.mark.django_db
UNITS = ImportKind.UNITS


@pytest.fixture(autouse=True)
def _thai():
    with translation.override("th"):
        yield


@pytest.fixture
def baac(db):
    return OrganizationFactory(code="BAAC", name_th="ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร")


def only_error(preview):
    assert len(preview.errors) == 1, [str(e) for e in preview.errors]
    return preview.errors[0]


# Good files ---------------------------------------------------------------------------


def test_import_units_xlsx_creates_units(baac, make_user):
    actor = make_user("secretariat")
    preview, result = import_file(xlsx_bytes([unit_row(), unit_row(
        unit_code="LPN-BAAC-02", name_th="ธ.ก.ส. สาขาบ้านธิ", subdistrict_code="510701",
        postcode="51180", latitude="", longitude="", phone="", email="")]), UNITS, actor)
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    unit = ServiceUnit.objects.get(code="LPN-BAAC-01")
    assert unit.organization == baac
    assert (unit.province_id, unit.district_id, unit.subdistrict_id) == ("51", "5103", "510301")
    assert str(unit.latitude) == "18.330860"
    assert unit.unit_type == UnitType.BRANCH
    # The unit's code and names, then its organisation's names (the factory's English name).
    assert unit.search_text == (f"lpnbaac01|ธกสสาขาบ้านโฮ่ง|baacbanhongbranch|"
                                f"ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร|"
                                f"{baac.name_en.replace(' ', '').casefold()}")
    other = ServiceUnit.objects.get(code="LPN-BAAC-02")
    assert (other.latitude, other.longitude, other.phone) == (None, None, "")
    entry = AuditEntry.objects.get(action="registry.import")
    assert entry.actor == actor
    assert entry.data["created"] == 2
    assert entry.data["rows"] == 2


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp874"])
def test_import_units_csv_encodings_are_detected(baac, encoding):
    data = csv_text([unit_row()]).encode(encoding)
    preview = parse_and_validate(data, UNITS)
    assert preview.errors == []
    assert preview.rows[0]["name_th"] == "ธ.ก.ส. สาขาบ้านโฮ่ง"


def test_import_units_thai_headers_are_accepted(baac):
    header = ["รหัสหน่วยบริการ", "ชื่อภาษาไทย", "ชื่อภาษาอังกฤษ", "รหัสหน่วยงาน",
              "ประเภทหน่วยบริการ", "รหัสตำบล", "รหัสไปรษณีย์", "ละติจูด", "ลองจิจูด",
              "โทรศัพท์", "อีเมล"]
    text = ",".join(header) + "\r\nX1,ศูนย์ทดสอบ,,BAAC,สาขา,510301,51130,,,,\r\n"
    preview = parse_and_validate(text.encode("utf-8"), UNITS)
    assert preview.errors == []
    assert preview.rows[0]["code"] == "X1"
    assert preview.rows[0]["unit_type"] == UnitType.BRANCH


def test_import_units_numeric_xlsx_cells_are_read_as_codes(baac):
    row = unit_row(subdistrict_code=510301, postcode=51130, latitude=18.5, longitude=99.0)
    preview = parse_and_validate(xlsx_bytes([row]), UNITS)
    assert preview.errors == []
    assert preview.rows[0]["subdistrict_code"] == "510301"
    assert str(preview.rows[0]["latitude"]) == "18.500000"


def test_import_units_reimport_is_idempotent(baac):
    data = xlsx_bytes([unit_row(), unit_row(unit_code="B2")])
    import_file(data, UNITS)
    _, result = import_file(data, UNITS)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert ServiceUnit.objects.count() == 2


def test_import_units_reimport_updates_by_code(baac):
    import_file(xlsx_bytes([unit_row(), unit_row(unit_code="B2")]), UNITS)
    _, result = import_file(xlsx_bytes([unit_row(name_th="ชื่อใหม่"), unit_row(unit_code="B2"),
                                        unit_row(unit_code="B3")]), UNITS)
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    unit = ServiceUnit.objects.get(code="LPN-BAAC-01")
    assert unit.name_th == "ชื่อใหม่"
    assert unit.search_text.split("|")[1] == "ชื่อใหม่"


def test_import_units_absent_optional_column_leaves_field_alone(baac):
    import_file(xlsx_bytes([unit_row()]), UNITS)
    columns = ["unit_code", "name_th", "organization_code", "subdistrict_code", "postcode"]
    _, result = import_file(xlsx_bytes([unit_row()], columns), UNITS)
    assert (result.updated, result.unchanged) == (0, 1)
    assert ServiceUnit.objects.get().phone == "053 980 123"


# Bad rows -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [
        ({"subdistrict_code": "519999"}, "subdistrict_code", "ไม่พบรหัสตำบล"),
        ({"postcode": "51000"}, "postcode", "ไม่ใช่ของตำบล"),
        ({"postcode": "5113"}, "postcode", "ห้าหลัก"),
        ({"latitude": "1.5"}, "latitude", "นอกประเทศไทย"),
        ({"longitude": "120.0"}, "longitude", "นอกประเทศไทย"),
        ({"latitude": "", "longitude": "99.0"}, "latitude", "ทั้งละติจูดและลองจิจูด"),
        ({"latitude": "north"}, "latitude", "ไม่ใช่ตัวเลข"),
        ({"email": "not-an-email"}, "email", "อีเมล"),
        ({"phone": "12345"}, "phone", "หมายเลขโทรศัพท์"),
        ({"organization_code": "NOPE"}, "organization_code", "ไม่พบรหัสหน่วยงาน"),
        ({"unit_type": "spaceport"}, "unit_type", "ประเภทหน่วยบริการ"),
        ({"name_th": ""}, "name_th", "ต้องกรอก"),
        ({"unit_code": "bad code!"}, "unit_code", "ตัวอักษร"),
    ],
)
def test_import_units_bad_row_names_row_column_and_reason_in_thai(baac, changes, column,
                                                                    message):
    data = xlsx_bytes([unit_row(unit_code="OK1"), unit_row(**changes)])
    preview, result = import_file(data, UNITS)
    assert result is None
    error = only_error(preview)
    assert (error.row, error.column) == (3, column)
    assert message in error.message
    assert ServiceUnit.objects.count() == 0


def test_import_units_duplicate_code_in_file_is_refused(baac):
    preview = parse_and_validate(csv_text([unit_row(), unit_row()]).encode(), UNITS)
    error = only_error(preview)
    assert (error.row, error.column) == (3, "unit_code")
    assert "แถวที่ 2" in error.message


def test_import_units_one_bad_row_imports_nothing(baac):
    rows = [unit_row(unit_code=f"OK{i}") for i in range(50)] + [unit_row(email="x@")]
    preview, result = import_file(xlsx_bytes(rows), UNITS)
    assert result is None
    assert only_error(preview).row == 52
    assert ServiceUnit.objects.count() == 0
    with pytest.raises(ImportNotValid):
        apply(preview)


def test_import_units_missing_required_column_is_refused(baac):
    columns = ["unit_code", "name_th", "organization_code", "subdistrict_code"]
    error = only_error(parse_and_validate(xlsx_bytes([unit_row()], columns), UNITS))
    assert (error.row, error.column) == (1, "postcode")
    assert "ไม่มีคอลัมน์" in error.message


# Bad files ----------------------------------------------------------------------------


def test_import_undecodable_file_is_refused(baac):
    error = only_error(parse_and_validate(b"unit_code\n\x81\x82\xff\xfe", UNITS))
    assert error.row is None
    assert "UTF-8" in error.message


def test_import_latin1_text_is_refused_not_read_as_thai(baac, tmp_path):
    path = tmp_path / "units-cp1252.csv"  # as Excel in a Western locale saves "CSV"
    path.write_bytes(csv_text([unit_row(name_th="Café Amazon Ban Hong",
                                        name_en="Café Amazon Ban Hong")]).encode("cp1252"))
    assert "Caf\u0e49" in path.read_bytes().decode("cp874")  # what Windows-874 would read
    error = only_error(parse_and_validate(path, UNITS))
    assert error.row is None
    assert "บรรทัดที่ 2" in error.message
    for encoding in ("UTF-8", "UTF-8 แบบมี BOM", "Windows-874 (TIS-620)"):
        assert encoding in error.message
    assert [e.message for e in check_file(path, UNITS).errors] == [error.message]


def test_import_cp874_thai_with_marks_after_letters_is_accepted(baac):
    name = "ศูนย์ราชการสะดวก สำนักงานที่ดินจังหวัดลำพูน สาขาป่าซาง 2"
    preview = parse_and_validate(csv_text([unit_row(name_th=name)]).encode("cp874"), UNITS)
    assert preview.errors == []
    assert preview.rows[0]["name_th"] == name


def test_check_file_reads_only_the_header_and_a_first_row(baac):
    data = csv_text([unit_row(unit_code=f"U{i}", email="bad") for i in range(30)]).encode()
    check = check_file(data, UNITS)
    assert (check.errors, check.estimated_rows) == ([], 30)  # the row errors are not its job
    workbook = xlsx_bytes([unit_row(unit_code=f"U{i}") for i in range(30)])
    assert check_file(workbook, UNITS).estimated_rows == 30
    assert "ไม่มีข้อมูล" in check_file(csv_text([]).encode(), UNITS).errors[0].message
    assert "ว่าง" in check_file(b"", UNITS).errors[0].message
    assert "XLSX" in check_file(b"PK\x03\x04 not a workbook", UNITS).errors[0].message


def test_import_progress_is_reported_while_rows_are_read(baac):
    seen = []
    data = csv_text([unit_row(unit_code=f"U{i}") for i in range(10)]).encode()
    parse_and_validate(data, UNITS, progress=lambda done, total: seen.append((done, total)),
                       progress_every=4)
    assert seen == [(3, 10), (7, 10)]


def test_import_unknown_binary_type_is_refused(baac):
    error = only_error(parse_and_validate(b"%PDF-1.7\n\x00\x01binary", UNITS))
    assert "ไม่รู้จักชนิดของแฟ้ม" in error.message


def test_import_zip_that_is_not_a_workbook_is_refused(baac):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    error = only_error(parse_and_validate(buffer.getvalue(), UNITS))
    assert "XLSX" in error.message


def test_import_xlsx_is_detected_by_content_not_name(baac, tmp_path):
    path = tmp_path / "units.csv"  # an XLSX with the wrong extension
    path.write_bytes(xlsx_bytes([unit_row()]))
    assert parse_and_validate(path, UNITS).errors == []


def test_import_file_over_limit_is_refused_before_parsing(baac, settings):
    settings.REGISTRY_IMPORT_MAX_BYTES = 1000
    data = csv_text([unit_row(unit_code=f"U{i}") for i in range(30)]).encode()
    error = only_error(parse_and_validate(data, UNITS))
    assert error.row is None
    assert "0.000953674 MB" in error.message


def test_import_real_file_over_20_mb_is_refused(baac, tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as handle:
        handle.write(b"unit_code,name_th\n")
        handle.write(b"x" * (20 * 1024 * 1024))
    error = only_error(parse_and_validate(path, UNITS))
    assert "20 MB" in error.message
    error = only_error(parse_and_validate(io.BytesIO(path.read_bytes()), UNITS))
    assert "20 MB" in error.message


def test_import_empty_file_is_refused(baac):
    assert "ว่าง" in only_error(parse_and_validate(b"", UNITS)).message


def test_import_header_only_file_is_refused(baac):
    assert "ไม่มีข้อมูล" in only_error(parse_and_validate(csv_text([]).encode(), UNITS)).message


# Organisations ------------------------------------------------------------------------


def test_import_organizations_builds_the_tree_in_any_order():
    data = org_csv([
        {"organization_code": "BAAC", "name_th": "ธ.ก.ส.", "parent_code": "MOF"},
        {"organization_code": "MOF", "name_th": "กระทรวงการคลัง", "name_en": "Ministry of Finance"},
    ])
    _, result = import_file(data, ImportKind.ORGANIZATIONS)
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    assert Organization.objects.get(code="BAAC").parent.code == "MOF"
    _, again = import_file(data, ImportKind.ORGANIZATIONS)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_import_organizations_reparent_counts_as_update():
    OrganizationFactory(code="MOF")
    OrganizationFactory(code="MOI")
    OrganizationFactory(code="X", parent=Organization.objects.get(code="MOF"))
    _, result = import_file(org_csv([{"organization_code": "X", "name_th": "เอ็กซ์",
                                      "parent_code": "MOI"}]), ImportKind.ORGANIZATIONS)
    assert (result.created, result.updated) == (0, 1)
    assert Organization.objects.get(code="X").parent.code == "MOI"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"organization_code": "A", "name_th": "ก", "parent_code": "ZZZ"}], "ไม่พบรหัสหน่วยงาน"),
        ([{"organization_code": "A", "name_th": "ก", "parent_code": "A"}], "ต้นสังกัดของตนเอง"),
        ([{"organization_code": "A", "name_th": "ก", "parent_code": "B"},
          {"organization_code": "B", "name_th": "ข", "parent_code": "A"}], "วนกลับ"),
    ],
)
def test_import_organizations_bad_parent_is_refused(rows, message):
    preview, result = import_file(org_csv(rows), ImportKind.ORGANIZATIONS)
    assert result is None
    assert message in preview.errors[0].message
    assert preview.errors[0].column == "parent_code"
    assert Organization.objects.count() == 0


# Error report -------------------------------------------------------------------------


def test_error_report_xlsx_lists_row_column_and_reason(baac):
    preview = parse_and_validate(xlsx_bytes([unit_row(email="x@")]), UNITS)
    workbook = openpyxl.load_workbook(io.BytesIO(write_error_report(preview.errors, "xlsx")))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0] == ("แถว", "คอลัมน์", "ค่า", "ปัญหา")
    assert rows[1][:3] == (2, "email", "x@")


def test_error_report_csv_is_utf8_with_bom(baac):
    preview = parse_and_validate(xlsx_bytes([unit_row(email="x@")]), UNITS)
    data = write_error_report(preview.errors, "csv")
    assert data.startswith('\ufeff"แถว","คอลัมน์"'.encode())


def test_import_existing_unit_outside_file_is_untouched(baac):
    ServiceUnitFactory(code="KEEP", organization=baac)
    import_file(xlsx_bytes([unit_row()]), UNITS)
    assert ServiceUnit.objects.filter(code="KEEP", is_active=True).exists()


def test_import_xlsx_that_unpacks_too_big_is_refused_before_parsing(baac, monkeypatch):
    import zipfile

    from gecc.registry.interfaces import tables

    monkeypatch.setattr(tables, "MAX_UNCOMPRESSED_BYTES", 1024 * 1024, raising=False)
    buffer = io.BytesIO(xlsx_bytes([unit_row()]))
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\x00" * (2 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 64 * 1024
    error = only_error(parse_and_validate(data, UNITS))
    assert (error.row, error.message) == (None, "แฟ้มนี้ไม่ใช่แฟ้ม XLSX ที่อ่านได้")


def test_error_report_xlsx_keeps_a_formula_like_value_as_text():
    import io

    import openpyxl

    from gecc.registry.interfaces.importers import RowError, write_error_report

    report = write_error_report([RowError(3, "name_th", "ชื่อไม่ถูกต้อง", "=1+1")])
    sheet = openpyxl.load_workbook(io.BytesIO(report)).worksheets[0]
    row, column, value, _message = (cell for cell in sheet[2])
    assert (row.value, column.value, value.value, value.data_type) == (3, "name_th", "=1+1", "s")
