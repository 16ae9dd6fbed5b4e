"""Bulk generation of a round's certificates: the batch, the Celery task (eager), the ZIP
in Django storage named by numbers, progress, failure, and the staff pages (confirmation,
progress polled by htmx, download)."""

import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from gecc.audit.models import AuditEntry
from gecc.certificates.domain import batch as batch_domain
from gecc.certificates.domain.batch import start_batch
from gecc.certificates.domain.issue import issue_certificate
from gecc.certificates.enums import BatchState, CertificateState
from gecc.certificates.models import Certificate, CertificateBatch
from tests.certificates.factories_issue import certify_world
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def round_with_certificates(count):
    first = certify_world()
    worlds = [first] + [certify_world(round_obj=first.round, secretariat=first.secretariat,
                                      meeting=first.meeting) for _ in range(count - 1)]
    certificates = [issue_certificate(w.decision, w.secretariat) for w in worlds]
    return first, certificates


def run(round_obj, actor, capture):
    with capture(execute=True):
        batch, started = start_batch(round_obj, actor)
    batch.refresh_from_db()
    return batch, started


def zip_names(batch):
    with default_storage.open(batch.file_name, "rb") as handle:
        return sorted(zipfile.ZipFile(io.BytesIO(handle.read())).namelist())


def test_batch_prints_every_certificate_into_one_zip(django_capture_on_commit_callbacks):
    built, certificates = round_with_certificates(2)
    batch, started = run(built.round, built.secretariat, django_capture_on_commit_callbacks)
    assert started
    assert batch.state == BatchState.DONE
    assert (batch.done, batch.total) == (2, 2)
    assert batch.file_name.startswith("certificates/batches/")
    assert zip_names(batch) == sorted(f"{c.number}.pdf" for c in certificates)
    assert batch.size == default_storage.size(batch.file_name)
    assert len(batch.sha256) == 64
    assert batch.started_at is not None and batch.finished_at is not None
    entry = AuditEntry.objects.get(action="certificate.batch_started")
    assert entry.data["total"] == 2


def test_batch_leaves_withdrawn_certificates_out(django_capture_on_commit_callbacks):
    built, certificates = round_with_certificates(2)
    Certificate.objects.filter(pk=certificates[1].pk).update(state=CertificateState.WITHDRAWN)
    batch, _ = run(built.round, built.secretariat, django_capture_on_commit_callbacks)
    assert zip_names(batch) == [f"{certificates[0].number}.pdf"]
    assert (batch.done, batch.total) == (1, 1)


def test_batch_generated_again_has_the_same_entries(django_capture_on_commit_callbacks):
    built, _certificates = round_with_certificates(1)
    first, _ = run(built.round, built.secretariat, django_capture_on_commit_callbacks)
    second, started = run(built.round, built.secretariat, django_capture_on_commit_callbacks)
    assert started and second.pk != first.pk
    assert zip_names(first) == zip_names(second)
    assert Certificate.objects.get().number.endswith("-000001")


def test_a_running_batch_is_returned_instead_of_a_second(django_capture_on_commit_callbacks):
    built, _certificates = round_with_certificates(1)
    running = CertificateBatch.objects.create(round=built.round, state=BatchState.RUNNING)
    batch, started = run(built.round, built.secretariat, django_capture_on_commit_callbacks)
    assert (batch.pk, started) == (running.pk, False)
    assert CertificateBatch.objects.count() == 1


def test_a_failing_render_ends_the_batch_failed(django_capture_on_commit_callbacks,
                                                 monkeypatch):
    from gecc.certificates.domain import pdf
    from gecc.common.documents import DocumentRenderError

    def broken(certificates, renderer=None, request=None):
        raise DocumentRenderError("Chromium crashed")
        yield  # noqa: B901  (a generator, like the real one)

    monkeypatch.setattr(pdf, "certificate_pdfs", broken)
    built, _certificates = round_with_certificates(1)
    batch, _ = run(built.round, built.secretariat, django_capture_on_commit_callbacks)
    assert batch.state == BatchState.FAILED
    assert batch.error == ("สร้างใบรับรองไม่สำเร็จ (DocumentRenderError) กรุณาลองใหม่ "
                           "หากยังไม่สำเร็จ โปรดแจ้งผู้ดูแลระบบ")
    assert batch.file_name == ""


def test_progress_is_written_as_documents_are_printed(django_capture_on_commit_callbacks,
                                                      monkeypatch):
    seen = []
    original = batch_domain._Progress.__call__

    def spy(self, done, force=False):
        seen.append(done)
        return original(self, done, force=True)

    monkeypatch.setattr(batch_domain._Progress, "__call__", spy)
    built, _certificates = round_with_certificates(2)
    run(built.round, built.secretariat, django_capture_on_commit_callbacks)
    assert seen == [1, 2, 2]


# -- pages -------------------------------------------------------------------------------

def _secretariat(client, built):
    TOTPDevice.objects.get_or_create(user=built.secretariat, name="test", confirmed=True)
    sign_in(client, built.secretariat)


def test_batch_create_page_confirms_then_starts(client, django_capture_on_commit_callbacks):
    built, _certificates = round_with_certificates(2)
    _secretariat(client, built)
    url = reverse("certificates:batch.create", args=[built.round.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "ใบรับรองของรอบนี้ 2 ฉบับ" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    batch = CertificateBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("certificates:batch.detail", args=[batch.pk])


def test_batch_create_refused_for_a_round_without_certificates(client):
    built = certify_world()
    _secretariat(client, built)
    url = reverse("certificates:batch.create", args=[built.round.pk])
    assert "รอบนี้ยังไม่มีใบรับรองให้สร้าง" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "รอบนี้ยังไม่มีใบรับรองให้สร้าง" in response.content.decode()
    assert not CertificateBatch.objects.exists()


def test_batch_progress_part_is_polled_while_running(client):
    built, _certificates = round_with_certificates(1)
    _secretariat(client, built)
    batch = CertificateBatch.objects.create(round=built.round, state=BatchState.RUNNING,
                                            total=4, done=1)
    url = reverse("certificates:batch.detail", args=[batch.pk])
    part = client.get(url, HTTP_HX_REQUEST="true")
    html = part.content.decode()
    assert part.templates[0].name == "certificates/batch/_status.html"
    assert 'hx-trigger="every 1s"' in html
    assert 'value="25"' in html
    assert "พิมพ์ใบรับรองแล้ว 1 จาก 4 ฉบับ" in html


def test_batch_download_is_the_zip_and_is_logged(client, django_capture_on_commit_callbacks):
    built, certificates = round_with_certificates(1)
    batch, _ = run(built.round, built.secretariat, django_capture_on_commit_callbacks)
    _secretariat(client, built)
    response = client.get(reverse("certificates:batch.download", args=[batch.pk]))
    content = b"".join(response.streaming_content)
    assert response["Content-Type"] == "application/zip"
    assert f"GECC-{built.round.year}-certificates.zip" in response["Content-Disposition"]
    assert zipfile.ZipFile(io.BytesIO(content)).namelist() == [f"{certificates[0].number}.pdf"]
    assert AuditEntry.objects.get(action="certificate.batch_downloaded").data["rows"] == 1


def test_batch_pages_are_the_secretariats(client):
    from tests.factories import UserFactory

    built, _certificates = round_with_certificates(1)
    sign_in(client, UserFactory(roles=["steering"]))
    assert client.get(reverse("certificates:batch.create",
                              args=[built.round.pk])).status_code == 403
