"""Issuing certificates: the number, the validity, the level, one per application, the
audit entry and the e-mail; the listener that follows final and changed decisions; the QR
code; the staff pages (list, search, filters, export, detail, PDF) and the portal's list."""

import datetime
import io
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gecc.audit.models import AuditEntry
from gecc.certificates.domain.issue import (
    certificate_number,
    issue_certificate,
    validity,
)
from gecc.certificates.domain.qr import qr_code, qr_svg, verify_url
from gecc.certificates.enums import CertificateState
from gecc.certificates.models import Certificate, CertificateSequence
from gecc.decisions.domain.hooks import CHANGED, FINAL, decision_event
from gecc.decisions.enums import DecisionChange, DecisionOutcome
from gecc.decisions.models import Decision
from gecc.notifications.models import OutboxMessage
from tests.certificates.factories_issue import HELD_ON, certify_world
from tests.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def certificate_for(built):
    return issue_certificate(built.decision, built.secretariat)


# -- the number and the validity ---------------------------------------------------------

def test_certificate_number_has_the_documented_format():
    assert certificate_number(2563, 123) == "GECC-2563-000123"
    assert certificate_number(2569, 1) == "GECC-2569-000001"


def test_validity_is_three_years_less_one_day():
    assert validity(datetime.date(2026, 8, 20)) == (datetime.date(2026, 8, 20),
                                                    datetime.date(2029, 8, 19))


def test_validity_from_a_leap_day_ends_on_28_february():
    assert validity(datetime.date(2028, 2, 29)) == (datetime.date(2028, 2, 29),
                                                    datetime.date(2031, 2, 28))


def test_validity_follows_the_setting(settings):
    settings.CERTIFICATE_VALID_YEARS = 5
    assert validity(datetime.date(2026, 8, 20))[1] == datetime.date(2031, 8, 19)


# -- issuing -----------------------------------------------------------------------------

def test_issue_certificate_on_a_final_certify_decision():
    built = certify_world()
    certificate = certificate_for(built)
    year = built.round.year
    assert certificate.number == f"GECC-{year}-000001"
    assert (certificate.year, certificate.sequence) == (year, 1)
    assert certificate.application == built.application
    assert certificate.decision == built.decision
    assert certificate.unit == built.unit
    assert certificate.organization == built.unit.organization
    assert certificate.round == built.round
    assert (certificate.level, certificate.level_rank, certificate.level_name_th,
            certificate.level_name_en, certificate.colour) == (
        "advanced", 2, "ก้าวหน้า", "Advanced", "silver")
    assert certificate.valid_from == HELD_ON
    assert certificate.valid_until == datetime.date(2029, 8, 19)
    assert certificate.state == CertificateState.ISSUED
    assert certificate.issued_by == built.secretariat
    assert certificate.renews is None


def test_issue_certificate_is_audited_and_emails_the_coordinators():
    built = certify_world()
    certificate = certificate_for(built)
    entry = AuditEntry.objects.get(action="certificate.issued")
    assert entry.object_id == str(certificate.pk)
    assert entry.actor == built.secretariat
    assert entry.data["after"]["number"] == certificate.number
    assert entry.data["after"]["valid_until"] == "2029-08-19"
    message = OutboxMessage.objects.get(event="certificate.issued")
    assert message.to == [built.coordinator.email]
    assert certificate.number in message.subject
    assert "http://testserver/portal/certificates/" in message.body_text
    assert f"http://testserver/verify/{certificate.number}/" in message.body_text
    assert "ก้าวหน้า" in message.body_text


def test_issue_certificate_at_a_level_other_than_the_proposed_one():
    built = certify_world(level="excellence")
    certificate = certificate_for(built)
    assert (certificate.level, certificate.level_rank, certificate.level_name_th,
            certificate.colour) == ("excellence", 3, "เป็นเลิศ", "gold")


def test_sequence_counts_on_within_the_year():
    first = certify_world()
    second = certify_world(round_obj=first.round, secretariat=first.secretariat,
                           meeting=first.meeting)
    numbers = [certificate_for(first).number, certificate_for(second).number]
    year = first.round.year
    assert numbers == [f"GECC-{year}-000001", f"GECC-{year}-000002"]
    assert CertificateSequence.objects.get(year=year).last == 2


