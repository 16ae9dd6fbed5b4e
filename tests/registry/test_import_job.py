import pytest
from django.core.files.base import ContentFile

from gecc.registry.enums import ImportKind, ImportStatus
from gecc.registry.models import ImportJob, ServiceUnit
from gecc.registry.tasks import import_file_task, start_import, validate_file_task
from tests.registry.factories import OrganizationFactory, ServiceUnitFactory
from tests.registry.helpers import unit_row, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def make_job(rows, user, status=ImportStatus.PENDING):
    job = ImportJob(kind=ImportKind.UNITS, original_name="units.xlsx", created_by=user,
                    status=status)
    job.file.save("units.xlsx", ContentFile(xlsx_bytes(rows)), save=True)
    return job


def test_validate_file_task_keeps_the_preview_and_awaits_confirmation(make_user):
    ServiceUnitFactory(code="U2", organization=OrganizationFactory(code="BAAC"))
    job = make_job([unit_row(), unit_row(unit_code="U2")], make_user("secretariat"),
                   ImportStatus.VALIDATING)
    assert validate_file_task(job.pk) == ImportStatus.AWAITING_CONFIRMATION
    job.refresh_from_db()
    assert (job.progress, job.row_count, job.to_create_count, job.to_update_count) == (
        100, 2, 1, 1)
    assert job.preview["columns"][:2] == ["unit_code", "name_th"]
    assert job.preview["rows"][1][:2] == [3, "U2"]
    assert job.preview["rows"][0][8] == "18.330860"  # the latitude, kept as text
    assert job.errors == []
    assert ServiceUnit.objects.count() == 1  # checking writes nothing


def test_validate_file_task_keeps_the_row_errors_in_thai(make_user):
    OrganizationFactory(code="BAAC")
    job = make_job([unit_row(), unit_row(unit_code="U2", email="bad")],
                   make_user("secretariat"), ImportStatus.VALIDATING)
    validate_file_task(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.AWAITING_CONFIRMATION
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "email")]
    assert "อีเมล" in job.errors[0]["message"]
    assert (job.preview, job.to_create_count) == ({}, 0)


def test_validate_file_task_leaves_a_job_that_is_not_validating_alone(make_user):
    OrganizationFactory(code="BAAC")
    job = make_job([unit_row()], make_user("secretariat"), ImportStatus.AWAITING_CONFIRMATION)
    assert validate_file_task(job.pk) == ImportStatus.AWAITING_CONFIRMATION
    job.refresh_from_db()
    assert (job.progress, job.row_count) == (0, 0)


def test_validate_file_task_does_not_reopen_a_job_confirmed_meanwhile(make_user,
                                                                     monkeypatch):
    """A check delivered twice: the job was confirmed while the second copy was reading."""
    from gecc.registry.interfaces import importers

    OrganizationFactory(code="BAAC")
    job = make_job([unit_row()], make_user("secretariat"), ImportStatus.VALIDATING)
    real = importers.parse_and_validate

    def confirmed_while_reading(*args, **kwargs):
        result = real(*args, **kwargs)
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.PENDING)
        return result

    monkeypatch.setattr(importers, "parse_and_validate", confirmed_while_reading)
    assert validate_file_task(job.pk) == ImportStatus.PENDING
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.PENDING


@pytest.mark.parametrize("error", [
    "kombu.exceptions.OperationalError",  # the broker refuses the connection
    "builtins.RuntimeError",  # the result backend gives up reconnecting
])
def test_a_job_waits_visibly_when_the_broker_cannot_be_reached(make_user, monkeypatch, error):
    import importlib

    from gecc.registry.tasks import start_validation

    module, name = error.rsplit(".", 1)
    exception = getattr(importlib.import_module(module), name)

    def unreachable(*args, **kwargs):
        raise exception("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(validate_file_task, "apply_async", unreachable)
    OrganizationFactory(code="BAAC")
    job = make_job([unit_row()], make_user("secretariat"), ImportStatus.VALIDATING)
    assert start_validation(job, "th") is False
    job.refresh_from_db()
    assert (job.status, job.progress) == (ImportStatus.VALIDATING, 0)


def test_sweep_runs_the_jobs_no_worker_started(make_user, settings):
    import datetime

    from django.utils import timezone

    from gecc.registry.tasks import sweep_import_jobs

    settings.REGISTRY_IMPORT_STALL_SECONDS = 120
    OrganizationFactory(code="BAAC")
    user = make_user("secretariat")
    unchecked = make_job([unit_row()], user, ImportStatus.VALIDATING)
    unimported = make_job([unit_row(unit_code="U2")], user, ImportStatus.PENDING)
    fresh = make_job([unit_row(unit_code="U3")], user, ImportStatus.VALIDATING)
    later = timezone.now() + datetime.timedelta(minutes=3)
    ImportJob.objects.filter(pk=fresh.pk).update(created_at=later)
    assert sweep_import_jobs(now=later) == {"checked": 1, "imported": 1}
    statuses = dict(ImportJob.objects.values_list("pk", "status"))
    assert statuses == {unchecked.pk: ImportStatus.AWAITING_CONFIRMATION,
                        unimported.pk: ImportStatus.SUCCEEDED,
                        fresh.pk: ImportStatus.VALIDATING}
    assert sweep_import_jobs(now=later) == {"checked": 0, "imported": 0}


def test_import_task_leaves_a_job_another_run_has_claimed(make_user):
    OrganizationFactory(code="BAAC")
    job = make_job([unit_row()], make_user("secretariat"), ImportStatus.RUNNING)
    assert import_file_task(job.pk) == ImportStatus.RUNNING
    assert ServiceUnit.objects.count() == 0


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


def test_migration_closes_jobs_left_waiting_without_a_stored_check(make_user):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "gecc.registry.migrations.0006_fail_unchecked_waiting_jobs")
    OrganizationFactory(code="BAAC")
    user = make_user("secretariat")
    old = make_job([unit_row()], user, ImportStatus.AWAITING_CONFIRMATION)
    checked = make_job([unit_row()], user, ImportStatus.VALIDATING)
    validate_file_task(checked.pk)
    migration.close_unchecked(apps, None)
    old.refresh_from_db()
    checked.refresh_from_db()
    assert old.status == ImportStatus.FAILED
    assert "กรุณาอัปโหลดแฟ้มอีกครั้ง" in old.errors[0]["message"]
    assert checked.status == ImportStatus.AWAITING_CONFIRMATION
