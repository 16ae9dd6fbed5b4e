"""Desk review data: the screening checklist and the reviewers' comments."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gecc.applications.enums import REVIEWABLE_STATES
from gecc.applications.models import Application, ReviewComment
from gecc.audit.domain import log_action


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def record_screening(application, actor, checks: dict, *, request=None) -> Application:
    """Record the desk reviewer's screening: ``checks`` maps each checklist code of the round
    to ``{"checked": bool, "note": str}`` (a bare bool is accepted too)."""
    current = Application.objects.select_for_update(of=("self",)).select_related("round").get(
        pk=application.pk)
    if current.state not in REVIEWABLE_STATES:
        raise ValidationError(_("Only a submitted application can be screened."),
                              code="not_reviewable")
    codes = current.round.checklist_codes()
    unknown = sorted(set(checks) - set(codes))
    if unknown:
        raise ValidationError(_("Unknown checklist items: %(codes)s")
                              % {"codes": ", ".join(unknown)}, code="unknown_check")
    screening = dict(current.screening or {})
    for code in codes:
        if code not in checks:
            continue
        value = checks[code]
        if isinstance(value, dict):
            entry = {"checked": bool(value.get("checked")),
                     "note": str(value.get("note", "")).strip()}
        else:
            entry = {"checked": bool(value), "note": ""}
        screening[code] = entry
    before = current.screening or {}
    current.screening = screening
    current.save(update_fields=["screening", "updated_at"])
    log_action("application.screened", actor=actor, obj=current, request=request,
               before={"screening": before}, after={"screening": screening})
    application.screening = screening
    return application


def screening_complete(application) -> bool:
    return all((application.screening or {}).get(code, {}).get("checked")
               for code in application.round.checklist_codes())


@transaction.atomic
def add_review_comment(application, actor, text, *, answer=None,
                       request=None) -> ReviewComment:
    """A reviewer's remark on the application, or on one of its answers."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the comment.")})
    if answer is not None and answer.application_id != application.pk:
        raise ValidationError(_("The answer belongs to another application."))
    comment = ReviewComment.objects.create(application=application, answer=answer, text=text,
                                           author=_user(actor))
    log_action("application.comment_added", actor=actor, obj=application, request=request,
               after={"text": text},
               data={"comment": comment.pk, "item": answer.item.ref if answer else None})
    return comment


@transaction.atomic
def resolve_comment(comment, actor, *, request=None) -> ReviewComment:
    """Mark a comment as dealt with (resolving twice changes nothing)."""
    if comment.resolved_at is not None:
        return comment
    now, user = timezone.now(), _user(actor)
    # Conditional UPDATE: of two clicks at once (or a stale page), only the first resolves.
    resolved = ReviewComment.objects.filter(pk=comment.pk, resolved_at__isnull=True).update(
        resolved_at=now, resolved_by=user)
    if not resolved:
        comment.refresh_from_db(fields=["resolved_at", "resolved_by"])
        return comment
    comment.resolved_at, comment.resolved_by = now, user
    log_action("application.comment_resolved", actor=actor, obj=comment.application,
               request=request, before={"resolved": False}, after={"resolved": True},
               data={"comment": comment.pk})
    return comment
