"""Renewal: a new application starts from the unit's previous self-assessment.

Who may renew: a unit that holds or held a certification. The answer comes from
``certified_application_for(unit, round_obj)``, which its callers use unchanged:

* A higher app that knows about certification registers its own answer with
  ``register_certified_lookup(fn)`` (``fn(unit, round_obj) -> Application | None``) when
  Django starts; the certificates app does (``gecc.certificates.domain.renewal``): a unit
  "was certified" when it holds or held a certificate from an earlier round that was not
  withdrawn (valid, suspended or expired), and the renewal starts from that certificate's
  application.
* With nothing registered (this app alone), an application of an earlier round in
  ``RENEWABLE_STATES`` ("accepted": it passed the desk review and went on to its site
  visit) stands for "was certified". A unit whose earlier applications were only submitted,
  returned, rejected or withdrawn never was, and applies as new.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gecc.applications.enums import ApplicationState
from gecc.applications.models import Answer, Application
from gecc.audit.domain import log_action

from .editing import locked_refusal, refusal_message
from .errors import ConcurrentEditError
from .items import scale_values

# The states of an earlier application that make its unit one that "was certified".
RENEWABLE_STATES = frozenset({ApplicationState.ACCEPTED})


# The lookup a higher app registered (``register_certified_lookup``), or None.
_certified_lookup = None


def register_certified_lookup(fn):
    """Let ``fn(unit, round_obj) -> Application | None`` answer ``certified_application_for``
    (the certificates app registers one at start-up; the last registration wins). Returns
    ``fn``, so it can be used as a decorator."""
    global _certified_lookup
    _certified_lookup = fn
    return fn


def certified_application_for(unit, round_obj):
    """The application a renewal of ``unit`` in ``round_obj`` starts from, or None (the unit
    never was certified): the registered lookup's answer when there is one, else the unit's
    most recent application of an earlier round in ``RENEWABLE_STATES``."""
    if _certified_lookup is not None:
        return _certified_lookup(unit, round_obj)
    return (Application.objects.filter(unit=unit, round__year__lt=round_obj.year,
                                       state__in=RENEWABLE_STATES)
            .order_by("-round__year", "-pk").first())


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


def parse_expected(values) -> dict[str, int]:
    """``["P1.1:0", "P1.2:3"]`` (what the confirmation page posts) → ``{"P1.1": 0, …}``;
    an entry that does not parse is skipped, so it can only confirm less."""
    expected = {}
    for value in values:
        ref, _sep, revision = (value or "").rpartition(":")
        if ref and revision.isdigit():
            expected[ref] = int(revision)
    return expected


@transaction.atomic
def confirm_all_unchanged(application, actor, *, expected, now=None, request=None) -> list[str]:
    """Keep every carried-forward answer the unit was shown as it is, in one step.

    ``expected`` maps each item reference the confirmation page listed to the revision it
    showed. The guard is ``confirm_answer``'s: the application must still be editable, and if
    any listed answer was changed (or confirmed) since the page was shown,
    :class:`ConcurrentEditError` is raised and nothing is written. Answers not listed stay
    "to confirm". One audit entry (``application.answers_confirmed``) lists the references.
    Returns them, in document order."""
    now = now or timezone.now()
    if not expected:
        raise ValidationError(_("There is nothing to confirm."), code="nothing_to_confirm")
    refusal = locked_refusal(application.pk, application.round, now)
    if refusal is not None:
        raise ValidationError(refusal_message(refusal), code=refusal)
    rows = list(Answer.objects.filter(application=application, item__ref__in=list(expected))
                .values_list("pk", "item__ref", "revision", "needs_confirmation")
                .order_by("item__position"))
    current = {ref: (revision, needs) for _pk, ref, revision, needs in rows}
    if any(current.get(ref) != (revision, True) for ref, revision in expected.items()):
        raise ConcurrentEditError(_("Some of these answers were changed or confirmed since "
                                    "the list was shown. Look at the list again, then "
                                    "confirm."))
    user = actor if getattr(actor, "is_authenticated", False) else None
    Answer.objects.filter(pk__in=[pk for pk, *_rest in rows]).update(
        needs_confirmation=False, revision=F("revision") + 1, updated_at=now, updated_by=user)
    refs = [ref for _pk, ref, _revision, _needs in rows]
    log_action("application.answers_confirmed", actor=actor, obj=application, request=request,
               before={"needs_confirmation": True}, after={"needs_confirmation": False},
               data={"items": refs, "count": len(refs)})
    return refs
