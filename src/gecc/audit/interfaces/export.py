"""The audit log as CSV, streamed row by row so a large export never sits in memory."""

import csv
import json

from django.utils import timezone
from django.utils.translation import gettext as _

from gecc.audit.domain import object_type_label, summarize
from gecc.common.thaidate import format_be_datetime

# Excel (Thai Windows locales included) reads a CSV file as UTF-8 only after this mark.
BOM = "\ufeff"
CHUNK_SIZE = 2000


class _Echo:
    """A file-like object whose write() hands the line back to the caller."""

    def write(self, value):
        return value


def header():
    return [
        _("Entry"), _("Time (Buddhist era)"), _("Time (ISO 8601)"), _("Actor"), _("Action code"),
        _("Object type"), _("Object ID"), _("Object"), _("Summary"), _("IP address"), _("Data"),
    ]


def row(entry):
    return [
        entry.pk,
        format_be_datetime(entry.at),
        timezone.localtime(entry.at).isoformat(timespec="seconds"),
        entry.actor_label or (entry.actor.email if entry.actor else ""),
        entry.action,
        object_type_label(entry.content_type),
        entry.object_id,
        entry.object_repr,
        summarize(entry.data),
        entry.ip_address or "",
        json.dumps(entry.data, ensure_ascii=False, sort_keys=True),
    ]


def iter_csv(queryset):
    """Yield the CSV text of ``queryset``: the byte-order mark and header first."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow(header())
    for entry in queryset.select_related("actor", "content_type").iterator(chunk_size=CHUNK_SIZE):
        yield writer.writerow(row(entry))
