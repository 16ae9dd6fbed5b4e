from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gecc.accounts.scoping import RoleScopedQuerySet
from gecc.applications.scoping import through_application


class AnswerQuerySet(RoleScopedQuerySet):
    def role_scope(self, role, user):
        """The rows of the applications the user sees (``scoping.through_application``)."""
        return through_application(role, user, "application_id")

    def answered(self):
        return self.filter(Q(self_score__isnull=False) | Q(not_applicable=True))


class Answer(models.Model):
    """The unit's self-assessment of one criteria item: a score (or N/A) and an explanation.

    ``revision`` grows by one on every save; a save that was loaded at an older revision is
    refused (``gecc.applications.domain.answers.save_answer``), so nothing is overwritten
    silently. ``needs_confirmation`` marks an answer carried forward from a previous round.
    """

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE,
                                    related_name="answers", verbose_name=_("application"))
    item = models.ForeignKey("criteria.Node", on_delete=models.PROTECT, related_name="answers",
                             verbose_name=_("item"))
    self_score = models.SmallIntegerField(_("self-score"), null=True, blank=True)
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    explanation = models.TextField(_("explanation"), blank=True)
    needs_confirmation = models.BooleanField(_("to confirm"), default=False)
    revision = models.PositiveIntegerField(_("revision"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("updated by"))

    objects = AnswerQuerySet.as_manager()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["application", "item__position"]
        constraints = [models.UniqueConstraint(fields=["application", "item"],
                                               name="applications_answer_unique_item")]

    def __str__(self):
        return f"{self.item.ref}: {self.display_score}"

    @property
    def is_answered(self) -> bool:
        return self.not_applicable or self.self_score is not None

    @property
    def display_score(self) -> str:
        if self.not_applicable:
            return "N/A"
        return "—" if self.self_score is None else str(self.self_score)
