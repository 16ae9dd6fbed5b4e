from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gecc.accounts.enums import Role
from gecc.accounts.scoping import ALL, RoleScopedQuerySet
from gecc.applications.scoping import coordinator_scope
from gecc.decisions.enums import DecisionChange, DecisionOutcome, MeetingState


class DecisionQuerySet(RoleScopedQuerySet):
    def role_scope(self, role, user):
        if role in (Role.SECRETARIAT, Role.STEERING):
            return ALL
        if role == Role.COORDINATOR:
            # A unit sees its decision once the meeting has closed, never before.
            from gecc.applications.models import Application

            return Q(meeting__state=MeetingState.CLOSED,
                     application__in=Application.objects.filter(coordinator_scope(user)))
        return None


class Decision(models.Model):
    """The steering committee's decision on one application: certify at a level (which may
    differ from the proposed one, with a reason), not certify, or defer (with a reason).
    ``proposed_level``/``proposed_percent`` keep what the team sheet proposed when the
    decision was made. Final once its meeting is closed; afterwards it changes only through
    an appeal or a correction with a reason (``change``, ``revision``), both audited."""

    application = models.OneToOneField("applications.Application", on_delete=models.PROTECT,
                                       related_name="decision",
                                       verbose_name=_("application"))
    meeting = models.ForeignKey("decisions.Meeting", on_delete=models.PROTECT,
                                related_name="decisions", verbose_name=_("meeting"))
    outcome = models.CharField(_("decision"), max_length=20, choices=DecisionOutcome.choices)
    level = models.CharField(_("level"), max_length=40, blank=True)
    proposed_level = models.CharField(_("proposed level"), max_length=40, blank=True)
    proposed_percent = models.FloatField(_("proposed score (%)"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    on_behalf = models.BooleanField(
        _("recorded by the secretariat on the committee's behalf"), default=False)
    change = models.CharField(_("how it was last changed"), max_length=20,
                              choices=DecisionChange.choices, default=DecisionChange.MEETING)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("recorded by"))
    decided_at = models.DateTimeField(_("recorded"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting", "application"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome=DecisionOutcome.CERTIFY) | ~Q(level=""),
                name="decision_certify_has_level"),
        ]

    def __str__(self):
        return f"{self.application} — {self.get_outcome_display()}"

    def get_absolute_url(self):
        return reverse("decisions:decision.detail", args=[self.pk])

    @property
    def is_final(self) -> bool:
        return self.meeting.state == MeetingState.CLOSED
