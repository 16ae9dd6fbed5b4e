"""Appeals against a final decision (อุทธรณ์ผลการตัดสิน): filing, receipt, the reviewer, the
outcome. Each step is one function: guard → save → audit → e-mail the unit's coordinators,
in one transaction.

* ``file_appeal(decision, actor, *, reasons, requested_level="", files=(), request=None,
  now=None)``: a coordinator of the application's unit, on a final decision (its meeting
  closed), until ``appeal_deadline(decision)`` (the meeting's closing date +
  ``APPEAL_PERIOD_DAYS``, to the end of that day in Asia/Bangkok), one open appeal per
  decision at a time, reasons required; attachments PDF/JPEG/PNG by content, each at most
  ``APPEAL_ATTACHMENT_MAX_BYTES``, kept in Django storage with their SHA-256. Every file is
  checked before anything is written: one refused file refuses the whole appeal.
* ``receive_appeal`` (filed → received), ``assign_reviewer`` (received/under review → under
  review; the reviewer a secretariat or steering-committee user, an optional due date),
  ``record_appeal_outcome`` (received/under review → upheld: the decision changes through
  ``decisions.change_decision_on_appeal``, which tells the certificates app; → dismissed,
  with a reason).

Refusals are ``ValidationError`` with a Thai-first message and a ``code``; a person without
the right gets ``PermissionDenied``.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gecc.accounts.enums import Role
from gecc.audit.domain import log_action
from gecc.common.thaidate import end_of_day, format_be, format_be_deadline
from gecc.decisions import rules_appeals  # noqa: F401  (registers the permissions)
from gecc.decisions.enums import OPEN_APPEAL_STATES, AppealState, DecisionOutcome
from gecc.decisions.models import Appeal, AppealAttachment, Decision

REASONS_MAX_CHARS = 10_000
OUTCOME_REASON_MAX_CHARS = 5_000
MAX_ATTACHMENTS = 10
ALLOWED_KINDS = ("pdf", "jpeg", "png")
ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"

EVENT_FILED = "decisions.appeal_filed"
EVENT_RECEIVED = "decisions.appeal_received"
EVENT_REVIEWER = "decisions.appeal_reviewer_assigned"
EVENT_DECIDED = "decisions.appeal_decided"


# -- the deadline ---------------------------------------------------------------------------


def appeal_deadline(decision) -> datetime.datetime | None:
    """The last instant an appeal may be filed against ``decision`` (``None`` while its
    meeting is open). The decisions domain's own function when it is there; the same rule
    otherwise: the meeting's closing date (Asia/Bangkok) + ``APPEAL_PERIOD_DAYS``, to the
    end of that day."""
    try:
        from gecc.decisions.domain.decisions import appeal_deadline as deadline_of
    except ImportError:
        deadline_of = _appeal_deadline
    return deadline_of(decision)


def _appeal_deadline(decision):
    meeting = decision.meeting
    if not meeting.is_closed or meeting.closed_at is None:
        return None
    closed_on = timezone.localtime(meeting.closed_at).date()
    return end_of_day(closed_on + datetime.timedelta(days=settings.APPEAL_PERIOD_DAYS))


# -- who -----------------------------------------------------------------------------------


def coordinates(user, application) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    from gecc.accounts.rules import is_coordinator

    return bool(is_coordinator(user)) and application.unit.coordinators.filter(
        pk=user.pk).exists()


def coordinator_emails(application) -> list[str]:
    return application.unit.coordinator_emails()


def reviewer_candidates():
    """The people who may review an appeal: active secretariat and steering users."""
    from django.contrib.auth import get_user_model

    return (get_user_model().objects.filter(
        is_active=True, role_grants__role__in=[Role.SECRETARIAT, Role.STEERING])
        .distinct().order_by("full_name", "email"))


def open_appeal(decision) -> Appeal | None:
    return (Appeal.objects.filter(decision=decision, state__in=OPEN_APPEAL_STATES)
            .order_by("-filed_at").first())


def filing_refusal(decision, user=None, *, now=None) -> tuple[str, str] | None:
    """Why an appeal cannot be filed against ``decision`` now (``(code, message)``), or
    ``None``. ``user`` given: only a coordinator of the application's unit may."""
    now = now or timezone.now()
    if user is not None and not coordinates(user, decision.application):
        return ("not_coordinator", _("Only a coordinator of the unit that applied can appeal "
                                     "this decision."))
    if not decision.meeting.is_closed:
        return ("not_final", _("This decision is not final yet: an appeal can be filed only "
                               "after the steering committee's meeting is closed."))
    deadline = appeal_deadline(decision)
    if deadline is None or now > deadline:
        return ("deadline_passed",
                _("The period for appealing this decision ended on %(date)s. An appeal can "
                  "no longer be filed.") % {"date": format_be_deadline(deadline)})
    if open_appeal(decision) is not None:
        return ("already_open", _("An appeal against this decision is already being handled. "
                                  "Wait for its outcome before filing another."))
    return None


