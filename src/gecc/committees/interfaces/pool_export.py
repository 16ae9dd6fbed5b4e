"""Export the assessor pool in exactly the import's columns (an exported file imported
again changes nothing), and a round's conflicts of interest as a list for people.

XLSX and CSV are written by the registry's ``write_table``: every XLSX cell is text (codes
keep their form, "=…" is never a formula) and CSV goes through the one CSV writer
(``gecc.common.csvexport``)."""

import datetime

from django.utils.translation import gettext as _

from gecc.committees.enums import ConflictKind
from gecc.committees.interfaces.pool_import import POOL_COLUMNS
from gecc.common.csvexport import CONTENT_TYPE as CSV_CONTENT_TYPE
from gecc.common.thaidate import format_be_datetime, format_be_numeric
from gecc.registry.interfaces.exporters import write_table

EXPORT_FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": CSV_CONTENT_TYPE,
}


def be_dates(values) -> str:
    """ISO dates as ``dd/mm/yyyy`` (Buddhist era) separated by ``; ``."""
    return "; ".join(format_be_numeric(datetime.date.fromisoformat(day))
                     for day in values or [])


def pool_rows(queryset):
    profiles = queryset.select_related("user", "affiliation", "home_province").order_by(
        "user__email")
    for profile in profiles.iterator(chunk_size=1000):
        yield [profile.user.email, profile.user.full_name,
               profile.affiliation.code if profile.affiliation_id else "",
               profile.affiliation_text, profile.home_province_id or "",
               "; ".join(profile.expertise or []), profile.phone,
               profile.max_visits_per_day, be_dates(profile.unavailable_dates)]


def export_pool(queryset, fmt="xlsx") -> bytes:
    return write_table(POOL_COLUMNS, pool_rows(queryset), fmt, "assessors")


def conflict_header():
    return [_("Member"), _("E-mail"), _("Sub-committee"), _("Service unit code"),
            _("Organisation code"), _("Unit or organisation"), _("Kind"), _("Reason"),
            _("State"), _("Reason for the override"), _("Recorded")]


def conflict_rows(conflicts, team_names):
    """``team_names``: {user id: sub-committee name} of the round."""
    for conflict in conflicts:
        user = conflict.user
        yield [user.full_name, user.email, team_names.get(conflict.user_id, ""),
               conflict.unit.code if conflict.unit_id else "",
               conflict.organization.code if conflict.organization_id else "",
               conflict.target_label, ConflictKind(conflict.kind).label, conflict.reason,
               _("In force") if conflict.in_force else _("Overridden"),
               conflict.override_reason, format_be_datetime(conflict.created_at)]
