import uuid

from django.conf import settings
from django.db import models
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gecc.accounts.enums import Role
from gecc.accounts.scoping import RoleScopedQuerySet
from gecc.applications.scoping import through_application
from gecc.common.urls import reverse_one
from gecc.evidence.enums import EvidenceKind, EvidenceStatus


def evidence_upload_to(instance, filename):
    """``evidence/<application id>/<random uuid>.<detected extension>``: nothing guessable,
    nothing taken from the uploaded name."""
    extension = {"jpeg": "jpg"}.get(instance.kind, instance.kind)
    return f"evidence/{instance.answer.application_id}/{instance.public_id.hex}.{extension}"


# The roles that see evidence files at all; the steering committee never does.
EVIDENCE_ROLES = frozenset({Role.SECRETARIAT, Role.COORDINATOR, Role.ASSESSOR})


def evidence_scope(role, user, path: str):
    """``role``'s scope over evidence: the files of the applications it sees (the
    application reached by ``path``), for the roles of ``EVIDENCE_ROLES`` only."""
    if role not in EVIDENCE_ROLES:
        return None
    return through_application(role, user, path)


class EvidenceFileQuerySet(RoleScopedQuerySet):
    def role_scope(self, role, user):
        return evidence_scope(role, user, "answer__application_id")

    def current(self):
        return self.filter(is_current=True)


class EvidenceAnswerQuerySet(RoleScopedQuerySet):
    """Answers whose evidence the user may see (an answer's upload and version pages), by
    the same rule as the files: use :func:`answers_with_visible_evidence`."""

    def role_scope(self, role, user):
        return evidence_scope(role, user, "application_id")


def answers_with_visible_evidence(user):
    """The answers whose evidence files ``user`` may see."""
    from gecc.applications.models import Answer

    return EvidenceAnswerQuerySet(model=Answer).visible_to(user)


def current_evidence_prefetch(to_attr="current_evidence"):
    """``Answer.objects.prefetch_related(current_evidence_prefetch())``: each answer gets
    ``answer.current_evidence``, its current files in upload order, in one extra query."""
    return Prefetch(
        "evidence_files",
        queryset=EvidenceFile.objects.current().select_related("uploaded_by")
        .order_by("uploaded_at", "pk"),
        to_attr=to_attr,
    )


class EvidenceFile(models.Model):
    """One stored version of an evidence file attached to a self-assessment answer.

    Rows are never deleted: replacing a file adds a new version (``replaces`` points to the
    old one, which stops being current) and removing it only marks it not current. A renewal
    carries a file forward as a new row sharing the same stored bytes (``carried_from``).
    Change rows only through ``gecc.evidence.domain.evidence``.
    """

    public_id = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True,
                                 editable=False)
    answer = models.ForeignKey("applications.Answer", on_delete=models.PROTECT,
                               related_name="evidence_files", verbose_name=_("answer"))
    file = models.FileField(_("file"), upload_to=evidence_upload_to, max_length=255)
    original_name = models.CharField(_("original file name"), max_length=255)
    kind = models.CharField(_("file type"), max_length=10, choices=EvidenceKind.choices)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)
    replaces = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="replaced_by",
                                    verbose_name=_("replaces"))
    carried_from = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="carried_to",
                                     verbose_name=_("carried forward from"))
    is_current = models.BooleanField(_("current"), default=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("removed by"))

    objects = EvidenceFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["answer", "uploaded_at", "pk"]
        indexes = [models.Index(fields=["answer", "is_current"])]

    def __str__(self):
        return f"{self.original_name} (v{self.version})"

    @property
    def status(self) -> str:
        if self.is_current:
            return EvidenceStatus.CURRENT
        if self.removed_at is not None:
            return EvidenceStatus.REMOVED
        return EvidenceStatus.REPLACED

    def get_status_display(self):
        return EvidenceStatus(self.status).label

    def get_download_url(self):
        return reverse_one("evidence:file.download", public_id=self.public_id)

    @property
    def previewable(self) -> str:
        """"image" or "pdf" when the file can be shown in the page, else ""."""
        if self.kind == EvidenceKind.PDF:
            return "pdf"
        return "image" if self.kind in (EvidenceKind.JPEG, EvidenceKind.PNG) else ""

    def get_preview_url(self):
        return self.get_download_url() + "?inline=1"

    def get_replace_url(self):
        return reverse_one("evidence:file.replace", public_id=self.public_id)

    def get_remove_url(self):
        return reverse_one("evidence:file.remove", public_id=self.public_id)
