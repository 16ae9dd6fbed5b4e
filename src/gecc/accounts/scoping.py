"""Row scoping: a list can only show what the user may see.

A model's queryset subclasses :class:`RoleScopedQuerySet` and says, for each role,
which rows that role sees (``role_scope``). ``visible_to(user)`` is then the union
of the scopes of the roles the user holds; a user with no role sees nothing.
Views, exports, search and the API start from ``Model.objects.visible_to(user)``,
never from ``Model.objects.all()``.

A scope never joins along a to-many relation (a unit's coordinators, a sub-committee's
members): it tests a column, or asks ``Exists(...)`` of the related rows. So no row is
repeated, no ``DISTINCT`` is needed, and the database plans a scoped lookup as cheaply as
an unscoped one (a ``SELECT DISTINCT`` over the ten-odd joined tables of a page's
``select_related`` cost PostgreSQL more to plan than to run). ``tests/scoping`` checks
every scoped model and role for this, and the plans' cost on PostgreSQL.
"""

from django.db import models
from django.db.models import Q

ALL = Q()  # a role scope meaning "every row"



class RoleScopedQuerySet(models.QuerySet):
    def role_scope(self, role, user) -> Q | None:
        """The rows ``role`` lets ``user`` see: a Q, ``ALL``, or None for none."""
        return None

    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        combined = None
        for role in sorted(user.roles):
            scope = self.role_scope(role, user)
            if scope is None:
                continue
            if scope == ALL:
                return self.all()
            combined = scope if combined is None else combined | scope
        if combined is None:
            return self.none()
        return self.filter(combined)
