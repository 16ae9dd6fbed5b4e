from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LoginFailure(models.Model):
    """One failed sign-in attempt, kept for throttling (gecc.accounts.domain.throttle)."""

    email = models.CharField(_("email"), max_length=254, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("failed sign-in")
        verbose_name_plural = _("failed sign-ins")
        indexes = [models.Index(fields=["ip_address", "at"])]

    def __str__(self):
        return f"{self.email} {self.ip_address} {self.at:%Y-%m-%d %H:%M:%S}"
