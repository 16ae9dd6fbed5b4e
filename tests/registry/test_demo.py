import pytest

from gecc.registry.demo import DEMO_COORDINATOR_EMAIL, load_lamphun_demo
from gecc.registry.models import Organization, ServiceUnit

pytestmark = pytest.mark.django_db


def test_lamphun_demo_creates_eight_units_under_real_bodies(make_user):
    coordinator = make_user("coordinator", email=DEMO_COORDINATOR_EMAIL)
    units = load_lamphun_demo()
    assert len(units) == 8
    assert {u.province_id for u in units} == {"51"}
    assert {u.district.name_th for u in units} == {"เมืองลำพูน", "บ้านโฮ่ง", "บ้านธิ", "แม่ทา"}
    assert Organization.objects.get(code="PEA").parent.name_th == "กระทรวงมหาดไทย"
    assert Organization.objects.get(code="EXCISE").parent.code == "MOF"
    for unit in units:
        unit.full_clean()
    assert ServiceUnit.objects.visible_to(coordinator).count() == 8


def test_lamphun_demo_is_idempotent():
    load_lamphun_demo()
    load_lamphun_demo()
    assert ServiceUnit.objects.count() == 8
    assert Organization.objects.count() == 9
