from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gecc.accounts.enums import Role
from gecc.accounts.scoping import ALL, RoleScopedQuerySet
from gecc.applications.scoping import through_application
from gecc.decisions.enums import AppealState


class AppealQuerySet(RoleScopedQuerySet):
    def role_scope(self, role, user):
        if role in (Role.SECRETARIAT, Role.STEERING):
            return ALL
        if role == Role.COORDINATOR:
            return through_application(role, user, "application_id")
        return None


class Appeal(models.Model):
    """A unit's appeal against a final decision, filed by one of its coordinators before
    ``deadline``; the secretariat records its receipt, assigns a reviewer and records the
    outcome (upheld: the decision changes; dismissed), each step audited and e-mailed."""

    decision = models.ForeignKey("decisions.Decision", on_delete=models.PROTECT,
                                 related_name="appeals", verbose_name=_("decision"))
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT,
                                    related_name="appeals", verbose_name=_("application"))
    state = models.CharField(_("state"), max_length=20, choices=AppealState.choices,
                             default=AppealState.FILED)
    reasons = models.TextField(_("reasons for the appeal"))
    requested_level = models.CharField(_("level asked for"), max_length=40, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("filed by"))
    filed_at = models.DateTimeField(_("filed"))
    deadline = models.DateTimeField(_("appeal deadline"))
    received_at = models.DateTimeField(_("receipt recorded"), null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("receipt recorded by"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="+",
                                 verbose_name=_("reviewer"))
    review_due = models.DateField(_("review due"), null=True, blank=True)
    outcome_reason = models.TextField(_("reason for the outcome"), blank=True)
    outcome_level = models.CharField(_("level after the appeal"), max_length=40, blank=True)
    decided_at = models.DateTimeField(_("outcome recorded"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("outcome recorded by"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-filed_at", "-pk"]

    def __str__(self):
        return f"{self.application} — {self.get_state_display()}"

    def get_absolute_url(self):
        return reverse("decisions:appeal.detail", args=[self.pk])


class AppealAttachment(models.Model):
    """A file attached to an appeal (type by content, size limited, SHA-256 kept)."""

    appeal = models.ForeignKey("decisions.Appeal", on_delete=models.CASCADE,
                               related_name="attachments", verbose_name=_("appeal"))
    file = models.FileField(_("file"), upload_to="decisions/appeals/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("appeal attachment")
        verbose_name_plural = _("appeal attachments")
        ordering = ["appeal", "pk"]

    def __str__(self):
        return self.original_name
