"""Pieces shared by the registry screens."""

from decimal import Decimal

from django.db.models import Model

from gecc.accounts.access import AllowedUserRequiredMixin
from gecc.accounts.rules import is_coordinator, is_secretariat, is_staff_member

# Who may open the registry screens at all; rows are then limited by visible_to().
can_browse_registry = is_staff_member | is_coordinator
# List orderings offered by the clickable column headers.
ORDERINGS = {
    "code": ("code",),
    "name": ("name_th", "code"),
    # Provinces in the official DOPA code order (as government lists give them), then name.
    "province": ("province_id", "name_th", "code"),
}


class RegistryAccessMixin(AllowedUserRequiredMixin):
    """Signed-in users only (anonymous → sign-in page); then ``allowed(user)``."""

    def allowed(self, user):
        return can_browse_registry(user)


class SecretariatOnlyMixin(RegistryAccessMixin):
    def allowed(self, user):
        return is_secretariat(user)


def json_value(value):
    """A field value as it is kept in an audit entry."""
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(obj, fields):
    """``{field: value}`` of ``obj`` for the audit log (foreign keys as their ids)."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        values[name] = json_value(getattr(obj, field.attname))
    return values


def changed_fields(before, after):
    """Only the fields whose values differ, as ``(before, after)`` dicts."""
    names = [name for name in after if before.get(name) != after[name]]
    return {name: before.get(name) for name in names}, {name: after[name] for name in names}
