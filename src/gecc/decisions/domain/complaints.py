"""Complaints from the public about a certified centre (เรื่องร้องเรียน), and their handling by
the secretariat.

* ``file_complaint(*, unit, text, name="", contact="", certificate_number="",
  client_address="", request=None)``: no sign-in. The text is required (stripped, at most
  ``TEXT_MAX_CHARS``); the unit must hold a certificate now or have held one (a final
  "certify" decision on one of its applications: every certificate comes from one); a
  reference ``CPL-<B.E. year>-<6 digits>`` numbered per year. The sender's address is
  never stored: only its salted SHA-256 (``salted_hmac`` keyed with ``SECRET_KEY``), which
  limits one address to ``PUBLIC_COMPLAINTS_PER_DAY`` complaints in 24 hours (the simple
  anti-abuse check). The audit entry carries no address either.
* ``triage_complaint(complaint, actor, *, state, note)``: received → under review; received
  or under review → closed (without action, a note required).
* ``mark_actioned(complaint, actor, *, note)``: received or under review → action taken
  (the certificates app calls it when it suspends or withdraws a certificate over the
  complaint).

Every step is audited (``complaint.*``); a new complaint e-mails the secretariat.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from gecc.audit.domain import log_action
from gecc.common.thaidate import be_year
from gecc.decisions import rules_complaints  # noqa: F401  (registers the permissions)
from gecc.decisions.enums import (
    OPEN_COMPLAINT_STATES,
    ComplaintState,
    DecisionOutcome,
    MeetingState,
)
from gecc.decisions.models import Complaint, Decision

TEXT_MAX_CHARS = 5_000
NOTE_MAX_CHARS = 5_000
FIELD_MAX_CHARS = 200
CERTIFICATE_NUMBER_MAX_CHARS = 40
HASH_SALT = "gecc.decisions.complaint.client"
EVENT_FILED = "decisions.complaint_filed"


def client_hash(address: str) -> str:
    """The salted SHA-256 (hex) of a client address, or "" without one."""
    address = (address or "").strip()
    if not address:
        return ""
    return salted_hmac(HASH_SALT, address, secret=settings.SECRET_KEY,
                       algorithm="sha256").hexdigest()


def was_certified(unit) -> bool:
    """The unit holds a certificate or held one: a final "certify" decision of the steering
    committee on one of its applications (every certificate is issued from one)."""
    return Decision.objects.filter(application__unit=unit, outcome=DecisionOutcome.CERTIFY,
                                   meeting__state=MeetingState.CLOSED).exists()


def complaints_today(hashed: str, now=None) -> int:
    if not hashed:
        return 0
    since = (now or timezone.now()) - datetime.timedelta(days=1)
    return Complaint.objects.filter(client_hash=hashed, created_at__gte=since).count()


def next_reference(now=None) -> str:
    """``CPL-2569-000042``: the next number of the Buddhist-era year."""
    year = be_year(timezone.localdate(now) if now else timezone.localdate())
    prefix = f"CPL-{year}-"
    last = (Complaint.objects.filter(reference__startswith=prefix)
            .order_by("-reference").values_list("reference", flat=True).first())
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:06d}"


def _short(value, limit, message, code):
    value = " ".join(str(value or "").split())
    if len(value) > limit:
        raise ValidationError(message % {"count": limit}, code=code)
    return value


def file_complaint(*, unit, text, name="", contact="", certificate_number="",
                   client_address="", request=None) -> Complaint:
    """A complaint from the public about ``unit`` (see the module's docstring). Nothing is
    saved when anything is refused."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write what the complaint is about."), code="text_required")
    if len(text) > TEXT_MAX_CHARS:
        raise ValidationError(_("The complaint is too long: at most %(count)d characters.")
                              % {"count": TEXT_MAX_CHARS}, code="text_too_long")
    name = _short(name, FIELD_MAX_CHARS, _("The name is too long: at most %(count)d "
                                           "characters."), "name_too_long")
    contact = _short(contact, FIELD_MAX_CHARS, _("The contact is too long: at most %(count)d "
                                                 "characters."), "contact_too_long")
    certificate_number = _short(certificate_number, CERTIFICATE_NUMBER_MAX_CHARS,
                                _("The certificate number is too long: at most %(count)d "
                                  "characters."), "number_too_long").upper()
    if unit is None or not was_certified(unit):
        raise ValidationError(_("Complaints can be filed only about a centre that holds or "
                                "has held a GECC certificate."), code="not_certified")
    if not client_address and request is not None:
        from gecc.audit.domain import client_ip

        client_address = client_ip(request) or ""
    hashed = client_hash(client_address)
    limit = int(settings.PUBLIC_COMPLAINTS_PER_DAY)
    if hashed and complaints_today(hashed) >= limit:
        raise ValidationError(_("Too many complaints were sent from this connection today. "
                                "Please try again tomorrow, or contact the secretariat "
                                "directly."), code="too_many")
    for _attempt in range(5):
        try:
            with transaction.atomic():
                complaint = Complaint.objects.create(
                    reference=next_reference(), unit=unit, text=text, name=name,
                    contact=contact, certificate_number=certificate_number,
                    client_hash=hashed)
                # No request: the audit entry must not keep the sender's address.
                log_action("complaint.filed", actor_label="public", obj=complaint,
                           after={"state": complaint.state},
                           data={"reference": complaint.reference, "unit": unit.pk,
                                 "unit_name": unit.name_th,
                                 "certificate_number": certificate_number,
                                 "characters": len(text)})
                _tell_the_secretariat(complaint)
            return complaint
        except IntegrityError:  # two complaints took the same number: take the next one
            continue
    raise ValidationError(_("The complaint could not be saved just now. Please try again."),
                          code="busy")