def level_choices(application) -> list[tuple[str, str]]:
    """``[(code, name)]`` of the levels of the application's criteria edition."""
    from gecc.scoring.domain.results import level_names

    return list(level_names(application.round.edition).items())


# -- attachments ---------------------------------------------------------------------------


def max_attachment_bytes() -> int:
    return int(settings.APPEAL_ATTACHMENT_MAX_BYTES)


def _size_text(limit):
    megabytes = limit / (1024 * 1024)
    if megabytes >= 1 and megabytes == int(megabytes):
        return f"{megabytes:.0f}"
    return f"{megabytes:.2f}".rstrip("0").rstrip(".")


def _prepare(uploaded):
    """Check one file (type by content: PDF, JPEG, PNG; size) and return what to store.
    Pictures are re-saved without their metadata (no GPS), as evidence files are."""
    from gecc.evidence.domain import files

    name = files.original_name_of(uploaded)
    limit = max_attachment_bytes()
    too_big = _("“%(name)s” is too big. The largest file allowed is %(size)s MB.") % {
        "name": name, "size": _size_text(limit)}
    wrong_type = _("“%(name)s” is not a PDF, JPEG or PNG file. Only these types can be "
                   "attached to an appeal.") % {"name": name}
    claimed = getattr(uploaded, "size", None)
    if claimed is not None and claimed > limit:
        raise ValidationError(too_big, code="attachment_too_big")
    size = files.stored_size(uploaded)
    if size > limit:
        raise ValidationError(too_big, code="attachment_too_big")
    if size == 0:
        raise ValidationError(_("“%(name)s” is empty. Choose a file that has content.")
                              % {"name": name}, code="attachment_empty")
    uploaded.seek(0)
    head = uploaded.read(files.HEAD_BYTES)
    uploaded.seek(0)
    try:
        kind = files.detect_type(head, zip_names=[])
    except files.EvidenceRejected:
        kind = ""
    if kind not in ALLOWED_KINDS:
        raise ValidationError(wrong_type, code="attachment_type")
    if kind in files.IMAGE_TYPES:
        try:
            cleaned = files.strip_image_metadata(uploaded.read(), kind)
        except files.EvidenceRejected:
            raise ValidationError(wrong_type, code="attachment_type") from None
        finally:
            uploaded.seek(0)
        if len(cleaned) > limit:
            raise ValidationError(too_big, code="attachment_too_big")
        from django.core.files.base import ContentFile

        content = ContentFile(cleaned)
        size = len(cleaned)
    else:
        from django.core.files.base import File

        content = uploaded if isinstance(uploaded, File) else File(uploaded)
    return files.PreparedFile(kind=kind, content=content, size=size,
                              sha256=files.sha256_of(content), original_name=name)


def prepare_attachments(uploads) -> list:
    """Every file checked before anything is stored (``ValidationError`` listing each
    refused file)."""
    uploads = [upload for upload in uploads or () if upload is not None]
    if len(uploads) > MAX_ATTACHMENTS:
        raise ValidationError(_("At most %(count)d files can be attached to an appeal.")
                              % {"count": MAX_ATTACHMENTS}, code="too_many_attachments")
    prepared, errors = [], []
    for upload in uploads:
        try:
            prepared.append(_prepare(upload))
        except ValidationError as exc:
            errors.append(exc)
    if errors:
        raise ValidationError(errors)
    return prepared


def _store_attachment(appeal, prepared, actor):
    attachment = AppealAttachment(appeal=appeal, original_name=prepared.original_name,
                                  content_type=prepared.content_type, size=prepared.size,
                                  sha256=prepared.sha256, uploaded_by=actor)
    attachment.file.save(f"appeal.{prepared.extension}", prepared.content, save=False)
    attachment.save(force_insert=True)
    return attachment


def attachment_download_name(attachment) -> str:
    from gecc.evidence.domain.files import download_name

    kind = {"application/pdf": "pdf", "image/jpeg": "jpeg", "image/png": "png"}.get(
        attachment.content_type, "pdf")
    return download_name(attachment.original_name, kind)


# -- the steps -----------------------------------------------------------------------------


