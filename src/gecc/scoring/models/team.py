from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gecc.accounts.enums import Role
from gecc.accounts.scoping import ALL, RoleScopedQuerySet
from gecc.applications.scoping import coordinator_scope, through_application
from gecc.scoring.enums import TeamSheetState


class TeamSheetQuerySet(RoleScopedQuerySet):
    def role_scope(self, role, user):
        if role == Role.SECRETARIAT:
            return ALL
        if role == Role.ASSESSOR:
            return through_application(role, user, "application_id")
        if role == Role.STEERING:
            return Q(state=TeamSheetState.LOCKED)
        if role == Role.COORDINATOR:
            # The unit sees its feedback once the secretariat releases it, never before.
            from gecc.applications.models import Application

            return Q(feedback_released_at__isnull=False,
                     application__in=Application.objects.filter(coordinator_scope(user)))
        return None


class TeamSheet(models.Model):
    """The sub-committee's one result for an application: the consensus score per item
    (``ConsensusScore``), then, once locked, the proposed result computed by the criteria
    engine (``result``: score, category and criterion percentages, mandatory items, level,
    explanation), recomputable from the raw scores at any time."""

    application = models.OneToOneField("applications.Application", on_delete=models.CASCADE,
                                       related_name="team_sheet",
                                       verbose_name=_("application"))
    subcommittee = models.ForeignKey("committees.SubCommittee", on_delete=models.PROTECT,
                                     related_name="team_sheets",
                                     verbose_name=_("sub-committee"))
    state = models.CharField(_("state"), max_length=20, choices=TeamSheetState.choices,
                             default=TeamSheetState.OPEN)
    spread_threshold = models.FloatField(_("spread that flags an item"), null=True,
                                         blank=True)
    result = models.JSONField(_("proposed result"), default=dict, blank=True)
    result_percent = models.FloatField(_("proposed score (%)"), null=True, blank=True)
    result_level = models.CharField(_("proposed level"), max_length=40, blank=True)
    result_computed_at = models.DateTimeField(_("result computed"), null=True, blank=True)
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True)
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+",
                                  verbose_name=_("locked by"))
    feedback_released_at = models.DateTimeField(_("feedback released"), null=True,
                                                blank=True)
    feedback_released_by = models.ForeignKey(settings.AUTH_USER_MODEL,
                                             on_delete=models.SET_NULL, null=True,
                                             blank=True, related_name="+",
                                             verbose_name=_("feedback released by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TeamSheetQuerySet.as_manager()

    class Meta:
        verbose_name = _("team sheet")
        verbose_name_plural = _("team sheets")
        ordering = ["subcommittee", "application"]

    def __str__(self):
        return f"{self.application} — {self.subcommittee}"

    def get_absolute_url(self):
        return reverse("scoring:team.detail", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        return self.state == TeamSheetState.LOCKED


class ConsensusScore(models.Model):
    """The team's score for one item, with the members' median when it was recorded and
    the reason the team gives whenever the two differ; and the team's findings on the item
    (strengths, improvements: ข้อเด่น / ข้อควรปรับปรุง) for the feedback report."""

    team_sheet = models.ForeignKey(TeamSheet, on_delete=models.CASCADE,
                                   related_name="items", verbose_name=_("team sheet"))
    item = models.ForeignKey("criteria.Node", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("item"))
    value = models.FloatField(_("consensus score"), null=True, blank=True)
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    median = models.FloatField(_("members' median"), null=True, blank=True)
    reason = models.TextField(_("reason for differing from the median"), blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    improvements = models.TextField(_("improvements"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("updated by"))

    class Meta:
        verbose_name = _("consensus score")
        verbose_name_plural = _("consensus scores")
        ordering = ["team_sheet", "item__position"]
        constraints = [models.UniqueConstraint(fields=["team_sheet", "item"],
                                               name="consensus_one_per_item")]

    def __str__(self):
        return f"{self.team_sheet} {self.item.ref}"
