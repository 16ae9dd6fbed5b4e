import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from gecc.audit.models import AuditEntry
from gecc.registry.domain.units import (
    deactivate_organization,
    deactivate_unit,
    set_unit_coordinators,
)
from gecc.registry.models import Organization, ServiceUnit
from tests.registry.factories import OrganizationFactory, ServiceUnitFactory

pytestmark = pytest.mark.django_db


def test_unit_save_fills_district_and_province_from_subdistrict():
    unit = ServiceUnitFactory(subdistrict_id="510701", postcode="51180")
    assert (unit.district_id, unit.province_id) == ("5107", "51")


def test_unit_clean_refuses_postcode_of_another_subdistrict():
    unit = ServiceUnitFactory.build(organization=OrganizationFactory(), postcode="51000")
    with pytest.raises(ValidationError) as exc:
        unit.full_clean()
    assert "postcode" in exc.value.message_dict


@pytest.mark.parametrize(("lat", "lon"), [("4.9", "100"), ("13.7", "110.0"), ("13.7", None)])
def test_unit_clean_refuses_coordinates_outside_thailand(lat, lon):
    unit = ServiceUnitFactory.build(organization=OrganizationFactory(), latitude=lat,
                                    longitude=lon)
    with pytest.raises(ValidationError) as exc:
        unit.full_clean()
    assert "latitude" in exc.value.message_dict


@pytest.mark.parametrize(("field", "value"), [("phone", "abc"), ("email", "x@"),
                                              ("code", "ไทย")])
def test_unit_clean_refuses_bad_contact_and_code(field, value):
    unit = ServiceUnitFactory.build(organization=OrganizationFactory(), **{field: value})
    with pytest.raises(ValidationError) as exc:
        unit.full_clean()
    assert field in exc.value.message_dict


@pytest.mark.parametrize("phone", ["053 511 234", "053-511234", "+66 53 511 234",
                                   "081 234 5678, 1690", "02 123 4567 ต่อ 12"])
def test_unit_clean_accepts_thai_phone_numbers(phone):
    ServiceUnitFactory.build(organization=OrganizationFactory(), phone=phone).full_clean()


def test_deactivate_unit_keeps_the_row_and_logs(make_user):
    actor = make_user("secretariat")
    unit = ServiceUnitFactory()
    deactivate_unit(unit, actor=actor, reason="ปิดสาขา")
    unit.refresh_from_db()
    assert unit.is_active is False
    entry = AuditEntry.objects.get(action="unit.deactivated")
    assert (entry.actor, entry.data["reason"]) == (actor, "ปิดสาขา")
    deactivate_unit(unit, actor=actor)
    assert AuditEntry.objects.filter(action="unit.deactivated").count() == 1


def test_organization_with_units_cannot_be_deleted():
    unit = ServiceUnitFactory()
    with pytest.raises(ProtectedError):
        unit.organization.delete()


def test_deactivate_organization_cascades_to_children_and_units():
    top = OrganizationFactory()
    child = OrganizationFactory(parent=top)
    unit = ServiceUnitFactory(organization=child)
    deactivate_organization(top)
    assert Organization.objects.filter(is_active=True).count() == 0
    unit.refresh_from_db()
    assert unit.is_active is False


@pytest.mark.parametrize("role", ["secretariat", "assessor", "steering"])
def test_units_visible_to_staff_roles_are_all(make_user, role):
    ServiceUnitFactory.create_batch(3)
    assert ServiceUnit.objects.visible_to(make_user(role)).count() == 3


def test_units_visible_to_coordinator_are_theirs_only(make_user):
    coordinator = make_user("coordinator")
    mine = ServiceUnitFactory(coordinators=[coordinator, make_user("coordinator")])
    ServiceUnitFactory()
    assert list(ServiceUnit.objects.visible_to(coordinator)) == [mine]
    assert list(Organization.objects.visible_to(coordinator)) == [mine.organization]


def test_units_visible_to_user_without_role_is_nothing(make_user):
    ServiceUnitFactory()
    assert ServiceUnit.objects.visible_to(make_user()).count() == 0


def test_set_unit_coordinators_logs_change(make_user):
    unit = ServiceUnitFactory()
    coordinator = make_user("coordinator")
    set_unit_coordinators(unit, [coordinator])
    assert list(unit.coordinators.all()) == [coordinator]
    entry = AuditEntry.objects.get(action="unit.coordinators_changed")
    assert entry.data["after"] == {"coordinators": [coordinator.email]}


def test_rules_coordinator_may_change_own_unit_only(make_user):
    coordinator = make_user("coordinator")
    mine = ServiceUnitFactory(coordinators=[coordinator])
    other = ServiceUnitFactory()
    assert coordinator.has_perm("registry.change_unit", mine)
    assert not coordinator.has_perm("registry.change_unit", other)
    assert not coordinator.has_perm("registry.import")
    assert make_user("secretariat").has_perm("registry.import")
