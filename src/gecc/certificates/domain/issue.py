"""Issuing certificates on the steering committee's final certify decisions.

* ``certificate_number(year, sequence)`` → ``"GECC-2563-000123"``: ``GECC-``, the round's
  Buddhist-era year, ``-``, the sequence within that year on six digits (zero-padded; a
  seventh digit would appear after 999,999 certificates in one year).
* ``next_sequence(year)``: the next sequence of a B.E. year from ``CertificateSequence``,
  read with ``select_for_update`` inside the issuing transaction, so two issuers never take
  the same number and a refused or rolled-back issue leaves no gap.
* ``issue_certificate(decision, actor, request=None)``: the one transition that creates a
  certificate (guard → save → audit ``certificate.issued`` → e-mail the unit's
  coordinators, event ``certificate.issued``), in one transaction.
* ``change_certificate_level(certificate, decision, actor, request=None)``: a final decision
  changed on appeal or by a correction to another level: the same certificate (same number,
  same validity) reads the new level; audited ``certificate.level_changed``, e-mailed
  (event ``certificate.level_changed``).

Validity: from the meeting's date (``Meeting.held_on``) for ``CERTIFICATE_VALID_YEARS``
years (default 3), the last valid day being the day before the anniversary: held on
8 June 2563 → valid until 7 June 2566 (a 29 February start ends on 28 February).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gecc.audit.domain import log_action, person
from gecc.certificates.enums import CertificateState
from gecc.certificates.models import Certificate, CertificateSequence

ISSUED_EVENT = "certificate.issued"
LEVEL_CHANGED_EVENT = "certificate.level_changed"
NUMBER_PREFIX = "GECC"


def certificate_number(year: int, sequence: int) -> str:
    """``GECC-<B.E. year>-<sequence on 6 digits>``, e.g. ``GECC-2563-000123``."""
    return f"{NUMBER_PREFIX}-{int(year)}-{int(sequence):06d}"


def next_sequence(year: int) -> int:
    """Take the next sequence number of ``year`` (call inside the issuing transaction: the
    row stays locked until it commits, and a rollback gives the number back)."""
    with transaction.atomic():
        row, _created = (CertificateSequence.objects.select_for_update()
                         .get_or_create(year=year))
        row.last += 1
        row.save(update_fields=["last"])
        return row.last


def valid_years() -> int:
    return int(getattr(settings, "CERTIFICATE_VALID_YEARS", 3))


def add_years(day: datetime.date, years: int) -> datetime.date:
    """``day`` moved ``years`` years on; 29 February becomes 1 March in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, month=3, day=1)


def validity(valid_from: datetime.date, years: int | None = None) -> tuple:
    """``(valid_from, valid_until)``: ``years`` years less one day."""
    years = valid_years() if years is None else years
    return valid_from, add_years(valid_from, years) - datetime.timedelta(days=1)


def level_of(version, code: str) -> tuple[int, dict] | None:
    """``(rank, level)`` of the level ``code`` in the edition version (rank 1 = lowest)."""
    for rank, level in enumerate(version.levels or [], start=1):
        if level.get("code") == code:
            return rank, level
    return None


def snapshot(certificate) -> dict:
    return {"number": certificate.number, "level": certificate.level,
            "level_name_th": certificate.level_name_th,
            "valid_from": certificate.valid_from.isoformat(),
            "valid_until": certificate.valid_until.isoformat(),
            "state": certificate.state}


def issue_refusal(decision) -> ValidationError | None:
    """Why ``decision`` cannot give a certificate now (a ``ValidationError`` with a code), or
    None."""
    from gecc.decisions.enums import DecisionOutcome, MeetingState

    if decision.outcome != DecisionOutcome.CERTIFY:
        return ValidationError(_("Only a decision to certify gives a certificate."),
                               code="not_certify")
    if decision.meeting.state != MeetingState.CLOSED:
        return ValidationError(_("The decision is not final yet: a certificate is issued once "
                                 "the steering committee's meeting is closed."),
                               code="not_final")
    existing = (Certificate.objects.filter(application_id=decision.application_id)
                .values_list("number", flat=True).first())
    if existing:
        return ValidationError(
            _("This application already has a certificate (%(number)s); a second one cannot "
              "be issued.") % {"number": existing}, code="already_issued")
    if level_of(decision.application.round.edition, decision.level) is None:
        return ValidationError(
            _("The level “%(level)s” is not a level of the round's criteria edition.")
            % {"level": decision.level}, code="unknown_level")
    return None


