"""Renewal: a new application starts from the unit's previous self-assessment."""

from __future__ import annotations

from gecc.applications.models import Answer

from .items import scale_values


def _evidence_carry_forward():
    """``gecc.evidence.domain.carry_forward(old_answer, new_answer, actor)`` if the
    evidence app provides it."""
    try:
        from gecc.evidence.domain import carry_forward
    except ImportError:
        return None
    return carry_forward


def carry_forward_answers(previous, application, actor) -> int:
    """Copy the previous application's answers onto items with the same reference, each
    marked "to confirm", with their evidence files. Returns how many were carried."""
    old_by_ref = {answer.item.ref: answer for answer in
                  Answer.objects.filter(application=previous).select_related("item")}
    edition = application.round.edition
    carried = []
    for answer in Answer.objects.filter(application=application).select_related("item"):
        old = old_by_ref.get(answer.item.ref)
        if old is None:
            continue
        if old.not_applicable and answer.item.na_allowed:
            answer.not_applicable = True
        elif old.self_score is not None and old.self_score in scale_values(edition,
                                                                              answer.item):
            answer.self_score = old.self_score
        answer.explanation = old.explanation
        answer.needs_confirmation = True
        carried.append((old, answer))
    Answer.objects.bulk_update([new for _old, new in carried],
                               ["self_score", "not_applicable", "explanation",
                                "needs_confirmation"])
    carry_evidence = _evidence_carry_forward()
    if carry_evidence is not None:
        for old, new in carried:
            carry_evidence(old, new, actor)
    return len(carried)
