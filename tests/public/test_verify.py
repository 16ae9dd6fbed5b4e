"""Certificate verification: /verify/<number>/ says valid, expired, suspended or withdrawn;
a malformed or unknown number is a clear Thai "not found" (404), never a server error."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gecc.certificates.domain.public import normalize_number
from gecc.certificates.enums import CertificateState
from gecc.certificates.models import Certificate
from tests.public.factories_public import certified_centre

pytestmark = pytest.mark.django_db

NOT_FOUND = "ไม่พบใบรับรองเลขที่"


def verdict(response):
    html = response.content.decode()
    start = html.index('data-testid="verdict"')
    return html[start:html.index("</section>", start)]


@pytest.mark.parametrize(("typed", "number"), [
    ("GECC-2563-000123", "GECC-2563-000123"),
    (" gecc-2563-000123 ", "GECC-2563-000123"),
    ("GECC 2563 000123", "GECC-2563-000123"),
    ("gecc2563000123", "GECC-2563-000123"),
    ("GECC-2563-123", "GECC-2563-000123"),
    ("GECC\u20132563\u2013000123", "GECC-2563-000123"),
    ("GECC-๒๕๖๓-๐๐๐๑๒๓", "GECC-2563-000123"),
    ("GECC-2563-000000", None),
    ("GECC-63-000123", None),
    ("GECC-2563-1234567", None),
    ("ABC-2563-000123", None),
    ("", None),
    ("'; DROP TABLE x; --", None),
    ("G" * 500, None),
])
def test_normalize_number(typed, number):
    assert normalize_number(typed) == number


def test_verify_valid_certificate(client, round_obj):
    certificate = certified_centre(round_obj, name_th="ศูนย์บริการบ้านโฮ่ง", level="excellence")
    response = client.get(f"/verify/{certificate.number}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-status="valid"' in verdict(response)
    assert "ใบรับรองนี้ยังมีผล" in verdict(response)
    assert "ศูนย์บริการบ้านโฮ่ง" in html and "ระดับเป็นเลิศ" in html
    assert "1 สิงหาคม 2568" in html and "31 กรกฎาคม 2571" in html


def test_verify_expired_certificate_by_date_before_the_daily_job(client, round_obj):
    certificate = certified_centre(round_obj, valid_from=datetime.date(2020, 1, 1))
    assert certificate.state == CertificateState.ISSUED
    response = client.get(f"/verify/{certificate.number}/")
    assert 'data-status="expired"' in verdict(response)
    assert "ใบรับรองนี้หมดอายุแล้ว" in verdict(response)


def test_verify_suspended_certificate_says_so_without_the_reason(client, round_obj):
    certificate = certified_centre(round_obj, state=CertificateState.SUSPENDED,
                                   reason="ข้อร้องเรียนลับเรื่องเจ้าหน้าที่นายสมชาย")
    response = client.get(f"/verify/{certificate.number}/")
    assert 'data-status="suspended"' in verdict(response)
    assert "ใบรับรองนี้ถูกพักใช้" in verdict(response)
    assert "นายสมชาย" not in response.content.decode()


def test_verify_withdrawn_certificate(client, round_obj):
    certificate = certified_centre(round_obj, state=CertificateState.WITHDRAWN,
                                   reason="เหตุผลภายใน")
    response = client.get(f"/verify/{certificate.number}/")
    assert response.status_code == 200
    assert 'data-status="withdrawn"' in verdict(response)
    assert "ใบรับรองนี้ถูกเพิกถอนแล้ว" in verdict(response)
    assert "เหตุผลภายใน" not in response.content.decode()


def test_verify_shows_a_suspension_on_the_next_request(client, round_obj):
    from gecc.certificates.domain.lifecycle import reinstate_certificate, suspend_certificate
    from tests.factories import UserFactory

    secretariat = UserFactory(roles=["secretariat"])
    certificate = certified_centre(round_obj)
    assert 'data-status="valid"' in verdict(client.get(f"/verify/{certificate.number}/"))
    suspend_certificate(certificate, secretariat, reason="ตรวจสอบข้อร้องเรียน")
    assert 'data-status="suspended"' in verdict(client.get(f"/verify/{certificate.number}/"))
    reinstate_certificate(certificate, secretariat, reason="ตรวจสอบแล้ว")
    assert 'data-status="valid"' in verdict(client.get(f"/verify/{certificate.number}/"))


def test_verify_shows_a_change_saved_on_the_row_on_the_next_request(client, round_obj):
    certificate = certified_centre(round_obj)
    assert 'data-status="valid"' in verdict(client.get(f"/verify/{certificate.number}/"))
    certificate.state = CertificateState.WITHDRAWN
    certificate.save(update_fields=["state"])
    assert 'data-status="withdrawn"' in verdict(client.get(f"/verify/{certificate.number}/"))


def test_verify_shows_expiry_by_date_the_next_day(client, round_obj, monkeypatch):
    from gecc.certificates.domain import status

    certificate = certified_centre(round_obj)
    assert 'data-status="valid"' in verdict(client.get(f"/verify/{certificate.number}/"))
    after = certificate.valid_until + datetime.timedelta(days=1)
    monkeypatch.setattr(status, "today", lambda: after)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: after)
    assert 'data-status="expired"' in verdict(client.get(f"/verify/{certificate.number}/"))


def test_verify_costs_one_query_then_none_from_the_cache(client, round_obj):
    certificate = certified_centre(round_obj)
    for expected in (1, 0):  # a miss, then a hit
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/verify/{certificate.number}/").status_code == 200
        assert len(queries) == expected


def test_verify_shows_a_renamed_unit_on_the_next_request(client, round_obj):
    certificate = certified_centre(round_obj, name_th="ชื่อเดิม")
    assert "ชื่อเดิม" in client.get(f"/verify/{certificate.number}/").content.decode()
    unit = certificate.unit
    unit.name_th = "ชื่อใหม่"
    unit.save()
    assert "ชื่อใหม่" in client.get(f"/verify/{certificate.number}/").content.decode()


@pytest.mark.parametrize("number", ["xx", "GECC-2563", "GECC-2563-0000001", "%00", "ก" * 300,
                                    "<img src=x onerror=alert(1)>", "GECC-2563-000000"])
def test_verify_malformed_number_is_not_found(client, db, number):
    response = client.get(f"/verify/{number}/")
    assert response.status_code == 404
    html = response.content.decode()
    assert NOT_FOUND in html
    assert "<img src=x onerror=alert(1)>" not in html
    assert 'data-testid="verify-form"' in html  # try another number


def test_verify_unknown_number_is_not_found(client, round_obj):
    certified_centre(round_obj)
    response = client.get("/verify/GECC-2568-000999/")
    assert response.status_code == 404
    assert "ไม่พบใบรับรองเลขที่ “GECC-2568-000999”" in response.content.decode()


def test_verify_redirects_a_number_typed_loosely_to_its_canonical_address(client, round_obj):
    certificate = certified_centre(round_obj)
    response = client.get(f"/verify/{certificate.number.lower()}/")
    assert response.status_code == 302
    assert response["Location"] == f"/verify/{certificate.number}/"


def test_verify_form_sends_the_typed_number_to_its_page(client, round_obj):
    certificate = certified_centre(round_obj)
    response = client.get("/verify/", {"number": f"  {certificate.number.lower()} "})
    assert response.status_code == 302
    assert response["Location"] == f"/verify/{certificate.number}/"


def test_verify_form_without_a_number_asks_for_one(client, db):
    assert client.get("/verify/").status_code == 200
    response = client.get("/verify/", {"number": ""})
    assert response.status_code == 200
    assert "กรุณาพิมพ์เลขที่ใบรับรอง" in response.content.decode()


def test_verify_form_with_a_malformed_number_keeps_it_on_the_not_found_page(client, db):
    response = client.get("/verify/", {"number": "GECC/2563"})
    assert response.status_code == 404
    html = response.content.decode()
    assert NOT_FOUND in html
    assert 'value="GECC/2563"' in html


def test_verify_row_is_the_orm_row(round_obj):
    """The compiled verification query reads exactly what the ORM would."""
    from gecc.certificates.domain import public

    certificate = certified_centre(round_obj, latitude="18.312345", longitude="98.812345")
    orm = Certificate.objects.filter(number=certificate.number).values(*public.ROW_FIELDS).get()
    assert public._verify_row(certificate.number) == orm
    assert public._verify_row("GECC-2568-000999") is None
