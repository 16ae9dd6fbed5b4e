"""Creating a round, moving its dates, and moving it through its phases."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gecc.audit.domain import log_action
from gecc.criteria.domain.editions import lock_edition
from gecc.rounds.enums import (
    DATE_FIELDS,
    PHASE_DATE_FIELDS,
    PHASE_ORDER,
    RoundPhase,
    default_screening_checklist,
    phase_index,
)
from gecc.rounds.models import Round


class RoundError(ValidationError):
    """A round change that the rules do not allow (a wrong phase, dates out of order)."""


def _iso(value):
    return timezone.localtime(value).isoformat() if value is not None else None


def _dates(round_obj) -> dict:
    return {name: _iso(getattr(round_obj, name)) for name in DATE_FIELDS}


def validate_date_order(values: dict) -> None:
    """Raise if the given dates (field → datetime or None) are out of order or naive.

    The order is: applications open < applications close ≤ desk review end ≤ site visits
    start < site visits end ≤ decision ≤ announcement. Missing dates are skipped.
    """
    errors = {}
    for name in DATE_FIELDS:
        value = values.get(name)
        if value is not None and timezone.is_naive(value):
            errors[name] = _("Give the date with its time zone.")
    if errors:
        raise RoundError(errors)
    present = [(name, values[name]) for name in DATE_FIELDS if values.get(name) is not None]
    strict = {("applications_open_at", "applications_close_at"),
              ("site_visits_start_at", "site_visits_end_at")}
    for (first, a), (second, b) in zip(present, present[1:], strict=False):
        if b < a or ((first, second) in strict and b == a):
            errors[second] = _("This date must come after the previous phase's date.")
    if errors:
        raise RoundError(errors)


@transaction.atomic
def create_round(*, year: int, name: str, edition, actor, screening_checklist=None,
                 request=None, **dates) -> Round:
    """A new round in the draft phase. ``dates`` are any of the round's date fields. The
    round's criteria version is locked from now on: a version a round uses never changes."""
    unknown = set(dates) - set(DATE_FIELDS)
    if unknown:
        raise TypeError(f"unknown round dates: {sorted(unknown)}")
    if Round.objects.filter(year=year).exists():
        raise RoundError({"year": _("A round for the year %(year)s already exists.")
                          % {"year": year}})
    validate_date_order(dates)
    round_obj = Round(year=year, name=name or _("Round %(year)s") % {"year": year},
                      edition=edition, phase=RoundPhase.DRAFT, **dates)
    if screening_checklist is not None:
        round_obj.screening_checklist = screening_checklist
    else:
        round_obj.screening_checklist = default_screening_checklist()
    round_obj.save(force_insert=True)
    lock_edition(edition, actor, request=request)
    log_action("round.created", actor=actor, obj=round_obj, request=request,
               after={"year": year, "name": round_obj.name, "edition": edition.pk,
                      "phase": round_obj.phase, **_dates(round_obj)})
    return round_obj


def _lock(round_obj) -> Round:
    return Round.objects.select_for_update().get(pk=round_obj.pk)


def _sync(target, source, fields):
    for name in fields:
        setattr(target, name, getattr(source, name))


@transaction.atomic
def update_round_dates(round_obj: Round, actor, *, request=None, **dates) -> Round:
    """Move some of the round's dates. Dates must stay in order; the dates of a phase the
    round has already left cannot change (that could re-open it); a closed round is final."""
    unknown = set(dates) - set(DATE_FIELDS)
    if unknown:
        raise TypeError(f"unknown round dates: {sorted(unknown)}")
    current = _lock(round_obj)
    if current.phase == RoundPhase.CLOSED:
        raise RoundError(_("The round is closed; its dates can no longer change."))
    changed = {name: value for name, value in dates.items()
               if getattr(current, name) != value}
    if not changed:
        return current
    now_index = phase_index(current.phase)
    errors = {}
    for phase, fields in PHASE_DATE_FIELDS.items():
        if phase_index(phase) < now_index:
            for name in fields:
                if name in changed:
                    errors[name] = _("This phase is over; its dates can no longer change.")
    if errors:
        raise RoundError(errors)
    merged = {name: getattr(current, name) for name in DATE_FIELDS} | changed
    validate_date_order(merged)
    before = {name: _iso(getattr(current, name)) for name in changed}
    for name, value in changed.items():
        setattr(current, name, value)
    current.save(update_fields=[*changed, "updated_at"])
    log_action("round.dates_changed", actor=actor, obj=current, request=request,
               before=before, after={name: _iso(value) for name, value in changed.items()})
    _sync(round_obj, current, [*DATE_FIELDS, "phase", "updated_at"])
    return round_obj


