from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gecc.accounts.scoping import ALL, RoleScopedQuerySet
from gecc.criteria.enums import EditionStatus

from .edition import VIEWER_ROLES


class EditionLockedError(Exception):
    """A version in use by a round can never be changed or deleted."""


class EditionVersionQuerySet(RoleScopedQuerySet):
    def role_scope(self, role, user):
        return ALL if role in VIEWER_ROLES else None

    def update(self, **kwargs):
        if self.filter(locked=True).exists():
            raise EditionLockedError("A locked criteria version cannot be changed")
        return super().update(**kwargs)

    def delete(self):
        if self.filter(locked=True).exists():
            raise EditionLockedError("A locked criteria version cannot be deleted")
        return super().delete()


class EditionVersion(models.Model):
    """One revision of an edition, loaded from a file. Immutable once ``locked`` (used by a
    round); set ``locked`` only through ``gecc.criteria.domain.lock_edition``."""

    edition = models.ForeignKey("criteria.Edition", on_delete=models.PROTECT,
                                related_name="versions", verbose_name=_("edition"))
    revision = models.PositiveIntegerField(_("revision"))
    status = models.CharField(_("status"), max_length=20, choices=EditionStatus.choices)
    locale = models.CharField(_("locale"), max_length=10, default="th")
    name_th = models.CharField(_("Thai name"), max_length=300)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    default_scale = models.CharField(_("default scale"), max_length=40)
    scales = models.JSONField(_("rating scales"), default=list)
    levels = models.JSONField(_("levels"), default=list)
    unit_types = models.JSONField(_("unit types"), default=list)
    checksum = models.CharField(_("checksum"), max_length=64)
    source_name = models.CharField(_("source file"), max_length=255, blank=True)
    loaded_at = models.DateTimeField(_("loaded"), auto_now_add=True)
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="+", verbose_name=_("loaded by"))
    locked = models.BooleanField(_("in use by a round"), default=False)
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True)
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="+", verbose_name=_("locked by"))

    objects = EditionVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("criteria version")
        verbose_name_plural = _("criteria versions")
        ordering = ["edition__standard", "-edition__label", "-revision"]
        constraints = [models.UniqueConstraint(fields=["edition", "revision"],
                                               name="criteria_version_unique_revision")]

    def __str__(self):
        return f"{self.edition} r{self.revision}"

    def save(self, *args, **kwargs):
        if self._locked_in_db():
            raise EditionLockedError(f"{self} is in use by a round and cannot be changed")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("criteria:version.detail", kwargs={"pk": self.pk})

    def delete(self, *args, **kwargs):
        if self.locked or self._locked_in_db():
            raise EditionLockedError(f"{self} is in use by a round and cannot be deleted")
        return super().delete(*args, **kwargs)

    @property
    def is_example(self):
        return self.status == EditionStatus.EXAMPLE

    def is_in_use(self) -> bool:
        """True once a round uses this version; it can then never change."""
        return self.locked

    def _locked_in_db(self):
        return self.pk is not None and type(self).objects.filter(pk=self.pk, locked=True).exists()
