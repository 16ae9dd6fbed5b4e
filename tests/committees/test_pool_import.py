"""Importing and exporting the assessor pool (issue point 1) with the registry import's rules:
one bad row imports nothing and names the row, column and reason in Thai; a wrong file is
refused with a message; an exported file imported again changes nothing."""

import io

import openpyxl
import pytest

from gecc.accounts.enums import Role
from gecc.accounts.models import User
from gecc.audit.models import AuditEntry
from gecc.committees.interfaces.pool_export import export_pool
from gecc.committees.interfaces.pool_import import POOL_COLUMNS, import_pool, parse_pool
from gecc.committees.models import AssessorProfile
from gecc.notifications.models import OutboxMessage
from tests.committees.factories import AssessorFactory
from tests.registry.factories import OrganizationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

HEADER = "email,full_name,affiliation_code,affiliation_text,home_province,expertise,phone," \
         "max_visits_per_day,unavailable_dates"


@pytest.fixture
def org():
    return OrganizationFactory(code="DOPA")


def csv_file(*rows, header=HEADER):
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def xlsx_file(rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


GOOD_ROWS = (
    "somchai@example.go.th,นายสมชาย ใจดี,DOPA,,51,การบริการ; ไอที,053 511 234,3,"
    "08/06/2569; 09/06/2569",
    "suda@cmu.ac.th,นางสาวสุดา รักงาน,,มหาวิทยาลัยเชียงใหม่,เชียงใหม่,,,,",
)


def test_a_good_file_creates_accounts_and_profiles(secretariat, org):
    preview, result = import_pool(csv_file(*GOOD_ROWS), secretariat)
    assert preview.errors == []
    assert (result.created, result.updated, result.accounts_created) == (2, 0, 2)
    somchai = AssessorProfile.objects.get(user__email="somchai@example.go.th")
    assert somchai.affiliation == org
    assert somchai.home_province_id == "51"
    assert somchai.expertise == ["การบริการ", "ไอที"]
    assert somchai.max_visits_per_day == 3
    assert somchai.unavailable_dates == ["2026-06-08", "2026-06-09"]
    assert somchai.user.has_role(Role.ASSESSOR)
    suda = AssessorProfile.objects.get(user__email="suda@cmu.ac.th")
    assert (suda.affiliation_text, suda.home_province_id, suda.max_visits_per_day) == (
        "มหาวิทยาลัยเชียงใหม่", "50", 4)
    assert AuditEntry.objects.filter(action="assessor.created").count() == 2
    summary = AuditEntry.objects.get(action="assessors.imported")
    assert summary.data["created"] == 2 and summary.actor == secretariat
    assert OutboxMessage.objects.filter(event="assessor.invited").count() == 2


def test_thai_headers_are_accepted(org):
    data = csv_file("a@example.go.th,นายเอ,51", header="อีเมล,ชื่อ-นามสกุล,จังหวัด")
    preview, result = import_pool(data)
    assert preview.errors == [] and result.created == 1


def test_one_bad_row_imports_nothing_and_names_the_row(secretariat, org):
    bad = "third@example.go.th,นายสาม,,,,,,,"  # no home province
    preview, result = import_pool(csv_file(*GOOD_ROWS, bad), secretariat)
    assert result is None
    [error] = preview.errors
    assert (error.row, error.column) == (4, "home_province")
    assert "จังหวัดที่พักอาศัย" in error.message
    assert not AssessorProfile.objects.exists()
    assert not User.objects.exclude(pk=secretariat.pk).exists()
    assert not AuditEntry.objects.filter(action__startswith="assessor").exists()
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize(("row", "column", "thai"), [
    ("not-an-email,นายเอ,,,51,,,,", "email", "อีเมล"),
    ("a@example.go.th,,,,51,,,,", "full_name", "ชื่อ-นามสกุล"),
    ("a@example.go.th,นายเอ,NOPE,,51,,,,", "affiliation_code", "NOPE"),
    ("a@example.go.th,นายเอ,DOPA,มหาวิทยาลัย,51,,,,", "affiliation_text", "อย่างใดอย่างหนึ่ง"),
    ("a@example.go.th,นายเอ,,,ดาวอังคาร,,,,", "home_province", "ดาวอังคาร"),
    ("a@example.go.th,นายเอ,,,51,,abc,,", "phone", "โทรศัพท์"),
    ("a@example.go.th,นายเอ,,,51,,,0,", "max_visits_per_day", "1 ถึง 10"),
    ("a@example.go.th,นายเอ,,,51,,,,08/06/2026", "unavailable_dates", "คริสต์ศักราช"),
    ("a@example.go.th,นายเอ,,,51,,,,31/02/2569", "unavailable_dates", "วัน/เดือน/ปี"),
])
def test_row_errors_name_the_column_in_thai(org, row, column, thai):
    preview = parse_pool(csv_file(row))
    [error] = preview.errors
    assert (error.row, error.column) == (2, column)
    assert thai in error.message + error.value


def test_an_email_twice_in_the_file_is_an_error(org):
    preview = parse_pool(csv_file("a@example.go.th,นายเอ,,,51,,,,",
                                  "A@example.go.th,นายเอ,,,51,,,,"))
    [error] = preview.errors
    assert (error.row, error.column) == (3, "email")
    assert "แถว 2" in error.message


def test_a_missing_required_column_is_named_on_row_one():
    preview = parse_pool(csv_file("a@example.go.th,นายเอ", header="email,full_name"))
    [error] = preview.errors
    assert (error.row, error.column) == (1, "home_province")


@pytest.mark.parametrize(("data", "thai"), [
    (b"%PDF-1.4 not a table", "ชนิด"),
    (b"PK\x03\x04 broken zip", "XLSX"),
    (b"", "ว่าง"),
    (HEADER.encode() + b"\n", "ไม่มีข้อมูล"),
])
def test_a_wrong_file_is_refused_with_a_message(data, thai):
    preview = parse_pool(data)
    [error] = preview.errors
    assert error.row is None and thai in error.message


def test_a_file_too_large_is_refused():
    preview = parse_pool(csv_file(*GOOD_ROWS), max_bytes=10)
    [error] = preview.errors
    assert "MB" in error.message


def test_check_only_writes_nothing(org):
    preview, result = import_pool(csv_file(*GOOD_ROWS), check_only=True)
    assert preview.is_valid and result is None and len(preview.rows) == 2
    assert not AssessorProfile.objects.exists()


def test_an_existing_person_is_updated_and_keeps_their_name(secretariat, org):
    profile = AssessorFactory(user__email="somchai@example.go.th", user__full_name="ชื่อเดิม",
                              max_visits_per_day=4)
    _preview, result = import_pool(csv_file(GOOD_ROWS[0]), secretariat)
    assert (result.created, result.updated, result.accounts_created) == (0, 1, 0)
    profile.refresh_from_db()
    assert profile.max_visits_per_day == 3 and profile.affiliation == org
    assert profile.user.full_name == "ชื่อเดิม"
    entry = AuditEntry.objects.get(action="assessor.updated")
    assert entry.data["before"]["max_visits_per_day"] == 4
    assert entry.data["file"] == ""  # bytes have no file name


def test_a_column_left_out_leaves_the_field_as_it_is(org):
    profile = AssessorFactory(user__email="a@example.go.th", phone="053 000 000",
                              max_visits_per_day=2)
    import_pool(csv_file("a@example.go.th,50", header="email,home_province"))
    profile.refresh_from_db()
    assert (profile.home_province_id, profile.phone, profile.max_visits_per_day) == (
        "50", "053 000 000", 2)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_changes_nothing(secretariat, org, fmt):
    import_pool(csv_file(*GOOD_ROWS), secretariat)
    AssessorFactory(user__email="hostile@example.go.th", expertise=["=1+1", "-2"],
                    affiliation_text="@SUM(A1)")
    content = export_pool(AssessorProfile.objects.all(), fmt)
    before = AuditEntry.objects.count()
    preview, result = import_pool(content, secretariat)
    assert preview.errors == []
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert not AuditEntry.objects.filter(action="assessor.updated").exists()
    assert AuditEntry.objects.count() == before + 1  # the assessors.imported summary only
    hostile = AssessorProfile.objects.get(user__email="hostile@example.go.th")
    assert hostile.expertise == ["=1+1", "-2"] and hostile.affiliation_text == "@SUM(A1)"


def test_the_export_has_the_import_columns_and_buddhist_era_dates(org):
    import_pool(csv_file(GOOD_ROWS[0]))
    workbook = openpyxl.load_workbook(io.BytesIO(export_pool(AssessorProfile.objects.all())))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert list(rows[0]) == POOL_COLUMNS
    assert rows[1][0] == "somchai@example.go.th"
    assert rows[1][POOL_COLUMNS.index("unavailable_dates")] == "08/06/2569; 09/06/2569"
    assert rows[1][POOL_COLUMNS.index("home_province")] == "51"


def test_an_xlsx_file_is_read_like_a_csv(org):
    data = xlsx_file([["email", "full_name", "home_province", "max_visits_per_day"],
                      ["x@example.go.th", "นายเอกซ์", 51, 2]])
    preview, result = import_pool(data)
    assert preview.errors == [] and result.created == 1
    assert AssessorProfile.objects.get().max_visits_per_day == 2
