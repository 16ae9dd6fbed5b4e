from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gecc.accounts.enums import Role
from gecc.accounts.scoping import ALL, RoleScopedQuerySet
from gecc.committees.enums import ConflictKind


class ConflictQuerySet(RoleScopedQuerySet):
    def role_scope(self, role, user):
        if role == Role.SECRETARIAT:
            return ALL
        if role == Role.ASSESSOR:
            return Q(user=user)
        return None

    def in_force(self):
        """Conflicts that bar the member: not overridden by the secretariat."""
        return self.filter(overridden_at__isnull=True)


class Conflict(models.Model):
    """A conflict of interest of a person with a service unit or a whole organisation in a
    round, declared by the person or detected by the system (``kind``). In force unless
    the secretariat overrode it, with a reason."""

    round = models.ForeignKey("rounds.Round", on_delete=models.CASCADE,
                              related_name="conflicts", verbose_name=_("round"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="conflicts", verbose_name=_("member"))
    unit = models.ForeignKey("registry.ServiceUnit", on_delete=models.CASCADE, null=True,
                             blank=True, related_name="conflicts",
                             verbose_name=_("service unit"))
    organization = models.ForeignKey("registry.Organization", on_delete=models.CASCADE,
                                     null=True, blank=True, related_name="conflicts",
                                     verbose_name=_("organisation"))
    kind = models.CharField(_("kind"), max_length=20, choices=ConflictKind.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("recorded by"))
    overridden_at = models.DateTimeField(_("overridden"), null=True, blank=True)
    overridden_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                      null=True, blank=True, related_name="+",
                                      verbose_name=_("overridden by"))
    override_reason = models.TextField(_("reason for the override"), blank=True)

    objects = ConflictQuerySet.as_manager()

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        ordering = ["round", "user", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | Q(organization__isnull=False),
                name="conflict_has_target"),
            models.UniqueConstraint(fields=["round", "user", "unit", "kind"],
                                    condition=Q(unit__isnull=False),
                                    name="conflict_unique_unit_kind"),
            models.UniqueConstraint(fields=["round", "user", "organization", "kind"],
                                    condition=Q(unit__isnull=True),
                                    name="conflict_unique_organization_kind"),
        ]
        indexes = [models.Index(fields=["round", "user"])]

    def __str__(self):
        return f"{self.user} – {self.target_label}"

    @property
    def target_label(self) -> str:
        if self.unit_id:
            return self.unit.name_th
        return self.organization.name_th if self.organization_id else ""

    @property
    def in_force(self) -> bool:
        return self.overridden_at is None
