"""The audit trail of an import: one ``registry.import`` entry with the counts and one entry
per organisation or unit created or changed (``unit.imported`` / ``organization.imported``)
with the before/after values of its changed fields, each with the uploader's address, so a
unit's own history shows what an import did to it; plus the exports and the error report."""

import pytest
from django.urls import reverse

from gecc.audit.models import AuditEntry
from gecc.registry.enums import ImportKind, ImportStatus
from gecc.registry.interfaces.importers import import_file
from gecc.registry.models import ImportJob, Organization, ServiceUnit
from tests.registry.factories import OrganizationFactory, ServiceUnitFactory
from tests.registry.helpers import csv_text, org_csv, unit_row
from tests.registry.view_helpers import upload

pytestmark = pytest.mark.django_db
CREATE = reverse("registry:import.create")
CLIENT = "203.0.113.9"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def secretariat(login_as):
    return login_as("secretariat")


@pytest.fixture
def baac():
    return OrganizationFactory(code="BAAC", name_th="ธ.ก.ส.")


def import_through_the_page(client, content, kind="units"):
    client.post(CREATE, {"kind": kind, "file": upload(f"{kind}.csv", content)},
                REMOTE_ADDR=CLIENT)
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.AWAITING_CONFIRMATION, job.errors
    client.post(reverse("registry:import.confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.SUCCEEDED, job.errors
    return job


def entries(action):
    return list(AuditEntry.objects.filter(action=action).order_by("object_repr"))


@pytest.mark.parametrize("background", [False, True], ids=["in-request", "background"])
def test_import_logs_each_created_and_changed_unit_with_the_client_address(
        client, secretariat, baac, settings, background):
    settings.REGISTRY_IMPORT_BACKGROUND_ROWS = 1 if background else 2000
    old = ServiceUnitFactory(code="LPN-OLD", organization=baac, name_th="ชื่อเดิม",
                             phone="053 000 000", unit_type="branch", name_en="")
    same = ServiceUnitFactory(code="LPN-SAME", organization=baac, name_th="ไม่เปลี่ยน",
                              name_en="", phone="", email="", unit_type="branch")
    content = csv_text([
        unit_row(),
        unit_row(unit_code="LPN-OLD", name_th="ชื่อใหม่", name_en="", latitude="",
                 longitude="", phone="053 000 000", email=""),
        unit_row(unit_code="LPN-SAME", name_th="ไม่เปลี่ยน", name_en="", latitude="",
                 longitude="", phone="", email=""),
    ]).encode("utf-8")
    import_through_the_page(client, content)

    [summary] = entries("registry.import")
    assert summary.ip_address == CLIENT
    assert (summary.data["created"], summary.data["updated"], summary.data["unchanged"]) == (
        1, 1, 1)
    created = ServiceUnit.objects.get(code="LPN-BAAC-01")
    new_entry, changed_entry = (AuditEntry.objects.get(action="unit.imported", object_id=pk)
                                for pk in (str(created.pk), str(old.pk)))
    assert not AuditEntry.objects.filter(action="unit.imported",
                                         object_id=str(same.pk)).exists()
    assert AuditEntry.objects.filter(action="unit.imported").count() == 2
    assert changed_entry.data == {"before": {"name_th": "ชื่อเดิม"},
                                  "after": {"name_th": "ชื่อใหม่"},
                                  "import": summary.pk, "file": "units.csv"}
    assert "before" not in new_entry.data
    assert new_entry.data["after"] == {
        "code": "LPN-BAAC-01", "name_th": "ธ.ก.ส. สาขาบ้านโฮ่ง",
        "name_en": "BAAC Ban Hong branch", "organization": baac.pk, "unit_type": "branch",
        "subdistrict": "510301", "district": created.district_id,
        "province": created.province_id, "postcode": "51130", "latitude": "18.330860",
        "longitude": "98.819250", "phone": "053 980 123", "email": "banhong@baac.example.th"}
    for entry in (new_entry, changed_entry):
        assert (entry.actor, entry.ip_address) == (secretariat, CLIENT)


def test_unit_history_page_shows_the_import(client, secretariat, baac):
    unit = ServiceUnitFactory(code="LPN-BAAC-01", organization=baac, name_th="ชื่อเดิม")
    row = unit_row(name_en="", unit_type=unit.unit_type, latitude="", longitude="", phone="",
                   email="")
    import_through_the_page(client, csv_text([row]).encode("utf-8"))
    page = client.get(reverse("registry:unit.detail", args=[unit.code])).content.decode()
    history = page.split('data-testid="audit-history"')[1]
    assert "<code>unit.imported</code>" in history
    assert "ชื่อภาษาไทย: ชื่อเดิม → ธ.ก.ส. สาขาบ้านโฮ่ง" in history


def test_organisation_import_logs_each_organisation_with_its_parent(client, secretariat):
    ministry = OrganizationFactory(code="MOF", name_th="กระทรวงการคลัง", name_en="")
    bank = OrganizationFactory(code="BAAC", name_th="ธ.ก.ส.", name_en="BAAC")
    content = org_csv([
        {"organization_code": "BAAC", "name_th": "ธ.ก.ส.", "name_en": "BAAC",
         "parent_code": "MOF"},
        {"organization_code": "GSB", "name_th": "ธนาคารออมสิน", "name_en": "",
         "parent_code": "MOF"},
        {"organization_code": "MOF", "name_th": "กระทรวงการคลัง", "name_en": "",
         "parent_code": ""},
    ])
    import_through_the_page(client, content, "organizations")
    by_object = {entry.object_id: entry for entry in entries("organization.imported")}
    gsb = Organization.objects.get(code="GSB")
    assert set(by_object) == {str(bank.pk), str(gsb.pk)}
    assert (by_object[str(bank.pk)].data["before"], by_object[str(bank.pk)].data["after"]) == (
        {"parent": None}, {"parent": ministry.pk})
    assert by_object[str(gsb.pk)].data["after"] == {
        "code": "GSB", "name_th": "ธนาคารออมสิน", "name_en": "", "abbreviation": "",
        "parent": ministry.pk}
    assert {entry.ip_address for entry in by_object.values()} == {CLIENT}


def test_import_from_code_logs_per_unit_without_an_address(baac):
    preview, result = import_file(csv_text([unit_row()]).encode("utf-8"), ImportKind.UNITS)
    [entry] = entries("unit.imported")
    assert (entry.actor, entry.ip_address, entry.object_repr) == (
        None, None, "ธ.ก.ส. สาขาบ้านโฮ่ง")


# -- exports ------------------------------------------------------------------------------------


def test_unit_export_is_logged_with_who_what_and_filter(client, secretariat, baac):
    ServiceUnitFactory(organization=baac)
    ServiceUnitFactory(organization=baac, unit_type="hospital")
    client.get(reverse("registry:unit.export"), {"fmt": "csv", "unit_type": "hospital"},
               REMOTE_ADDR=CLIENT)
    [entry] = entries("registry.exported")
    assert (entry.actor, entry.ip_address) == (secretariat, CLIENT)
    assert entry.data == {"kind": "units", "format": "csv", "rows": 1,
                          "filters": {"fmt": ["csv"], "unit_type": ["hospital"]}}


def test_error_report_download_is_logged(client, secretariat):
    job = ImportJob.objects.create(
        file="registry/imports/x.csv", kind=ImportKind.UNITS, created_by=secretariat,
        status=ImportStatus.AWAITING_CONFIRMATION,
        errors=[{"row": 2, "column": "email", "message": "x", "value": "y"}])
    client.get(reverse("registry:import.errors", args=[job.pk, "xlsx"]))
    [entry] = entries("registry.import_errors_exported")
    assert (entry.actor, entry.object_id) == (secretariat, str(job.pk))
    assert entry.data == {"format": "xlsx", "rows": 1, "filters": {}}
