import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def blob_path(instance, filename):
    return f"scoring/photos/{instance.sha256[:2]}/{instance.sha256}"


class PhotoBlob(models.Model):
    """A photo's bytes, stored once by SHA-256 however many items or devices send it."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    file = models.FileField(_("file"), upload_to=blob_path, max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("type"), max_length=100)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("uploaded by"))
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["-created_at"]

    def __str__(self):
        return self.sha256


class PhotoUpload(models.Model):
    """A resumable upload in progress: the client declares the SHA-256 and size, sends the
    bytes in chunks from ``received`` on, and the server checks the digest at the end."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+", verbose_name=_("member"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("type"), max_length=100, blank=True)
    received = models.PositiveBigIntegerField(_("bytes received"), default=0)
    blob = models.ForeignKey(PhotoBlob, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("photo"))
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("photo upload")
        verbose_name_plural = _("photo uploads")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "sha256"],
                                               name="photo_upload_one_per_digest")]

    def __str__(self):
        return f"{self.sha256} {self.received}/{self.size}"


class ItemPhoto(models.Model):
    """A photo attached to a member's item score (by a sync change). Removing it sets
    ``removed_at``; the row and the bytes stay."""

    item_score = models.ForeignKey("scoring.ItemScore", on_delete=models.CASCADE,
                                   related_name="photos", verbose_name=_("item score"))
    blob = models.ForeignKey(PhotoBlob, on_delete=models.PROTECT, related_name="uses",
                             verbose_name=_("photo"))
    caption = models.CharField(_("caption"), max_length=255, blank=True)
    client_time = models.DateTimeField(_("taken on the device at"), null=True, blank=True)
    # The sync change that last decided this photo's state (with client_time: the merge order;
    # equal device times, the greater change id wins).
    change_id = models.UUIDField(_("change"), null=True, blank=True)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)

    class Meta:
        verbose_name = _("item photo")
        verbose_name_plural = _("item photos")
        ordering = ["item_score", "added_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["item_score", "blob"],
                                               name="item_photo_once_per_item")]

    def __str__(self):
        return f"{self.item_score} {self.blob.sha256[:12]}"
