"""The public complaint form of a certified centre: text required, optional name and contact,
a hidden field for robots, a signed time the form was shown (3 s to a day), a daily limit per
client address, a thank-you page with the reference. Refused complaints keep what was typed
and save nothing."""

import time

import pytest

from gecc.certificates.enums import CertificateState
from gecc.decisions.models import Complaint
from gecc.public.forms import form_timestamp
from tests.public.factories_public import certified_centre
from tests.registry.factories import ServiceUnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(round_obj):
    return certified_centre(round_obj, name_th="ศูนย์บริการบ้านโฮ่ง")


def url(certificate):
    return f"/complaint/{certificate.unit.code}/"


def post(client, certificate, *, seconds_ago=10, **fields):
    data = {"text": "เจ้าหน้าที่ไม่ให้บริการตามเวลาที่ประกาศ", "name": "สมชาย",
            "contact": "somchai@example.com", "website": "",
            "started": form_timestamp(time.time() - seconds_ago)}
    data.update(fields)
    return client.post(url(certificate), data)


def test_complaint_form_page_names_the_centre(client, certificate):
    response = client.get(url(certificate))
    html = response.content.decode()
    assert response.status_code == 200
    assert "ศูนย์บริการบ้านโฮ่ง" in html
    assert 'name="started"' in html and 'name="website"' in html


def test_complaint_is_filed_and_thanked_with_its_reference(client, certificate):
    response = post(client, certificate)
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.unit == certificate.unit
    assert complaint.text == "เจ้าหน้าที่ไม่ให้บริการตามเวลาที่ประกาศ"
    assert (complaint.name, complaint.contact) == ("สมชาย", "somchai@example.com")
    assert complaint.certificate_number == certificate.number
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert complaint.reference in thanks.content.decode()
    assert "ได้รับเรื่องร้องเรียนของท่านแล้ว" in thanks.content.decode()


def test_complaint_without_text_is_refused_keeping_what_was_typed(client, certificate):
    response = post(client, certificate, text="   ")
    html = response.content.decode()
    assert response.status_code == 400
    assert "กรุณาเขียนเรื่องที่ต้องการร้องเรียน" in html
    assert 'value="สมชาย"' in html and 'value="somchai@example.com"' in html
    assert Complaint.objects.count() == 0


def test_complaint_with_the_hidden_field_filled_is_refused(client, certificate):
    response = post(client, certificate, website="http://spam.example")
    assert response.status_code == 400
    assert "ส่งเรื่องร้องเรียนไม่สำเร็จ" in response.content.decode()
    assert Complaint.objects.count() == 0


def test_complaint_sent_too_quickly_is_refused_keeping_the_text(client, certificate):
    response = post(client, certificate, seconds_ago=1)
    html = response.content.decode()
    assert response.status_code == 400
    assert "ส่งเรื่องร้องเรียนเร็วเกินไป" in html
    assert "เจ้าหน้าที่ไม่ให้บริการตามเวลาที่ประกาศ" in html
    assert Complaint.objects.count() == 0


@pytest.mark.parametrize("started", ["old", "forged"])
def test_complaint_form_too_old_or_forged_is_refused_with_a_new_stamp(client, certificate,
                                                                       started):
    stamp = form_timestamp(time.time() - 2 * 24 * 3600) if started == "old" else "12345:abc"
    response = post(client, certificate, started=stamp)
    html = response.content.decode()
    assert response.status_code == 400
    assert "แบบฟอร์มนี้เปิดไว้นานเกินไปหรืออ่านไม่ได้" in html
    assert stamp not in html  # a fresh stamp: sending again (after 3 s) goes through
    assert "เจ้าหน้าที่ไม่ให้บริการตามเวลาที่ประกาศ" in html
    assert Complaint.objects.count() == 0


def test_complaints_are_limited_per_client_address_per_day(client, certificate, settings):
    settings.PUBLIC_COMPLAINTS_PER_DAY = 2
    assert post(client, certificate).status_code == 302
    assert post(client, certificate).status_code == 302
    response = post(client, certificate, text="เรื่องที่สาม")
    assert response.status_code == 429
    assert "มีการส่งเรื่องร้องเรียนจากการเชื่อมต่อนี้มากเกินไป" in response.content.decode()
    assert "เรื่องที่สาม" in response.content.decode()
    assert Complaint.objects.count() == 2
    other = client.post(url(certificate), {
        "text": "อีกเครื่องหนึ่ง", "started": form_timestamp(time.time() - 10)},
        REMOTE_ADDR="10.1.1.1")
    assert other.status_code == 302


def test_complaint_about_a_unit_that_is_not_certified_is_not_found(client, round_obj):
    unit = ServiceUnitFactory()
    withdrawn = certified_centre(round_obj, state=CertificateState.WITHDRAWN)
    for code in (unit.code, withdrawn.unit.code):
        assert client.get(f"/complaint/{code}/").status_code == 404
        assert client.post(f"/complaint/{code}/", {"text": "x"}).status_code == 404
    assert Complaint.objects.count() == 0


def test_thank_you_page_with_a_forged_token_is_not_found(client, db):
    assert client.get("/complaint/thanks/forged-token/").status_code == 404
