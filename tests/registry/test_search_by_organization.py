"""Units are found by their organisation's names and abbreviation (ธ.ก.ส., กฟภ.), whatever
punctuation the query has, in the substring search, the similar-names fallback, the list
screen, the import and export, and after an organisation is renamed."""

import io

import openpyxl
import pytest
from django.urls import reverse

from gecc.audit.models import AuditEntry
from gecc.registry.domain.search import search_units, similar_units
from gecc.registry.enums import ImportKind
from gecc.registry.interfaces.exporters import export_file
from gecc.registry.interfaces.formats import ORGANIZATION_COLUMNS
from gecc.registry.interfaces.importers import import_file
from gecc.registry.models import Organization, ServiceUnit
from tests.registry.factories import OrganizationFactory, ServiceUnitFactory
from tests.registry.helpers import csv_text, unit_row, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def branches():
    """The demo's shape: "ธ.ก.ส." appears only in the organisation, not in the branch names."""
    baac = OrganizationFactory(code="BAAC", name_th="ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร",
                               name_en="Bank for Agriculture and Agricultural Co-operatives",
                               abbreviation="ธ.ก.ส.")
    pea = OrganizationFactory(code="PEA", name_th="การไฟฟ้าส่วนภูมิภาค", abbreviation="กฟภ.")
    ServiceUnitFactory(code="B1", organization=baac, name_th="สาขาบ้านโฮ่ง")
    ServiceUnitFactory(code="B2", organization=baac, name_th="สาขาแม่ทา")
    ServiceUnitFactory(code="P1", organization=pea, name_th="สำนักงานจังหวัดลำพูน")
    return baac, pea


def codes(queryset):
    return sorted(queryset.values_list("code", flat=True))


@pytest.mark.parametrize("query", ["ธกส", "ธ.ก.ส.", "ธ.ก.ส", " ธ ก ส "])
def test_search_units_finds_units_by_their_organisation_abbreviation(branches, query):
    assert codes(search_units(ServiceUnit.objects.all(), query)) == ["B1", "B2"]


def test_search_units_finds_units_by_their_organisation_names(branches):
    units = ServiceUnit.objects.all()
    assert codes(search_units(units, "การไฟฟ้าส่วนภูมิภาค")) == ["P1"]
    assert codes(search_units(units, "กฟภ")) == ["P1"]
    assert codes(search_units(units, "agricultural co-operatives")) == ["B1", "B2"]
    assert codes(search_units(units, "ธนาคารเพื่อการเกษตร")) == ["B1", "B2"]


def test_similar_units_reads_the_organisation_names_too(branches):
    # "ธนาคารเพื่อการเกษตร" with the vowel ื left out matches nothing as a substring
    assert codes(search_units(ServiceUnit.objects.all(), "ธนาคารเพอการเกษตร")) == []
    assert codes(similar_units(ServiceUnit.objects.all(), "ธนาคารเพอการเกษตร")) == ["B1", "B2"]


def test_renaming_an_organisation_refreshes_its_units_search_text(branches):
    baac, _pea = branches
    org = Organization.objects.get(pk=baac.pk)
    org.abbreviation = "ธกส.ใหม่"
    org.save()
    assert codes(search_units(ServiceUnit.objects.all(), "ธกสใหม่")) == ["B1", "B2"]
    assert codes(search_units(ServiceUnit.objects.all(), "ธ.ก.ส.")) == ["B1", "B2"]  # prefix
    org.abbreviation = "บกส."
    org.save(update_fields=["abbreviation"])
    assert codes(search_units(ServiceUnit.objects.all(), "ธกส")) == []
    assert codes(search_units(ServiceUnit.objects.all(), "บกส")) == ["B1", "B2"]


def test_unit_list_finds_branches_by_abbreviation(client, login_as, branches):
    login_as("secretariat")
    for query in ("ธกส", "ธ.ก.ส."):
        response = client.get(reverse("registry:unit.list"), {"q": query})
        assert [unit.code for unit in response.context["units"]] == ["B1", "B2"], query
        assert "similar_results" not in response.context or not response.context[
            "similar_results"]


