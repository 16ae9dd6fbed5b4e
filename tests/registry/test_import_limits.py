"""Import robustness: a cell over the csv module's field limit and control characters (NUL
above all) are refused with the row, the column where known and a Thai reason, through the
upload form (small file, checked in the request) and through the background job; nothing is
imported."""

import csv

import pytest
from django.urls import reverse

from gecc.registry import tasks
from gecc.registry.enums import ImportKind, ImportStatus
from gecc.registry.interfaces.exporters import export_file
from gecc.registry.interfaces.importers import import_file, parse_and_validate
from gecc.registry.models import ImportJob, ServiceUnit
from tests.registry.factories import OrganizationFactory, ServiceUnitFactory
from tests.registry.helpers import csv_text, unit_row
from tests.registry.view_helpers import upload

pytestmark = pytest.mark.django_db
CREATE = reverse("registry:import.create")
HUGE = "ก" * (csv.field_size_limit() + 1)
LIMIT_MESSAGE = f"มีช่องที่ยาวเกิน {csv.field_size_limit():,} ตัวอักษร"
NUL_MESSAGE = "ช่องนี้มีอักขระควบคุม (U+0000)"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def secretariat(login_as):
    OrganizationFactory(code="BAAC", name_th="ธ.ก.ส.")
    return login_as("secretariat")


def units_csv(rows):
    return csv_text(rows).encode("utf-8")


def post_csv(client, content):
    return client.post(CREATE, {"kind": "units", "file": upload("units.csv", content)})


def rows_with(bad_row_no, count, **bad):
    """``count`` good unit rows, the one on spreadsheet row ``bad_row_no`` changed by ``bad``."""
    return [unit_row(**{"unit_code": f"LPN-{row_no}",
                        **(bad if row_no == bad_row_no else {})})
            for row_no in range(2, count + 2)]


# -- a cell over the field limit ----------------------------------------------------------------


def test_oversized_cell_in_the_first_row_is_refused_on_the_form_with_its_row(client,
                                                                            secretariat):
    response = post_csv(client, units_csv(rows_with(2, 2, name_th=HUGE)))
    assert response.status_code == 400
    [message] = response.context["form"].errors["file"]
    assert message.startswith("แถวที่ 2: " + LIMIT_MESSAGE)
    assert not ImportJob.objects.exists()
    assert not ServiceUnit.objects.exists()


def test_oversized_cell_in_a_small_file_is_a_row_error_and_imports_nothing(client,
                                                                          secretariat):
    job_url = post_csv(client, units_csv(rows_with(4, 3, name_th=HUGE))).url
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.AWAITING_CONFIRMATION
    assert [(e["row"], e["column"]) for e in job.errors] == [(4, "")]
    assert job.errors[0]["message"].startswith(LIMIT_MESSAGE)
    page = client.get(job_url).content.decode()
    assert LIMIT_MESSAGE in page
    assert 'data-testid="import-confirm"' not in page
    client.post(reverse("registry:import.confirm", args=[job.pk]))
    assert not ServiceUnit.objects.exists()


def test_oversized_cell_in_the_background_check_is_a_thai_row_error(client, secretariat,
                                                                    settings):
    settings.REGISTRY_IMPORT_BACKGROUND_ROWS = 1
    post_csv(client, units_csv(rows_with(3, 3, name_th=HUGE)))
    job = ImportJob.objects.get()  # Celery is eager in tests: the check has run
    assert job.status == ImportStatus.AWAITING_CONFIRMATION
    assert [(e["row"], e["message"][:len(LIMIT_MESSAGE)]) for e in job.errors] == [
        (3, LIMIT_MESSAGE)]
    assert not ServiceUnit.objects.exists()


def test_oversized_cell_met_by_the_import_task_fails_the_job_in_thai(secretariat, tmp_path):
    from django.core.files.base import ContentFile

    job = ImportJob.objects.create(kind=ImportKind.UNITS, status=ImportStatus.PENDING,
                                   created_by=secretariat, original_name="units.csv")
    job.file.save("units.csv", ContentFile(units_csv(rows_with(3, 2, name_th=HUGE))))
    assert tasks.import_file_task(job.pk) == ImportStatus.FAILED
    job.refresh_from_db()
    assert [(e["row"], e["message"][:len(LIMIT_MESSAGE)]) for e in job.errors] == [
        (3, LIMIT_MESSAGE)]
    assert not ServiceUnit.objects.exists()


# -- NUL and other control characters -------------------------------------------------------------


def test_nul_in_a_name_is_a_row_error_through_the_form(client, secretariat):
    job_url = post_csv(client, units_csv(rows_with(3, 2, name_th="ศูนย์\x00บริการ"))).url
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.AWAITING_CONFIRMATION
    assert [(e["row"], e["column"], e["value"]) for e in job.errors] == [
        (3, "name_th", "ศูนย์\\x00บริการ")]
    assert job.errors[0]["message"].startswith(NUL_MESSAGE)
    assert NUL_MESSAGE in client.get(job_url).content.decode()
    client.post(reverse("registry:import.confirm", args=[job.pk]))
    assert not ServiceUnit.objects.exists()


def test_nul_deep_in_a_large_file_is_a_row_error_in_the_background(client, secretariat,
                                                                   settings):
    settings.REGISTRY_IMPORT_BACKGROUND_ROWS = 10
    rows = rows_with(151, 150, name_en="Ban\x00Hong")  # far past the first 8 KB
    post_csv(client, units_csv(rows))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.AWAITING_CONFIRMATION
    assert [(e["row"], e["column"], e["value"]) for e in job.errors] == [
        (151, "name_en", "Ban\\x00Hong")]
    assert not ServiceUnit.objects.exists()


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x1b", "\x7f"])
def test_control_characters_are_refused_in_every_column(secretariat, character):
    # tab and line breaks inside a (quoted) cell are not control characters here
    row = {"phone": f"053{character}511234", "unit_code": f"A{character}1",
           "name_en": "Ban Hong\r\nbranch\tone"}
    preview = parse_and_validate(units_csv(rows_with(2, 1, **row)), ImportKind.UNITS)
    assert {(e.row, e.column) for e in preview.errors} == {(2, "unit_code"), (2, "phone")}
    assert all(character not in e.value for e in preview.errors)
    # UTF-16 text, full of NUL bytes, is still refused as a whole
    preview = parse_and_validate(csv_text([unit_row()]).encode("utf-16"), ImportKind.UNITS)
    assert [(e.row, e.message[:20]) for e in preview.errors] == [(None, "ไม่รู้จักชนิดของแฟ้ม")]


# -- formula escaping of the exports, read back by the import -------------------------------------


def test_escaped_export_imports_back_unchanged(secretariat):
    organization = OrganizationFactory(code="EVIL")
    ServiceUnitFactory(code="EVIL-1", organization=organization, name_th="=1+1",
                       name_en="-Ban Hong", phone="+66 53 511 234", email="")
    ServiceUnitFactory(code="EVIL-2", organization=organization, name_th="@ศูนย์")
    data = export_file(ImportKind.UNITS, ServiceUnit.objects.all(), "csv")
    text = data.decode("utf-8-sig")
    assert '"\'=1+1","\'-Ban Hong"' in text
    assert '"\'+66 53 511 234"' in text
    preview, result = import_file(data, ImportKind.UNITS)
    assert preview.errors == []
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert ServiceUnit.objects.get(code="EVIL-1").name_th == "=1+1"
