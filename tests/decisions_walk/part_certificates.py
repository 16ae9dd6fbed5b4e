"""URL-walk expectations of issuing certificates (part C): the staff list, export, detail and
PDF (the secretariat and the steering committee), the bulk generation of a round (the
secretariat), and the portal's list and PDF (the unit's coordinator; another unit's
certificate is a 404).

The certificates are made on first use for ``assigned`` (unit A, whose coordinator is
``coordinator``) and ``other_team`` (unit C), each on a closed meeting's certify decision
(the meeting and the decision are reused when another part made them first)."""

import datetime

LOGIN, OK, DENIED, HIDDEN = "LOGIN", "OK", "DENIED", "HIDDEN"

READERS = (LOGIN, OK, DENIED, DENIED, DENIED, OK)  # the secretariat and the steering committee
SECRETARIAT = (LOGIN, OK, DENIED, DENIED, DENIED, DENIED)
OWN_UNIT = (LOGIN, DENIED, DENIED, DENIED, OK, DENIED)
OTHER_UNIT = (LOGIN, DENIED, DENIED, DENIED, HIDDEN, DENIED)

EXPECTED = {
    "certificates:certificate.list": READERS,
    "certificates:certificate.export": READERS,
    "certificates:certificate.detail": READERS,
    "certificates:certificate.pdf": READERS,
    "certificates:batch.create": SECRETARIAT,
    "certificates:batch.detail": SECRETARIAT,
    "certificates:batch.download": SECRETARIAT,
    "portal:certificate.list": OWN_UNIT,
    "portal:certificate.pdf@assigned": OWN_UNIT,
    "portal:certificate.pdf@other_team": OTHER_UNIT,
}


def certificate_of(application, actor=None):
    """The application's certificate, made (with a closed meeting's certify decision) when
    it has none yet."""
    from django.utils import timezone

    from gecc.certificates.domain.issue import (
        certificate_number,
        level_of,
        next_sequence,
        validity,
    )
    from gecc.certificates.models import Certificate
    from gecc.decisions.enums import DecisionOutcome, MeetingState
    from gecc.decisions.models import Decision, Meeting

    found = Certificate.objects.filter(application=application).first()
    if found is not None:
        return found
    decision = Decision.objects.filter(application=application).first()
    if decision is None:
        meeting = Meeting.objects.filter(round=application.round).first()
        if meeting is None:
            meeting = Meeting.objects.create(
                round=application.round, number=1, held_on=datetime.date(2026, 8, 20),
                state=MeetingState.CLOSED, closed_at=timezone.now())
        decision = Decision.objects.create(
            application=application, meeting=meeting, outcome=DecisionOutcome.CERTIFY,
            level="advanced", proposed_level="advanced", decided_at=timezone.now())
    rank, level = level_of(application.round.edition, "advanced")
    year = application.round.year
    sequence = next_sequence(year)
    valid_from, valid_until = validity(datetime.date(2026, 8, 20))
    return Certificate.objects.create(
        number=certificate_number(year, sequence), year=year, sequence=sequence,
        application=application, decision=decision, unit=application.unit,
        organization=application.unit.organization, round=application.round,
        level="advanced", level_rank=rank, level_name_th=level["name_th"],
        level_name_en=level.get("name_en", ""), colour=level.get("colour", ""),
        valid_from=valid_from, valid_until=valid_until, issued_at=timezone.now(),
        issued_by=actor)


def _certificate(world, target):
    return certificate_of(target.application, world.people["secretariat"])


def _batch(world, target):
    """A finished batch of the world's round with its ZIP in storage."""
    import io
    import zipfile

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from gecc.certificates.enums import BatchState
    from gecc.certificates.models import CertificateBatch

    batch = CertificateBatch.objects.filter(round=world.round).first()
    if batch is None:
        certificate = _certificate(world, target)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(f"{certificate.number}.pdf", b"%PDF-1.4 walk")
        name = default_storage.save("certificates/batches/walk.zip",
                                    ContentFile(buffer.getvalue()))
        batch = CertificateBatch.objects.create(
            round=world.round, state=BatchState.DONE, total=1, done=1, file_name=name,
            size=len(buffer.getvalue()), requested_by=world.people["secretariat"])
    return batch


PK_OWNERS = {
    "certificates:certificate.detail": _certificate,
    "certificates:certificate.pdf": _certificate,
    "certificates:batch.detail": _batch,
    "certificates:batch.download": _batch,
    "portal:certificate.pdf": _certificate,
}
