"""Who may see and manage rounds (django-rules)."""

import rules

from gecc.accounts.rules import is_coordinator, is_secretariat, is_staff_member
from gecc.rounds.enums import RoundPhase


@rules.predicate
def is_opened(user, round_obj):
    return round_obj is not None and round_obj.phase != RoundPhase.DRAFT


rules.add_perm("rounds.view_round", is_staff_member | (is_coordinator & is_opened))
rules.add_perm("rounds.manage_round", is_secretariat)
