"""What a sub-committee member sees of the applications, registered with the applications
app (``gecc.applications.scoping``) when this module is imported, which
``CommitteesConfig.ready()`` does (through ``gecc.committees.checks``) when Django starts.

A member sees an application when all of these hold:

- it was sent (``SENT_STATES``: never a draft);
- its assignment is confirmed and its sub-committee has the member on it;
- the member has no conflict of interest in force (``overridden_at`` empty) in the
  application's round with its unit, the unit's organisation or that organisation's parent
  (the rule of ``domain.conflicts.conflict_for``, here as SQL), even when assigned.

Everything that hangs on an application (answers, receipts, comments, evidence files) follows
through ``scoping.through_application``. The scope is two ``EXISTS`` subqueries, so a list
needs no DISTINCT and PostgreSQL plans it as a semi-join and an anti-join on indexed columns.
"""

from django.db.models import Exists, OuterRef, Q

from gecc.accounts.enums import Role
from gecc.applications.enums import SENT_STATES
from gecc.applications.scoping import register_role_scope
from gecc.committees.enums import AssignmentState


def team_assignment_exists(user) -> Exists:
    """A confirmed assignment of the outer application to a sub-committee ``user`` is on."""
    from gecc.committees.models import Assignment, Membership

    on_team = Membership.objects.filter(subcommittee_id=OuterRef("subcommittee_id"),
                                        user_id=user.pk)
    return Exists(Assignment.objects.filter(application_id=OuterRef("pk"),
                                            state=AssignmentState.CONFIRMED)
                  .filter(Exists(on_team)))


def conflict_in_force_exists(user) -> Exists:
    """A conflict in force of ``user`` with the outer application: same round, on its unit,
    its unit's organisation or that organisation's parent."""
    from gecc.committees.models import Conflict

    touches = (Q(unit_id=OuterRef("unit_id"))
               | Q(organization_id=OuterRef("unit__organization_id"))
               | Q(organization_id=OuterRef("unit__organization__parent_id")))
    return Exists(Conflict.objects.filter(touches, user_id=user.pk,
                                          round_id=OuterRef("round_id"),
                                          overridden_at__isnull=True))


def assessor_application_scope(user) -> Q:
    """The applications ``user`` may see as a sub-committee member (see the module)."""
    return (Q(state__in=SENT_STATES) & Q(team_assignment_exists(user))
            & ~Q(conflict_in_force_exists(user)))


def register() -> None:
    """Make :func:`assessor_application_scope` the members' scope (again: idempotent)."""
    register_role_scope(Role.ASSESSOR, assessor_application_scope)


register()