@transaction.atomic
def issue_certificate(decision, actor, request=None) -> Certificate:
    """Issue the certificate of a final certify decision (see the module docstring). Refused
    with a ``ValidationError`` (codes ``not_certify``, ``not_final``, ``already_issued``,
    ``unknown_level``), nothing saved."""
    from gecc.decisions.models import Decision

    decision = (Decision.objects.select_for_update(of=("self",))
                .select_related("meeting", "application", "application__round",
                                "application__round__edition", "application__unit",
                                "application__unit__organization")
                .get(pk=decision.pk))
    refusal = issue_refusal(decision)
    if refusal is not None:
        raise refusal
    application = decision.application
    round_obj = application.round
    rank, level = level_of(round_obj.edition, decision.level)
    valid_from, valid_until = validity(decision.meeting.held_on)
    renews = None
    if application.previous_id:
        renews = Certificate.objects.filter(application_id=application.previous_id).first()
    sequence = next_sequence(round_obj.year)
    certificate = Certificate.objects.create(
        number=certificate_number(round_obj.year, sequence), year=round_obj.year,
        sequence=sequence, application=application, decision=decision,
        unit=application.unit, organization=application.unit.organization, round=round_obj,
        renews=renews, level=decision.level, level_rank=rank,
        level_name_th=level.get("name_th") or decision.level,
        level_name_en=level.get("name_en") or "", colour=level.get("colour") or "",
        valid_from=valid_from, valid_until=valid_until, state=CertificateState.ISSUED,
        issued_at=timezone.now(), issued_by=person(actor))
    recipients = application.unit.coordinator_emails()
    log_action("certificate.issued", actor=person(actor),
               actor_label="" if person(actor) else "system", obj=certificate,
               request=request, after=snapshot(certificate),
               data={"application": application.pk, "decision": decision.pk,
                     "unit": application.unit.name_th, "round": round_obj.year,
                     "renews": renews.number if renews else "", "to": recipients})
    _tell_the_unit(ISSUED_EVENT, certificate, recipients, actor)
    return certificate


@transaction.atomic
def change_certificate_level(certificate, decision, actor, request=None) -> Certificate:
    """The decision now certifies at another level: the certificate keeps its number and
    validity and reads the new level. Nothing happens when the level is already the
    decision's."""
    certificate = Certificate.objects.select_for_update().select_related(
        "round", "round__edition", "unit").get(pk=certificate.pk)
    if certificate.level == decision.level:
        return certificate
    found = level_of(certificate.round.edition, decision.level)
    if found is None:
        raise ValidationError(
            _("The level “%(level)s” is not a level of the round's criteria edition.")
            % {"level": decision.level}, code="unknown_level")
    rank, level = found
    before = snapshot(certificate)
    certificate.level, certificate.level_rank = decision.level, rank
    certificate.level_name_th = level.get("name_th") or decision.level
    certificate.level_name_en = level.get("name_en") or ""
    certificate.colour = level.get("colour") or ""
    certificate.decision = decision
    certificate.save(update_fields=["level", "level_rank", "level_name_th", "level_name_en",
                                    "colour", "decision", "updated_at"])
    after = snapshot(certificate)
    recipients = certificate.unit.coordinator_emails()
    log_action("certificate.level_changed", actor=person(actor),
               actor_label="" if person(actor) else "system", obj=certificate,
               request=request,
               before={key: before[key] for key in ("level", "level_name_th")},
               after={key: after[key] for key in ("level", "level_name_th")},
               data={"decision": decision.pk, "change": decision.change,
                     "reason": decision.reason, "to": recipients})
    _tell_the_unit(LEVEL_CHANGED_EVENT, certificate, recipients, actor)
    return certificate


def _tell_the_unit(event, certificate, recipients, actor):
    from gecc.notifications.domain import notify

    notify(event, recipients=recipients, obj=certificate,
           actor=person(actor),
           context={"certificate": certificate, "unit": certificate.unit,
                    "round": certificate.round, "number": certificate.number,
                    "level_name": certificate.level_name_th,
                    "valid_from": certificate.valid_from,
                    "valid_until": certificate.valid_until,
                    "url": reverse("portal:certificate.list"),
                    "verify_url": reverse("public:verify", args=[certificate.number])})
