"""Which criteria items an application answers, and what scores they allow."""

from gecc.criteria.enums import NodeKind
from gecc.criteria.models import Node


def applies_to_unit_type(item, unit_type) -> bool:
    """An item with no ``applies_to`` list applies to every unit type."""
    return not item.applies_to or unit_type in item.applies_to


def items_for_unit_type(version, unit_type) -> list[Node]:
    """The items of a criteria version that a unit of ``unit_type`` answers, in order."""
    items = Node.objects.filter(version=version, kind=NodeKind.ITEM).order_by("position")
    return [item for item in items if applies_to_unit_type(item, unit_type)]


def scale_values(version, item) -> set[int]:
    """The scores allowed for ``item`` by its scale (or the version's default scale)."""
    code = item.scale or version.default_scale
    for scale in version.scales:
        if scale.get("code") == code:
            return {int(point["value"]) for point in scale.get("points", [])}
    return set()


def level_codes(version) -> list[str]:
    return [level.get("code") for level in version.levels or []]