def test_second_certificate_for_the_application_is_refused():
    built = certify_world()
    first = certificate_for(built)
    with pytest.raises(ValidationError) as refused:
        certificate_for(built)
    assert refused.value.code == "already_issued"
    assert refused.value.messages == [
        f"ใบสมัครนี้มีใบรับรองแล้ว ({first.number}) ไม่สามารถออกใบรับรองซ้ำได้"]
    assert Certificate.objects.count() == 1
    assert CertificateSequence.objects.get(year=built.round.year).last == 1
    assert AuditEntry.objects.filter(action="certificate.issued").count() == 1
    assert OutboxMessage.objects.filter(event="certificate.issued").count() == 1


def test_issue_refused_while_the_meeting_is_open():
    built = certify_world(closed=False)
    with pytest.raises(ValidationError) as refused:
        certificate_for(built)
    assert refused.value.code == "not_final"
    assert refused.value.messages == [
        "มติยังไม่เป็นที่สุด จะออกใบรับรองได้เมื่อปิดการประชุมคณะกรรมการอำนวยการแล้ว"]
    assert not Certificate.objects.exists()
    assert not CertificateSequence.objects.filter(last__gt=0).exists()


@pytest.mark.parametrize("outcome", [DecisionOutcome.NOT_CERTIFY, DecisionOutcome.DEFER])
def test_issue_refused_for_a_decision_not_to_certify(outcome):
    built = certify_world(outcome=outcome)
    with pytest.raises(ValidationError) as refused:
        certificate_for(built)
    assert refused.value.code == "not_certify"
    assert not Certificate.objects.exists()


def test_renewal_certificate_renews_the_previous_one():
    old = certify_world()
    old_certificate = certificate_for(old)
    new = certify_world(secretariat=old.secretariat)
    type(new.application).objects.filter(pk=new.application.pk).update(
        previous=old.application)
    certificate = certificate_for(new)
    assert certificate.renews == old_certificate


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_take_distinct_numbers_without_gaps():
    from django.db import connections

    first = certify_world()
    worlds = [first] + [certify_world(round_obj=first.round, secretariat=first.secretariat,
                                      meeting=first.meeting) for _ in range(3)]
    numbers, errors, barrier = [], [], threading.Barrier(len(worlds))

    def issue(built):
        try:
            barrier.wait()
            numbers.append(issue_certificate(built.decision, None).sequence)
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(w,)) for w in worlds]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == [1, 2, 3, 4]


# -- the listener ------------------------------------------------------------------------

def test_closing_the_meeting_issues_the_certificate():
    built = certify_world()
    decision_event(built.decision, built.secretariat, event=FINAL)
    certificate = Certificate.objects.get(application=built.application)
    assert certificate.level == "advanced"
    assert AuditEntry.objects.filter(action="certificate.issued").count() == 1


def test_final_event_twice_keeps_one_certificate():
    built = certify_world()
    decision_event(built.decision, built.secretariat, event=FINAL)
    decision_event(built.decision, built.secretariat, event=FINAL)
    assert Certificate.objects.filter(application=built.application).count() == 1


def test_final_decision_not_to_certify_issues_nothing():
    built = certify_world(outcome=DecisionOutcome.NOT_CERTIFY)
    decision_event(built.decision, built.secretariat, event=FINAL)
    assert not Certificate.objects.exists()


def _change(decision, *, outcome, level="", reason="ผลการพิจารณาอุทธรณ์"):
    Decision.objects.filter(pk=decision.pk).update(
        outcome=outcome, level=level, reason=reason, change=DecisionChange.APPEAL,
        revision=decision.revision + 1)
    decision.refresh_from_db()
    return decision


def test_changed_decision_to_another_level_changes_the_certificate_in_place():
    built = certify_world()
    certificate = certificate_for(built)
    decision = _change(built.decision, outcome=DecisionOutcome.CERTIFY, level="excellence")
    decision_event(decision, built.secretariat, event=CHANGED)
    changed = Certificate.objects.get(application=built.application)
    assert changed.pk == certificate.pk
    assert changed.number == certificate.number
    assert (changed.valid_from, changed.valid_until) == (certificate.valid_from,
                                                         certificate.valid_until)
    assert (changed.level, changed.level_rank, changed.level_name_th, changed.colour) == (
        "excellence", 3, "เป็นเลิศ", "gold")
    entry = AuditEntry.objects.get(action="certificate.level_changed")
    assert entry.data["before"] == {"level": "advanced", "level_name_th": "ก้าวหน้า"}
    assert entry.data["after"] == {"level": "excellence", "level_name_th": "เป็นเลิศ"}
    assert OutboxMessage.objects.filter(event="certificate.level_changed").count() == 1