def _summary(appeal) -> dict:
    return {"state": appeal.state, "decision": appeal.decision_id,
            "application": appeal.application_id}


def _tell_the_unit(event, appeal, actor, **extra):
    from gecc.notifications.domain import notify

    application = appeal.application
    notify(event, recipients=coordinator_emails(application), obj=appeal, actor=actor,
           context={"appeal": appeal, "application": application, "unit": application.unit,
                    "round": application.round, "deadline": appeal.deadline,
                    "url": reverse("portal:appeal.detail", args=[appeal.pk]), **extra})


def _clean_text(value, *, required_message, required_code, limit, too_long_message):
    text = (value or "").strip()
    if not text:
        raise ValidationError(required_message, code=required_code)
    if len(text) > limit:
        raise ValidationError(too_long_message % {"count": limit}, code="too_long")
    return text


def file_appeal(decision, actor, *, reasons, requested_level="", files=(), request=None,
                now=None) -> Appeal:
    """The unit's appeal against ``decision`` (see the module's docstring). Nothing is saved
    when anything is refused."""
    now = now or timezone.now()
    application = decision.application
    if not coordinates(actor, application):
        raise PermissionDenied(_("Only a coordinator of the unit that applied can appeal this "
                                 "decision."))
    reasons = _clean_text(
        reasons, required_message=_("Write the reasons for the appeal."),
        required_code="reasons_required", limit=REASONS_MAX_CHARS,
        too_long_message=_("The reasons are too long: at most %(count)d characters."))
    requested_level = (requested_level or "").strip()
    if requested_level and requested_level not in dict(level_choices(application)):
        raise ValidationError(_("Choose one of the levels of this round's criteria."),
                              code="unknown_level")
    prepared = prepare_attachments(files)
    with transaction.atomic():
        decision = (Decision.objects.select_for_update(of=("self",))
                    .select_related("meeting", "application", "application__unit",
                                    "application__round")
                    .get(pk=decision.pk))
        refusal = filing_refusal(decision, now=now)
        if refusal:
            raise ValidationError(refusal[1], code=refusal[0])
        appeal = Appeal.objects.create(
            decision=decision, application=decision.application, state=AppealState.FILED,
            reasons=reasons, requested_level=requested_level, filed_by=actor, filed_at=now,
            deadline=appeal_deadline(decision))
        stored = [_store_attachment(appeal, item, actor) for item in prepared]
        log_action("appeal.filed", actor=actor, obj=appeal, request=request,
                   after=_summary(appeal),
                   data={"unit": application.unit.name_th, "round": application.round.year,
                         "requested_level": requested_level,
                         "deadline": appeal.deadline.isoformat(),
                         "attachments": [{"name": a.original_name, "sha256": a.sha256,
                                          "size": a.size} for a in stored]})
        _tell_the_unit(EVENT_FILED, appeal, actor)
    return appeal


def _lock(appeal) -> Appeal:
    return (Appeal.objects.select_for_update(of=("self",))
            .select_related("decision", "decision__meeting", "application",
                            "application__unit", "application__round", "reviewer")
            .get(pk=appeal.pk))


def _require_manager(actor):
    if actor is None or not actor.has_perm("decisions.manage_appeal"):
        raise PermissionDenied(_("Only the secretariat can handle appeals."))


def _state_refusal(appeal, allowed, message):
    if appeal.state not in allowed:
        raise ValidationError(message % {"state": appeal.get_state_display()},
                              code="wrong_state")


@transaction.atomic
def receive_appeal(appeal, actor, request=None) -> Appeal:
    """The secretariat records that the appeal was received (filed → received)."""
    _require_manager(actor)
    appeal = _lock(appeal)
    _state_refusal(appeal, {AppealState.FILED},
                   _("The receipt cannot be recorded: the appeal is “%(state)s”."))
    before = _summary(appeal)
    appeal.state = AppealState.RECEIVED
    appeal.received_at = timezone.now()
    appeal.received_by = actor
    appeal.save(update_fields=["state", "received_at", "received_by", "updated_at"])
    log_action("appeal.received", actor=actor, obj=appeal, request=request, before=before,
               after={**_summary(appeal), "received_at": appeal.received_at.isoformat()})
    _tell_the_unit(EVENT_RECEIVED, appeal, actor)
    return appeal


