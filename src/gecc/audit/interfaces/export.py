"""The audit log as CSV, streamed row by row so a large export never sits in memory (written
by the shared ``gecc.common.csvexport``, which escapes formula cells)."""

import json

from django.utils import timezone
from django.utils.translation import gettext as _

from gecc.audit.domain import entry_model, object_type_label, summarize
from gecc.audit.labels import action_label
from gecc.common.csvexport import csv_lines
from gecc.common.thaidate import format_be_datetime

CHUNK_SIZE = 2000


def header():
    return [
        _("Entry"), _("Time (Buddhist era)"), _("Time (ISO 8601)"), _("Actor"), _("Action"),
        _("Action code"), _("Object type"), _("Object ID"), _("Object"), _("Summary"), _("IP address"), _("Data"),
    ]


def row(entry):
    return [
        entry.pk,
        format_be_datetime(entry.at),
        timezone.localtime(entry.at).isoformat(timespec="seconds"),
        entry.actor_label or (entry.actor.email if entry.actor else ""),
        action_label(entry.action),
        entry.action,
        object_type_label(entry.content_type),
        entry.object_id,
        entry.object_repr,
        summarize(entry.data, model=entry_model(entry)),
        entry.ip_address or "",
        json.dumps(entry.data, ensure_ascii=False, sort_keys=True),
    ]


def rows(queryset):
    """One row per entry, read from the database in chunks."""
    entries = queryset.select_related("actor", "content_type").iterator(chunk_size=CHUNK_SIZE)
    return (row(entry) for entry in entries)


def iter_csv(queryset):
    """Yield the CSV text of ``queryset``: the byte-order mark and header first."""
    yield from csv_lines(header(), rows(queryset))
