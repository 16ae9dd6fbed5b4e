from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gecc.accounts.enums import Role
from gecc.accounts.scoping import ALL, RoleScopedQuerySet
from gecc.decisions.enums import ComplaintState


class ComplaintQuerySet(RoleScopedQuerySet):
    def role_scope(self, role, user):
        if role == Role.SECRETARIAT:
            return ALL
        return None


class Complaint(models.Model):
    """A member of the public's complaint about a certified centre, filed on the public
    site (no sign-in); the secretariat triages it and may suspend the certificate. The
    sender's address is kept only as a salted hash (for throttling and abuse review)."""

    reference = models.CharField(_("reference"), max_length=30, unique=True)
    unit = models.ForeignKey("registry.ServiceUnit", on_delete=models.PROTECT,
                             related_name="complaints", verbose_name=_("service unit"))
    certificate_number = models.CharField(_("certificate number"), max_length=40, blank=True)
    text = models.TextField(_("complaint"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    contact = models.CharField(_("e-mail or phone"), max_length=200, blank=True)
    client_hash = models.CharField(max_length=64, blank=True, editable=False)
    state = models.CharField(_("state"), max_length=20, choices=ComplaintState.choices,
                             default=ComplaintState.RECEIVED)
    note = models.TextField(_("secretariat's note"), blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("handled by"))
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("decisions:complaint.detail", args=[self.pk])
