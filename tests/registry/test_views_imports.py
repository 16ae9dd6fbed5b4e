"""Import screens: upload → preview → confirm, error table and report, templates."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from gecc.audit.models import AuditEntry
from gecc.registry.enums import ImportKind, ImportStatus
from gecc.registry.interfaces.formats import UNIT_COLUMNS
from gecc.registry.models import ImportJob, ServiceUnit
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
    assert "<td>3</td><td><code>postcode</code></td><td>10200</td>" in html
    assert errors[0].message in html
    assert 'data-testid="import-confirm"' not in html
    report = client.get(reverse("registry:import.errors", args=[job.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert rows[1][:3] == ["3", "postcode", "10200"]
    # confirming anyway changes nothing
    client.post(reverse("registry:import.confirm", args=[job.pk]))
    assert not ServiceUnit.objects.exists()
    job.refresh_from_db()
    assert (job.status, job.progress) == (ImportStatus.AWAITING_CONFIRMATION, 0)


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
