import pytest
from django.core.management import call_command

from gecc.registry.generator import generate_national_data
from gecc.registry.models import Organization, ServiceUnit
from tests.registry.factories import ServiceUnitFactory

pytestmark = pytest.mark.django_db


def test_generate_national_data_covers_every_province():
    result = generate_national_data(units=300, seed=1)
    assert result.units == 300
    units = ServiceUnit.objects.filter(code__startswith="GEN-")
    assert units.count() == 300
    assert units.values("province").distinct().count() == 77
    for unit in units[:50]:
        unit.full_clean()
    assert Organization.objects.get(code="GEN-BAAC").parent.code == "GEN-MOF"


def test_generate_national_data_rerun_replaces_and_keeps_other_units(capsys):
    kept = ServiceUnitFactory(code="REAL-1")
    call_command("generate_national_registry", "--units", "100", "--seed", "7")
    first = list(ServiceUnit.objects.filter(code__startswith="GEN-").values_list("name_th"))
    call_command("generate_national_registry", "--units", "100", "--seed", "7")
    assert "100 old rows replaced" in capsys.readouterr().out
    assert list(ServiceUnit.objects.filter(code__startswith="GEN-")
                .values_list("name_th")) == first
    assert ServiceUnit.objects.filter(pk=kept.pk).exists()
