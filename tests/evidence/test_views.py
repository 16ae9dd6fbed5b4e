"""Evidence screens: protected download, htmx upload/replace/remove, version history."""

from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gecc.applications.enums import ApplicationState
from gecc.applications.models import Application
from gecc.committees.enums import AssignmentState, ConflictKind
from gecc.committees.models import Assignment, Conflict, Membership, SubCommittee
from gecc.evidence.domain.evidence import add_evidence, replace_evidence
from gecc.evidence.models import EvidenceFile
from tests.conftest import sign_in
from tests.evidence import samples

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
NOT_ALLOWED = ("ไม่สามารถใช้ไฟล์ประเภทนี้เป็นหลักฐานได้ "
               "ประเภทไฟล์ที่รับ: PDF, JPEG, PNG, DOCX และ XLSX")


@pytest.fixture
def evidence(answer, coordinator):
    return add_evidence(answer, SimpleUploadedFile("รายงาน ผล.pdf", samples.pdf_bytes()),
                        coordinator)


def upload_url(answer):
    return reverse("evidence:file.upload", kwargs={"answer_id": answer.pk})


def versions_url(answer):
    return reverse("evidence:file.versions", kwargs={"answer_id": answer.pk})


def body(response):
    """The downloaded bytes; the streamed file is closed afterwards."""
    data = b"".join(response.streaming_content) if response.streaming else response.content
    response.close()
    return data


# Download ---------------------------------------------------------------------------------

def test_download_by_the_units_coordinator_serves_the_bytes(client, coordinator, evidence):
    sign_in(client, coordinator)
    response = client.get(evidence.get_download_url())
    assert response.status_code == 200
    assert body(response) == samples.pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''" + quote("รายงาน ผล.pdf"))


def test_download_names_the_file_by_its_detected_type(client, coordinator, answer):
    photo = add_evidence(answer, SimpleUploadedFile('a"b;c.pdf', samples.png_bytes()),
                         coordinator)
    sign_in(client, coordinator)
    response = client.get(photo.get_download_url())
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="a_b_c.png"'
    assert body(response) == photo.file.open("rb").read()
    photo.file.close()


def test_download_by_the_secretariat_is_allowed(client, login_as, evidence):
    login_as("secretariat")
    response = client.get(evidence.get_download_url())
    assert response.status_code == 200
    assert body(response) == samples.pdf_bytes()


@pytest.mark.parametrize("role", ["steering", "assessor"])
def test_download_of_a_drafts_file_by_steering_or_a_member_is_404(client, login_as, evidence,
                                                                  role):
    login_as(role)
    assert client.get(evidence.get_download_url()).status_code == 404
    assert client.get(versions_url(evidence.answer)).status_code == 404


def team_with(member, application, state=AssignmentState.CONFIRMED):
    team = SubCommittee.objects.create(round=application.round, number=1)
    Membership.objects.create(subcommittee=team, user=member)
    Assignment.objects.create(round=application.round, application=application,
                              subcommittee=team, state=state)


def accepted(evidence):
    Application.objects.filter(pk=evidence.answer.application_id).update(
        state=ApplicationState.ACCEPTED)


def test_download_by_a_member_of_the_assigned_team_is_allowed(client, login_as, evidence):
    accepted(evidence)
    member = login_as("assessor")
    team_with(member, evidence.answer.application)
    assert client.get(versions_url(evidence.answer)).status_code == 200
    response = client.get(evidence.get_download_url())
    assert response.status_code == 200
    assert body(response) == samples.pdf_bytes()


def test_download_by_a_member_with_a_conflict_of_interest_is_404(client, login_as, evidence):
    accepted(evidence)
    member = login_as("assessor")
    application = evidence.answer.application
    team_with(member, application)
    Conflict.objects.create(round=application.round, user=member, unit=application.unit,
                            kind=ConflictKind.DECLARED)
    assert client.get(evidence.get_download_url()).status_code == 404


@pytest.mark.parametrize("state", [AssignmentState.PROPOSED, None])
def test_download_by_a_member_without_a_confirmed_assignment_is_404(client, login_as,
                                                                    evidence, state):
    accepted(evidence)
    member = login_as("assessor")
    if state is not None:
        team_with(member, evidence.answer.application, state)
    assert client.get(evidence.get_download_url()).status_code == 404


