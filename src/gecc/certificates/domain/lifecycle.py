"""A certificate's life after it is issued: suspended, reinstated, withdrawn, expired, and
the renewal reminders sent before the end of its validity.

    issued ──suspend──▶ suspended ──reinstate (still within validity)──▶ issued
    issued / suspended ──withdraw──▶ withdrawn (final)
    issued / suspended ──(valid_until passed: the daily job)──▶ expired (final)

Each person-made transition is one function (guard → ``save(update_fields)`` →
``log_action`` with before/after → ``notify`` the unit's coordinators), in one transaction,
with the row locked (``select_for_update``) so two secretariat members cannot both act on
it. A refusal is a ``ValidationError`` with a Thai-first message and a ``code``;
``suspend_refusal`` / ``reinstate_refusal`` / ``withdraw_refusal`` give the same answer
before anyone types a reason, so the staff pages can say it up front.

The daily job (``expire_certificates`` then ``send_renewal_reminders``; the Celery task
``gecc.certificates.daily_lifecycle`` and ``manage.py expire_certificates`` /
``send_renewal_reminders``) runs without a person (``actor=None``, audited as "system") and
may run any number of times a day, or in two processes at once: it changes nothing twice.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gecc.audit.domain import build_entry, log_action, log_actions, person
from gecc.certificates.enums import CertificateState
from gecc.certificates.models import Certificate, CertificateReminder

S = CertificateState

# The states the daily expiry job moves to "expired".
EXPIRING_STATES = (S.ISSUED, S.SUSPENDED)
# The states a certificate may be withdrawn from.
WITHDRAWABLE_STATES = (S.ISSUED, S.SUSPENDED)

EVENT_SUSPENDED = "certificate.suspended"
EVENT_REINSTATED = "certificate.reinstated"
EVENT_WITHDRAWN = "certificate.withdrawn"
EVENT_EXPIRED = "certificate.expired"
EVENT_REMINDER = "certificate.renewal_reminder"


def local_today() -> datetime.date:
    """Today in ``TIME_ZONE`` (Asia/Bangkok)."""
    return timezone.localdate()


def _actor_label(actor) -> str:
    return "" if person(actor) else "system"


def coordinator_emails(certificate) -> list[str]:
    """The active coordinators of the certificate's unit, by e-mail."""
    return certificate.unit.coordinator_emails()


def _verify_url(certificate) -> str:
    try:
        return certificate.get_verify_url()
    except NoReverseMatch:  # the public site's verification page is not mounted
        return ""


def _portal_url() -> str:
    return reverse("portal:home")


# -- guards --------------------------------------------------------------------------------


def _state_text(certificate) -> str:
    return str(S(certificate.state).label)


def _expired_message(certificate) -> str:
    from gecc.common.thaidate import format_be

    return _("The certificate's validity ended on %(date)s.") % {
        "date": format_be(certificate.valid_until)}


def suspend_refusal(certificate, on: datetime.date | None = None) -> tuple[str, str] | None:
    """Why ``certificate`` cannot be suspended now: ``(code, Thai message)``, or None."""
    on = on or local_today()
    if certificate.state != S.ISSUED:
        return "not_issued", _(
            "Only a valid certificate can be suspended; this one is %(state)s.") % {
            "state": _state_text(certificate)}
    if certificate.valid_until < on:
        return "expired", _expired_message(certificate)
    return None


def reinstate_refusal(certificate, on: datetime.date | None = None) -> tuple[str, str] | None:
    """Why ``certificate`` cannot be reinstated now: ``(code, Thai message)``, or None. A
    suspended certificate is reinstated only while it is still within its validity."""
    on = on or local_today()
    if certificate.state != S.SUSPENDED:
        return "not_suspended", _(
            "Only a suspended certificate can be reinstated; this one is %(state)s.") % {
            "state": _state_text(certificate)}
    if certificate.valid_until < on:
        return "expired", _expired_message(certificate) + " " + _(
            "It cannot be reinstated: the unit applies for a new certification.")
    return None


def withdraw_refusal(certificate, on: datetime.date | None = None) -> tuple[str, str] | None:
    """Why ``certificate`` cannot be withdrawn: ``(code, Thai message)``, or None."""
    if certificate.state not in WITHDRAWABLE_STATES:
        return "not_withdrawable", _(
            "Only a valid or suspended certificate can be withdrawn; this one is "
            "%(state)s.") % {"state": _state_text(certificate)}
    return None


