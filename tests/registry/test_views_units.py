"""Service-unit screens: list, detail, create/edit, deactivate, export, address selects."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gecc.audit.models import AuditEntry
from gecc.registry.interfaces.formats import UNIT_COLUMNS
from gecc.registry.models import ServiceUnit
from tests.registry.factories import OrganizationFactory, ServiceUnitFactory
from tests.registry.view_helpers import unit_form_data

pytestmark = pytest.mark.django_db
LIST = reverse("registry:unit.list")


def listed_codes(response):
    return [unit.code for unit in response.context["units"]]


@pytest.fixture
def staff(login_as):
    return login_as("assessor")


@pytest.fixture
def secretariat(login_as):
    return login_as("secretariat")


# List ---------------------------------------------------------------------------------

def test_unit_list_counts_and_lists_active_units_by_code(client, staff):
    ServiceUnitFactory(code="B-2")
    ServiceUnitFactory(code="A-1")
    ServiceUnitFactory(code="C-3", is_active=False)
    response = client.get(LIST)
    assert listed_codes(response) == ["A-1", "B-2"]
    assert "พบ 2 หน่วยบริการ" in response.content.decode()


def test_unit_list_search_ignores_mark_order_and_spaces(client, staff):
    ServiceUnitFactory(code="X1", name_th="ศูนย์บริการร่วม อำเภอบ้านโฮ่ง")
    ServiceUnitFactory(code="X2", name_th="สำนักงานที่ดินจังหวัดลำพูน")
    # nikhahit + sara aa typed for sara am, and a space inside the word
    response = client.get(LIST, {"q": "อ\u0e4d\u0e32เภอ บ้านโฮ่ง"})
    assert listed_codes(response) == ["X1"]


def test_unit_list_filters_by_province_organisation_type_and_status(client, staff):
    org = OrganizationFactory()
    ServiceUnitFactory(code="A", organization=org, unit_type="hospital")
    ServiceUnitFactory(code="B", organization=org, unit_type="branch")
    ServiceUnitFactory(code="C", unit_type="hospital")
    ServiceUnitFactory(code="D", organization=org, unit_type="hospital", is_active=False)
    ServiceUnitFactory(code="E", organization=org, unit_type="hospital",
                       subdistrict_id="100101", postcode="10200")
    params = {"province": "51", "organization": org.pk, "unit_type": "hospital"}
    assert listed_codes(client.get(LIST, params)) == ["A"]
    assert listed_codes(client.get(LIST, {**params, "active": "all"})) == ["A", "D"]
    assert listed_codes(client.get(LIST, {**params, "active": "no"})) == ["D"]


def test_unit_list_orders_by_clicked_column(client, staff):
    from gecc.geography.models import Subdistrict

    krabi = Subdistrict.objects.filter(district__province_id="81").order_by("code").first()
    ServiceUnitFactory(code="A", name_th="ข", subdistrict_id=krabi.code,
                       postcode=krabi.postcodes.split(",")[0])
    ServiceUnitFactory(code="B", name_th="ก")  # in ลำพูน (51)
    assert listed_codes(client.get(LIST, {"sort": "name"})) == ["B", "A"]
    assert listed_codes(client.get(LIST, {"sort": "-code"})) == ["B", "A"]
    # Provinces in DOPA code order, as official lists give them: ลำพูน (51) before
    # กระบี่ (81), although กระบี่ comes first in the alphabet.
    assert listed_codes(client.get(LIST, {"sort": "province"})) == ["B", "A"]
    assert listed_codes(client.get(LIST, {"sort": "-province"})) == ["A", "B"]
    assert listed_codes(client.get(LIST, {"sort": "nonsense"})) == ["A", "B"]


def test_unit_list_paginates_by_fifty_and_keeps_the_query(client, staff):
    org = OrganizationFactory()
    ServiceUnit.objects.bulk_create([
        ServiceUnit(code=f"P{n:03d}", organization=org, name_th=f"หน่วย {n}",
                    subdistrict_id="510301", district_id="5103", province_id="51",
                    postcode="51130", search_text=f"p{n:03d}|หน่วย{n}")
        for n in range(51)])
    first = client.get(LIST, {"q": "หน่วย"})
    assert len(first.context["units"]) == 50
    html = first.content.decode()
    assert "?q=%E0%B8%AB%E0%B8%99%E0%B9%88%E0%B8%A7%E0%B8%A2&amp;page=2" in html
    second = client.get(LIST, {"q": "หน่วย", "page": 2})
    assert listed_codes(second) == ["P050"]


def test_unit_list_shows_an_empty_state(client, staff):
    response = client.get(LIST, {"q": "ไม่มีหน่วยนี้"})
    assert 'data-testid="empty-state"' in response.content.decode()
    assert "พบ 0 หน่วยบริการ" in response.content.decode()


@pytest.mark.parametrize("params", [{}, {"q": "ศูนย์ บริการ"}, {"q": "ศูนย์บริกาทดสอบ"}],
                         ids=["no-search", "search", "similar"])
@pytest.mark.parametrize("role", ["secretariat", "coordinator"])
def test_unit_list_query_count_does_not_grow_with_rows(client, login_as, role, params):
    user = login_as(role)

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST, params).status_code == 200
        return len(queries)

    ServiceUnitFactory(coordinators=[user])
    one = count_queries()
    org = OrganizationFactory()
    ServiceUnitFactory(coordinators=[user], organization=org)
    ServiceUnitFactory(coordinators=[user], subdistrict_id="100101", postcode="10200")
    three = count_queries()
    assert len(client.get(LIST, params).context["units"]) == 3
    assert one == three


def test_unit_list_falls_back_to_similar_names_when_nothing_contains_the_text(client, staff):
    excise = ServiceUnitFactory(code="LPN-EXC-01", name_th="สำนักงานสรรพสามิตพื้นที่ลำพูน")
    ServiceUnitFactory(code="LPN-DLT-01", name_th="สำนักงานขนส่งจังหวัดลำพูน")
    response = client.get(LIST, {"q": "สรรพสามต"})  # the vowel mark ิ left out
    assert listed_codes(response) == [excise.code]
    html = response.content.decode()
    assert 'data-testid="similar-results"' in html
    assert "ไม่พบหน่วยบริการที่มีคำว่า “สรรพสามต”" in html
    assert 'data-testid="export-xlsx"' not in html


def test_unit_list_exact_match_shows_no_similar_results(client, staff):
    ServiceUnitFactory(code="LPN-EXC-01", name_th="สำนักงานสรรพสามิตพื้นที่ลำพูน")
    ServiceUnitFactory(code="LPN-EXC-02", name_th="สำนักงานสรรพสามิตพื้นที่ลำปาง")
    response = client.get(LIST, {"q": "สรรพสามิตพื้นที่ลำพูน"})
    assert listed_codes(response) == ["LPN-EXC-01"]
    assert 'data-testid="similar-results"' not in response.content.decode()


def test_unit_list_similar_results_keep_the_other_filters(client, staff):
    ServiceUnitFactory(code="IN", name_th="สำนักงานสรรพสามิตพื้นที่ลำพูน")
    ServiceUnitFactory(code="OUT", name_th="สำนักงานสรรพสามิตพื้นที่ลำพูน", is_active=False)
    assert listed_codes(client.get(LIST, {"q": "สรรพสามต"})) == ["IN"]


def test_unit_list_shows_a_coordinator_only_their_units(client, login_as):
    user = login_as("coordinator")
    ServiceUnitFactory(code="MINE", coordinators=[user])
    ServiceUnitFactory(code="OTHER")
    assert listed_codes(client.get(LIST, {"active": "all"})) == ["MINE"]


# Export -------------------------------------------------------------------------------

def test_unit_export_csv_has_the_import_columns_and_the_filtered_rows(client, staff):
    ServiceUnitFactory(code="KEEP", name_th="ศูนย์ ก", latitude=Decimal("18.5"),
                       longitude=Decimal("99.0"))
    ServiceUnitFactory(code="DROP", name_th="ศูนย์ ข")
    response = client.get(reverse("registry:unit.export"), {"fmt": "csv", "q": "ศูนย์ ก"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == UNIT_COLUMNS
    assert [row[0] for row in rows[1:]] == ["KEEP"]
    assert rows[1][7:9] == ["18.500000", "99.000000"]


def test_unit_export_xlsx_is_a_workbook(client, staff):
    ServiceUnitFactory()
    response = client.get(reverse("registry:unit.export"), {"fmt": "xlsx"})
    assert response.content[:4] == b"PK\x03\x04"


def test_unit_export_by_a_coordinator_has_only_their_units(client, login_as):
    user = login_as("coordinator")
    ServiceUnitFactory(code="MINE", coordinators=[user])
    ServiceUnitFactory(code="OTHER")
    response = client.get(reverse("registry:unit.export"), {"fmt": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["MINE"]


def test_unit_export_refuses_an_unknown_format(client, staff):
    assert client.get(reverse("registry:unit.export"), {"fmt": "pdf"}).status_code == 404


# Detail -------------------------------------------------------------------------------

def test_unit_detail_shows_address_names_coordinators_and_map_link(client, staff, make_user):
    coordinator = make_user("coordinator", email="somchai@example.go.th")
    unit = ServiceUnitFactory(address="99 หมู่ 1", latitude=Decimal("18.330860"),
                              longitude=Decimal("98.819250"), coordinators=[coordinator])
    html = client.get(reverse("registry:unit.detail", args=[unit.code])).content.decode()
    assert "99 หมู่ 1 ตำบลบ้านโฮ่ง อำเภอบ้านโฮ่ง จังหวัดลำพูน 51130" in html
    assert "somchai@example.go.th" in html
    assert ("https://www.openstreetmap.org/?mlat=18.330860&amp;mlon=98.819250"
            "#map=17/18.330860/98.819250") in html
    assert 'data-testid="unit-history"' in html


def test_unit_detail_hides_history_from_coordinators(client, login_as):
    user = login_as("coordinator")
    unit = ServiceUnitFactory(coordinators=[user])
    html = client.get(reverse("registry:unit.detail", args=[unit.code])).content.decode()
    assert 'data-testid="unit-history"' not in html


# Create and edit ----------------------------------------------------------------------

def test_unit_create_saves_the_unit_with_derived_district_and_province(client, secretariat):
    response = client.post(reverse("registry:unit.create"), unit_form_data())
    assert response.status_code == 302
    unit = ServiceUnit.objects.get(code="LPN-NEW-01")
    assert response.url == reverse("registry:unit.detail", args=[unit.code])
    assert (unit.subdistrict_id, unit.district_id, unit.province_id) == (
        "510301", "5103", "51")
    entry = AuditEntry.objects.get(action="unit.created")
    assert entry.actor == secretariat
    assert entry.data["after"]["subdistrict"] == "510301"


def test_unit_create_accepts_a_typed_subdistrict_code(client, secretariat):
    data = unit_form_data(province="", district="", subdistrict="", subdistrict_code="510301")
    assert client.post(reverse("registry:unit.create"), data).status_code == 302
    assert ServiceUnit.objects.get(code="LPN-NEW-01").province_id == "51"


def test_unit_create_with_errors_shows_thai_messages_and_keeps_the_input(client, secretariat):
    data = unit_form_data(postcode="10200", latitude="13.7", longitude="120.5",
                          phone="12345", email="not-an-email")
    response = client.post(reverse("registry:unit.create"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"postcode", "latitude", "phone", "email"}
    assert errors["postcode"] == [
        "รหัสไปรษณีย์ 10200 ไม่ใช่ของตำบลบ้านโฮ่ง (510301) ให้ใช้ 51130"]
    html = response.content.decode()
    assert 'value="ศูนย์บริการร่วม อำเภอบ้านโฮ่ง"' in html
    assert '<option value="510301" selected>' in html
    assert 'value="not-an-email"' in html
    assert not ServiceUnit.objects.exists()


def test_unit_create_without_subdistrict_is_refused(client, secretariat):
    data = unit_form_data(subdistrict="", subdistrict_code="")
    response = client.post(reverse("registry:unit.create"), data)
    assert list(response.context["form"].errors) == ["subdistrict"]


def test_unit_create_with_unknown_subdistrict_code_is_refused(client, secretariat):
    data = unit_form_data(subdistrict="", subdistrict_code="999999")
    response = client.post(reverse("registry:unit.create"), data)
    assert list(response.context["form"].errors) == ["subdistrict_code"]


def test_unit_update_by_its_coordinator_logs_only_changed_fields(client, login_as):
    user = login_as("coordinator")
    unit = ServiceUnitFactory(coordinators=[user], phone="053 111 222")
    data = unit_form_data(organization=unit.organization, code="IGNORED",
                          name_th=unit.name_th, name_en="", unit_type=unit.unit_type,
                          address="", latitude="", longitude="", email="",
                          opening_hours="", services="", phone="053 999 000")
    response = client.post(reverse("registry:unit.update", args=[unit.code]), data)
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.phone == "053 999 000"
    assert unit.code != "IGNORED"
    entry = AuditEntry.objects.get(action="unit.updated")
    assert entry.data["before"] == {"phone": "053 111 222"}
    assert entry.data["after"] == {"phone": "053 999 000"}


def test_unit_update_by_its_coordinator_cannot_move_it_to_another_organization(
        client, login_as):
    user = login_as("coordinator")
    unit = ServiceUnitFactory(coordinators=[user])
    original = unit.organization
    data = unit_form_data(organization=OrganizationFactory(), code=unit.code,
                          name_th="ชื่อใหม่", unit_type=unit.unit_type)
    response = client.post(reverse("registry:unit.update", args=[unit.code]), data)
    assert response.status_code == 302
    unit.refresh_from_db()
    assert (unit.organization, unit.name_th) == (original, "ชื่อใหม่")


def test_unit_update_by_the_secretariat_can_move_it_to_another_organization(
        client, secretariat):
    unit = ServiceUnitFactory()
    other = OrganizationFactory()
    data = unit_form_data(organization=other, code=unit.code, unit_type=unit.unit_type)
    assert client.post(reverse("registry:unit.update", args=[unit.code]),
                       data).status_code == 302
    unit.refresh_from_db()
    assert unit.organization == other


def test_unit_update_form_preselects_the_address(client, secretariat):
    unit = ServiceUnitFactory()
    html = client.get(reverse("registry:unit.update", args=[unit.code])).content.decode()
    assert '<option value="51" selected>' in html
    assert '<option value="5103" selected>' in html
    assert '<option value="510301" selected>' in html


# Deactivate ---------------------------------------------------------------------------

def test_unit_deactivate_then_reactivate(client, secretariat):
    unit = ServiceUnitFactory()
    url = reverse("registry:unit.deactivate", args=[unit.code])
    assert "ปิดการใช้งาน" in client.get(url).content.decode()
    client.post(url, {"reason": "ยุบรวม"})
    unit.refresh_from_db()
    assert unit.is_active is False
    assert AuditEntry.objects.get(action="unit.deactivated").data["reason"] == "ยุบรวม"
    client.post(url)
    unit.refresh_from_db()
    assert unit.is_active is True


def test_unit_reactivate_is_refused_while_the_organisation_is_inactive(client, secretariat):
    unit = ServiceUnitFactory(is_active=False, organization=OrganizationFactory(is_active=False))
    response = client.post(reverse("registry:unit.deactivate", args=[unit.code]))
    assert response.status_code == 400
    unit.refresh_from_db()
    assert unit.is_active is False


# Address selects ----------------------------------------------------------------------

def test_geo_options_lists_districts_of_a_province(client, staff):
    html = client.get(reverse("registry:geo.options"), {"province": "51"}).content.decode()
    assert '<option value="5103">บ้านโฮ่ง</option>' in html
    assert 'hx-swap-oob="innerHTML"' in html


def test_geo_options_lists_subdistricts_with_postcodes(client, staff):
    html = client.get(reverse("registry:geo.options"), {"district": "5103"}).content.decode()
    assert '<option value="510301">บ้านโฮ่ง (51130)</option>' in html
