from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gecc.accounts.enums import Role
from gecc.accounts.scoping import ALL, RoleScopedQuerySet
from gecc.committees.models.subcommittee import member_of
from gecc.registry.models.service_unit import coordinated_by
from gecc.visits.enums import ItineraryState


class ItineraryQuerySet(RoleScopedQuerySet):
    def role_scope(self, role, user):
        if role == Role.SECRETARIAT:
            return ALL
        if role == Role.ASSESSOR:
            return Q(state=ItineraryState.CONFIRMED) & member_of(user, "subcommittee_id")
        return None


class Itinerary(models.Model):
    """A sub-committee's route for the round: its days and numbered stops, planned by the
    solver (``visits.domain.routing``) and adjusted by hand, then confirmed."""

    subcommittee = models.OneToOneField("committees.SubCommittee", on_delete=models.CASCADE,
                                        related_name="itinerary",
                                        verbose_name=_("sub-committee"))
    state = models.CharField(_("state"), max_length=20, choices=ItineraryState.choices,
                             default=ItineraryState.DRAFT)
    road_factor = models.DecimalField(_("road factor"), max_digits=4, decimal_places=2,
                                      default=1.3)
    speed_kmh = models.PositiveSmallIntegerField(_("average speed (km/h)"), default=60)
    lunch_minutes = models.PositiveSmallIntegerField(_("lunch break (minutes)"), default=60)
    total_travel_minutes = models.PositiveIntegerField(_("total travel (minutes)"), default=0)
    dropped = models.JSONField(_("visits not placed"), default=dict, blank=True)
    solved_at = models.DateTimeField(_("planned"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("confirmed by"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ItineraryQuerySet.as_manager()

    class Meta:
        verbose_name = _("itinerary")
        verbose_name_plural = _("itineraries")
        ordering = ["subcommittee"]

    def __str__(self):
        return str(self.subcommittee)

    def get_absolute_url(self):
        return reverse("visits:itinerary.detail", args=[self.pk])


class ItineraryDay(models.Model):
    """One visit day: where the team starts (base or last night's hotel) and ends."""

    itinerary = models.ForeignKey(Itinerary, on_delete=models.CASCADE, related_name="days",
                                  verbose_name=_("itinerary"))
    date = models.DateField(_("date"))
    start_label = models.CharField(_("start"), max_length=255, blank=True)
    start_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    start_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True,
                                          blank=True)
    hotel_label = models.CharField(_("hotel for the night"), max_length=255, blank=True)
    hotel_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    hotel_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True,
                                          blank=True)
    leave_at = models.TimeField(_("leave"), null=True, blank=True)
    back_at = models.TimeField(_("back"), null=True, blank=True)
    lunch_at = models.TimeField(_("lunch"), null=True, blank=True)
    travel_minutes = models.PositiveIntegerField(_("travel (minutes)"), default=0)

    class Meta:
        verbose_name = _("visit day")
        verbose_name_plural = _("visit days")
        ordering = ["itinerary", "date"]
        constraints = [models.UniqueConstraint(fields=["itinerary", "date"],
                                               name="itinerary_day_unique")]

    def __str__(self):
        return f"{self.itinerary} {self.date:%Y-%m-%d}"


class VisitQuerySet(RoleScopedQuerySet):
    def role_scope(self, role, user):
        if role == Role.SECRETARIAT:
            return ALL
        if role == Role.ASSESSOR:
            return (Q(itinerary__state=ItineraryState.CONFIRMED)
                    & member_of(user, "itinerary__subcommittee_id"))
        if role == Role.COORDINATOR:
            return (Q(itinerary__state=ItineraryState.CONFIRMED)
                    & coordinated_by(user, "application__unit_id"))
        return None


class Visit(models.Model):
    """One numbered stop of an itinerary: an application's site visit, its day, order and
    times. ``fixed`` keeps day and order when the rest is re-optimised."""

    itinerary = models.ForeignKey(Itinerary, on_delete=models.CASCADE, related_name="visits",
                                  verbose_name=_("itinerary"))
    application = models.OneToOneField("applications.Application", on_delete=models.CASCADE,
                                       related_name="visit", verbose_name=_("application"))
    day = models.ForeignKey(ItineraryDay, on_delete=models.SET_NULL, null=True, blank=True,
                            related_name="visits", verbose_name=_("day"))
    order = models.PositiveSmallIntegerField(_("stop number"), null=True, blank=True)
    number = models.PositiveSmallIntegerField(_("number in the itinerary"), null=True,
                                              blank=True)
    arrive_at = models.TimeField(_("arrive"), null=True, blank=True)
    start_at = models.TimeField(_("visit starts"), null=True, blank=True)
    end_at = models.TimeField(_("visit ends"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("visit duration (minutes)"),
                                                        default=90)
    travel_minutes = models.PositiveSmallIntegerField(_("travel from the previous stop"),
                                                      default=0)
    fixed = models.BooleanField(_("fixed by hand"), default=False)
    dropped_reason = models.TextField(_("why it could not be placed"), blank=True)
    notified_signature = models.CharField(max_length=200, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("site visit")
        verbose_name_plural = _("site visits")
        ordering = ["itinerary", "day__date", "order", "pk"]

    def __str__(self):
        return f"{self.application.unit} ({self.itinerary})"

    @property
    def is_placed(self) -> bool:
        return self.day_id is not None
