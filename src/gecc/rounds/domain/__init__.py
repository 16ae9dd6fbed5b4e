"""Rounds domain: every change of a round's dates or phase, each audited.

``create_round``, ``update_round_dates``, ``open_round``, ``advance_phase``, ``close_round``.
"""

from .rounds import (
    PhaseWarning,
    RoundError,
    advance_phase,
    close_round,
    create_round,
    open_round,
    phase_reasons,
    register_phase_check,
    update_round_dates,
    validate_date_order,
)

__all__ = ["PhaseWarning", "RoundError", "advance_phase", "close_round", "create_round",
           "open_round", "phase_reasons", "register_phase_check", "update_round_dates",
           "validate_date_order"]
