"""State changes of organisations and service units: each one guard → save → audit log."""

from django.db import transaction

from gecc.audit.domain import log_action


class RegistryError(Exception):
    """A registry change that the rules forbid."""


@transaction.atomic
def deactivate_unit(unit, *, actor=None, reason="", request=None):
    """Mark a unit inactive. Units are never deleted once other records point to them."""
    if not unit.is_active:
        return unit
    unit.is_active = False
    unit.save(update_fields=["is_active", "updated_at"])
    log_action("unit.deactivated", actor=actor, obj=unit, before={"is_active": True},
               after={"is_active": False}, data={"reason": reason} if reason else None,
               request=request)
    return unit


@transaction.atomic
def reactivate_unit(unit, *, actor=None, request=None):
    if unit.is_active:
        return unit
    if not unit.organization.is_active:
        raise RegistryError("The unit's organisation is inactive.")
    unit.is_active = True
    unit.save(update_fields=["is_active", "updated_at"])
    log_action("unit.reactivated", actor=actor, obj=unit, before={"is_active": False},
               after={"is_active": True}, request=request)
    return unit


@transaction.atomic
def set_unit_coordinators(unit, users, *, actor=None, request=None):
    before = sorted(unit.coordinators.values_list("email", flat=True))
    unit.coordinators.set(users)
    after = sorted(u.email for u in users)
    if before != after:
        log_action("unit.coordinators_changed", actor=actor, obj=unit,
                   before={"coordinators": before}, after={"coordinators": after},
                   request=request)
    return unit


@transaction.atomic
def deactivate_organization(organization, *, actor=None, request=None):
    """Deactivate an organisation, its descendants and all their units."""
    from gecc.registry.models import Organization, ServiceUnit

    ids, frontier = {organization.pk}, [organization.pk]
    while frontier:
        frontier = list(Organization.objects.filter(parent_id__in=frontier)
                        .exclude(pk__in=ids).values_list("pk", flat=True))
        ids.update(frontier)
    organizations = Organization.objects.filter(pk__in=ids, is_active=True).update(
        is_active=False)
    units = ServiceUnit.objects.filter(organization_id__in=ids, is_active=True).update(
        is_active=False)
    organization.is_active = False
    log_action("organization.deactivated", actor=actor, obj=organization,
               before={"is_active": True}, after={"is_active": False},
               data={"organizations": organizations, "units": units}, request=request)
    return organization


def refresh_unit_search_text(organization_ids) -> int:
    """Recompute the search column of every unit of these organisations (after a change to
    an organisation's names or abbreviation, which the column carries); returns how many
    units changed. Not a state change of the unit, so no audit entry and no ``updated_at``."""
    from gecc.registry.domain.search import unit_search_text
    from gecc.registry.models import Organization, ServiceUnit

    parts = {org.pk: org.search_parts() for org in Organization.objects.filter(
        pk__in=list(organization_ids)).only("id", "name_th", "name_en", "abbreviation")}
    changed = []
    units = ServiceUnit.objects.filter(organization_id__in=list(parts)).only(
        "id", "code", "name_th", "name_en", "organization_id", "search_text")
    for unit in units.iterator(chunk_size=2000):
        text = unit_search_text(unit.code, unit.name_th, unit.name_en,
                                parts[unit.organization_id])
        if text != unit.search_text:
            unit.search_text = text
            changed.append(unit)
    ServiceUnit.objects.bulk_update(changed, ["search_text"], batch_size=1000)
    return len(changed)


def would_create_cycle(parent_of: dict, code: str, parent_code: str | None) -> bool:
    """True if making ``parent_code`` the parent of ``code`` closes a loop in ``parent_of``
    (a mapping code → parent code)."""
    seen = {code}
    node = parent_code
    while node:
        if node in seen:
            return True
        seen.add(node)
        node = parent_of.get(node)
    return False