def _tell_the_secretariat(complaint):
    from django.contrib.auth import get_user_model

    from gecc.accounts.enums import Role
    from gecc.notifications.domain import notify

    recipients = list(get_user_model().objects.filter(
        is_active=True, role_grants__role=Role.SECRETARIAT).distinct()
        .order_by("email").values_list("email", flat=True))
    notify(EVENT_FILED, recipients=recipients, obj=complaint,
           context={"complaint": complaint, "unit": complaint.unit,
                    "url": reverse("decisions:complaint.detail", args=[complaint.pk])})


def _require_manager(actor):
    if actor is None or not actor.has_perm("decisions.manage_complaint"):
        raise PermissionDenied(_("Only the secretariat can handle complaints."))


def _lock(complaint):
    return (Complaint.objects.select_for_update(of=("self",)).select_related("unit")
            .get(pk=complaint.pk))


def _clean_note(note, *, required):
    note = (note or "").strip()
    if required and not note:
        raise ValidationError(_("Write a note: what was found and what was done."),
                              code="note_required")
    if len(note) > NOTE_MAX_CHARS:
        raise ValidationError(_("The note is too long: at most %(count)d characters.")
                              % {"count": NOTE_MAX_CHARS}, code="note_too_long")
    return note


def _move(complaint, actor, state, note, request, action):
    before = {"state": complaint.state, "note": complaint.note}
    complaint.state = state
    if note:
        complaint.note = note
    complaint.handled_by = actor
    complaint.handled_at = timezone.now()
    complaint.save(update_fields=["state", "note", "handled_by", "handled_at", "updated_at"])
    log_action(action, actor=actor, obj=complaint, request=request, before=before,
               after={"state": complaint.state, "note": complaint.note},
               data={"reference": complaint.reference})
    return complaint


TRIAGE_STATES = (ComplaintState.UNDER_REVIEW, ComplaintState.CLOSED)


@transaction.atomic
def triage_complaint(complaint, actor, *, state, note, request=None) -> Complaint:
    """Take the complaint under review (from received), or close it without action (from
    received or under review; a note required)."""
    _require_manager(actor)
    if state not in TRIAGE_STATES:
        raise ValidationError(_("Choose what to do with the complaint."), code="bad_state")
    note = _clean_note(note, required=state == ComplaintState.CLOSED)
    complaint = _lock(complaint)
    allowed = ({ComplaintState.RECEIVED} if state == ComplaintState.UNDER_REVIEW
               else OPEN_COMPLAINT_STATES)
    if complaint.state not in allowed:
        raise ValidationError(_("This cannot be done: the complaint is “%(state)s”.")
                              % {"state": complaint.get_state_display()}, code="wrong_state")
    action = ("complaint.under_review" if state == ComplaintState.UNDER_REVIEW
              else "complaint.closed")
    return _move(complaint, actor, state, note, request, action)


@transaction.atomic
def mark_actioned(complaint, actor, *, note, request=None) -> Complaint:
    """Action was taken on the complaint (a certificate suspended or withdrawn over it),
    from received or under review; a note required."""
    _require_manager(actor)
    note = _clean_note(note, required=True)
    complaint = _lock(complaint)
    if complaint.state not in OPEN_COMPLAINT_STATES:
        raise ValidationError(_("This cannot be done: the complaint is “%(state)s”.")
                              % {"state": complaint.get_state_display()}, code="wrong_state")
    return _move(complaint, actor, ComplaintState.ACTIONED, note, request,
                 "complaint.actioned")
