"""The public pages never show private data: render every public page with known private
strings in the database (coordinators, contact people, phones, e-mails, assessors, scores,
decision and lifecycle reasons, meeting attendees, complaints) and find none of them."""

import pytest

from gecc.accounts.enums import Role
from gecc.certificates.enums import CertificateState
from gecc.certificates.models import Certificate
from gecc.decisions.models import Complaint
from tests.applications.factories import make_application
from tests.factories import UserFactory
from tests.public.factories_public import make_certificate
from tests.registry.factories import ServiceUnitFactory

pytestmark = pytest.mark.django_db

PRIVATE = [
    "ผู้ประสานงานลับ สมศรี", "coordinator.secret@unit.go.th",  # the unit's coordinator
    "053 999 111", "unit.secret@unit.go.th",  # the unit's own phone and e-mail
    "นางสาวสมใจ ใจดี", "053 511 000", "contact@unit.go.th",  # the application's contact
    "ผู้ตรวจลับ วิชัย", "assessor.secret@example.go.th",  # an assessor
    "ลับ: คะแนนเกณฑ์", "81.25",  # the decision's reason and proposed score
    "นายประธาน ลับมาก",  # meeting attendees
    "เหตุผลการพักใช้ลับ",  # the lifecycle reason
    "ข้อร้องเรียนลับ", "ผู้ร้องลับ", "complainant@example.com",  # a complaint
]


@pytest.fixture
def centres(round_obj):
    coordinator = UserFactory(full_name="ผู้ประสานงานลับ สมศรี",
                              email="coordinator.secret@unit.go.th", roles=[Role.COORDINATOR])
    UserFactory(full_name="ผู้ตรวจลับ วิชัย", email="assessor.secret@example.go.th",
                roles=[Role.ASSESSOR])
    made = []
    for state in (CertificateState.ISSUED, CertificateState.SUSPENDED,
                  CertificateState.WITHDRAWN):
        unit = ServiceUnitFactory(phone="053 999 111", email="unit.secret@unit.go.th",
                                  coordinators=[coordinator])
        certificate = make_certificate(make_application(round_obj, unit), state=state,
                                       reason="เหตุผลการพักใช้ลับ")
        made.append(certificate)
    Complaint.objects.create(reference="CMP-TEST-1", unit=made[0].unit, text="ข้อร้องเรียนลับ",
                             name="ผู้ร้องลับ", contact="complainant@example.com")
    return made


def public_urls(certificates):
    urls = ["/", "/registry/", "/registry/?status=all", "/registry/?status=suspended",
            "/registry/?q=ศูนย์", "/registry/?province=51", "/registry/provinces/",
            "/verify/", "/verify/GECC-2568-000999/"]
    for certificate in certificates:
        urls += [f"/verify/{certificate.number}/", f"/registry/centre/{certificate.unit.code}/",
                 f"/complaint/{certificate.unit.code}/"]
    return urls


def test_public_pages_show_no_private_data(client, centres):
    assert Certificate.objects.count() == 3
    for url in public_urls(centres):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        html = response.content.decode()
        found = [text for text in PRIVATE if text in html]
        assert found == [], url


def test_public_domain_reads_only_public_columns(centres):
    """The rows behind the pages carry no private column at all."""
    from gecc.certificates.domain import public

    pks = public.search_centres(public.RegistryQuery(status=public.STATUS_ALL))
    centre = public.centres_for(pks)[0]
    row = public.Certificate.objects.filter(pk=pks[0]).values(*public.ROW_FIELDS).get()
    assert set(row) == set(public.ROW_FIELDS)
    assert not {"state_reason", "unit__phone", "unit__email", "decision__reason"} & set(row)
    assert not {"phone", "email", "coordinators", "reason"} & set(vars(centre))


def test_complaint_thank_you_page_shows_only_the_reference(client, centres):
    from gecc.public.views_complaints import thanks_token

    html = client.get(f"/complaint/thanks/{thanks_token('CMP-TEST-1')}/").content.decode()
    assert "CMP-TEST-1" in html
    assert [text for text in PRIVATE if text in html] == []


def test_public_pages_never_name_the_signed_in_user_in_a_cached_fragment(client, centres):
    """The content is cached for everyone: a signed-in person's name must not end up in it."""
    from tests.conftest import sign_in

    staff = UserFactory(full_name="เจ้าหน้าที่ลับ ก", roles=[Role.SECRETARIAT])
    signed_in = client.__class__()
    sign_in(signed_in, staff)
    signed_in.get("/registry/")
    signed_in.get(f"/verify/{centres[0].number}/")
    for url in ("/registry/", f"/verify/{centres[0].number}/"):
        assert "เจ้าหน้าที่ลับ ก" not in client.get(url).content.decode()
