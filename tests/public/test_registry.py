"""The public registry of certified centres: search, filters, pages, counts, cache and
throttle (no sign-in)."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gecc.certificates.domain import public
from gecc.certificates.enums import CertificateState
from gecc.certificates.models import Certificate
from gecc.public import caching
from gecc.registry.models import Organization
from tests.public.factories_public import certified_centre, make_certificate
from tests.registry.factories import OrganizationFactory, ServiceUnitFactory

pytestmark = pytest.mark.django_db

SEARCH = "/registry/"
MUANG = {"subdistrict_id": "510101", "postcode": "51000"}  # เมืองลำพูน
BANGKOK = {"subdistrict_id": "100101", "postcode": "10200"}


def listed(client, query=""):
    """The names of the centres a search lists (read from the page's HTML)."""
    html = client.get(SEARCH + query).content.decode()
    start = html.find('data-testid="centre-list"')
    if start < 0:
        return []
    body = html[start:html.index("</ol>", start)]
    return re.findall(r'<h2 class="centre-name"><a href="[^"]+">([^<]+)</a>', body)


def test_search_lists_only_valid_centres_by_default(client, round_obj):
    certified_centre(round_obj, name_th="ศูนย์ที่ใช้ได้")
    certified_centre(round_obj, name_th="ศูนย์ที่ถูกพัก", state=CertificateState.SUSPENDED)
    certified_centre(round_obj, name_th="ศูนย์ที่หมดอายุ", valid_from=datetime.date(2019, 1, 1))
    certified_centre(round_obj, name_th="ศูนย์ที่ถูกเพิกถอน", state=CertificateState.WITHDRAWN)

    assert listed(client) == ["ศูนย์ที่ใช้ได้"]
    assert listed(client, "?status=suspended") == ["ศูนย์ที่ถูกพัก"]
    assert listed(client, "?status=expired") == ["ศูนย์ที่หมดอายุ"]
    assert listed(client, "?status=all") == ["ศูนย์ที่ถูกพัก", "ศูนย์ที่หมดอายุ",
                                              "ศูนย์ที่ใช้ได้"]


def test_search_matches_thai_typed_differently(client, round_obj):
    certified_centre(round_obj, name_th="ศูนย์บริการอำเภอเมืองลำพูน")
    certified_centre(round_obj, name_th="สำนักงานที่ดินจังหวัด")
    # sara am typed as nikhahit + sara aa, with spaces between the words
    assert listed(client, "?q=อ\u0e4d\u0e32เภอ เมือง") == ["ศูนย์บริการอำเภอเมืองลำพูน"]


def test_search_finds_centres_by_agency_abbreviation(client, round_obj):
    baac = OrganizationFactory(name_th="ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร",
                               abbreviation="ธ.ก.ส.")
    certified_centre(round_obj, name_th="สาขาลำพูน", organization=baac)
    certified_centre(round_obj, name_th="ศูนย์อื่น")
    assert listed(client, "?q=ธกส") == ["สาขาลำพูน"]


def test_search_suggests_similar_names_when_nothing_contains_the_text(client, round_obj):
    certified_centre(round_obj, name_th="ศูนย์บริการประชาชนเทศบาลตำบลบ้านโฮ่ง")
    response = client.get(SEARCH + "?q=ศูนย์บริการประชาชนเทศบาลตำบลบ้านโอ่ง")
    html = response.content.decode()
    assert 'data-testid="similar-results"' in html
    assert "ศูนย์บริการประชาชนเทศบาลตำบลบ้านโฮ่ง" in html


def test_search_filters_by_province_district_agency_level_and_year(client, round_obj):
    agency = OrganizationFactory(name_th="กรมการปกครอง")
    certified_centre(round_obj, name_th="ลำพูนบ้านโฮ่ง", level="basic")
    certified_centre(round_obj, name_th="ลำพูนเมือง", level="excellence", organization=agency,
                     **MUANG)
    certified_centre(round_obj, name_th="กรุงเทพ", level="excellence", year=2567,
                     valid_from=datetime.date(2025, 1, 1), **BANGKOK)

    assert listed(client, "?province=51") == ["ลำพูนบ้านโฮ่ง", "ลำพูนเมือง"]
    assert listed(client, "?province=51&district=5101") == ["ลำพูนเมือง"]
    assert listed(client, f"?organization={agency.pk}") == ["ลำพูนเมือง"]
    assert listed(client, "?level=excellence") == ["กรุงเทพ", "ลำพูนเมือง"]
    assert listed(client, "?year=2567") == ["กรุงเทพ"]
    assert listed(client, "?level=excellence&province=51") == ["ลำพูนเมือง"]


def test_search_ignores_filter_values_that_are_not_choices(client, round_obj):
    certified_centre(round_obj, name_th="ศูนย์หนึ่ง")
    response = client.get(SEARCH + "?province=zz&district=9999&organization=abc&level=<b>"
                          "&year=x&status=nonsense&page=abc")
    assert response.status_code == 200
    assert listed(client, "?province=zz&year=x&page=-3") == ["ศูนย์หนึ่ง"]


def test_search_without_match_says_so_with_a_way_out(client, round_obj):
    certified_centre(round_obj, name_th="ศูนย์หนึ่ง")
    html = client.get(SEARCH + "?q=ไม่มีชื่อนี้แน่นอนเลย").content.decode()
    assert 'data-testid="empty-state"' in html
    assert "ไม่พบศูนย์ที่ได้รับการรับรองตรงกับคำค้นนี้" in html


def test_search_paginates(client, round_obj, monkeypatch):
    from gecc.public import views_registry

    monkeypatch.setattr(views_registry, "PAGE_SIZE", 2)
    for name in ("ก ศูนย์", "ข ศูนย์", "ค ศูนย์"):
        certified_centre(round_obj, name_th=name)
    assert listed(client) == ["ก ศูนย์", "ข ศูนย์"]
    assert listed(client, "?page=2") == ["ค ศูนย์"]
    assert "?page=2" in client.get(SEARCH).content.decode()


def test_renewed_centre_is_listed_once_with_its_latest_certificate(client, round_obj):
    from tests.applications.factories import make_application, make_round

    first = certified_centre(round_obj, name_th="ศูนย์ต่ออายุ", level="basic",
                             valid_from=datetime.date(2022, 8, 1))
    later_round = make_round(year=2570, version=round_obj.edition)
    application = make_application(later_round, first.unit)
    latest = make_certificate(application, level="excellence", year=2569,
                              valid_from=datetime.date(2025, 8, 1))
    html = client.get(SEARCH + "?status=all").content.decode()
    cards = html[html.index('data-testid="centre-list"'):]
    assert listed(client, "?status=all") == ["ศูนย์ต่ออายุ"]
    assert "ระดับเป็นเลิศ" in cards and "ระดับพื้นฐาน" not in cards
    centre_html = client.get(f"/registry/centre/{first.unit.code}/").content.decode()
    assert latest.number in centre_html and first.number in centre_html  # with the history


def _search_queries(client):
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(SEARCH + "?status=all").status_code == 200
    return len(queries)


def test_search_query_count_does_not_grow_with_rows(client, round_obj):
    certified_centre(round_obj)
    one = _search_queries(client)
    certified_centre(round_obj, **MUANG)
    certified_centre(round_obj, organization=OrganizationFactory(), **BANGKOK)
    assert _search_queries(client) == one


def test_province_summary_query_count_does_not_grow_with_rows(client, round_obj):
    from django.core.cache import cache

    certified_centre(round_obj)

    def count():
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            client.get("/registry/provinces/")
        return len(queries)

    one = count()
    certified_centre(round_obj, level="basic", **MUANG)
    certified_centre(round_obj, level="excellence", **BANGKOK)
    assert count() == one == 1


def test_search_page_is_served_from_the_cache(client, round_obj):
    certified_centre(round_obj, name_th="ศูนย์หนึ่ง")
    client.get(SEARCH)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(SEARCH).status_code == 200
    assert len(queries) == 0


def test_registry_changed_makes_cached_pages_stale(client, round_obj):
    certificate = certified_centre(round_obj, name_th="ศูนย์หนึ่ง")
    assert listed(client) == ["ศูนย์หนึ่ง"]
    # a change without signals (QuerySet.update) waits for PUBLIC_CACHE_SECONDS ...
    Certificate.objects.filter(pk=certificate.pk).update(state=CertificateState.SUSPENDED)
    assert listed(client) == ["ศูนย์หนึ่ง"]
    caching.registry_changed()  # ... or for this
    assert listed(client) == []


def test_cache_keys_include_the_language(client, round_obj, settings):
    certified_centre(round_obj)
    thai = client.get(SEARCH).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(SEARCH).content.decode()
    assert "ศูนย์ที่ได้รับการรับรอง" in thai
    assert "1 centre found" in english


def test_centre_page_shows_level_validity_address_and_map_point(client, round_obj):
    certificate = certified_centre(round_obj, name_th="ศูนย์บริการบ้านโฮ่ง", level="excellence",
                                   address="99 หมู่ 1 ถนนลำพูน-ลี้", latitude="18.312345",
                                   longitude="98.812345")
    response = client.get(f"/registry/centre/{certificate.unit.code}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "ศูนย์บริการบ้านโฮ่ง" in html
    assert "ระดับเป็นเลิศ" in html and "level-gold" in html
    assert "31 กรกฎาคม 2571" in html  # valid until, Buddhist era
    assert "99 หมู่ 1 ถนนลำพูน-ลี้" in html and "51130" in html
    assert "18.31234, 98.81234" in html or "18.31235, 98.81235" in html
    assert ("https://www.openstreetmap.org/?mlat=18.312345&amp;mlon=98.812345"
            "#map=16/18.312345/98.812345") in html
    assert f'href="/verify/{certificate.number}/"' in html
    assert f'href="/complaint/{certificate.unit.code}/"' in html
    assert "<script" not in html.split('<main')[1].split('</main>')[0]


def test_centre_without_coordinates_shows_the_district_point_as_approximate(client, round_obj):
    from gecc.geography.models import District

    certificate = certified_centre(round_obj)
    District.objects.filter(code="5103").update(latitude="18.1", longitude="98.9")
    html = client.get(f"/registry/centre/{certificate.unit.code}/").content.decode()
    assert "18.10000, 98.90000" in html
    assert "ประมาณ" in html


def test_centre_page_of_a_unit_without_certificate_is_not_found(client, round_obj):
    unit = ServiceUnitFactory()
    withdrawn = certified_centre(round_obj, state=CertificateState.WITHDRAWN)
    for code in (unit.code, withdrawn.unit.code, "no-such-unit"):
        response = client.get(f"/registry/centre/{code}/")
        assert response.status_code == 404
        assert "ไม่อยู่ในทะเบียนศูนย์ที่ได้รับการรับรอง" in response.content.decode()


def test_province_summary_counts_valid_centres_by_level(client, round_obj):
    certified_centre(round_obj, level="basic")
    certified_centre(round_obj, level="basic", **MUANG)
    certified_centre(round_obj, level="excellence")
    certified_centre(round_obj, level="advanced", **BANGKOK)
    certified_centre(round_obj, level="advanced", state=CertificateState.SUSPENDED)
    levels, provinces, totals, total = public.province_counts()
    assert [code for code, _name, _colour in levels] == ["basic", "advanced", "excellence"]
    assert {p.name: (p.counts, p.total) for p in provinces} == {
        "ลำพูน": ({"basic": 2, "excellence": 1}, 3),
        "กรุงเทพมหานคร": ({"advanced": 1}, 1)}
    assert totals == {"basic": 2, "advanced": 1, "excellence": 1} and total == 4
    html = client.get("/registry/provinces/").content.decode()
    assert 'href="/registry/?province=51"' in html
    assert '<td class="num" data-testid="total"><strong>4</strong></td>' in html


def test_empty_registry_pages_say_so(client, db):
    for url in (SEARCH, "/registry/provinces/"):
        html = client.get(url).content.decode()
        assert 'data-testid="empty-state"' in html
        assert "ยังไม่มีศูนย์ที่ได้รับการรับรองที่ยังมีผล" in html


def test_too_many_requests_get_a_thai_429_page(client, round_obj, settings):
    settings.PUBLIC_RATE_PER_MINUTE = 3
    for _ in range(3):
        assert client.get(SEARCH).status_code == 200
    response = client.get("/verify/GECC-2568-000001/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "มีการเปิดหน้าจากการเชื่อมต่อนี้มากเกินไป" in response.content.decode()
    # another client address is not held back
    assert client.get(SEARCH, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_throttle_reads_the_address_set_by_the_trusted_proxy(client, round_obj, settings):
    settings.PUBLIC_RATE_PER_MINUTE = 1
    settings.TRUSTED_PROXY_COUNT = 1
    assert client.get(SEARCH, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 200
    assert client.get(SEARCH, HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 200
    assert client.get(SEARCH, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429


def test_public_pages_answer_only_get(client, round_obj):
    assert client.post(SEARCH).status_code == 405
    assert client.post("/verify/").status_code == 405


def test_organisation_filter_lists_only_agencies_with_centres(client, round_obj):
    OrganizationFactory(name_th="หน่วยงานที่ไม่มีศูนย์")
    certificate = certified_centre(round_obj)
    choices = public.filter_choices()
    assert choices["organizations"] == [
        (certificate.unit.organization_id,
         Organization.objects.get(pk=certificate.unit.organization_id).name_th)]


def test_search_shows_a_saved_suspension_on_the_next_request(client, round_obj):
    certificate = certified_centre(round_obj, name_th="ศูนย์หนึ่ง")
    assert listed(client) == ["ศูนย์หนึ่ง"]
    certificate.state = CertificateState.SUSPENDED
    certificate.save(update_fields=["state"])
    assert listed(client) == []
    assert listed(client, "?status=suspended") == ["ศูนย์หนึ่ง"]
