"""The self-assessment: saving answers safely, what is missing, progress per category."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gecc.applications.enums import EDITABLE_STATES
from gecc.applications.models import Answer, Application
from gecc.audit.domain import log_action
from gecc.criteria.models import Node

from .errors import ConcurrentEditError
from .items import scale_values

ANSWERED = Q(self_score__isnull=False) | Q(not_applicable=True)

UNANSWERED = "unanswered"
TO_CONFIRM = "to_confirm"


def validate_score(answer, self_score, not_applicable):
    item = answer.item
    if not_applicable:
        if not item.na_allowed:
            raise ValidationError({"not_applicable": _(
                "This item cannot be marked as not applicable.")}, code="na_not_allowed")
        if self_score is not None:
            raise ValidationError({"self_score": _(
                "An item marked as not applicable has no score.")}, code="na_with_score")
        return
    if self_score is None:
        return
    allowed = scale_values(answer.application.round.edition, item)
    if isinstance(self_score, bool) or not isinstance(self_score, int) \
            or self_score not in allowed:
        raise ValidationError({"self_score": _(
            "Choose a score from the item's scale: %(values)s.")
            % {"values": ", ".join(str(v) for v in sorted(allowed))}}, code="invalid_score")


def _not_editable():
    return ValidationError(_("The application can no longer be changed in its current state."),
                           code="not_editable")


def _conditional_update(answer, expected_revision, actor, **values):
    """UPDATE … WHERE revision = expected: the first save wins, a stale one is refused."""
    now = timezone.now()
    user = actor if getattr(actor, "is_authenticated", False) else None
    # Lock the application row: a submission cannot slip in between the check and the save.
    state = (Application.objects.select_for_update().filter(pk=answer.application_id)
             .values_list("state", flat=True).first())
    if state not in EDITABLE_STATES:
        raise _not_editable()
    rows = Answer.objects.filter(pk=answer.pk, revision=expected_revision).update(
        revision=F("revision") + 1, updated_at=now, updated_by=user, **values)
    if rows == 1:
        return now
    current = Answer.objects.filter(pk=answer.pk).values_list("revision", flat=True).first()
    raise ConcurrentEditError(current_revision=current)


@transaction.atomic
def save_answer(answer, *, self_score, explanation, expected_revision, actor,
                not_applicable=False, request=None) -> Answer:
    """Store a self-score (or N/A) and explanation. ``expected_revision`` is the revision
    the editor loaded; if the answer has been saved since, :class:`ConcurrentEditError` is
    raised and nothing is written. Saving confirms a carried-forward answer."""
    if answer.application.state not in EDITABLE_STATES:
        raise _not_editable()
    validate_score(answer, self_score, not_applicable)
    explanation = (explanation or "").strip()
    before = {"self_score": answer.self_score, "not_applicable": answer.not_applicable,
              "explanation": answer.explanation}
    now = _conditional_update(answer, expected_revision, actor, self_score=self_score,
                              not_applicable=bool(not_applicable), explanation=explanation,
                              needs_confirmation=False)
    answer.self_score, answer.not_applicable = self_score, bool(not_applicable)
    answer.explanation, answer.needs_confirmation = explanation, False
    answer.revision, answer.updated_at = expected_revision + 1, now
    after = {"self_score": self_score, "not_applicable": bool(not_applicable),
             "explanation": explanation}
    log_action("application.answer_saved", actor=actor, obj=answer.application,
               request=request,
               before={k: v for k, v in before.items() if v != after[k]},
               after={k: v for k, v in after.items() if v != before[k]},
               data={"item": answer.item.ref, "revision": answer.revision})
    return answer


@transaction.atomic
def confirm_answer(answer, *, actor, expected_revision=None, request=None) -> Answer:
    """Keep a carried-forward answer as it is ("to confirm" → confirmed)."""
    if answer.application.state not in EDITABLE_STATES:
        raise _not_editable()
    if not answer.needs_confirmation:
        return answer
    revision = answer.revision if expected_revision is None else expected_revision
    now = _conditional_update(answer, revision, actor, needs_confirmation=False)
    answer.needs_confirmation, answer.revision, answer.updated_at = False, revision + 1, now
    log_action("application.answer_confirmed", actor=actor, obj=answer.application,
               request=request, before={"needs_confirmation": True},
               after={"needs_confirmation": False},
               data={"item": answer.item.ref, "revision": answer.revision})
    return answer


@dataclass(frozen=True)
class MissingItem:
    answer: Answer
    reason: str  # UNANSWERED or TO_CONFIRM

    @property
    def item(self):
        return self.answer.item

    @property
    def ref(self) -> str:
        return self.answer.item.ref

    def describe(self) -> str:
        if self.reason == TO_CONFIRM:
            return _("%(ref)s (carried forward, to confirm)") % {"ref": self.ref}
        return _("%(ref)s (mandatory, not answered)") % {"ref": self.ref}


def missing_items(application) -> list[MissingItem]:
    """What stops the application from being submitted: mandatory items without an answer,
    and carried-forward answers still waiting for confirmation (in document order)."""
    answers = (Answer.objects.filter(application=application)
               .filter(Q(item__mandatory=True, self_score__isnull=True, not_applicable=False)
                       | Q(needs_confirmation=True))
               .select_related("item").order_by("item__position"))
    return [MissingItem(answer, TO_CONFIRM if answer.needs_confirmation else UNANSWERED)
            for answer in answers]


@dataclass(frozen=True)
class CategoryProgress:
    category: Node
    answered: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 100

    @property
    def complete(self) -> bool:
        return self.answered == self.total


def progress_by_category(application) -> list[CategoryProgress]:
    """Answered/total per category of the criteria, in document order (two queries). An
    answer carried forward from the last round counts once it is confirmed."""
    done = ANSWERED & Q(needs_confirmation=False)
    rows = (Answer.objects.filter(application=application)
            .values(category_id=F("item__parent__parent_id"))
            .annotate(total=Count("pk"), answered=Count("pk", filter=done))
            .order_by())
    counts = {row["category_id"]: row for row in rows}
    categories = Node.objects.filter(pk__in=counts).order_by("position")
    return [CategoryProgress(category, counts[category.pk]["answered"],
                             counts[category.pk]["total"]) for category in categories]