def test_changed_decision_to_certify_issues_the_first_certificate():
    built = certify_world(outcome=DecisionOutcome.NOT_CERTIFY)
    decision = _change(built.decision, outcome=DecisionOutcome.CERTIFY, level="basic")
    decision_event(decision, built.secretariat, event=CHANGED)
    certificate = Certificate.objects.get(application=built.application)
    assert (certificate.level, certificate.colour) == ("basic", "blue")


def test_changed_decision_at_the_same_level_changes_nothing():
    built = certify_world()
    certificate_for(built)
    decision = _change(built.decision, outcome=DecisionOutcome.CERTIFY, level="advanced")
    decision_event(decision, built.secretariat, event=CHANGED)
    assert not AuditEntry.objects.filter(action="certificate.level_changed").exists()


def test_z_changed_decision_not_to_certify_withdraws_the_certificate():
    built = certify_world()
    certificate = certificate_for(built)
    decision = _change(built.decision, outcome=DecisionOutcome.NOT_CERTIFY,
                       reason="แก้ไขมติ: คะแนนไม่ถึงเกณฑ์")
    decision_event(decision, built.secretariat, event=CHANGED)
    certificate.refresh_from_db()
    assert certificate.state == CertificateState.WITHDRAWN
    assert certificate.state_reason == "แก้ไขมติ: คะแนนไม่ถึงเกณฑ์"


# -- the QR code -------------------------------------------------------------------------

def test_verify_url_is_absolute():
    assert verify_url("GECC-2563-000001") == "http://testserver/verify/GECC-2563-000001/"


def test_verify_url_from_the_request_without_site_url(settings, rf):
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["gecc.example.go.th"]
    request = rf.get("/", HTTP_HOST="gecc.example.go.th")
    assert verify_url("GECC-2563-000001", request) == \
        "http://gecc.example.go.th/verify/GECC-2563-000001/"


def test_qr_code_decodes_to_the_verify_url():
    import zxingcpp
    from PIL import Image

    buffer = io.BytesIO()
    qr_code("GECC-2563-000123").save(buffer, kind="png", scale=6)
    buffer.seek(0)
    decoded = zxingcpp.read_barcodes(Image.open(buffer).convert("L"))
    assert [result.text for result in decoded] == [
        "http://testserver/verify/GECC-2563-000123/"]


def test_qr_svg_is_an_inline_svg_titled_with_the_address():
    svg = qr_svg("GECC-2563-000123")
    assert svg.startswith('<svg role="img" ')
    assert "<title>http://testserver/verify/GECC-2563-000123/</title>" in svg


# -- staff pages -------------------------------------------------------------------------

def _signed_in(client, *roles):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = UserFactory(roles=list(roles))
    if "secretariat" in roles:
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    sign_in(client, user)
    return user


def _certificates(count):
    first = certify_world()
    worlds = [first] + [certify_world(round_obj=first.round, secretariat=first.secretariat,
                                      meeting=first.meeting) for _ in range(count - 1)]
    return [certificate_for(w) for w in worlds], worlds


def _list_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def test_certificate_list_query_count_does_not_grow_with_rows(client):
    _signed_in(client, "steering")
    url = reverse("certificates:certificate.list")
    _certificates(1)
    one, response = _list_queries(client, url)
    assert len(response.context["rows"]) == 1
    _certificates(2)
    three, response = _list_queries(client, url)
    assert len(response.context["rows"]) == 3
    assert three == one


def test_certificate_list_searches_by_number_and_unit(client):
    _signed_in(client, "secretariat")
    certificates, worlds = _certificates(2)
    type(worlds[1].unit).objects.filter(pk=worlds[1].unit.pk).update(
        search_text="ศูนย์ราชการสะดวกอำเภอลี้")
    url = reverse("certificates:certificate.list")
    response = client.get(url, {"q": certificates[0].number})
    assert [row["certificate"] for row in response.context["rows"]] == [certificates[0]]
    response = client.get(url, {"q": "อำเภอ ลี้"})
    assert [row["certificate"] for row in response.context["rows"]] == [certificates[1]]