def test_download_by_steering_is_404_even_once_accepted(client, login_as, evidence):
    accepted(evidence)
    login_as("steering")
    assert client.get(evidence.get_download_url()).status_code == 404
    assert client.get(evidence.get_preview_url()).status_code == 404


def test_download_by_a_coordinator_of_another_unit_is_404(client, login_as, evidence):
    login_as("coordinator")
    assert client.get(evidence.get_download_url()).status_code == 404


def test_download_of_an_unknown_file_is_404(client, coordinator):
    sign_in(client, coordinator)
    url = reverse("evidence:file.download",
                  kwargs={"public_id": "00000000-0000-0000-0000-000000000000"})
    assert client.get(url).status_code == 404


def test_download_by_anonymous_goes_to_sign_in(client, evidence):
    response = client.get(evidence.get_download_url())
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_download_of_an_old_version_is_allowed(client, coordinator, evidence):
    replace_evidence(evidence, SimpleUploadedFile("v2.pdf", samples.pdf_bytes() + b"%2\n"),
                     coordinator)
    sign_in(client, coordinator)
    assert body(client.get(evidence.get_download_url())) == samples.pdf_bytes()


def test_media_url_does_not_serve_stored_files(client, coordinator, evidence, settings):
    sign_in(client, coordinator)
    assert client.get(settings.MEDIA_URL + evidence.file.name).status_code == 404
    assert client.get("/media/" + evidence.file.name).status_code == 404
    assert client.get("/" + evidence.file.name).status_code == 404


# Upload -----------------------------------------------------------------------------------

def test_upload_with_htmx_returns_the_answers_file_list(client, coordinator, answer):
    sign_in(client, coordinator)
    response = client.post(upload_url(answer),
                           {"file": SimpleUploadedFile("แผนผัง.docx", samples.docx_bytes())},
                           **HTMX)
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "evidence/includes/answer_files.html"
    stored = EvidenceFile.objects.get(answer=answer)
    html = response.content.decode()
    assert stored.kind == "docx"
    assert "แผนผัง.docx" in html
    assert stored.get_download_url() in html
    assert f'id="evidence-{answer.pk}"' in html
    assert 'hx-encoding="multipart/form-data"' in html


def test_upload_without_htmx_redirects_back(client, coordinator, answer):
    sign_in(client, coordinator)
    response = client.post(upload_url(answer), {
        "file": SimpleUploadedFile("sheet.xlsx", samples.xlsx_bytes()),
        "next": "/portal/somewhere/?tab=2"})
    assert response.status_code == 302
    assert response.url == "/portal/somewhere/?tab=2"
    assert EvidenceFile.objects.get(answer=answer).kind == "xlsx"


def test_upload_without_htmx_ignores_an_outside_next(client, coordinator, answer):
    sign_in(client, coordinator)
    response = client.post(upload_url(answer), {
        "file": SimpleUploadedFile("a.pdf", samples.pdf_bytes()),
        "next": "https://evil.example/"})
    assert response.url == versions_url(answer)


def test_upload_of_an_executable_renamed_pdf_shows_the_error(client, coordinator, answer):
    sign_in(client, coordinator)
    response = client.post(upload_url(answer), {
        "file": SimpleUploadedFile("report.pdf", b"MZ\x90\x00" + b"\0" * 512)}, **HTMX)
    assert response.status_code == 200
    assert response.context["evidence_error"] == NOT_ALLOWED
    assert NOT_ALLOWED in response.content.decode()
    assert EvidenceFile.objects.count() == 0


def test_upload_of_a_too_big_file_shows_the_limit(client, coordinator, answer, settings):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    sign_in(client, coordinator)
    response = client.post(upload_url(answer), {
        "file": SimpleUploadedFile("big.pdf", b"%PDF-" + b"\0" * (1024 * 1024))}, **HTMX)
    assert response.context["evidence_error"] == (
        "ไฟล์มีขนาดใหญ่เกินไป ขนาดไฟล์สูงสุดที่รับได้คือ 1 MB")
    assert EvidenceFile.objects.count() == 0


def test_upload_of_an_empty_file_shows_the_error(client, coordinator, answer):
    sign_in(client, coordinator)
    response = client.post(upload_url(answer), {"file": SimpleUploadedFile("a.pdf", b"")},
                           **HTMX)
    assert response.context["evidence_error"] == "ไฟล์ว่างเปล่า กรุณาเลือกไฟล์ที่มีเนื้อหา"


