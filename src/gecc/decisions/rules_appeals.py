"""Who may file, read and handle appeals (django-rules).

A unit's coordinators file an appeal against their application's final decision and read
it; the secretariat and the steering committee read every appeal (lists, details,
attachments); only the secretariat records the receipt, assigns the reviewer and records
the outcome. Lookups start from ``Appeal.objects.visible_to(user)``, so an appeal of
another unit is a 404.
"""

import rules

from gecc.accounts.rules import is_coordinator, is_secretariat, is_steering


@rules.predicate
def coordinates_the_unit(user, obj):
    """``obj`` (an appeal, a decision or an application) belongs to a unit ``user``
    coordinates."""
    if obj is None or not getattr(user, "is_authenticated", False):
        return False
    application = getattr(obj, "application", obj)
    return application.unit.coordinators.filter(pk=user.pk).exists()


unit_coordinator = is_coordinator & coordinates_the_unit

rules.add_perm("decisions.list_appeals", is_secretariat | is_steering)
rules.add_perm("decisions.view_appeal", is_secretariat | is_steering | unit_coordinator)
# Object: the decision appealed against (the deadline and state are the domain's checks).
rules.add_perm("decisions.file_appeal", unit_coordinator)
rules.add_perm("decisions.manage_appeal", is_secretariat)