def test_certificate_list_filters_by_round_level_and_state(client):
    _signed_in(client, "secretariat")
    certificates, worlds = _certificates(2)
    other = certify_world(level="basic")
    basic = certificate_for(other)
    Certificate.objects.filter(pk=certificates[1].pk).update(state=CertificateState.SUSPENDED)
    url = reverse("certificates:certificate.list")

    def listed(**query):
        return [row["certificate"] for row in client.get(url, query).context["rows"]]

    assert listed(round=worlds[0].round.pk) == certificates
    assert listed(level="basic") == [basic]
    assert listed(state="suspended") == [certificates[1]]


def test_certificate_list_empty_state(client):
    _signed_in(client, "secretariat")
    response = client.get(reverse("certificates:certificate.list"))
    assert "ยังไม่มีการออกใบรับรอง" in response.content.decode()


def test_certificate_list_refused_to_coordinators_and_assessors(client):
    _signed_in(client, "coordinator")
    assert client.get(reverse("certificates:certificate.list")).status_code == 403
    client.logout()
    _signed_in(client, "assessor")
    assert client.get(reverse("certificates:certificate.list")).status_code == 403


def test_certificate_export_is_csv_and_logged(client):
    from gecc.common.csvexport import unescape_cell

    _signed_in(client, "secretariat")
    certificates, _worlds = _certificates(2)
    response = client.get(reverse("certificates:certificate.export"), {"level": "advanced"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    lines = text.strip().split("\r\n")
    assert len(lines) == 3
    assert lines[0].startswith('"เลขที่ใบรับรอง","รอบการประเมิน"')
    assert f'"{certificates[0].number}"' in lines[1]
    assert f'"http://testserver/verify/{certificates[0].number}/"' in lines[1]
    assert unescape_cell("x") == "x"
    entry = AuditEntry.objects.get(action="certificate.exported")
    assert entry.data["rows"] == 2
    assert entry.data["filters"] == {"level": ["advanced"]}


def test_certificate_detail_shows_the_qr_code_and_links(client):
    _signed_in(client, "secretariat")
    built = certify_world()
    certificate = certificate_for(built)
    response = client.get(reverse("certificates:certificate.detail", args=[certificate.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<svg role="img"' in html
    assert f'href="http://testserver/verify/{certificate.number}/"' in html
    assert reverse("certificates:certificate.pdf", args=[certificate.pk]) in html
    assert "ออกใบรับรอง" in html  # the audit history


def test_certificate_pdf_downloads_with_the_number_as_name(client):
    _signed_in(client, "secretariat")
    certificate = certificate_for(certify_world())
    response = client.get(reverse("certificates:certificate.pdf", args=[certificate.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="{certificate.number}.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF-")


# -- the portal --------------------------------------------------------------------------

def test_portal_lists_only_the_coordinators_own_certificates(client):
    certificates, worlds = _certificates(2)
    sign_in(client, worlds[0].coordinator)
    response = client.get(reverse("portal:certificate.list"))
    assert [row["certificate"] for row in response.context["rows"]] == [certificates[0]]
    html = response.content.decode()
    assert certificates[0].number in html
    assert certificates[1].number not in html


def test_portal_list_query_count_does_not_grow_with_rows(client):
    coordinator = UserFactory(roles=["coordinator"])
    sign_in(client, coordinator)
    certificates, worlds = _certificates(3)
    for built in worlds:
        built.unit.coordinators.add(coordinator)
    url = reverse("portal:certificate.list")
    for built in worlds[1:]:
        built.unit.coordinators.remove(coordinator)
    one, response = _list_queries(client, url)
    assert len(response.context["rows"]) == 1
    for built in worlds[1:]:
        built.unit.coordinators.add(coordinator)
    three, response = _list_queries(client, url)
    assert len(response.context["rows"]) == 3
    assert three == one


def test_portal_empty_state(client):
    sign_in(client, UserFactory(roles=["coordinator"]))
    response = client.get(reverse("portal:certificate.list"))
    assert "หน่วยบริการของท่านยังไม่มีใบรับรอง" in response.content.decode()


def test_portal_pdf_of_another_units_certificate_is_hidden(client):
    certificates, worlds = _certificates(2)
    sign_in(client, worlds[0].coordinator)
    response = client.get(reverse("portal:certificate.pdf", args=[certificates[1].pk]))
    assert response.status_code == 404


def test_portal_pdf_of_the_own_certificate(client):
    built = certify_world()
    certificate = certificate_for(built)
    sign_in(client, built.coordinator)
    response = client.get(reverse("portal:certificate.pdf", args=[certificate.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