def _set_phase(round_obj, current, new_phase, action, actor, request, data=None):
    before = current.phase
    current.phase = new_phase
    current.save(update_fields=["phase", "updated_at"])
    log_action(action, actor=actor, obj=current, request=request,
               before={"phase": before}, after={"phase": new_phase}, data=data)
    _sync(round_obj, current, ["phase", "updated_at"])
    return round_obj


@transaction.atomic
def open_round(round_obj: Round, actor, *, request=None) -> Round:
    """Open a draft round for applications (its criteria version is locked already; locking
    again here covers rounds created before that rule)."""
    current = _lock(round_obj)
    if current.phase != RoundPhase.DRAFT:
        raise RoundError(_("Only a draft round can be opened."))
    missing = [name for name in ("applications_open_at", "applications_close_at")
               if getattr(current, name) is None]
    if missing:
        raise RoundError({name: _("Set this date before opening the round.")
                          for name in missing})
    lock_edition(current.edition, actor, request=request)
    return _set_phase(round_obj, current, RoundPhase.APPLICATIONS, "round.opened", actor,
                      request)


@transaction.atomic
def close_round(round_obj: Round, actor, *, request=None) -> Round:
    """Close a round whose results have been announced. A closed round is final."""
    current = _lock(round_obj)
    if current.phase != RoundPhase.ANNOUNCED:
        raise RoundError(_("Only a round whose results are announced can be closed."))
    return _set_phase(round_obj, current, RoundPhase.CLOSED, "round.closed", actor, request)


# Checks that may hold a round in its phase: ``check(round, new_phase)`` returns the reasons
# (sentences) it may not move on yet. Apps to the right of ``rounds`` in the import order
# register theirs in ``AppConfig.ready()`` (applications: every application decided before
# the site visits), so this module needs to know nothing of them.
PHASE_CHECKS = []


class PhaseWarning(str):
    """A reason that holds the round only until the person moving it says they have read it
    (``advance_phase(..., acknowledged=True)``): something is still pending that the system
    cannot track. No app registers one today (the site-visit results became a blocking
    check of the scoring app). A plain ``str`` reason always holds the round."""


def register_phase_check(check):
    if check not in PHASE_CHECKS:
        PHASE_CHECKS.append(check)
    return check


def phase_reasons(round_obj, new_phase) -> tuple[list[str], list[PhaseWarning]]:
    """What every registered check says about moving ``round_obj`` to ``new_phase``: the
    blocking reasons and the warnings to acknowledge. The confirmation page shows both."""
    reasons = [reason for check in PHASE_CHECKS for reason in check(round_obj, new_phase)]
    return ([reason for reason in reasons if not isinstance(reason, PhaseWarning)],
            [reason for reason in reasons if isinstance(reason, PhaseWarning)])


def advance_phase(round_obj: Round, actor, *, request=None, acknowledged=False) -> Round:
    """Move the round to its next phase. From draft this opens the round (and locks its
    criteria); from announced it closes it.

    A phase check's blocking reason refuses the move; its warnings (``PhaseWarning``) refuse
    it unless ``acknowledged``, and are then kept in the ``round.phase_changed`` entry."""
    phase = Round.objects.values_list("phase", flat=True).get(pk=round_obj.pk)
    if phase == RoundPhase.DRAFT:
        return open_round(round_obj, actor, request=request)
    if phase == RoundPhase.ANNOUNCED:
        return close_round(round_obj, actor, request=request)
    if phase == RoundPhase.CLOSED:
        raise RoundError(_("The round is closed."))
    with transaction.atomic():
        current = _lock(round_obj)
        if current.phase != phase:
            raise RoundError(_("The round changed phase meanwhile; reload and try again."))
        new_phase = PHASE_ORDER[phase_index(phase) + 1]
        blockers, warnings = phase_reasons(current, new_phase)
        if blockers:
            raise RoundError(blockers)
        if warnings and not acknowledged:
            raise RoundError([*warnings, _("Confirm that you have read what is still pending "
                                           "before moving the round on.")])
        return _set_phase(round_obj, current, new_phase, "round.phase_changed", actor,
                          request, data={"acknowledged": [str(w) for w in warnings]}
                          if warnings else None)
