"""Which applications each role sees, including roles whose answer lives in a higher app.

``Application.objects.visible_to(user)`` is the union of these role scopes:

- the secretariat: every application;
- a unit coordinator: the applications of the units they coordinate;
- the steering committee: only what reaches it, the applications in ``STEERING_STATES``
  (never a draft); it sees no evidence file and no review comment (their querysets say so);
- a sub-committee member: whatever the app that knows the sub-committees registers. The
  committees app sits above this one in the import order (``docs/architecture.md``), so
  it registers the scope from its ``AppConfig.ready()``::

      register_role_scope(Role.ASSESSOR, assessor_application_scope)

  Without a registration a member sees nothing.

A registered ``fn(user)`` returns a ``Q`` over ``Application`` (``None`` for nothing). Write
it with ``Exists(...)`` subqueries, never with a join along a to-many relation: the scopes
are combined with ``|`` and ``visible_to`` applies them without DISTINCT.

Rows that belong to one application (answers, receipts, review comments, evidence files)
follow their application's scope through :func:`through_application`, so a rule is written
once and no list, export or download can show more than the application page does.
"""

from collections.abc import Callable

from django.db.models import Exists, OuterRef, Q

from gecc.accounts.enums import Role
from gecc.accounts.scoping import ALL
from gecc.applications.enums import ApplicationState

# What the steering committee is shown: applications that passed the desk review. A later
# state that is proposed to the committee (results, decisions) is added here.
STEERING_STATES = frozenset({ApplicationState.ACCEPTED})

ScopeFunction = Callable[[object], "Q | None"]

_registered: dict[str, ScopeFunction] = {}


def steering_scope(user) -> Q:
    return Q(state__in=STEERING_STATES)


# Scopes used when no app registered one for the role.
DEFAULT_SCOPES: dict[str, ScopeFunction] = {Role.STEERING: steering_scope}


def register_role_scope(role, fn: ScopeFunction) -> None:
    """Use ``fn(user) -> Q | None`` as ``role``'s scope over applications. Registering again
    for the same role replaces the earlier function (``ready()`` may run twice in tests).
    The secretariat and coordinators are this app's own business and cannot be replaced."""
    role = Role(role)
    if role in (Role.SECRETARIAT, Role.COORDINATOR):
        raise ValueError(f"the {role} scope is defined by the applications app")
    _registered[role] = fn


def unregister_role_scope(role) -> None:
    """Forget a registered scope (tests); the role falls back to its default."""
    _registered.pop(Role(role), None)


def registered_scope(role, user) -> Q | None:
    """The scope of a role this app does not decide itself, or None when nobody said."""
    fn = _registered.get(role) or DEFAULT_SCOPES.get(role)
    return fn(user) if fn is not None else None


def coordinator_scope(user) -> Q:
    """The applications of the units ``user`` coordinates (a semi-join, no DISTINCT)."""
    from gecc.registry.models.service_unit import coordinated_by

    return coordinated_by(user, "unit_id")


def through_application(role, user, path: str) -> Q | None:
    """``role``'s scope for rows that belong to an application: the rows whose application
    (reached by ``path``, e.g. ``"application_id"`` or ``"answer__application_id"``) the
    role sees. ``ALL`` stays ``ALL`` and ``None`` stays ``None``."""
    from gecc.applications.models import Application
    from gecc.registry.models.service_unit import coordinated_by

    scope = Application.objects.role_scope(role, user)
    if scope is None or scope == ALL:
        return scope
    if role == Role.COORDINATOR and path.endswith("_id"):
        # Straight to the application's unit (a to-one join), not a subquery within a
        # subquery: the answer autosave and the evidence upload look rows up this way.
        return coordinated_by(user, path.removesuffix("_id") + "__unit_id")
    return Q(Exists(Application.objects.filter(scope, pk=OuterRef(path))))
