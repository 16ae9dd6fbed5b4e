from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    INDEPENDENT_BODY = "independent_body", _("Independent body")
    DEPARTMENT = "department", _("Department")
    STATE_ENTERPRISE = "state_enterprise", _("State enterprise")
    PROVINCIAL_ADMINISTRATION = "provincial_administration", _("Provincial administration")
    OTHER = "other", _("Other")


class UnitType(models.TextChoices):
    PROVINCIAL_OFFICE = "provincial_office", _("Provincial office")
    DISTRICT_OFFICE = "district_office", _("District office")
    BRANCH = "branch", _("Branch")
    ONE_STOP_SERVICE_CENTRE = "one_stop_service_centre", _("One-stop service centre")
    STATE_ENTERPRISE_BRANCH = "state_enterprise_branch", _("State-enterprise branch")
    HOSPITAL = "hospital", _("Hospital")
    OTHER = "other", _("Other")


class ImportKind(models.TextChoices):
    ORGANIZATIONS = "organizations", _("Organisations")
    UNITS = "units", _("Service units")


class ImportStatus(models.TextChoices):
    VALIDATING = "validating", _("Checking the file")
    AWAITING_CONFIRMATION = "awaiting_confirmation", _("Awaiting confirmation")
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


FINISHED_IMPORT_STATES = frozenset({ImportStatus.SUCCEEDED, ImportStatus.FAILED})
# A job in one of these states has work queued or running: its page polls for progress.
BUSY_IMPORT_STATES = frozenset({ImportStatus.VALIDATING, ImportStatus.PENDING,
                                ImportStatus.RUNNING})
