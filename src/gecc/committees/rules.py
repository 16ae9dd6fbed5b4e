"""Who may do what with the assessor pool, sub-committees and conflicts of interest
(django-rules). The secretariat manages everything here; a sub-committee member (assessor
role) sees their own profile and their own conflicts, declares and withdraws their own
declarations; coordinators and the steering committee see nothing of it."""

import rules

from gecc.accounts.rules import is_assessor, is_secretariat


@rules.predicate
def is_own_profile(user, profile):
    return profile is not None and getattr(user, "pk", None) == profile.user_id


@rules.predicate
def is_own_conflict(user, conflict):
    return conflict is not None and getattr(user, "pk", None) == conflict.user_id


# The assessor pool.
rules.add_perm("committees.manage_pool", is_secretariat)
rules.add_perm("committees.view_profile", is_secretariat | (is_assessor & is_own_profile))
# Sub-committees and their members.
rules.add_perm("committees.manage_subcommittees", is_secretariat)
# The assignment of applications to sub-committees: rules_assignment.py.
# Conflicts of interest.
rules.add_perm("committees.manage_conflicts", is_secretariat)
rules.add_perm("committees.override_conflict", is_secretariat)
rules.add_perm("committees.view_own_conflicts", is_assessor)
rules.add_perm("committees.declare_conflict", is_assessor)
rules.add_perm("committees.withdraw_conflict", is_assessor & is_own_conflict)