def _clean_reason(reason) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(
            _("Give the reason: the unit's coordinators read it in the e-mail, and it is kept "
              "in the audit log."), code="reason_required")})
    return reason


def _check_complaint(certificate, complaint):
    if complaint is not None and complaint.unit_id != certificate.unit_id:
        raise ValidationError({"complaint": ValidationError(
            _("This complaint is about another service unit."),
            code="complaint_other_unit")})


def _locked(certificate) -> Certificate:
    return (Certificate.objects.select_for_update(of=("self",))
            .select_related("unit", "round", "application").get(pk=certificate.pk))


def _refuse(refusal):
    if refusal is not None:
        code, message = refusal
        raise ValidationError(message, code=code)


def _snapshot(certificate) -> dict:
    return {"state": certificate.state, "state_reason": certificate.state_reason}


def _change_state(certificate, actor, state, reason, now=None) -> dict:
    """Set the state and reason; returns the ``before`` snapshot for the audit entry."""
    before = _snapshot(certificate)
    certificate.state = state
    certificate.state_reason = reason
    certificate.state_changed_at = now or timezone.now()
    certificate.state_changed_by = person(actor)
    certificate.save(update_fields=["state", "state_reason", "state_changed_at",
                                    "state_changed_by", "updated_at"])
    return before


def _data(certificate, recipients, complaint=None) -> dict:
    data = {"number": certificate.number, "unit": certificate.unit.name_th,
            "to": recipients}
    if complaint is not None:
        data["complaint"] = complaint.reference
    return data


def _tell_the_unit(event, certificate, recipients, actor, **extra):
    from gecc.notifications.domain import notify

    notify(event, recipients=recipients, obj=certificate, actor=person(actor),
           context={"certificate": certificate, "unit": certificate.unit,
                    "reason": certificate.state_reason, "url": _portal_url(),
                    "verify_url": _verify_url(certificate), **extra})


def _mark_complaint_actioned(complaint, actor, note, request):
    from gecc.decisions.domain.complaints import mark_actioned

    mark_actioned(complaint, actor, note=note, request=request)


# -- transitions ---------------------------------------------------------------------------


@transaction.atomic
def suspend_certificate(cert, actor, *, reason, complaint=None, request=None) -> Certificate:
    """Suspend a valid certificate (issued → suspended), with a reason; refused for any
    other state (code ``not_issued``) or once its validity has ended (``expired``).
    ``complaint``: the public complaint that led to it, marked "action taken" with the same
    note. Audited ``certificate.suspended``; the unit's coordinators are e-mailed."""
    return _transition(cert, actor, reason=reason, state=S.SUSPENDED, refusal=suspend_refusal,
                       action="certificate.suspended", event=EVENT_SUSPENDED,
                       complaint=complaint,
                       complaint_note=_("Certificate %(number)s suspended: %(reason)s"),
                       request=request)


@transaction.atomic
def reinstate_certificate(cert, actor, *, reason, request=None) -> Certificate:
    """Lift a suspension (suspended → issued), with a reason, only while the certificate is
    still within its validity (codes ``not_suspended``, ``expired``). Audited
    ``certificate.reinstated``; the unit's coordinators are e-mailed."""
    return _transition(cert, actor, reason=reason, state=S.ISSUED, refusal=reinstate_refusal,
                       action="certificate.reinstated", event=EVENT_REINSTATED,
                       request=request)


@transaction.atomic
def withdraw_certificate(cert, actor, *, reason, complaint=None, request=None) -> Certificate:
    """Withdraw a valid or suspended certificate for good (→ withdrawn), with a reason
    (code ``not_withdrawable`` for an expired or already withdrawn one). ``complaint`` as
    for ``suspend_certificate``. Audited ``certificate.withdrawn``; the unit's coordinators
    are e-mailed. A withdrawn certificate never counts for a renewal."""
    return _transition(cert, actor, reason=reason, state=S.WITHDRAWN, refusal=withdraw_refusal,
                       action="certificate.withdrawn", event=EVENT_WITHDRAWN,
                       complaint=complaint,
                       complaint_note=_("Certificate %(number)s withdrawn: %(reason)s"),
                       request=request)


