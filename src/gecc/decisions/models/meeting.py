from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gecc.accounts.enums import Role
from gecc.accounts.scoping import ALL, RoleScopedQuerySet
from gecc.decisions.enums import MeetingState


class MeetingQuerySet(RoleScopedQuerySet):
    def role_scope(self, role, user):
        if role in (Role.SECRETARIAT, Role.STEERING):
            return ALL
        return None


class Meeting(models.Model):
    """A steering-committee meeting of a round (ครั้งที่ 1/2563): its date, attendees and
    resolution. Decisions are recorded against it while it is open and are final once it is
    closed."""

    round = models.ForeignKey("rounds.Round", on_delete=models.PROTECT,
                              related_name="meetings", verbose_name=_("round"))
    number = models.PositiveSmallIntegerField(_("meeting number"))
    held_on = models.DateField(_("meeting date"))
    attendees = models.TextField(_("attendees"), blank=True,
                                 help_text=_("One name and position per line."))
    resolution = models.TextField(_("resolution"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=MeetingState.choices,
                             default=MeetingState.OPEN)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+",
                                  verbose_name=_("closed by"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("steering-committee meeting")
        verbose_name_plural = _("steering-committee meetings")
        ordering = ["round", "number"]
        constraints = [models.UniqueConstraint(fields=["round", "number"],
                                               name="meeting_number_unique_per_round")]

    def __str__(self):
        return f"{self.number}/{self.round.year}"

    def get_absolute_url(self):
        return reverse("decisions:meeting.detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.state == MeetingState.CLOSED
