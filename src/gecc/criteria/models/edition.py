from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gecc.accounts.enums import Role
from gecc.accounts.scoping import ALL, RoleScopedQuerySet

VIEWER_ROLES = (Role.SECRETARIAT, Role.ASSESSOR, Role.STEERING)


class EditionQuerySet(RoleScopedQuerySet):
    def role_scope(self, role, user):
        return ALL if role in VIEWER_ROLES else None


class Edition(models.Model):
    """One edition of a standard's criteria (e.g. GECC 2563); its content lives in versions."""

    standard = models.CharField(_("standard"), max_length=40)
    label = models.CharField(_("edition"), max_length=40)
    name_th = models.CharField(_("Thai name"), max_length=300)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = EditionQuerySet.as_manager()

    class Meta:
        verbose_name = _("criteria edition")
        verbose_name_plural = _("criteria editions")
        ordering = ["standard", "-label"]
        constraints = [models.UniqueConstraint(fields=["standard", "label"],
                                               name="criteria_edition_unique_label")]

    def __str__(self):
        return f"{self.standard} {self.label}"

    def get_absolute_url(self):
        latest = self.versions.order_by("-revision").first()
        return latest.get_absolute_url() if latest else reverse("criteria:version.list")
