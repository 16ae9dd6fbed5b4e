"""Hooks this app registers with lower apps when Django starts (``AppConfig.ready``)."""

from django.utils.translation import pgettext_lazy

from gecc.audit.labels import (
    register_action_labels,
    register_field_labels,
    register_value_labels,
)
from gecc.committees import phase, scoping  # noqa: F401  (register on import)
from gecc.committees.enums import ConflictKind, Position


def _action(text):
    return pgettext_lazy("audit action", text)


def _field(text):
    return pgettext_lazy("audit field", text)


register_action_labels({
    # the assessor pool
    "assessor.created": _action("Assessor added to the pool"),
    "assessor.updated": _action("Assessor profile updated"),
    "assessors.imported": _action("Assessor pool imported from a file"),
    "assessors.exported": _action("Assessor pool downloaded"),
    # sub-committees
    "subcommittee.created": _action("Sub-committee created"),
    "subcommittee.updated": _action("Sub-committee updated"),
    "subcommittee.member_added": _action("Member added to a sub-committee"),
    "subcommittee.member_removed": _action("Member removed from a sub-committee"),
    "subcommittee.position_changed": _action("Sub-committee member's position changed"),
    # conflicts of interest
    "conflict.declared": _action("Conflict of interest declared"),
    "conflict.withdrawn": _action("Declared conflict of interest withdrawn"),
    "conflict.detected": _action("Conflict of interest detected"),
    "conflict.overridden": _action("Conflict of interest overridden"),
    "conflicts.exported": _action("Conflicts of interest downloaded"),
})

register_field_labels({
    "member": _field("Member"),
    "position": _field("Position"),
    "warnings": _field("Warnings"),
    "organization": _field("Organisation"),
    "in_force": _field("In force"),
    "override_reason": _field("Reason for the override"),
    "new_account": _field("New account"),
})

register_value_labels("position", Position.choices)
register_value_labels("kind", ConflictKind.choices)
