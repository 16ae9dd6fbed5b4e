from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gecc.accounts.enums import Role
from gecc.accounts.scoping import ALL, RoleScopedQuerySet
from gecc.applications.enums import (
    DEAD_STATES,
    EDITABLE_STATES,
    REVIEWABLE_STATES,
    ApplicationKind,
    ApplicationState,
)
from gecc.applications.scoping import coordinator_scope, registered_scope


class ApplicationQuerySet(RoleScopedQuerySet):
    def role_scope(self, role, user):
        """The secretariat sees every application and a coordinator their units' ones; the
        steering committee and the sub-committee members get the scope of
        ``gecc.applications.scoping`` (members: the one the committees app registers)."""
        if role == Role.SECRETARIAT:
            return ALL
        if role == Role.COORDINATOR:
            return coordinator_scope(user)
        return registered_scope(role, user)

    def live(self):
        return self.exclude(state__in=DEAD_STATES)

    def reviewable(self):
        return self.filter(state__in=REVIEWABLE_STATES)


class Application(models.Model):
    """A service unit's application in one round, with its self-assessment (``answers``).

    Every change of state goes through one function of ``gecc.applications.domain``
    (the table is ``domain/transitions.py``).
    """

    round = models.ForeignKey("rounds.Round", on_delete=models.PROTECT,
                              related_name="applications", verbose_name=_("round"))
    unit = models.ForeignKey("registry.ServiceUnit", on_delete=models.PROTECT,
                             related_name="applications", verbose_name=_("service unit"))
    kind = models.CharField(_("kind"), max_length=20, choices=ApplicationKind.choices,
                            default=ApplicationKind.NEW)
    target_level = models.CharField(_("target level"), max_length=40)
    contact_name = models.CharField(_("contact person"), max_length=255)
    contact_phone = models.CharField(_("contact phone"), max_length=100, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=ApplicationState.choices,
                             default=ApplicationState.DRAFT)
    previous = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="renewals",
                                 verbose_name=_("previous application"))
    screening = models.JSONField(_("screening"), default=dict, blank=True)
    return_deadline = models.DateTimeField(_("correction deadline"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("rejected"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-round__year", "unit__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "unit"],
                condition=~Q(state__in=[ApplicationState.REJECTED, ApplicationState.WITHDRAWN]),
                name="applications_one_live_per_unit_round",
                violation_error_message=_(
                    "This service unit already has an application in this round."),
            ),
        ]
        indexes = [models.Index(fields=["round", "state"]),
                   models.Index(fields=["unit", "round"])]

    def __str__(self):
        return f"{self.unit} ({self.round.year})" if self.round_id and self.unit_id else ""

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def is_live(self) -> bool:
        return self.state not in DEAD_STATES
