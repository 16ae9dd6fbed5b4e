"""Who may see and change applications (django-rules).

Lists start from ``Application.objects.visible_to(user)``; these predicates answer the
same question for one object.
"""

import rules

from gecc.accounts.rules import is_assessor, is_coordinator, is_secretariat, is_steering
from gecc.applications.domain.editing import can_edit, can_withdraw
from gecc.registry.models.service_unit import coordinated_unit_ids


def _application_of(obj):
    """The application an object belongs to (an application, answer or review comment)."""
    return getattr(obj, "application", obj)


@rules.predicate
def is_unit_coordinator_of(user, obj):
    """The user coordinates the service unit of the application (or of the unit itself)."""
    if obj is None or not getattr(user, "is_authenticated", False):
        return False
    application = _application_of(obj)
    unit_id = getattr(application, "unit_id", None)
    if unit_id is None:  # a ServiceUnit
        unit_id = getattr(obj, "pk", None)
    return unit_id in coordinated_unit_ids(user)


@rules.predicate
def is_editable(user, obj):
    """The application may still change now (``domain.editing.can_edit``: a draft while the
    round accepts applications, a returned one until its correction deadline)."""
    return obj is not None and can_edit(_application_of(obj))


@rules.predicate
def is_withdrawable(user, obj):
    return obj is not None and can_withdraw(_application_of(obj))


@rules.predicate
def is_in_scope(user, obj):
    """The application is in ``Application.objects.visible_to(user)``: for a sub-committee
    member, their team's confirmed assignment with no conflict of interest in force; for the
    steering committee, an application proposed to it (``scoping.STEERING_STATES``)."""
    from gecc.applications.models import Application

    application = _application_of(obj)
    if application is None or getattr(application, "pk", None) is None:
        return False
    return Application.objects.visible_to(user).filter(pk=application.pk).exists()


unit_coordinator = is_coordinator & is_unit_coordinator_of
scoped_staff = (is_assessor | is_steering) & is_in_scope

rules.add_perm("applications.view_application",
               is_secretariat | unit_coordinator | scoped_staff)
rules.add_perm("applications.change_application", unit_coordinator & is_editable)
rules.add_perm("applications.submit_application", unit_coordinator & is_editable)
rules.add_perm("applications.withdraw_application", unit_coordinator & is_withdrawable)
# Object: a ServiceUnit the user would apply for.
rules.add_perm("applications.apply_for_unit", unit_coordinator)
rules.add_perm("applications.review_application", is_secretariat)
# The desk-review pages (list, detail, export): the secretariat's tools, readable by the
# sub-committee members for their team's applications (rows: ``visible_to``). The steering
# committee has its own pages (decisions), not these.
rules.add_perm("applications.read_desk_review", is_secretariat | is_assessor)
rules.add_perm("applications.view_review_comments",
               is_secretariat | unit_coordinator | (is_assessor & is_in_scope))
