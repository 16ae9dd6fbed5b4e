"""Row scoping: a list can only show what the user may see.

A model's queryset subclasses :class:`RoleScopedQuerySet` and says, for each role,
which rows that role sees (``role_scope``). ``visible_to(user)`` is then the union
of the scopes of the roles the user holds; a user with no role sees nothing.
Views, exports, search and the API start from ``Model.objects.visible_to(user)``,
never from ``Model.objects.all()``.
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
        return self.filter(combined).distinct() if self._scope_needs_distinct else self.filter(combined)

    # Set to True where a role scope follows a to-many relation.
    _scope_needs_distinct = False
