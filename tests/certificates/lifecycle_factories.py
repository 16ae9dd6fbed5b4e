"""Certificates for the lifecycle, reminder and renewal tests, written with the ORM (a
meeting, a decision and the certificate): no audit entry, no e-mail, so a test sees only what
its own domain call writes.

* ``certify(application, *, valid_from, valid_until=None, state="issued", level="advanced")``
  → a ``Certificate`` for any application (accepted or not, with or without a team sheet),
  valid from ``valid_from`` for ``CERTIFICATE_VALID_YEARS`` years (the day before the same
  date) unless ``valid_until`` is given. Use it wherever a test needs a unit that "was
  certified" (the renewal lookup asks the certificates).
* ``certificate(round_obj=None, **kwargs)`` → the same for a new accepted application
  (``tests.scoring.factories_feedback``): of a new round, or another unit's in
  ``round_obj`` (a round made by an earlier ``certificate()`` call: ``cert.round``).
"""

import datetime
import itertools

from django.conf import settings
from django.utils import timezone

from gecc.certificates.models import Certificate
from gecc.decisions.enums import DecisionOutcome, MeetingState
from gecc.decisions.models import Decision, Meeting

_sequences = itertools.count(1)
START = datetime.date(2026, 8, 5)


def years_later(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _decision(application, level, decided_on):
    decision = Decision.objects.filter(application=application).first()
    if decision is not None:
        return decision
    number = Meeting.objects.filter(round=application.round).count() + 1
    meeting = Meeting.objects.create(round=application.round, number=number,
                                     held_on=decided_on, state=MeetingState.CLOSED,
                                     closed_at=timezone.now())
    return Decision.objects.create(application=application, meeting=meeting,
                                   outcome=DecisionOutcome.CERTIFY, level=level,
                                   proposed_level=level, decided_at=timezone.now())


def certify(application, *, valid_from=START, valid_until=None, state="issued",
            level="advanced", number=None, **fields) -> Certificate:
    valid_until = valid_until or (years_later(valid_from, settings.CERTIFICATE_VALID_YEARS)
                                  - datetime.timedelta(days=1))
    sequence = next(_sequences)
    year = application.round.year  # B.E.
    unit = application.unit
    return Certificate.objects.create(
        number=number or f"GECC-{year}-{sequence:06d}", year=year, sequence=sequence,
        application=application, decision=_decision(application, level, valid_from),
        unit=unit, organization=unit.organization, round=application.round,
        level=level, level_rank=2, level_name_th="ก้าวหน้า", level_name_en="Advanced",
        colour="silver", valid_from=valid_from, valid_until=valid_until, state=state,
        issued_at=timezone.now(), **fields)


def certificate(*, round_obj=None, **kwargs) -> Certificate:
    """A certificate for a new accepted application (``feedback_world``'s when no round is
    given; then another unit's in the same round, kept open for applications)."""
    from tests.scoring.factories_feedback import accepted_application, feedback_world

    if round_obj is None:
        world = feedback_world()
        application = world.application
        application.round.team = world.team
    else:
        application = accepted_application(round_obj, round_obj.team)
    return certify(application, **kwargs)
