"""Organisation screens."""

import pytest
from django.urls import reverse

from gecc.audit.models import AuditEntry
from gecc.registry.models import Organization
from tests.registry.factories import OrganizationFactory, ServiceUnitFactory

pytestmark = pytest.mark.django_db
LIST = reverse("registry:organization.list")


def listed(response):
    return [org.code for org in response.context["organizations"]]


def test_organization_list_search_and_filters(client, login_as):
    login_as("steering")
    top = OrganizationFactory(code="MOI", name_th="กระทรวงมหาดไทย")
    OrganizationFactory(code="DOPA", name_th="กรมการปกครอง", parent=top)
    OrganizationFactory(code="OLD", name_th="กรมเก่า", parent=top, is_active=False)
    assert listed(client.get(LIST, {"q": "กรมการ ปกครอง"})) == ["DOPA"]
    assert listed(client.get(LIST, {"parent": top.pk})) == ["DOPA"]
    assert listed(client.get(LIST, {"parent": "none"})) == ["MOI"]
    assert listed(client.get(LIST, {"active": "no"})) == ["OLD"]


def test_organization_detail_lists_children_and_units(client, login_as):
    login_as("assessor")
    top = OrganizationFactory(name_th="กระทรวงทดสอบ")
    OrganizationFactory(name_th="กรมลูก", parent=top)
    ServiceUnitFactory(organization=top, name_th="ศูนย์ของกระทรวง")
    html = client.get(reverse("registry:organization.detail", args=[top.pk])).content.decode()
    assert "กรมลูก" in html
    assert "ศูนย์ของกระทรวง" in html


def test_organization_create_and_edit_are_logged(client, login_as):
    login_as("secretariat")
    response = client.post(reverse("registry:organization.create"), {
        "code": "DGA", "name_th": "สำนักงานพัฒนารัฐบาลดิจิทัล", "name_en": "",
        "kind": "other", "parent": ""})
    organization = Organization.objects.get(code="DGA")
    assert response.url == reverse("registry:organization.detail", args=[organization.pk])
    client.post(reverse("registry:organization.update", args=[organization.pk]), {
        "code": "DGA", "name_th": organization.name_th, "name_en": "DGA",
        "kind": "other", "parent": ""})
    assert AuditEntry.objects.filter(action="organization.created").count() == 1
    entry = AuditEntry.objects.get(action="organization.updated")
    assert entry.data["before"] == {"name_en": ""}
    assert entry.data["after"] == {"name_en": "DGA"}


def test_organization_edit_refuses_a_descendant_as_parent(client, login_as):
    login_as("secretariat")
    top = OrganizationFactory()
    child = OrganizationFactory(parent=top)
    response = client.post(reverse("registry:organization.update", args=[top.pk]), {
        "code": top.code, "name_th": top.name_th, "name_en": "", "kind": "other",
        "parent": child.pk})
    assert list(response.context["form"].errors) == ["parent"]
    top.refresh_from_db()
    assert top.parent is None


def test_organization_deactivate_cascades_after_confirmation(client, login_as):
    login_as("secretariat")
    top = OrganizationFactory()
    child = OrganizationFactory(parent=top)
    unit = ServiceUnitFactory(organization=child)
    url = reverse("registry:organization.deactivate", args=[top.pk])
    assert client.get(url).status_code == 200
    top.refresh_from_db()
    assert top.is_active is True
    client.post(url)
    assert Organization.objects.filter(is_active=True).count() == 0
    unit.refresh_from_db()
    assert unit.is_active is False
