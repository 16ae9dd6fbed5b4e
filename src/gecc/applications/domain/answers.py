"""The self-assessment: saving answers safely, what is missing, progress per category."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from gecc.applications.models import Answer
from gecc.audit.domain import log_action
from gecc.criteria.models import Node

from .editing import edit_refusal, locked_refusal, refusal_message
from .errors import ConcurrentEditError
from .items import scale_values

ANSWERED = Q(self_score__isnull=False) | Q(not_applicable=True)

UNANSWERED = "unanswered"
TO_CONFIRM = "to_confirm"
NA_NOT_ALLOWED = "na_not_allowed"
NO_EVIDENCE = "no_evidence"


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


def _not_editable(code):
    return ValidationError(refusal_message(code), code=code)


def _guard_editable(answer, now):
    code = edit_refusal(answer.application, now)
    if code is not None:
        raise _not_editable(code)


def _conditional_update(answer, expected_revision, actor, now=None, **values):
    """UPDATE … WHERE revision = expected: the first save wins, a stale one is refused."""
    now = now or timezone.now()
    user = actor if getattr(actor, "is_authenticated", False) else None
    # Lock the application row: a submission cannot slip in between the check and the save.
    code = locked_refusal(answer.application_id, answer.application.round, now)
    if code is not None:
        raise _not_editable(code)
    rows = Answer.objects.filter(pk=answer.pk, revision=expected_revision).update(
        revision=F("revision") + 1, updated_at=now, updated_by=user, **values)
    if rows == 1:
        return now
    current = Answer.objects.filter(pk=answer.pk).values_list("revision", flat=True).first()
    raise ConcurrentEditError(current_revision=current)


@transaction.atomic
def save_answer(answer, *, self_score, explanation, expected_revision, actor,
                not_applicable=False, request=None, now=None) -> Answer:
    """Store a self-score (or N/A) and explanation. ``expected_revision`` is the revision
    the editor loaded; if the answer has been saved since, :class:`ConcurrentEditError` is
    raised and nothing is written. Saving confirms a carried-forward answer. Refused (a
    ValidationError coded as in ``editing``) once the application may not change."""
    now = now or timezone.now()
    _guard_editable(answer, now)
    validate_score(answer, self_score, not_applicable)
    explanation = (explanation or "").strip()
    before = {"self_score": answer.self_score, "not_applicable": answer.not_applicable,
              "explanation": answer.explanation}
    now = _conditional_update(answer, expected_revision, actor, now, self_score=self_score,
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
def confirm_answer(answer, *, actor, expected_revision=None, request=None,
                   now=None) -> Answer:
    """Keep a carried-forward answer as it is ("to confirm" → confirmed)."""
    now = now or timezone.now()
    _guard_editable(answer, now)
    if not answer.needs_confirmation:
        return answer
    revision = answer.revision if expected_revision is None else expected_revision
    now = _conditional_update(answer, revision, actor, now, needs_confirmation=False)
    answer.needs_confirmation, answer.revision, answer.updated_at = False, revision + 1, now
    log_action("application.answer_confirmed", actor=actor, obj=answer.application,
               request=request, before={"needs_confirmation": True},
               after={"needs_confirmation": False},
               data={"item": answer.item.ref, "revision": answer.revision})
    return answer


@dataclass(frozen=True)
class MissingItem:
    """One item that stops the submission, with every reason it does (in a fixed order:
    not answered / N/A not allowed, to confirm, no evidence)."""

    answer: Answer
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        return self.reasons[0]

    @property
    def item(self):
        return self.answer.item

    @property
    def ref(self) -> str:
        return self.answer.item.ref

    def labels(self) -> list[str]:
        return [reason_label(reason) for reason in self.reasons]

    def describe(self) -> str:
        return _("%(ref)s (%(reasons)s)") % {"ref": self.ref,
                                             "reasons": ", ".join(self.labels())}


def reason_label(reason) -> str:
    return {
        UNANSWERED: _("not answered"),
        NA_NOT_ALLOWED: _("N/A is not allowed for this item"),
        TO_CONFIRM: _("carried forward, to confirm"),
        NO_EVIDENCE: _("evidence file required"),
    }[reason]


def _has_current_evidence():
    """``Exists`` of a current evidence file for the answer (the evidence app sits above
    this one: its model is reached through the relation, never imported)."""
    try:
        model = Answer._meta.get_field("evidence_files").related_model
    except FieldDoesNotExist:  # the evidence app is not installed
        return Value(True)
    return Exists(model.objects.filter(answer=OuterRef("pk"), is_current=True))


def missing_items(application) -> list[MissingItem]:
    """What stops the application from being submitted, in document order (each answer
    carries ``category_ref``, the ref of its item's category, for links): every applicable
    item must be answered (N/A only where the item allows it), carried-forward answers
    confirmed, and an item marked ``evidence_required`` (unless answered N/A) needs at least
    one current evidence file."""
    return assessment_state(application).missing


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
    """Answered/total per category of the criteria, in document order. An answer carried
    forward from the last round counts once it is confirmed."""
    return assessment_state(application).progress


class AssessmentState:
    """Where a self-assessment stands: what is ``missing`` and the ``progress`` per category
    (its categories are read the first time it is asked for)."""

    def __init__(self, counts: dict, missing: list[MissingItem]):
        self.counts, self.missing = counts, missing

    @cached_property
    def progress(self) -> list[CategoryProgress]:
        categories = Node.objects.filter(pk__in=self.counts).order_by("position")
        return [CategoryProgress(category, *self.counts[category.pk])
                for category in categories]


def missing_reasons(answer) -> tuple[str, ...]:
    """Why ``answer`` (with its item and ``has_evidence``) stops a submission, in the fixed
    order of ``MissingItem``; empty when it does not."""
    reasons = []
    if answer.self_score is None and not answer.not_applicable:
        reasons.append(UNANSWERED)
    elif answer.not_applicable and not answer.item.na_allowed:
        reasons.append(NA_NOT_ALLOWED)
    if answer.needs_confirmation:
        reasons.append(TO_CONFIRM)
    if answer.item.evidence_required and not answer.not_applicable and not answer.has_evidence:
        reasons.append(NO_EVIDENCE)
    return tuple(reasons)


def assessment_state(application) -> AssessmentState:
    """The missing list and the progress per category together, from one read of the
    application's answers (with the columns both need; the progress then reads the
    categories): the self-assessment page and every autosave that moves a count show
    both."""
    answers = list(
        Answer.objects.filter(application=application)
        .annotate(has_evidence=_has_current_evidence(),
                  category_ref=F("item__parent__parent__ref"),
                  category_id=F("item__parent__parent_id"))
        .select_related("item")
        .only("application_id", "item_id", "self_score", "not_applicable",
              "needs_confirmation", "revision", "item__ref", "item__text_th",
              "item__na_allowed", "item__evidence_required", "item__position",
              "item__parent_id")
        .order_by("item__position"))
    counts, missing = {}, []
    for answer in answers:
        answered, total = counts.get(answer.category_id, (0, 0))
        done = (answer.self_score is not None or answer.not_applicable) \
            and not answer.needs_confirmation
        counts[answer.category_id] = (answered + done, total + 1)
        reasons = missing_reasons(answer)
        if reasons:
            missing.append(MissingItem(answer, reasons))
    return AssessmentState(counts, missing)
