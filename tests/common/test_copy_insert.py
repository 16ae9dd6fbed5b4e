"""copy_insert: one COPY on PostgreSQL with the model's defaults and auto_now values, the
same rows bulk_create would write; elsewhere it declines and writes nothing."""

import datetime

import pytest
from django.db import connection

from gecc.common.db import copy_insert
from gecc.registry.models import ServiceUnit
from tests.registry.factories import ServiceUnitFactory

pytestmark = pytest.mark.django_db


def unsaved_unit(template, code):
    return ServiceUnit(code=code, organization=template.organization, name_th="หน่วยทดสอบ",
                       unit_type=template.unit_type, province=template.province,
                       district=template.district, subdistrict=template.subdistrict,
                       postcode=template.postcode, latitude="18.574000",
                       longitude="99.008000", search_text="หน่วยทดสอบ")


def test_copy_insert_writes_every_row_with_defaults_on_postgresql_only():
    template = ServiceUnitFactory()
    units = [unsaved_unit(template, f"COPY-{n}") for n in range(3)]
    used = copy_insert(ServiceUnit, units)
    assert used == (connection.vendor == "postgresql")
    if not used:
        assert not ServiceUnit.objects.filter(code__startswith="COPY-").exists()
        return
    rows = ServiceUnit.objects.filter(code__startswith="COPY-").order_by("code")
    assert [unit.code for unit in rows] == ["COPY-0", "COPY-1", "COPY-2"]
    unit = rows[0]
    assert unit.is_active is True
    assert (unit.visit_window_start, unit.visit_window_end) == (datetime.time(8, 30),
                                                                datetime.time(16, 30))
    assert unit.created_at is not None and unit.updated_at is not None
    assert str(unit.latitude) == "18.574000"
    assert unit.search_text == "หน่วยทดสอบ"
