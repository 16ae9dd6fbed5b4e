from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gecc.accounts.enums import Role
from gecc.accounts.scoping import ALL, RoleScopedQuerySet
from gecc.committees.enums import Position


def member_of(user, subcommittee_path: str = "pk") -> Q:
    """The rows whose sub-committee (the column ``subcommittee_path``: ``"pk"`` here,
    ``"subcommittee_id"`` or ``"itinerary__subcommittee_id"`` elsewhere) has ``user`` as a
    member. A semi-join (``EXISTS``) on the memberships, never a join that repeats rows:
    row scopes use it (``accounts.scoping``)."""
    return Q(Exists(Membership.objects.filter(subcommittee_id=OuterRef(subcommittee_path),
                                              user_id=user.pk)))


class SubCommitteeQuerySet(RoleScopedQuerySet):
    def role_scope(self, role, user):
        if role == Role.SECRETARIAT:
            return ALL
        if role == Role.ASSESSOR:
            return member_of(user)
        return None


class SubCommittee(models.Model):
    """An assessment sub-committee of a round (คณะอนุกรรมการตรวจประเมิน คณะที่ N): its
    members, its base and the days it travels."""

    round = models.ForeignKey("rounds.Round", on_delete=models.PROTECT,
                              related_name="subcommittees", verbose_name=_("round"))
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=255, blank=True)
    base_province = models.ForeignKey("geography.Province", on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="+",
                                      verbose_name=_("base province"))
    base_address = models.CharField(_("base address"), max_length=500, blank=True)
    base_latitude = models.DecimalField(_("base latitude"), max_digits=9, decimal_places=6,
                                        null=True, blank=True)
    base_longitude = models.DecimalField(_("base longitude"), max_digits=9, decimal_places=6,
                                         null=True, blank=True)
    visit_dates = models.JSONField(_("visit dates"), default=list, blank=True)
    visits_per_day = models.PositiveSmallIntegerField(_("visits per day"), default=4)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SubCommitteeQuerySet.as_manager()

    class Meta:
        verbose_name = _("sub-committee")
        verbose_name_plural = _("sub-committees")
        ordering = ["round", "number"]
        constraints = [models.UniqueConstraint(fields=["round", "number"],
                                               name="subcommittee_number_unique")]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("committees:subcommittee.detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        return self.name or f"คณะที่ {self.number}"

    @property
    def capacity(self) -> int:
        """Visits the team can make: visits per day × visit days."""
        return self.visits_per_day * len(self.visit_dates or [])

    def base_point(self):
        """(latitude, longitude) of the base: its own coordinates, else the province's."""
        if self.base_latitude is not None and self.base_longitude is not None:
            return float(self.base_latitude), float(self.base_longitude)
        province = self.base_province
        if province is not None and province.latitude is not None:
            return float(province.latitude), float(province.longitude)
        return None


# A sub-committee's members in the order its list is written: chair, qualified members,
# member-secretary, assistant secretaries (the order of ``Position``), then as added.
MEMBER_ORDER = (Case(*[When(position=position, then=Value(rank))
                       for rank, position in enumerate(Position)],
                     default=Value(len(Position))), "pk")


class Membership(models.Model):
    """A person on a sub-committee, in one position. One sub-committee per round."""

    subcommittee = models.ForeignKey(SubCommittee, on_delete=models.CASCADE,
                                     related_name="members", verbose_name=_("sub-committee"))
    round = models.ForeignKey("rounds.Round", on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("round"), editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="memberships", verbose_name=_("member"))
    position = models.CharField(_("position"), max_length=30, choices=Position.choices,
                                default=Position.QUALIFIED)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("sub-committee member")
        verbose_name_plural = _("sub-committee members")
        ordering = ["subcommittee", *MEMBER_ORDER]
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="membership_one_per_round"),
            models.UniqueConstraint(
                fields=["subcommittee", "position"],
                condition=Q(position__in=[Position.CHAIR, Position.SECRETARY]),
                name="membership_single_chair_secretary"),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_position_display()})"

    def save(self, *args, **kwargs):
        self.round_id = self.subcommittee.round_id
        super().save(*args, **kwargs)
