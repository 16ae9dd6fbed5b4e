from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gecc.accounts.scoping import RoleScopedQuerySet
from gecc.applications.scoping import through_application


class SubmissionQuerySet(RoleScopedQuerySet):
    def role_scope(self, role, user):
        """The rows of the applications the user sees (``scoping.through_application``)."""
        return through_application(role, user, "application_id")


class Submission(models.Model):
    """The receipt of one sending of an application (a submission or a resubmission): its
    reference number, when, what was sent (counts) and a SHA-256 of the canonical JSON of
    the sent answers and evidence hashes. ``manifest`` keeps that JSON's items, so a later
    resubmission can show what changed. Written only by ``domain.receipts.record_submission``
    inside the submit/resubmit transition; never changed afterwards."""

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE,
                                    related_name="submissions",
                                    verbose_name=_("application"))
    sequence = models.PositiveSmallIntegerField(_("sequence"))
    number = models.CharField(_("reference number"), max_length=40, unique=True)
    resubmission = models.BooleanField(_("resubmission"), default=False)
    submitted_at = models.DateTimeField(_("submitted"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("submitted by"))
    item_count = models.PositiveIntegerField(_("items"))
    answered_count = models.PositiveIntegerField(_("items answered"))
    evidence_count = models.PositiveIntegerField(_("evidence files"))
    sha256 = models.CharField(_("SHA-256 of the content"), max_length=64)
    manifest = models.JSONField(_("content"), default=dict)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("submission receipt")
        verbose_name_plural = _("submission receipts")
        ordering = ["application", "sequence"]
        constraints = [models.UniqueConstraint(fields=["application", "sequence"],
                                               name="applications_submission_unique_seq")]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("portal:application.receipt",
                       kwargs={"pk": self.application_id, "sequence": self.sequence})
