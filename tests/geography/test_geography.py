import pytest
from django.core.management import call_command

from gecc.geography.domain.loader import load_geography, read_coordinates
from gecc.geography.models import District, Province, Subdistrict

pytestmark = pytest.mark.django_db


def test_geography_migration_loads_every_area():
    assert Province.objects.count() == 77
    assert District.objects.count() == 928
    assert Subdistrict.objects.count() == 7436


def test_geography_lamphun_codes_are_dopa_codes():
    lamphun = Province.objects.get(code="51")
    assert (lamphun.name_th, lamphun.name_en) == ("ลำพูน", "Lamphun")
    names = dict(District.objects.filter(province=lamphun).values_list("code", "name_th"))
    assert names["5101"] == "เมืองลำพูน"
    assert names["5102"] == "แม่ทา"
    assert names["5103"] == "บ้านโฮ่ง"
    assert names["5107"] == "บ้านธิ"


def test_geography_subdistrict_postcode():
    ban_hong = Subdistrict.objects.get(code="510301")
    assert ban_hong.name_th == "บ้านโฮ่ง"
    assert ban_hong.district_id == "5103"
    assert ban_hong.province_id == "51"
    assert ban_hong.has_postcode("51130")
    assert not ban_hong.has_postcode("51000")


def test_geography_subdistrict_with_several_postcodes_keeps_them_all():
    several = [s for s in Subdistrict.objects.all() if len(s.postcode_list) == 3]
    assert len(several) == 4


def test_geography_every_province_and_district_has_a_point_in_thailand():
    for area in [*Province.objects.all(), *District.objects.all()]:
        assert area.latitude is not None, area.code
        assert 5.5 <= float(area.latitude) <= 20.5
        assert 97.3 <= float(area.longitude) <= 105.7


def test_geography_unmatched_district_uses_province_point_marked_approximate():
    approximate = District.objects.filter(coordinates_approximate=True).select_related("province")
    assert approximate.exists()
    for district in approximate:
        assert (district.latitude, district.longitude) == (
            district.province.latitude, district.province.longitude)


def test_geography_coordinates_file_covers_every_province_and_district():
    assert len(read_coordinates()) == 77 + 928


def test_geography_load_is_idempotent():
    Subdistrict.objects.filter(code="510301").update(postcodes="99999")
    result = load_geography()
    assert (result.created, result.updated, result.unchanged) == (0, 1, 8440)
    assert Subdistrict.objects.get(code="510301").postcodes == "51130"
    assert Subdistrict.objects.count() == 7436


def test_load_geography_command_reports_counts(capsys):
    call_command("load_geography")
    assert "0 created, 0 updated, 8441 unchanged" in capsys.readouterr().out
