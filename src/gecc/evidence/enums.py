from django.db import models
from django.utils.translation import gettext_lazy as _


class EvidenceKind(models.TextChoices):
    """The kinds of evidence file accepted, as detected from the content."""

    PDF = "pdf", "PDF"
    JPEG = "jpeg", "JPEG"
    PNG = "png", "PNG"
    DOCX = "docx", "DOCX"
    XLSX = "xlsx", "XLSX"


class EvidenceStatus(models.TextChoices):
    """Where a stored version stands (derived, for display)."""

    CURRENT = "current", _("Current")
    REPLACED = "replaced", _("Replaced")
    REMOVED = "removed", _("Removed")
