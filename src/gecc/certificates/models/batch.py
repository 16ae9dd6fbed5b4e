from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gecc.certificates.enums import BatchState


class CertificateBatch(models.Model):
    """A bulk generation of a round's certificate PDFs into one ZIP (a Celery task; the page
    polls ``done``/``total``). The ZIP is kept in Django storage under ``file_name``."""

    round = models.ForeignKey("rounds.Round", on_delete=models.CASCADE,
                              related_name="certificate_batches", verbose_name=_("round"))
    state = models.CharField(_("state"), max_length=20, choices=BatchState.choices,
                             default=BatchState.QUEUED)
    total = models.PositiveIntegerField(_("certificates"), default=0)
    done = models.PositiveIntegerField(_("generated"), default=0)
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("requested by"))
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate batch")
        verbose_name_plural = _("certificate batches")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.round} #{self.pk}"

    def get_absolute_url(self):
        return reverse("certificates:batch.detail", args=[self.pk])
