from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gecc.accounts.enums import Role
from gecc.accounts.scoping import ALL, RoleScopedQuerySet
from gecc.scoring.enums import HistoryReason, SheetState


class ScoreSheetQuerySet(RoleScopedQuerySet):
    def role_scope(self, role, user):
        if role == Role.SECRETARIAT:
            return ALL
        if role == Role.ASSESSOR:
            # A member's own sheets. Co-members' sheets are shown only through
            # ``scoring.domain.sheets.visible_sheets`` (after the member submitted their own).
            return Q(assessor=user)
        return None


class ScoreSheet(models.Model):
    """One member's independent scores for one application (one per member and
    application). Submitting locks it; the chair can reopen it."""

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE,
                                    related_name="score_sheets",
                                    verbose_name=_("application"))
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="score_sheets", verbose_name=_("assessor"))
    subcommittee = models.ForeignKey("committees.SubCommittee", on_delete=models.PROTECT,
                                     related_name="score_sheets",
                                     verbose_name=_("sub-committee"))
    state = models.CharField(_("state"), max_length=20, choices=SheetState.choices,
                             default=SheetState.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True)
    reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("reopened by"))
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScoreSheetQuerySet.as_manager()

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        ordering = ["application", "assessor"]
        constraints = [models.UniqueConstraint(fields=["application", "assessor"],
                                               name="score_sheet_one_per_member")]

    def __str__(self):
        return f"{self.application} — {self.assessor}"

    def get_absolute_url(self):
        return reverse("scoring:sheet.detail", args=[self.pk])

    @property
    def is_submitted(self) -> bool:
        return self.state == SheetState.SUBMITTED


class ItemScore(models.Model):
    """A member's current score for one item: a point of the item's scale, or N/A
    (``not_applicable``), or nothing yet (both empty); with a note. ``client_time`` is the
    member's device clock of the edit that won (per-item last writer wins)."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="items",
                              verbose_name=_("score sheet"))
    item = models.ForeignKey("criteria.Node", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("item"))
    value = models.FloatField(_("score"), null=True, blank=True)
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    note = models.TextField(_("note"), blank=True)
    client_time = models.DateTimeField(_("edited on the device at"), null=True, blank=True)
    change_id = models.UUIDField(_("change"), null=True, blank=True)
    device_id = models.CharField(_("device"), max_length=64, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("item score")
        verbose_name_plural = _("item scores")
        ordering = ["sheet", "item__position"]
        constraints = [models.UniqueConstraint(fields=["sheet", "item"],
                                               name="item_score_one_per_item")]

    def __str__(self):
        return f"{self.sheet} {self.item.ref}"

    @property
    def is_scored(self) -> bool:
        return self.not_applicable or self.value is not None


class ItemScoreHistory(models.Model):
    """An edit of an item that is not (or no longer) current: replaced by a later edit, or
    arrived after a later one (``reason``). Nothing a member typed is ever dropped."""

    item_score = models.ForeignKey(ItemScore, on_delete=models.CASCADE,
                                   related_name="history", verbose_name=_("item score"))
    value = models.FloatField(_("score"), null=True, blank=True)
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    note = models.TextField(_("note"), blank=True)
    client_time = models.DateTimeField(_("edited on the device at"), null=True, blank=True)
    change_id = models.UUIDField(_("change"), null=True, blank=True)
    device_id = models.CharField(_("device"), max_length=64, blank=True)
    reason = models.CharField(_("why kept"), max_length=20, choices=HistoryReason.choices)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("item score history")
        verbose_name_plural = _("item score history")
        ordering = ["item_score", "-client_time", "-pk"]

    def __str__(self):
        return f"{self.item_score} @ {self.client_time}"
