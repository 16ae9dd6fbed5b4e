import pytest
from django.core.files.base import ContentFile

from gecc.registry.enums import ImportKind, ImportStatus
from gecc.registry.models import ImportJob, ServiceUnit
from gecc.registry.tasks import import_file_task, start_import
from tests.registry.factories import OrganizationFactory
from tests.registry.helpers import unit_row, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def make_job(rows, user):
    job = ImportJob(kind=ImportKind.UNITS, original_name="units.xlsx", created_by=user)
    job.file.save("units.xlsx", ContentFile(xlsx_bytes(rows)), save=True)
    return job


def test_import_job_runs_to_success_with_counts(make_user):
    OrganizationFactory(code="BAAC")
    job = make_job([unit_row(), unit_row(unit_code="U2")], make_user("secretariat"))
    start_import(job)
    job.refresh_from_db()
    assert (job.status, job.progress) == (ImportStatus.SUCCEEDED, 100)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (2, 0, 0)
    assert job.finished_at is not None
    assert ServiceUnit.objects.count() == 2


def test_import_job_with_bad_row_fails_and_keeps_errors(make_user):
    OrganizationFactory(code="BAAC")
    job = make_job([unit_row(email="bad")], make_user("secretariat"))
    import_file_task(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert job.errors[0]["row"] == 2
    assert job.errors[0]["column"] == "email"
    assert "อีเมล" in job.errors[0]["message"]
    assert ServiceUnit.objects.count() == 0


def test_import_job_runs_once(make_user):
    OrganizationFactory(code="BAAC")
    job = make_job([unit_row()], make_user("secretariat"))
    import_file_task(job.pk)
    assert import_file_task(job.pk) == ImportStatus.SUCCEEDED
    assert ServiceUnit.objects.count() == 1


def test_import_jobs_are_visible_to_secretariat_only(make_user):
    job = make_job([unit_row()], make_user("secretariat"))
    assert list(ImportJob.objects.visible_to(make_user("secretariat"))) == [job]
    assert list(ImportJob.objects.visible_to(make_user("assessor"))) == []
