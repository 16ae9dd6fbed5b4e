from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gecc.accounts.enums import Role
from gecc.accounts.scoping import ALL, RoleScopedQuerySet
from gecc.notifications.enums import SECRET_LINK_EVENTS, OutboxStatus, event_label


class OutboxChangeError(Exception):
    """Raised when a stored message's content would be changed: the outbox is the record of
    what was sent, so only the delivery fields may change after the message is written."""


class OutboxMessageQuerySet(RoleScopedQuerySet):
    def role_scope(self, role, user):
        if role == Role.SECRETARIAT:
            return ALL
        return None

    def for_object(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj),
                           object_id=str(obj.pk))


class OutboxMessage(models.Model):
    """One email as it was rendered for one event, with every recipient in ``to``.

    Written once by ``gecc.notifications.domain.notify``; afterwards only the delivery fields
    (``DELIVERY_FIELDS``) change, through the sending task, the sweep and the resend action.
    """

    DELIVERY_FIELDS = frozenset({"status", "attempts", "last_error", "sent_at",
                                 "next_attempt_at"})

    event = models.CharField(_("event"), max_length=100, db_index=True)
    to = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=500)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    attachments = models.JSONField(
        _("attachments"), default=list, blank=True,
        help_text=_("Small text files sent with the message: "
                    "[{filename, content_type, content}]."))
    language = models.CharField(_("language"), max_length=10, default="th",
                                help_text=_("The first language of the message; English "
                                            "follows."))
    status = models.CharField(_("status"), max_length=20, choices=OutboxStatus.choices,
                              default=OutboxStatus.QUEUED, db_index=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # While queued: when the next attempt is due (now, or after a retry delay). A message
    # still queued well after it is the sweep's to send (the broker may have been down).
    # While sending: when that attempt started; a message still sending well after it was
    # left by a worker that died, and the sweep sends it again.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True,
                                           db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+")
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("about"), max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+", verbose_name=_("actor"))

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.event} → {', '.join(self.to)}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            update_fields = kwargs.get("update_fields")
            if update_fields is None or not set(update_fields) <= self.DELIVERY_FIELDS:
                raise OutboxChangeError(
                    "Only the delivery fields of an outbox message may change: "
                    + ", ".join(sorted(self.DELIVERY_FIELDS)))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("notifications:message.detail", kwargs={"pk": self.pk})

    @property
    def event_label(self):
        return event_label(self.event)

    @property
    def hides_body(self):
        """The text holds a password link: the outbox pages do not show it."""
        return self.event in SECRET_LINK_EVENTS

    @property
    def can_resend(self):
        return self.status == OutboxStatus.FAILED