@transaction.atomic
def assign_reviewer(appeal, actor, *, reviewer, review_due=None, request=None) -> Appeal:
    """The secretariat names who reviews the appeal and by when (received or under review →
    under review; a later call changes the reviewer or the date)."""
    _require_manager(actor)
    from gecc.accounts.rules import is_secretariat, is_steering

    if reviewer is None or not reviewer.is_active or not (is_secretariat(reviewer)
                                                          or is_steering(reviewer)):
        raise ValidationError(_("The reviewer must be an active member of the secretariat or "
                                "of the steering committee."), code="bad_reviewer")
    if review_due is not None and review_due < timezone.localdate():
        raise ValidationError(_("The review due date cannot be in the past."),
                              code="due_in_past")
    appeal = _lock(appeal)
    _state_refusal(appeal, {AppealState.RECEIVED, AppealState.UNDER_REVIEW},
                   _("A reviewer cannot be assigned: the appeal is “%(state)s”. Record its "
                     "receipt first."))
    before = {**_summary(appeal), "reviewer": appeal.reviewer_id,
              "review_due": appeal.review_due.isoformat() if appeal.review_due else None}
    appeal.state = AppealState.UNDER_REVIEW
    appeal.reviewer = reviewer
    appeal.review_due = review_due
    appeal.save(update_fields=["state", "reviewer", "review_due", "updated_at"])
    log_action("appeal.reviewer_assigned", actor=actor, obj=appeal, request=request,
               before=before,
               after={**_summary(appeal), "reviewer": reviewer.pk,
                      "review_due": review_due.isoformat() if review_due else None},
               data={"reviewer_name": reviewer.full_name or reviewer.email})
    _tell_the_unit(EVENT_REVIEWER, appeal, actor,
                   review_due_text=format_be(review_due) if review_due else "")
    return appeal


@transaction.atomic
def record_appeal_outcome(appeal, actor, *, upheld, reason, outcome=None, level="",
                          request=None) -> Appeal:
    """The outcome of a received appeal, with its reason. Upheld: the decision now reads
    ``outcome`` (default: certify) at ``level`` (default: the level asked for) through
    ``change_decision_on_appeal`` (a new revision, ``change="appeal"``; the certificates app
    issues, changes or withdraws the certificate); dismissed: the decision stays."""
    _require_manager(actor)
    reason = _clean_text(
        reason, required_message=_("Write the reason for the outcome."),
        required_code="reason_required", limit=OUTCOME_REASON_MAX_CHARS,
        too_long_message=_("The reason is too long: at most %(count)d characters."))
    appeal = _lock(appeal)
    _state_refusal(appeal, {AppealState.RECEIVED, AppealState.UNDER_REVIEW},
                   _("The outcome cannot be recorded: the appeal is “%(state)s”."))
    before = _summary(appeal)
    decision_before = {"outcome": appeal.decision.outcome, "level": appeal.decision.level}
    if upheld:
        outcome = outcome or DecisionOutcome.CERTIFY
        if outcome not in DecisionOutcome.values:
            raise ValidationError(_("Choose the decision after the appeal."),
                                  code="unknown_outcome")
        level = (level or (appeal.requested_level if outcome == DecisionOutcome.CERTIFY
                           else "")).strip()
        if outcome == DecisionOutcome.CERTIFY:
            if not level:
                raise ValidationError(_("Choose the level the unit is certified at after the "
                                        "appeal."), code="level_required")
            if level not in dict(level_choices(appeal.application)):
                raise ValidationError(_("Choose one of the levels of this round's criteria."),
                                      code="unknown_level")
        else:
            level = ""
        from gecc.decisions.domain.decisions import change_decision_on_appeal

        change_decision_on_appeal(appeal.decision, actor, appeal=appeal, outcome=outcome,
                                  level=level, reason=reason, request=request)
        appeal.state = AppealState.UPHELD
        appeal.outcome_level = level
    else:
        appeal.state = AppealState.DISMISSED
        appeal.outcome_level = ""
    appeal.outcome_reason = reason
    appeal.decided_at = timezone.now()
    appeal.decided_by = actor
    appeal.save(update_fields=["state", "outcome_level", "outcome_reason", "decided_at",
                               "decided_by", "updated_at"])
    decision = Decision.objects.get(pk=appeal.decision_id)
    log_action("appeal.upheld" if upheld else "appeal.dismissed", actor=actor, obj=appeal,
               request=request, before=before,
               after={**_summary(appeal), "outcome_level": appeal.outcome_level,
                      "outcome_reason": reason},
               data={"decision_before": decision_before,
                     "decision_after": {"outcome": decision.outcome, "level": decision.level,
                                        "revision": decision.revision}})
    _tell_the_unit(EVENT_DECIDED, appeal, actor, upheld=bool(upheld), decision=decision)
    return appeal
