import pytest

from gecc.registry.domain.search import (
    normalize_search_text,
    search_units,
    similar_units,
    trigram_word_similarity,
)
from gecc.registry.models import ServiceUnit
from tests.registry.factories import ServiceUnitFactory


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ศูนย์ ราชการ", "ศูนย์ราชการ"),
        ("ศูนย์\u200bราชการ", "ศูนย์ราชการ"),
        ("ท\u0e4d\u0e32", "ทำ"),  # nikhahit + sara aa → sara am
        ("น\u0e49\u0e4d\u0e32", "น้ำ"),  # tone, nikhahit, sara aa
        ("น\u0e4d\u0e49\u0e32", "น้ำ"),  # nikhahit, tone, sara aa
        ("น\u0e33\u0e49", "น้ำ"),  # sara am typed before the tone mark
        ("ที\u0e48", "ที่"),
        ("ท\u0e48\u0e35", "ที่"),  # tone mark typed before the upper vowel
        ("ที\u0e48\u0e48", "ที่"),  # doubled tone mark
        ("GECC Lamphun", "gecclamphun"),
        ("ธ.ก.ส.", "ธกส"),
        ("", ""),
    ],
)
def test_normalize_search_text_variants(typed, expected):
    assert normalize_search_text(typed) == expected


@pytest.mark.django_db
def test_search_units_finds_spacing_and_mark_order_variants():
    unit = ServiceUnitFactory(name_th="ศูนย์ราชการสะดวก สำนักงานที่ดินจังหวัดลำพูน")
    ServiceUnitFactory(name_th="โรงพยาบาลลำพูน")
    for query in ["ศูนย์ ราชการ", "ศูนย\u0e4cราชการ", "ส\u0e4d\u0e32นักงาน", "ที\u0e48ดิน",
                  "ท\u0e48\u0e35ดิน", "  ที่ดิน  จังหวัด "]:
        assert list(search_units(ServiceUnit.objects.all(), query)) == [unit], query


@pytest.mark.django_db
def test_search_units_matches_code_and_english_name_case_insensitively():
    unit = ServiceUnitFactory(code="LPN-PEA-01", name_en="PEA Lamphun")
    assert list(search_units(ServiceUnit.objects.all(), "pea lamphun")) == [unit]
    assert list(search_units(ServiceUnit.objects.all(), "lpn-pea")) == [unit]
    assert search_units(ServiceUnit.objects.all(), "ไม่มีอยู่จริง").count() == 0


@pytest.mark.django_db
def test_search_units_empty_query_returns_everything():
    ServiceUnitFactory.create_batch(2)
    assert search_units(ServiceUnit.objects.all(), "  ").count() == 2


@pytest.mark.django_db
def test_search_text_is_refreshed_on_save():
    unit = ServiceUnitFactory(name_th="เดิม")
    unit.name_th = "ใหม่"
    unit.save(update_fields=["name_th"])
    unit.refresh_from_db()
    assert "ใหม่" in unit.search_text


@pytest.mark.django_db
def test_search_trigram_index_exists_on_postgresql_only():
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "registry_serviceunit")
    has_index = "registry_serviceunit_search_trgm" in constraints
    assert has_index == (connection.vendor == "postgresql")


@pytest.mark.parametrize(
    ("needle", "text", "expected"),
    [
        ("abcd", "xxabcdxx", 1.0),
        ("abcd", "xxabcexx", 0.5),  # abc found, bcd not
        ("abcd", "zzzz", 0.0),
        ("ab", "ab", 1.0),  # shorter than a trigram: the whole string
        ("", "abc", 0.0),
    ],
)
def test_trigram_word_similarity_is_the_share_of_trigrams_found(needle, text, expected):
    assert trigram_word_similarity(needle, text) == expected


@pytest.mark.django_db
def test_similar_units_tolerates_a_missing_mark_or_letter_most_similar_first():
    excise = ServiceUnitFactory(name_th="สำนักงานสรรพสามิตพื้นที่ลำพูน")
    transport = ServiceUnitFactory(name_th="สำนักงานขนส่งจังหวัดลำพูน")
    ServiceUnitFactory(name_th="โรงพยาบาลแม่ทา")
    assert list(similar_units(ServiceUnit.objects.all(), "สรรพสามต")) == [excise]
    assert list(similar_units(ServiceUnit.objects.all(), "สำนักงานขนสงจังหวัด")) == [transport]


@pytest.mark.django_db
def test_similar_units_finds_nothing_for_short_or_unrelated_text():
    ServiceUnitFactory(name_th="สำนักงานขนส่งจังหวัดลำพูน")
    assert similar_units(ServiceUnit.objects.all(), "ขน").count() == 0
    assert similar_units(ServiceUnit.objects.all(), "zzzzzz").count() == 0
