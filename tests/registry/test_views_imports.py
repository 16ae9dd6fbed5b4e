"""Import screens: upload → check of every row → preview → confirm, error table and report,
templates."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from gecc.audit.models import AuditEntry
from gecc.registry import tasks
from gecc.registry.enums import ImportKind, ImportStatus
from gecc.registry.interfaces import importers
from gecc.registry.interfaces.formats import UNIT_COLUMNS
from gecc.registry.models import ImportJob, Organization, ServiceUnit
from tests.registry.factories import OrganizationFactory, ServiceUnitFactory
from tests.registry.helpers import csv_text, unit_row, xlsx_bytes
from tests.registry.view_helpers import XLSX_TYPE, upload

pytestmark = pytest.mark.django_db
CREATE = reverse("registry:import.create")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def secretariat(login_as):
    OrganizationFactory(code="BAAC", name_th="ธ.ก.ส.")
    return login_as("secretariat")


def post_units(client, content, name="units.xlsx", content_type=XLSX_TYPE):
    return client.post(CREATE, {"kind": "units", "file": upload(name, content, content_type)})


@pytest.fixture
def file_reads(monkeypatch):
    """How many times an uploaded file has been opened as a table."""
    calls = []
    real = importers.open_table

    def counting(data):
        calls.append(len(data))
        return real(data)

    monkeypatch.setattr(importers, "open_table", counting)
    return calls


def test_import_preview_of_a_bad_row_shows_row_column_reason_and_imports_nothing(
        client, secretariat):
    content = xlsx_bytes([unit_row(), unit_row(unit_code="LPN-2", postcode="10200")])
    response = post_units(client, content)
    job = ImportJob.objects.get()
    assert response.url == reverse("registry:import.detail", args=[job.pk])
    page = client.get(response.url)
    html = page.content.decode()
    errors = page.context["shown_errors"]
    assert [(e.row, e.column) for e in errors] == [(3, "postcode")]
    # the column by its name on screen, with the file's header after it
    assert "<td>3</td><td>รหัสไปรษณีย์ <code>postcode</code></td><td>10200</td>" in html
    assert errors[0].message in html
    assert 'data-testid="import-confirm"' not in html
    report = client.get(reverse("registry:import.errors", args=[job.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert rows[1][:3] == ["3", "postcode", "10200"]
    # confirming anyway changes nothing
    client.post(reverse("registry:import.confirm", args=[job.pk]))
    assert not ServiceUnit.objects.exists()
    job.refresh_from_db()
    assert (job.status, job.progress) == (ImportStatus.AWAITING_CONFIRMATION, 100)


def test_import_preview_counts_then_confirm_applies(client, secretariat):
    ServiceUnitFactory(code="LPN-OLD", organization=OrganizationFactory(code="OTHER"))
    content = xlsx_bytes([unit_row(), unit_row(unit_code="LPN-OLD", name_th="ชื่อใหม่")])
    job_url = post_units(client, content).url
    page = client.get(job_url)
    assert (page.context["to_create"], page.context["to_update"]) == (1, 1)
    assert page.context["rows"][0][:3] == [2, "LPN-BAAC-01", "ธ.ก.ส. สาขาบ้านโฮ่ง"]
    assert not ServiceUnit.objects.filter(code="LPN-BAAC-01").exists()
    job = ImportJob.objects.get()
    response = client.post(reverse("registry:import.confirm", args=[job.pk]))
    assert response.url == job_url
    job.refresh_from_db()
    assert (job.status, job.created_count, job.updated_count) == (ImportStatus.SUCCEEDED, 1, 1)
    assert ServiceUnit.objects.get(code="LPN-OLD").name_th == "ชื่อใหม่"
    assert AuditEntry.objects.filter(action="registry.import").count() == 1
    result = client.get(job_url).content.decode()
    assert 'data-testid="import-result"' in result
    assert "hx-trigger" not in result
    # a second confirmation does not import twice
    client.post(reverse("registry:import.confirm", args=[job.pk]))
    assert AuditEntry.objects.filter(action="registry.import").count() == 1


def test_import_of_a_large_file_runs_in_the_background(client, secretariat, settings):
    settings.REGISTRY_IMPORT_BACKGROUND_ROWS = 1
    content = csv_text([unit_row(), unit_row(unit_code="LPN-2")]).encode("utf-8")
    job_url = post_units(client, content, "units.csv", "text/csv").url
    assert client.get(job_url).context["background"] is True
    job = ImportJob.objects.get()
    client.post(reverse("registry:import.confirm", args=[job.pk]))
    job.refresh_from_db()  # Celery is eager in tests: the job has already finished
    assert (job.status, job.created_count) == (ImportStatus.SUCCEEDED, 2)


def test_import_check_of_a_large_file_runs_in_the_background_with_progress(
        client, secretariat, settings, monkeypatch):
    settings.REGISTRY_IMPORT_BACKGROUND_ROWS = 2
    queued = []
    monkeypatch.setattr("gecc.registry.views.imports.start_validation",
                        lambda job, language=None: queued.append(job.pk))
    content = csv_text([unit_row(unit_code=f"LPN-{i}") for i in range(5)]).encode("utf-8")
    job_url = post_units(client, content, "units.csv", "text/csv").url
    job = ImportJob.objects.get()
    assert queued == [job.pk]
    assert (job.status, job.progress, job.row_count) == (ImportStatus.VALIDATING, 0, 0)
    partial = client.get(job_url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in partial
    assert '<progress max="100" value="0">' in partial
    assert "ตรวจ" in partial  # "checking every row", not "importing"

    # The worker checks the rows and moves the progress bar as it goes.
    recorded = []
    real_set_progress = tasks.set_progress

    def spy(pk, percent):
        real_set_progress(pk, percent)
        recorded.append((ImportJob.objects.get(pk=pk).status, percent))

    monkeypatch.setattr(tasks, "set_progress", spy)
    monkeypatch.setattr(importers, "PROGRESS_EVERY_ROWS", 1)
    assert tasks.validate_file_task(job.pk) == ImportStatus.AWAITING_CONFIRMATION
    assert recorded == [(ImportStatus.VALIDATING, p) for p in (19, 38, 57, 76, 94)]
    job.refresh_from_db()
    assert (job.progress, job.row_count, job.to_create_count, job.to_update_count) == (
        100, 5, 5, 0)

    # The next poll swaps the progress bar for the stored preview and stops polling.
    partial = client.get(job_url, headers={"HX-Request": "true"}).content.decode()
    assert 'data-testid="import-preview"' in partial
    assert "hx-trigger" not in partial
    page = client.get(job_url)
    assert (page.context["row_count"], page.context["background"]) == (5, True)
    client.post(reverse("registry:import.confirm", args=[job.pk]))
    job.refresh_from_db()  # Celery is eager in tests: the import has already finished
    assert (job.status, job.created_count) == (ImportStatus.SUCCEEDED, 5)


def test_a_check_no_worker_started_can_be_run_from_the_page(client, secretariat, settings,
                                                           monkeypatch):
    import datetime

    settings.REGISTRY_IMPORT_BACKGROUND_ROWS = 1
    monkeypatch.setattr("gecc.registry.views.imports.start_validation",
                        lambda job, language=None: None)  # the workers are down
    content = csv_text([unit_row(), unit_row(unit_code="LPN-2")]).encode("utf-8")
    job_url = post_units(client, content, "units.csv", "text/csv").url
    job = ImportJob.objects.get()
    check_url = reverse("registry:import.check", args=[job.pk])
    assert 'data-testid="import-stalled"' not in client.get(job_url).content.decode()
    client.post(check_url)  # too early: the workers still have time
    assert ImportJob.objects.get().status == ImportStatus.VALIDATING

    ImportJob.objects.filter(pk=job.pk).update(
        created_at=job.created_at - datetime.timedelta(minutes=5))
    html = client.get(job_url, headers={"HX-Request": "true"}).content.decode()
    assert 'data-testid="import-stalled"' in html
    assert "ตรวจสอบแฟ้มตอนนี้" in html
    assert client.post(check_url).status_code == 302
    job.refresh_from_db()
    assert (job.status, job.row_count) == (ImportStatus.AWAITING_CONFIRMATION, 2)


def test_check_now_is_for_the_secretariat_only(client, login_as):
    job = ImportJob.objects.create(kind=ImportKind.UNITS, original_name="u.csv",
                                   file="registry/imports/none.csv",
                                   status=ImportStatus.VALIDATING)
    login_as("coordinator")
    assert client.post(reverse("registry:import.check", args=[job.pk])).status_code in (
        403, 404)
    assert ImportJob.objects.get().status == ImportStatus.VALIDATING


def test_import_preview_and_report_use_the_stored_check_not_the_file(
        client, secretariat, file_reads, monkeypatch):
    content = xlsx_bytes([unit_row(), unit_row(unit_code="LPN-2")])
    job_url = post_units(client, content).url
    assert len(file_reads) == 2  # the header on upload, then every row once
    job = ImportJob.objects.get()
    job.file.delete(save=False)  # the pages below must not need it

    def no_parsing(*args, **kwargs):
        raise AssertionError("the file was parsed again")

    monkeypatch.setattr(importers, "parse_and_validate", no_parsing)
    page = client.get(job_url)
    assert page.status_code == 200
    assert (page.context["to_create"], page.context["to_update"]) == (2, 0)
    assert [row[:2] for row in page.context["rows"]] == [[2, "LPN-BAAC-01"], [3, "LPN-2"]]
    assert client.get(job_url, headers={"HX-Request": "true"}).status_code == 200
    report = client.get(reverse("registry:import.errors", args=[job.pk, "csv"]))
    assert report.content.decode("utf-8-sig").splitlines() == ['"แถว","คอลัมน์","ค่า","ปัญหา"']
    # confirming hands the job to the import task without reading the file in the request
    started = []
    monkeypatch.setattr("gecc.registry.views.imports.import_file_task", started.append)
    client.post(reverse("registry:import.confirm", args=[job.pk]))
    assert started == [job.pk]
    assert ImportJob.objects.get().status == ImportStatus.PENDING
    assert len(file_reads) == 2


def test_import_with_a_bad_row_in_the_background_imports_nothing_and_keeps_the_report(
        client, secretariat, settings, file_reads):
    settings.REGISTRY_IMPORT_BACKGROUND_ROWS = 1
    content = csv_text([unit_row(), unit_row(unit_code="LPN-2", email="not-an-email"),
                        unit_row(unit_code="LPN-3")]).encode("utf-8")
    job_url = post_units(client, content, "units.csv", "text/csv").url
    job = ImportJob.objects.get()
    assert (job.status, job.row_count) == (ImportStatus.AWAITING_CONFIRMATION, 3)
    assert [(e["row"], e["column"], e["value"]) for e in job.errors] == [
        (3, "email", "not-an-email")]
    page = client.get(job_url).content.decode()
    assert 'data-testid="import-invalid"' in page
    assert 'data-testid="import-confirm"' not in page
    report = client.get(reverse("registry:import.errors", args=[job.pk, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(report.content)).worksheets[0]
    assert [cell.value for cell in sheet[2]][:3] == [3, "email", "not-an-email"]
    assert len(file_reads) == 2
    client.post(reverse("registry:import.confirm", args=[job.pk]))
    assert not ServiceUnit.objects.exists()
    assert ImportJob.objects.get().status == ImportStatus.AWAITING_CONFIRMATION


def test_import_checks_the_rows_again_when_writing(client, secretariat):
    job_url = post_units(client, xlsx_bytes([unit_row()])).url
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.AWAITING_CONFIRMATION
    Organization.objects.filter(code="BAAC").delete()  # the registry changed meanwhile
    client.post(reverse("registry:import.confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "organization_code")]
    assert not ServiceUnit.objects.exists()
    assert 'data-testid="import-errors"' in client.get(job_url).content.decode()


def test_import_missing_column_is_shown_as_row_one_of_the_error_table(client, secretariat):
    columns = [c for c in UNIT_COLUMNS if c != "postcode"]
    job_url = post_units(client, xlsx_bytes([unit_row()], columns)).url
    errors = client.get(job_url).context["shown_errors"]
    assert [(e.row, e.column) for e in errors] == [(1, "postcode")]


def test_import_refuses_a_header_only_file_on_the_form(client, secretariat):
    response = post_units(client, csv_text([]).encode("utf-8"), "units.csv", "text/csv")
    assert response.status_code == 400
    assert "ไม่มีข้อมูล" in response.context["form"].errors["file"][0]
    assert not ImportJob.objects.exists()


def test_import_refuses_latin1_text_on_the_form(client, secretariat):
    row = unit_row(name_th="Café Amazon Ban Hong", name_en="Café Amazon Ban Hong")
    content = csv_text([row]).encode("cp1252")
    response = post_units(client, content, "units.csv", "text/csv")
    assert response.status_code == 400
    message = response.context["form"].errors["file"][0]
    assert "Windows-874" in message and "UTF-8" in message
    assert not ImportJob.objects.exists()


def test_import_progress_polls_while_the_job_runs(client, secretariat):
    job = ImportJob.objects.create(kind=ImportKind.UNITS, file="registry/imports/x.csv",
                                   status=ImportStatus.RUNNING, progress=40)
    url = reverse("registry:import.detail", args=[job.pk])
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert partial.startswith('<div id="import-status"')
    assert 'hx-trigger="every 1s"' in partial
    assert '<progress max="100" value="40">' in partial
    assert "<html" not in partial


@pytest.mark.parametrize(("name", "content"), [
    ("units.pdf", b"%PDF-1.4 not a table"),
    ("units.csv", b"%PDF-1.4 a PDF renamed to csv"),
    ("units.xlsx", b"PK\x03\x04 not really a workbook"),
])
def test_import_refuses_a_wrong_file_type_on_the_form(client, secretariat, name, content):
    response = post_units(client, content, name, "application/octet-stream")
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert "XLSX" in response.context["form"].errors["file"][0]
    assert not ImportJob.objects.exists()


def test_import_refuses_a_file_that_is_too_big(client, secretariat, settings):
    settings.REGISTRY_IMPORT_MAX_BYTES = 100
    response = post_units(client, xlsx_bytes([unit_row()]))
    assert response.status_code == 400
    assert "MB" in response.context["form"].errors["file"][0]
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_import_template_has_the_import_columns(client, secretariat, fmt):
    response = client.get(reverse("registry:import.template", args=["units", fmt]))
    assert response.status_code == 200
    if fmt == "csv":
        header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
        header = [cell.value for cell in sheet[1]]
    assert header == UNIT_COLUMNS


def test_import_template_of_an_unknown_kind_is_404(client, secretariat):
    assert client.get(reverse("registry:import.template",
                              args=["people", "csv"])).status_code == 404
