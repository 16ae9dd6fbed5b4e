"""Creating an application and moving it through its states: one function per transition,
each guard → save(update_fields) → audit → notify, inside one transaction."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gecc.applications.enums import (
    LIVE_STATES,
    ApplicationAction,
    ApplicationKind,
    ApplicationState,
)
from gecc.applications.models import Answer, Application, ReviewComment
from gecc.audit.domain import log_action
from gecc.common.thaidate import as_local_date, end_of_day, format_be, format_be_deadline

from .answers import missing_items
from .editing import can_edit, can_withdraw
from .errors import ConcurrentEditError
from .items import items_for_unit_type, level_codes
from .notify import notify_application
from .receipts import record_submission
from .renewal import RENEWABLE_STATES, carry_forward_answers, certified_application_for
from .transitions import AUDIT_ACTIONS, next_state

A, S = ApplicationAction, ApplicationState


def one_live_message() -> str:
    return _("This service unit already has an application in this round. Withdraw it "
             "first, or continue the existing one.")


def previous_application_for(unit, round_obj):
    """The application a renewal of ``unit`` in ``round_obj`` starts from: its most recent
    one of an earlier round that reached the certified end state (None for a unit that was
    never certified, which applies as new). See ``renewal.certified_application_for``."""
    return certified_application_for(unit, round_obj)


def _validate_level(round_obj, target_level):
    codes = level_codes(round_obj.edition)
    if target_level not in codes:
        raise ValidationError({"target_level": _(
            "Choose one of the levels of this round's criteria: %(levels)s.")
            % {"levels": ", ".join(codes)}}, code="invalid_level")


@transaction.atomic
def create_application(round_obj, unit, *, kind=ApplicationKind.NEW, target_level,
                       contact_name, contact_phone="", contact_email="", actor,
                       previous=None, now=None, request=None) -> Application:
    """A draft application with one empty answer per item that applies to the unit's type.

    A renewal starts from ``previous`` (by default the unit's last application): answers of
    items with the same reference are copied and marked "to confirm", with their evidence.
    """
    now = now or timezone.now()
    if not round_obj.accepting_applications(now):
        raise ValidationError(_("This round is not accepting applications now."),
                              code="round_closed")
    _validate_level(round_obj, target_level)
    if not (contact_name or "").strip():
        raise ValidationError({"contact_name": _("Give the name of a contact person.")})
    if Application.objects.filter(round=round_obj, unit=unit, state__in=LIVE_STATES).exists():
        raise ValidationError(one_live_message(), code="one_live_application")
    if kind == ApplicationKind.RENEWAL:
        previous = previous or previous_application_for(unit, round_obj)
        if previous is not None and previous.unit_id != unit.pk:
            raise ValidationError(_("A renewal must follow an application of the same unit."),
                                  code="previous_other_unit")
        if previous is None or previous.state not in RENEWABLE_STATES:
            raise ValidationError(_("A renewal is for a unit that was certified in an earlier "
                                    "round; this unit never was, so apply as a new "
                                    "application."), code="nothing_to_renew")
    else:
        previous = None
    application = Application(
        round=round_obj, unit=unit, kind=kind, target_level=target_level,
        contact_name=contact_name.strip(), contact_phone=contact_phone.strip(),
        contact_email=contact_email.strip(), previous=previous,
        created_by=actor if getattr(actor, "is_authenticated", False) else None)
    try:
        with transaction.atomic():
            application.save(force_insert=True)
    except IntegrityError:
        raise ValidationError(one_live_message(), code="one_live_application") from None
    Answer.objects.bulk_create(
        [Answer(application=application, item=item)
         for item in items_for_unit_type(round_obj.edition, unit.unit_type)])
    carried = 0
    if previous is not None:
        carried = carry_forward_answers(previous, application, actor)
    log_action("application.created", actor=actor, obj=application, request=request,
               after={"state": application.state, "kind": kind, "target_level": target_level,
                      "round": round_obj.year, "unit": unit.code},
               data={"previous": previous.pk if previous else None,
                     "carried_forward": carried})
    return application


# -- transitions ---------------------------------------------------------------------------


def _locked(application, expected_version=None) -> Application:
    # The application's row alone: its round, edition and unit are read, not locked (a
    # lock on the round's row would make every application of the round wait for another).
    current = (Application.objects.select_for_update(of=("self",))
               .select_related("round", "round__edition", "unit").get(pk=application.pk))
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentEditError(_("The application changed since it was loaded. Reload it "
                                    "and try again."))
    return current


def _apply(application, current, action, actor, *, fields=None, data=None, request=None):
    """Move ``current`` (locked) by ``action``: save, audit once, and refresh the caller's
    instance."""
    before = current.state
    target = next_state(before, action)
    fields = dict(fields or {})
    for name, value in fields.items():
        setattr(current, name, value)
    current.state = target
    current.version += 1
    current.save(update_fields=[*fields, "state", "version", "updated_at"])
    log_action(AUDIT_ACTIONS[action], actor=actor, obj=current, request=request,
               before={"state": before}, after={"state": target}, data=data)
    for name in [*fields, "state", "version", "updated_at"]:
        setattr(application, name, getattr(current, name))
    return current


def _require_desk_review(current):
    """Return, accept and reject belong to the desk review: refused once the round has moved
    on to its site visits (or was never opened)."""
    if not current.round.in_desk_review():
        raise ValidationError(
            _("The desk review of this round is over (the round is in the phase "
              "“%(phase)s”); applications can no longer be returned, accepted or rejected.")
            % {"phase": current.round.get_phase_display()}, code="desk_review_over")


def _require_complete(application):
    missing = missing_items(application)
    if missing:
        lines = "; ".join(entry.describe() for entry in missing)
        raise ValidationError(
            _("The self-assessment is not complete: %(items)s") % {"items": lines},
            code="incomplete", params={"missing": [entry.ref for entry in missing]})


@transaction.atomic
def submit_application(application, actor, now=None, *, expected_version=None,
                       request=None) -> Application:
    """Send the application to the secretariat. The server decides whether it is in time:
    while the round accepts applications (or, for a returned application, before its
    correction deadline): the same rule as for editing (``editing.can_edit``). Every
    applicable item must be answered, nothing left to confirm and every item that needs
    evidence must have a current file (``missing_items``). The receipt
    (``receipts.record_submission``) is stored in the same transaction and e-mailed."""
    now = now or timezone.now()
    current = _locked(application, expected_version)
    if current.state == S.RETURNED:
        return _resubmit(application, current, actor, now, request)
    next_state(current.state, A.SUBMIT)
    if not can_edit(current, now):
        raise ValidationError(_("The application period of this round is over (or has not "
                                "started); the application cannot be submitted."),
                              code="deadline_passed")
    _require_complete(current)
    _apply(application, current, A.SUBMIT, actor, fields={"submitted_at": now},
           request=request)
    receipt = record_submission(current, actor, now)
    notify_application("application.submitted", current, actor=actor, receipt=receipt)
    return application


def _resubmit(application, current, actor, now, request):
    next_state(current.state, A.RESUBMIT)
    if not can_edit(current, now):
        raise ValidationError(_("The deadline for the corrections has passed; the application "
                                "cannot be resubmitted."), code="deadline_passed")
    _require_complete(current)
    _apply(application, current, A.RESUBMIT, actor, fields={"submitted_at": now},
           request=request)
    receipt = record_submission(current, actor, now, resubmission=True)
    notify_application("application.resubmitted", current, actor=actor, receipt=receipt)
    return application


@transaction.atomic
def resubmit(application, actor, now=None, *, expected_version=None,
             request=None) -> Application:
    """Send a returned application back after corrections, before its deadline."""
    now = now or timezone.now()
    current = _locked(application, expected_version)
    return _resubmit(application, current, actor, now, request)


def _deadline_datetime(deadline):
    """A date means "until the end of that day" in the project's time zone."""
    if isinstance(deadline, datetime.datetime):
        if timezone.is_naive(deadline):
            deadline = timezone.make_aware(deadline)
        return deadline
    if isinstance(deadline, datetime.date):
        # Stored as the day's last instant, so every page shows the date that was typed.
        return end_of_day(deadline)
    raise ValidationError({"return_deadline": _("Give a deadline for the corrections.")})


@transaction.atomic
def return_for_correction(application, actor, deadline, comments=(), *, now=None,
                          expected_version=None, request=None) -> Application:
    """Send the application back to the unit with what to fix and a deadline (a date counts
    until the end of that day). ``comments`` are new whole-application comments; the email
    lists them with every other open comment."""
    now = now or timezone.now()
    current = _locked(application, expected_version)
    next_state(current.state, A.RETURN)
    _require_desk_review(current)
    if deadline is None:
        raise ValidationError({"return_deadline": _("Give a deadline for the corrections.")})
    deadline_at = _deadline_datetime(deadline)
    if deadline_at <= now:
        raise ValidationError({"return_deadline": _("The deadline must be in the future.")})
    review_end = current.round.desk_review_end_at
    if review_end is not None and deadline_at > review_end:
        # A date means that whole day: the desk review's last day is allowed, and then
        # counts until the desk review ends.
        last_day = as_local_date(review_end)
        if isinstance(deadline, datetime.datetime) or deadline > last_day:
            raise ValidationError({"return_deadline": _(
                "The deadline must fall within the desk review, which ends on %(date)s.")
                % {"date": format_be(review_end)}})
        deadline_at = review_end
    comments = [str(text).strip() for text in comments if str(text).strip()]
    ReviewComment.objects.bulk_create(
        [ReviewComment(application=current, text=text,
                       author=actor if getattr(actor, "is_authenticated", False) else None)
         for text in comments])
    _apply(application, current, A.RETURN, actor,
           fields={"return_deadline": deadline_at, "returned_at": now},
           data={"deadline": deadline_at.isoformat(), "comments": comments}, request=request)
    notify_application("application.returned", current, actor=actor,
                       deadline=deadline_at, comments=open_comment_lines(current))
    return application


def open_comment_lines(application) -> list[str]:
    """Every unresolved review comment of the application, item comments first
    ("P1.1: …"), as the unit should read them in the return email."""
    comments = (ReviewComment.objects.filter(application=application, resolved_at__isnull=True)
                .select_related("answer__item").order_by("answer__item__position", "created_at"))
    return [(f"{c.answer.item.ref}: " if c.answer_id else "") + " ".join(c.text.split())
            for c in comments]


@transaction.atomic
def accept_for_site_visit(application, actor, *, now=None, expected_version=None,
                          request=None) -> Application:
    """The desk review passed: the application waits for a site visit."""
    now = now or timezone.now()
    current = _locked(application, expected_version)
    next_state(current.state, A.ACCEPT)
    _require_desk_review(current)
    _apply(application, current, A.ACCEPT, actor, fields={"accepted_at": now},
           request=request)
    notify_application("application.accepted", current, actor=actor)
    return application


@dataclass
class BulkOutcome:
    accepted: list = field(default_factory=list)
    refused: list = field(default_factory=list)  # (application, message)


def bulk_accept(applications, actor, *, now=None, request=None) -> BulkOutcome:
    """Accept each application through :func:`accept_for_site_visit` (each in its own
    transaction); the ones that cannot be accepted are reported with the reason."""
    outcome = BulkOutcome()
    for application in applications:
        try:
            accept_for_site_visit(application, actor, now=now, request=request)
        except (ValidationError, ConcurrentEditError) as exc:
            message = " ".join(exc.messages) if hasattr(exc, "messages") else str(exc)
            outcome.refused.append((application, message))
        else:
            outcome.accepted.append(application)
    return outcome


@transaction.atomic
def reject(application, actor, reason, *, now=None, expected_version=None,
           request=None) -> Application:
    """The application fails the desk review; the reason is required and sent to the unit.
    A returned application can be rejected once its correction deadline has passed."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    current = _locked(application, expected_version)
    next_state(current.state, A.REJECT)
    _require_desk_review(current)
    if (current.state == S.RETURNED and current.return_deadline is not None
            and now < current.return_deadline):
        raise ValidationError(
            _("The unit may send its corrections until %(deadline)s; a returned application "
              "can be rejected only after that.")
            % {"deadline": format_be_deadline(current.return_deadline)},
            code="corrections_pending")
    if not reason:
        raise ValidationError({"rejection_reason": _("Give the reason for the rejection.")})
    _apply(application, current, A.REJECT, actor,
           fields={"rejection_reason": reason, "rejected_at": now},
           data={"reason": reason}, request=request)
    notify_application("application.rejected", current, actor=actor, reason=reason)
    return application


@transaction.atomic
def withdraw(application, actor, reason="", *, now=None, expected_version=None,
             request=None) -> Application:
    """The unit takes its application back: a sent application any time before a decision;
    a draft only while it could still be changed (``editing.can_withdraw``): after the
    round stopped accepting applications a draft simply stays unsent."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    current = _locked(application, expected_version)
    next_state(current.state, A.WITHDRAW)
    if not can_withdraw(current, now):
        raise ValidationError(_("Applications for this round are closed; a draft that was "
                                "never submitted can no longer be withdrawn."),
                              code="applications_closed")
    _apply(application, current, A.WITHDRAW, actor,
           fields={"withdrawal_reason": reason, "withdrawn_at": now},
           data={"reason": reason} if reason else None, request=request)
    return application
