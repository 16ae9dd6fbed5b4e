from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gecc.accounts.enums import Role
from gecc.accounts.scoping import ALL, RoleScopedQuerySet


class AssessorProfileQuerySet(RoleScopedQuerySet):
    def role_scope(self, role, user):
        if role == Role.SECRETARIAT:
            return ALL
        if role == Role.ASSESSOR:
            return models.Q(user=user)
        return None


class AssessorProfile(models.Model):
    """What the secretariat needs to know of a person who can assess: where they work,
    where they live, what they know, and when they cannot travel."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="assessor_profile", verbose_name=_("user"))
    affiliation = models.ForeignKey(
        "registry.Organization", on_delete=models.PROTECT, null=True, blank=True,
        related_name="assessors", verbose_name=_("affiliation (registered organisation)"))
    affiliation_text = models.CharField(
        _("affiliation (outside expert)"), max_length=255, blank=True,
        help_text=_("For a qualified member from outside the registry, e.g. a university."))
    home_province = models.ForeignKey("geography.Province", on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="+",
                                      verbose_name=_("home province"))
    expertise = models.JSONField(_("expertise"), default=list, blank=True)
    phone = models.CharField(_("phone"), max_length=100, blank=True)
    max_visits_per_day = models.PositiveSmallIntegerField(_("maximum visits per day"),
                                                          default=4)
    unavailable_dates = models.JSONField(_("dates unavailable"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AssessorProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessor profile")
        verbose_name_plural = _("assessor profiles")
        ordering = ["user__full_name", "pk"]

    def __str__(self):
        return str(self.user)

    def get_absolute_url(self):
        return reverse("committees:assessor.edit", args=[self.pk])

    @property
    def affiliation_label(self) -> str:
        return self.affiliation.name_th if self.affiliation_id else self.affiliation_text
