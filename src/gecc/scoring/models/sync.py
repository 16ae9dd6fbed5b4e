from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gecc.scoring.enums import ChangeOutcome


class SyncBatch(models.Model):
    """One batch of changes sent by a device. ``batch_id`` is made by the client: the same
    batch sent again is answered with the stored ``response`` and writes nothing."""

    batch_id = models.UUIDField(_("batch"), unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("member"))
    device_id = models.CharField(_("device"), max_length=64, blank=True)
    change_count = models.PositiveIntegerField(_("changes"), default=0)
    response = models.JSONField(_("response"), default=dict)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("sync batch")
        verbose_name_plural = _("sync batches")
        ordering = ["-received_at"]

    def __str__(self):
        return str(self.batch_id)


class SyncChange(models.Model):
    """One change of a batch, by its client-made ``change_id`` (unique: a change received
    twice is applied once) and what was done with it."""

    change_id = models.UUIDField(_("change"), unique=True)
    batch = models.ForeignKey(SyncBatch, on_delete=models.CASCADE, related_name="changes",
                              verbose_name=_("batch"))
    sheet = models.ForeignKey("scoring.ScoreSheet", on_delete=models.CASCADE, null=True,
                              blank=True, related_name="changes",
                              verbose_name=_("score sheet"))
    kind = models.CharField(_("kind"), max_length=30)
    item_ref = models.CharField(_("item"), max_length=40, blank=True)
    client_time = models.DateTimeField(_("edited on the device at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=ChangeOutcome.choices)
    message = models.TextField(_("message"), blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("sync change")
        verbose_name_plural = _("sync changes")
        ordering = ["batch", "pk"]

    def __str__(self):
        return str(self.change_id)