def test_upload_without_a_file_shows_the_error(client, coordinator, answer):
    sign_in(client, coordinator)
    response = client.post(upload_url(answer), {}, **HTMX)
    assert response.context["evidence_error"] == "กรุณาเลือกไฟล์ที่จะอัปโหลด"


def test_upload_error_without_htmx_is_a_message_after_redirect(client, coordinator, answer):
    sign_in(client, coordinator)
    response = client.post(upload_url(answer), {
        "file": SimpleUploadedFile("a.pdf", b"<html></html>")}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [NOT_ALLOWED]


def test_upload_by_a_coordinator_of_another_unit_is_404(client, login_as, answer):
    login_as("coordinator")
    response = client.post(upload_url(answer),
                           {"file": SimpleUploadedFile("a.pdf", samples.pdf_bytes())}, **HTMX)
    assert response.status_code == 404
    assert EvidenceFile.objects.count() == 0


def test_upload_by_the_secretariat_is_forbidden(client, login_as, answer):
    login_as("secretariat")
    response = client.post(upload_url(answer),
                           {"file": SimpleUploadedFile("a.pdf", samples.pdf_bytes())}, **HTMX)
    assert response.status_code == 403


def test_upload_to_a_submitted_application_is_refused(client, coordinator, answer):
    answer.application.state = ApplicationState.SUBMITTED
    answer.application.save(update_fields=["state"])
    sign_in(client, coordinator)
    response = client.post(upload_url(answer),
                           {"file": SimpleUploadedFile("a.pdf", samples.pdf_bytes())}, **HTMX)
    assert response.status_code == 409  # with the reason (tests/evidence/test_archive_uploads)
    assert not EvidenceFile.objects.exists()


def test_upload_by_get_is_not_allowed(client, coordinator, answer):
    sign_in(client, coordinator)
    assert client.get(upload_url(answer)).status_code == 405


# Replace and remove -----------------------------------------------------------------------

def test_replace_with_htmx_shows_the_new_version(client, coordinator, evidence):
    sign_in(client, coordinator)
    response = client.post(evidence.get_replace_url(), {
        "file": SimpleUploadedFile("ฉบับใหม่.pdf", samples.pdf_bytes() + b"%2\n")}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "ฉบับใหม่.pdf" in html
    assert "รายงาน ผล.pdf" not in html
    assert "ฉบับที่ 2" in html
    assert EvidenceFile.objects.filter(answer=evidence.answer).count() == 2


def test_replace_with_a_wrong_type_keeps_the_current_file(client, coordinator, evidence):
    sign_in(client, coordinator)
    response = client.post(evidence.get_replace_url(), {
        "file": SimpleUploadedFile("x.pdf", b"\x7fELF")}, **HTMX)
    assert response.context["evidence_error"] == NOT_ALLOWED
    evidence.refresh_from_db()
    assert evidence.is_current


def test_remove_asks_for_confirmation(client, coordinator, evidence):
    sign_in(client, coordinator)
    response = client.get(evidence.get_remove_url())
    assert response.status_code == 200
    assert "รายงาน ผล.pdf" in response.content.decode()
    evidence.refresh_from_db()
    assert evidence.is_current


def test_remove_with_htmx_takes_the_file_off_the_list(client, coordinator, evidence):
    sign_in(client, coordinator)
    response = client.post(evidence.get_remove_url(), **HTMX)
    assert response.status_code == 200
    assert list(response.context["files"]) == []
    evidence.refresh_from_db()
    assert evidence.is_current is False


def test_remove_by_a_coordinator_of_another_unit_is_404(client, login_as, evidence):
    login_as("coordinator")
    assert client.post(evidence.get_remove_url()).status_code == 404
    assert client.post(evidence.get_replace_url()).status_code == 404
    evidence.refresh_from_db()
    assert evidence.is_current


# Versions and the partial ----------------------------------------------------------------

def test_versions_lists_every_version_with_its_status(client, coordinator, evidence):
    replace_evidence(evidence, SimpleUploadedFile("v2.pdf", samples.pdf_bytes() + b"%2\n"),
                     coordinator)
    sign_in(client, coordinator)
    response = client.get(versions_url(evidence.answer))
    assert response.status_code == 200
    assert [(f.original_name, f.status) for f in response.context["versions"]] == [
        ("v2.pdf", "current"), ("รายงาน ผล.pdf", "replaced")]
    assert "ถูกแทนที่" in response.content.decode()


def test_versions_by_a_coordinator_of_another_unit_is_404(client, login_as, evidence):
    login_as("coordinator")
    assert client.get(versions_url(evidence.answer)).status_code == 404


def test_versions_for_the_secretariat_has_no_upload_form(client, login_as, evidence):
    login_as("secretariat")
    response = client.get(versions_url(evidence.answer))
    assert response.status_code == 200
    assert response.context["can_edit"] is False
    assert upload_url(evidence.answer) not in response.content.decode()


def test_partial_renders_with_the_documented_context(rf, coordinator, evidence):
    from django.template.loader import render_to_string

    from gecc.applications.models import Answer
    from gecc.evidence.models import current_evidence_prefetch

    request = rf.get("/portal/self-assessment/?item=3")
    request.user = coordinator
    answer = Answer.objects.prefetch_related(current_evidence_prefetch()).get(
        pk=evidence.answer_id)
    html = render_to_string("evidence/includes/answer_files.html", {
        "answer": answer, "files": answer.current_evidence, "can_edit": True}, request=request)
    assert "รายงาน ผล.pdf" in html
    assert f'hx-post="{upload_url(answer)}"' in html
    assert 'hx-encoding="multipart/form-data"' in html
    assert f'hx-target="#evidence-{answer.pk}"' in html
    assert 'name="next" value="/portal/self-assessment/?item=3"' in html
    assert "ขนาดไม่เกินไฟล์ละ 20 MB" in html
    assert evidence.get_remove_url() in html


def test_partial_without_edit_rights_shows_no_forms(rf, coordinator, evidence):
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = coordinator
    html = render_to_string("evidence/includes/answer_files.html", {
        "answer": evidence.answer, "files": [evidence], "can_edit": False}, request=request)
    assert evidence.get_download_url() in html
    assert "<form" not in html


def test_current_evidence_prefetch_uses_one_query_for_any_number_of_answers(
        coordinator, answer, django_assert_num_queries):
    from gecc.applications.models import Answer
    from gecc.evidence.models import current_evidence_prefetch
    from tests.evidence.factories import first_item

    others = [Answer.objects.create(application=answer.application,
                                    item=first_item(answer.application, index))
              for index in (1, 2)]
    for target in [answer, *others]:
        for name in ("a.pdf", "b.pdf"):
            add_evidence(target, SimpleUploadedFile(name, samples.pdf_bytes()), coordinator)
    with django_assert_num_queries(2):
        answers = list(Answer.objects.filter(application=answer.application)
                       .prefetch_related(current_evidence_prefetch()))
        names = [[f.uploaded_by.pk for f in a.current_evidence] for a in answers]
    assert names == [[coordinator.pk] * 2] * 3


def test_upload_of_a_21_mb_file_is_refused_with_the_limit(client, coordinator, answer,
                                                          settings):
    settings.EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
    sign_in(client, coordinator)
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + bytes(21 * 1024 * 1024 - 9))
    response = client.post(upload_url(answer), {"file": big}, **HTMX)
    assert response.context["evidence_error"] == (
        "ไฟล์มีขนาดใหญ่เกินไป ขนาดไฟล์สูงสุดที่รับได้คือ 20 MB")
    assert EvidenceFile.objects.count() == 0


@pytest.mark.parametrize("role", ["secretariat", "assessor"])
def test_staff_who_read_a_sent_file_are_refused_its_removal_not_told_it_was_sent(
        client, login_as, evidence, role):
    """Only the unit's coordinator hears "submitted in another tab" (409); the secretariat
    and the team's members, who may read the file, never change it: 403, nothing removed."""
    accepted(evidence)
    user = login_as(role)
    if role == "assessor":
        team_with(user, evidence.answer.application)
    url = reverse("evidence:file.remove", kwargs={"public_id": evidence.public_id})
    assert client.get(url).status_code == 403
    assert client.post(url, **HTMX).status_code == 403
    evidence.refresh_from_db()
    assert evidence.is_current
