"""Certificates for the public registry's tests, written with the ORM (the decisions and
certificates domain functions belong to other parts of the issue): a closed meeting, a
certify decision and its certificate on an application."""

import datetime

from django.utils import timezone

from gecc.certificates.enums import CertificateState
from gecc.certificates.models import Certificate
from gecc.decisions.enums import DecisionOutcome, MeetingState
from gecc.decisions.models import Decision, Meeting

LEVELS = {
    "basic": ("ระดับพื้นฐาน", "Basic", "blue", 1),
    "advanced": ("ระดับก้าวหน้า", "Advanced", "silver", 2),
    "excellence": ("ระดับเป็นเลิศ", "Excellence", "gold", 3),
}


def _meeting(round_obj):
    meeting = Meeting.objects.filter(round=round_obj).first()
    if meeting is None:
        meeting = Meeting.objects.create(
            round=round_obj, number=1, held_on=datetime.date(2025, 8, 1),
            state=MeetingState.CLOSED, closed_at=timezone.now(),
            attendees="นายประธาน ลับมาก", resolution="อนุมัติ")
    return meeting


def make_certificate(application, *, level="advanced", state=CertificateState.ISSUED,
                     valid_from=datetime.date(2025, 8, 1), years=3, sequence=None,
                     year=2568, reason=""):
    """The application's certificate (made once; later calls return it)."""
    existing = Certificate.objects.filter(application=application).first()
    if existing is not None:
        return existing
    name_th, name_en, colour, rank = LEVELS[level]
    decision = Decision.objects.filter(application=application).first() or \
        Decision.objects.create(application=application, meeting=_meeting(application.round),
                                outcome=DecisionOutcome.CERTIFY, level=level,
                                proposed_level=level, proposed_percent=81.25,
                                reason="ลับ: คะแนนเกณฑ์", decided_at=timezone.now())
    if sequence is None:
        sequence = Certificate.objects.filter(year=year).count() + 1
    unit = application.unit
    return Certificate.objects.create(
        number=f"GECC-{year}-{sequence:06d}", year=year, sequence=sequence,
        application=application, decision=decision, unit=unit,
        organization_id=unit.organization_id, round=application.round, level=level,
        level_rank=rank, level_name_th=name_th, level_name_en=name_en, colour=colour,
        valid_from=valid_from,
        valid_until=valid_from.replace(year=valid_from.year + years) - datetime.timedelta(days=1),
        state=state, state_reason=reason, issued_at=timezone.now())


def certified_centre(round_obj, *, level="advanced", state=CertificateState.ISSUED,
                     valid_from=datetime.date(2025, 8, 1), years=3, year=2568, unit=None,
                     reason="", **unit_fields):
    """A new unit (``unit_fields`` for ``ServiceUnitFactory``) with an application in
    ``round_obj`` and its certificate."""
    from tests.applications.factories import make_application
    from tests.registry.factories import ServiceUnitFactory

    unit = unit or ServiceUnitFactory(**unit_fields)
    application = make_application(round_obj, unit)
    return make_certificate(application, level=level, state=state, valid_from=valid_from,
                            years=years, year=year, reason=reason)
