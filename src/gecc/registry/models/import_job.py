from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gecc.accounts.enums import Role
from gecc.accounts.scoping import ALL, RoleScopedQuerySet
from gecc.registry.enums import ImportKind, ImportStatus


class ImportJobQuerySet(RoleScopedQuerySet):
    def role_scope(self, role, user):
        if role == Role.SECRETARIAT:
            return ALL
        return None


class ImportJob(models.Model):
    """One uploaded registry file: checked row by row (``validating``, by
    ``gecc.registry.tasks.validate_file_task``, which keeps the preview here), waiting for
    confirmation, then imported (``pending`` → ``running`` → ``succeeded``/``failed``, by
    ``gecc.registry.tasks.import_file_task``). ``progress`` is that of the current step."""

    file = models.FileField(_("file"), upload_to="registry/imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    status = models.CharField(_("status"), max_length=30, choices=ImportStatus.choices,
                              default=ImportStatus.PENDING)
    progress = models.PositiveSmallIntegerField(
        _("progress"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)])
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    # What the check of every row found, shown before the import is confirmed.
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    to_create_count = models.PositiveIntegerField(_("new"), default=0)
    to_update_count = models.PositiveIntegerField(_("already registered"), default=0)
    preview = models.JSONField(_("preview"), default=dict, blank=True,
                               help_text=_("The columns and first rows of a valid file."))
    errors = models.JSONField(_("errors"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("created by"))
    # The uploader's address (REMOTE_ADDR after the trusted-proxy middleware), kept for the
    # import's audit entries, which a background task writes with no request at hand.
    client_ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.original_name} ({self.get_status_display()})"