def test_organization_edit_form_saves_the_abbreviation_and_logs_it(client, login_as,
                                                                     branches):
    login_as("secretariat")
    _baac, pea = branches
    response = client.post(reverse("registry:organization.update", args=[pea.pk]), {
        "code": pea.code, "name_th": pea.name_th, "name_en": pea.name_en, "abbreviation": "PEA.",
        "kind": pea.kind})
    assert response.status_code == 302
    assert Organization.objects.get(pk=pea.pk).abbreviation == "PEA."
    entry = AuditEntry.objects.get(action="organization.updated")
    assert (entry.data["before"], entry.data["after"]) == (
        {"abbreviation": "กฟภ."}, {"abbreviation": "PEA."})
    assert codes(search_units(ServiceUnit.objects.all(), "pea")) == ["P1"]
    detail = client.get(reverse("registry:organization.detail", args=[pea.pk]))
    assert 'data-testid="abbreviation">PEA.</dd>' in detail.content.decode()


def test_import_organizations_reads_the_abbreviation_and_refreshes_units(branches):
    _baac, pea = branches
    data = csv_text([{"organization_code": "PEA", "name_th": pea.name_th,
                      "name_en": pea.name_en, "abbreviation": "ก.ฟ.ภ."},
                     {"organization_code": "SSO", "name_th": "สำนักงานประกันสังคม",
                      "abbreviation": "สปส."}], ORGANIZATION_COLUMNS).encode()
    preview, result = import_file(data, ImportKind.ORGANIZATIONS)
    assert preview.errors == []
    assert (result.created, result.updated) == (1, 1)
    assert Organization.objects.get(code="SSO").abbreviation == "สปส."
    assert Organization.objects.get(code="PEA").abbreviation == "ก.ฟ.ภ."
    entry = AuditEntry.objects.get(action="organization.imported", object_id=str(pea.pk))
    assert (entry.data["before"], entry.data["after"]) == ({"abbreviation": "กฟภ."}, {"abbreviation": "ก.ฟ.ภ."})
    assert "ฟภ" in ServiceUnit.objects.get(code="P1").search_text.split("|")[-1]


def test_import_organizations_accepts_the_thai_header_and_refuses_a_long_abbreviation():
    data = ("รหัสหน่วยงาน,ชื่อภาษาไทย,ชื่อย่อ\r\nSSO,สำนักงานประกันสังคม,"
            + "ส" * 51 + "\r\n").encode()
    preview, result = import_file(data, ImportKind.ORGANIZATIONS)
    assert result is None
    assert [(e.row, e.column) for e in preview.errors] == [(2, "abbreviation")]


def test_import_units_takes_the_organisation_names_into_the_search_text(branches):
    preview, result = import_file(xlsx_bytes([unit_row(unit_code="B9", name_th="สาขาบ้านธิ",
                                                       name_en="", organization_code="BAAC")]),
                                  ImportKind.UNITS)
    assert result.created == 1
    assert ServiceUnit.objects.get(code="B9").search_text == (
        "b9|สาขาบ้านธิ|ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร|"
        "bankforagricultureandagriculturalcooperatives|ธกส")


def test_export_organizations_has_the_abbreviation_and_imports_back_unchanged(branches):
    data = export_file(ImportKind.ORGANIZATIONS, Organization.objects.all(), "xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows[0][-1] == "abbreviation"
    assert rows[1] == ("BAAC", "ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร",
                       "Bank for Agriculture and Agricultural Co-operatives", None, "ธ.ก.ส.")
    _preview, result = import_file(data, ImportKind.ORGANIZATIONS)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)


def test_demo_registry_branches_are_found_by_abbreviation():
    from gecc.registry.demo import load_lamphun_demo

    load_lamphun_demo()
    baac_branches = ["LPN-BAAC-BANHONG", "LPN-BAAC-BANTHI", "LPN-BAAC-LAMPHUN",
                     "LPN-BAAC-MAETHA"]
    for query in ("ธกส", "ธ.ก.ส."):
        assert codes(search_units(ServiceUnit.objects.all(), query)) == baac_branches
    assert codes(search_units(ServiceUnit.objects.all(), "กฟภ")) == ["LPN-PEA-01"]