def _transition(cert, actor, *, reason, state, refusal, action, event, complaint=None,
                complaint_note=None, request=None) -> Certificate:
    """The steps every person-made transition shares, inside the caller's transaction:
    guard (a reason, the row locked, ``refusal`` of the locked row, the complaint's unit)
    → save → audit ``action`` with before/after → mark the complaint acted on → e-mail
    ``event`` to the unit's coordinators."""
    reason = _clean_reason(reason)
    certificate = _locked(cert)
    _refuse(refusal(certificate))
    _check_complaint(certificate, complaint)
    before = _change_state(certificate, actor, state, reason)
    recipients = coordinator_emails(certificate)
    log_action(action, actor=person(actor), actor_label=_actor_label(actor),
               obj=certificate, request=request, before=before, after=_snapshot(certificate),
               data=_data(certificate, recipients, complaint))
    if complaint is not None:
        _mark_complaint_actioned(complaint, actor, complaint_note % {
            "number": certificate.number, "reason": reason}, request)
    _tell_the_unit(event, certificate, recipients, actor)
    _sync(cert, certificate)
    return certificate


def _sync(original, current):
    """Let the caller's instance read what was saved."""
    if original is not current:
        for field in ("state", "state_reason", "state_changed_at", "state_changed_by_id",
                      "updated_at"):
            setattr(original, field, getattr(current, field))


# -- the daily job: expiry -----------------------------------------------------------------


def expire_certificates(today: datetime.date | None = None) -> int:
    """Every issued or suspended certificate whose ``valid_until`` is before ``today``
    (by default today in Asia/Bangkok) becomes expired: validity ends at the end of
    ``valid_until``. One audit entry per certificate (``certificate.expired``, written in
    one batch) and one e-mail to each unit's coordinators. Idempotent: an expired
    certificate is never touched again, and a second run at the same time waits for the
    rows the first one locked, then finds them expired. Returns how many expired."""
    on = today or local_today()
    now = timezone.now()
    with transaction.atomic():
        certificates = list(
            Certificate.objects.select_for_update(of=("self",))
            .filter(state__in=EXPIRING_STATES, valid_until__lt=on)
            .select_related("unit").order_by("pk"))
        if not certificates:
            return 0
        ids = [certificate.pk for certificate in certificates]
        Certificate.objects.filter(pk__in=ids).update(
            state=S.EXPIRED, state_reason="", state_changed_at=now, state_changed_by=None,
            updated_at=now)
        recipients = _coordinators_by_unit({c.unit_id for c in certificates})
        entries = []
        for certificate in certificates:
            before = _snapshot(certificate)
            certificate.state, certificate.state_reason = S.EXPIRED, ""
            certificate.state_changed_at, certificate.state_changed_by = now, None
            to = recipients.get(certificate.unit_id, [])
            entries.append(build_entry(
                "certificate.expired", actor_label="system", obj=certificate, before=before,
                after=_snapshot(certificate),
                data={"number": certificate.number, "unit": certificate.unit.name_th,
                      "valid_until": certificate.valid_until.isoformat(), "to": to}))
        log_actions(entries)
        for certificate in certificates:
            _tell_the_unit(EVENT_EXPIRED, certificate,
                           recipients.get(certificate.unit_id, []), None)
    return len(certificates)


def _coordinators_by_unit(unit_ids) -> dict[int, list[str]]:
    """Each unit's active coordinators' e-mails, in one query."""
    from gecc.registry.models import ServiceUnit

    through = ServiceUnit.coordinators.through
    by_unit: dict[int, list[str]] = {}
    for unit_id, email in (through.objects.filter(serviceunit_id__in=list(unit_ids),
                                                  user__is_active=True)
                           .order_by("user__email")
                           .values_list("serviceunit_id", "user__email")):
        by_unit.setdefault(unit_id, []).append(email)
    return by_unit


# -- the daily job: renewal reminders ------------------------------------------------------


def reminder_days() -> tuple[int, ...]:
    """The reminder thresholds, most distant first (``CERTIFICATE_REMINDER_DAYS``)."""
    return tuple(sorted({int(days) for days in settings.CERTIFICATE_REMINDER_DAYS
                         if int(days) >= 0}, reverse=True))


