from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gecc.accounts.enums import Role
from gecc.accounts.scoping import ALL, RoleScopedQuerySet
from gecc.committees.enums import AssignmentState, RunState


class AssignmentQuerySet(RoleScopedQuerySet):
    def role_scope(self, role, user):
        if role == Role.SECRETARIAT:
            return ALL
        if role == Role.ASSESSOR:
            from gecc.committees.models.subcommittee import member_of

            return models.Q(state=AssignmentState.CONFIRMED) & member_of(user, "subcommittee_id")
        return None


class Assignment(models.Model):
    """Which sub-committee visits an accepted application. Proposed by the solver or by
    hand, locked by hand, confirmed for the whole round at once."""

    round = models.ForeignKey("rounds.Round", on_delete=models.CASCADE,
                              related_name="assignments", verbose_name=_("round"))
    application = models.OneToOneField("applications.Application", on_delete=models.CASCADE,
                                        related_name="assignment",
                                        verbose_name=_("application"))
    subcommittee = models.ForeignKey("committees.SubCommittee", on_delete=models.PROTECT,
                                     related_name="assignments",
                                     verbose_name=_("sub-committee"))
    state = models.CharField(_("state"), max_length=20, choices=AssignmentState.choices,
                             default=AssignmentState.PROPOSED)
    locked = models.BooleanField(_("locked by hand"), default=False)
    distance_km = models.DecimalField(_("distance from base (km)"), max_digits=8,
                                      decimal_places=1, null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("updated by"))

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["subcommittee", "application"]
        indexes = [models.Index(fields=["round", "subcommittee"])]

    def __str__(self):
        return f"{self.application} → {self.subcommittee}"


class AssignmentRun(models.Model):
    """One run of the automatic assignment (a Celery task): progress and outcome."""

    round = models.ForeignKey("rounds.Round", on_delete=models.CASCADE,
                              related_name="assignment_runs", verbose_name=_("round"))
    state = models.CharField(_("state"), max_length=20, choices=RunState.choices,
                             default=RunState.QUEUED)
    progress = models.FloatField(_("progress"), default=0.0)
    message = models.TextField(_("message"), blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("started by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment run")
        verbose_name_plural = _("assignment runs")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.round} #{self.pk}"

    def get_absolute_url(self):
        return reverse("committees:run.detail", args=[self.pk])
