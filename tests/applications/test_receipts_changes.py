"""What changed between the return and the resubmission, and the inline evidence preview
on the desk review (issue 10, point 8)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gecc.applications.domain import (
    changes_since_return,
    resubmit,
    return_for_correction,
    save_answer,
    submit_application,
)
from gecc.applications.models import Answer, Submission
from gecc.evidence.domain.evidence import add_evidence
from tests.applications.factories import DURING, answer_all
from tests.evidence import samples

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def answer_for(application, ref):
    return Answer.objects.select_related("item", "application__round").get(
        application=application, item__ref=ref)


@pytest.fixture
def returned(application, coordinator, secretariat, clock):
    answer_all(application)
    add_evidence(answer_for(application, "P1.1"),
                 SimpleUploadedFile("ลานจอด.png", samples.png_bytes()), coordinator)
    submit_application(application, coordinator)
    clock.now = DURING + datetime.timedelta(days=45)  # the desk review
    application.round.refresh_from_db()
    return_for_correction(application, secretariat, DURING + datetime.timedelta(days=60),
                          ["แนบภาพถ่ายเพิ่มเติม"])
    return application


def test_resubmission_lists_exactly_the_changed_items(returned, coordinator, client,
                                                      login_as):
    q11 = answer_for(returned, "Q1.1")
    save_answer(q11, self_score=4, explanation=q11.explanation,
                expected_revision=q11.revision, actor=coordinator)
    evidence = add_evidence(answer_for(returned, "P1.2"),
                            SimpleUploadedFile("คู่มือ.pdf", samples.pdf_bytes()), coordinator)
    resubmit(returned, coordinator)
    assert [s.number[-2:] for s in Submission.objects.filter(application=returned)] == [
        "01", "02"]
    changes = changes_since_return(returned)
    assert [(c.ref, c.before_score, c.after_score, c.changes) for c in changes] == [
        ("P1.2", "1", "1", ("evidence_added",)), ("Q1.1", "2", "4", ("score",))]
    login_as("secretariat")
    page = client.get(reverse("applications:review.detail", kwargs={"pk": returned.pk}))
    body = page.content.decode()
    assert 'data-testid="change-P1.2"' in body and 'data-testid="change-Q1.1"' in body
    assert 'data-testid="change-P1.1"' not in body
    assert body.count('data-testid="evidence-preview"') == 2  # the PNG and the new PDF
    assert body.count('data-testid="changed-badge"') == 2
    # Inline previews: the picture as <img>, the PDF in an <iframe>, both via ?inline=1.
    assert f'<iframe src="{evidence.get_preview_url()}"' in body
    assert "frame-src 'self'" in page["Content-Security-Policy"]


def test_first_submission_shows_no_change_panel(application, coordinator, client,
                                                login_as):
    answer_all(application)
    add_evidence(answer_for(application, "P1.1"),
                 SimpleUploadedFile("ลานจอด.png", samples.png_bytes()), coordinator)
    submit_application(application, coordinator)
    assert changes_since_return(application) is None
    login_as("secretariat")
    body = client.get(reverse("applications:review.detail",
                              kwargs={"pk": application.pk})).content.decode()
    assert 'data-testid="changes"' not in body


def test_inline_preview_only_for_pictures_and_pdfs(application, coordinator, client,
                                                   login_as):
    png = add_evidence(answer_for(application, "P1.1"),
                       SimpleUploadedFile("ลานจอด.png", samples.png_bytes()), coordinator)
    pdf = add_evidence(answer_for(application, "P1.1"),
                       SimpleUploadedFile("รายงาน.pdf", samples.pdf_bytes()), coordinator)
    docx = add_evidence(answer_for(application, "P1.1"),
                        SimpleUploadedFile("บันทึก.docx", samples.docx_bytes()), coordinator)
    login_as("secretariat")
    image = client.get(png.get_preview_url())
    assert image["Content-Disposition"].startswith("inline")
    assert image["Content-Security-Policy"] == \
        "default-src 'none'; frame-ancestors 'self'; sandbox"
    assert image["X-Frame-Options"] == "SAMEORIGIN"
    document = client.get(pdf.get_preview_url())
    assert document["Content-Disposition"].startswith("inline")
    assert document["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'self'"
    other = client.get(docx.get_preview_url())
    assert other["Content-Disposition"].startswith("attachment")
    assert other["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert other["X-Frame-Options"] == "DENY"
    plain = client.get(png.get_download_url())
    assert plain["Content-Disposition"].startswith("attachment")
    for response in (image, document, other, plain):
        response.close()  # each holds its file open