@dataclass(frozen=True)
class ReminderPlan:
    """What is due for one certificate today: ``send`` the most urgent threshold reached
    and not recorded yet (None: nothing to send), ``skip`` the less urgent ones reached
    and never sent (recorded so they are never sent later)."""

    send: int | None
    skip: tuple[int, ...]


def plan_reminder(valid_until: datetime.date, on: datetime.date, recorded) -> ReminderPlan:
    """The reminders due for a certificate valid until ``valid_until``, on day ``on``, given
    the thresholds already ``recorded`` (sent or skipped).

    A threshold N is reached when at most N days are left (``valid_until - on <= N``). Only
    the most urgent reached threshold is sent; if it, or a more urgent one, is already
    recorded, nothing is sent (a reminder never goes after a more urgent one). So a job that
    missed days sends the reminder that is due now, once, and a certificate issued with 100
    days left gets the 90-day reminder only, not three e-mails at once."""
    days_left = (valid_until - on).days
    if days_left < 0:
        return ReminderPlan(None, ())
    recorded = set(recorded)
    reached = [days for days in reminder_days() if days_left <= days]
    if not reached:
        return ReminderPlan(None, ())
    most_urgent = reached[-1]
    if any(days <= most_urgent for days in recorded):
        return ReminderPlan(None, ())
    return ReminderPlan(most_urgent,
                        tuple(days for days in reached[:-1] if days not in recorded))


def send_renewal_reminders(today: datetime.date | None = None) -> int:
    """Remind each unit whose issued certificate's validity ends within a threshold of
    ``CERTIFICATE_REMINDER_DAYS`` (180, 90, 30) to apply for renewal: per certificate the
    most urgent due reminder (``plan_reminder``), each exactly once.

    Every reminder sent or skipped is a ``CertificateReminder`` row, unique per (certificate,
    days): the row is inserted first, in the same transaction as the audit entry
    (``certificate.reminder_sent``, with the skipped thresholds) and the outbox message, so
    a repeated run finds it and sends nothing, and of two runs at the same moment the second
    one's insert fails on the unique constraint and that certificate is left to the first.
    Returns how many reminders were sent."""
    on = today or local_today()
    thresholds = reminder_days()
    if not thresholds:
        return 0
    latest = on + datetime.timedelta(days=thresholds[0])
    certificates = list(Certificate.objects
                        .filter(state=S.ISSUED, valid_until__gte=on, valid_until__lte=latest)
                        .select_related("unit").order_by("valid_until", "pk"))
    recorded: dict[int, set[int]] = {}
    for certificate_id, days in (CertificateReminder.objects
                                 .filter(certificate__in=[c.pk for c in certificates])
                                 .values_list("certificate_id", "days_before")):
        recorded.setdefault(certificate_id, set()).add(days)
    due = [(certificate, plan) for certificate in certificates
           if (plan := plan_reminder(certificate.valid_until, on,
                                     recorded.get(certificate.pk, ()))).send is not None]
    if not due:
        return 0
    recipients = _coordinators_by_unit({certificate.unit_id for certificate, _plan in due})
    sent = 0
    for certificate, plan in due:
        if _send_one_reminder(certificate, plan, on,
                              recipients.get(certificate.unit_id, [])):
            sent += 1
    return sent


def _send_one_reminder(certificate, plan, on, recipients) -> bool:
    now = timezone.now()
    try:
        with transaction.atomic():
            # Still issued? (suspended or withdrawn meanwhile: no reminder)
            if not (Certificate.objects.select_for_update(of=("self",))
                    .filter(pk=certificate.pk, state=S.ISSUED).exists()):
                return False
            CertificateReminder.objects.create(certificate=certificate,
                                               days_before=plan.send, sent_at=now)
            for days in plan.skip:
                CertificateReminder.objects.create(certificate=certificate,
                                                   days_before=days, sent_at=now)
            days_left = (certificate.valid_until - on).days
            log_action("certificate.reminder_sent", actor_label="system", obj=certificate,
                       data={"number": certificate.number, "unit": certificate.unit.name_th,
                             "days_before": plan.send, "days_left": days_left,
                             "skipped": list(plan.skip), "to": recipients})
            _tell_the_unit(EVENT_REMINDER, certificate, recipients, None,
                           days_before=plan.send, days_left=days_left)
    except IntegrityError:  # another run recorded it first
        return False
    return True
