from django.db import models
from django.utils.translation import gettext_lazy as _

from gecc.accounts.enums import Role
from gecc.accounts.scoping import ALL, RoleScopedQuerySet
from gecc.rounds.enums import DESK_REVIEW_PHASES, RoundPhase, default_screening_checklist


class RoundQuerySet(RoleScopedQuerySet):
    def role_scope(self, role, user):
        if role in (Role.SECRETARIAT, Role.ASSESSOR, Role.STEERING):
            return ALL
        if role == Role.COORDINATOR:
            # Coordinators see every round that has been opened (to apply or follow one).
            return ~models.Q(phase=RoundPhase.DRAFT)
        return None

    def open_for_applications(self):
        return self.filter(phase=RoundPhase.APPLICATIONS)


class Round(models.Model):
    """One yearly certification round (year in the Buddhist era) with one criteria version.

    Change it only through ``gecc.rounds.domain``: every change of phase or date is audited.
    """

    year = models.PositiveIntegerField(_("year (B.E.)"), unique=True)
    name = models.CharField(_("name"), max_length=255)
    edition = models.ForeignKey("criteria.EditionVersion", on_delete=models.PROTECT,
                                related_name="rounds", verbose_name=_("criteria version"))
    phase = models.CharField(_("phase"), max_length=20, choices=RoundPhase.choices,
                             default=RoundPhase.DRAFT)
    applications_open_at = models.DateTimeField(_("applications open"), null=True, blank=True)
    applications_close_at = models.DateTimeField(_("applications close"), null=True,
                                                 blank=True)
    desk_review_end_at = models.DateTimeField(_("desk review ends"), null=True, blank=True)
    site_visits_start_at = models.DateTimeField(_("site visits start"), null=True, blank=True)
    site_visits_end_at = models.DateTimeField(_("site visits end"), null=True, blank=True)
    decision_at = models.DateTimeField(_("decision"), null=True, blank=True)
    announcement_at = models.DateTimeField(_("announcement"), null=True, blank=True)
    screening_checklist = models.JSONField(
        _("screening checklist"), default=default_screening_checklist, blank=True,
        help_text=_("The items checked during desk review: a list of {code, label}."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["-year"]

    def __str__(self):
        return self.name or str(self.year)

    def accepting_applications(self, now) -> bool:
        """True only while the round is in its applications phase and ``now`` lies in
        [applications_open_at, applications_close_at): the server's deadline check."""
        return (
            self.phase == RoundPhase.APPLICATIONS
            and self.applications_open_at is not None
            and self.applications_close_at is not None
            and self.applications_open_at <= now < self.applications_close_at
        )

    def in_desk_review(self) -> bool:
        """True while the secretariat may still return, accept or reject applications."""
        return self.phase in DESK_REVIEW_PHASES

    def checklist_codes(self) -> list[str]:
        return [entry["code"] for entry in self.screening_checklist or []]
