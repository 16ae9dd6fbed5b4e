"""Named permission predicates for roles (django-rules).

Later apps combine these with their own object predicates, e.g.
``is_secretariat | (is_coordinator & is_unit_coordinator_of)``.
"""

import rules

from gecc.accounts.enums import Role


def has_role(role):
    @rules.predicate(name=f"has_role:{role}")
    def predicate(user):
        return bool(user and user.is_authenticated and user.has_role(role))

    return predicate


is_secretariat = has_role(Role.SECRETARIAT)
is_assessor = has_role(Role.ASSESSOR)
is_coordinator = has_role(Role.COORDINATOR)
is_steering = has_role(Role.STEERING)


@rules.predicate
def is_staff_member(user):
    return bool(user and user.is_authenticated and user.is_staff_member)


@rules.predicate
def is_self(user, obj):
    return bool(user and obj is not None and user.pk == obj.pk)


rules.add_perm("accounts.view_user", is_secretariat | is_self)
rules.add_perm("accounts.change_user", is_secretariat | is_self)
rules.add_perm("accounts.manage_roles", is_secretariat)
rules.add_perm("backoffice.access", is_staff_member)
rules.add_perm("backoffice.home_secretariat", is_secretariat)
rules.add_perm("backoffice.home_assessor", is_assessor)
rules.add_perm("backoffice.home_steering", is_steering)
rules.add_perm("portal.access", is_coordinator)
