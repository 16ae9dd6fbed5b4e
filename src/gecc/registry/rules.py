"""Who may do what in the registry (django-rules)."""

import rules

from gecc.accounts.rules import is_coordinator, is_secretariat, is_staff_member


@rules.predicate
def is_unit_coordinator(user, unit):
    if unit is None or not getattr(user, "is_authenticated", False):
        return False
    return unit.coordinators.filter(pk=user.pk).exists()


rules.add_perm("registry.view_unit", is_staff_member | (is_coordinator & is_unit_coordinator))
rules.add_perm("registry.change_unit", is_secretariat | (is_coordinator & is_unit_coordinator))
rules.add_perm("registry.deactivate_unit", is_secretariat)
rules.add_perm("registry.view_organization", is_staff_member | is_coordinator)
rules.add_perm("registry.change_organization", is_secretariat)
rules.add_perm("registry.import", is_secretariat)
rules.add_perm("registry.export", is_staff_member)
