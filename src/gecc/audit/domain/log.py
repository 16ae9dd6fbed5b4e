"""The one entry point that writes the audit log."""

import functools
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import connections, router, transaction
from django.utils import timezone

from gecc.audit.models import AuditEntry

SECRET_MARKERS = ("password", "secret", "token", "key", "otp", "totp", "session")
MASK = "********"


@functools.lru_cache(maxsize=4096)
def _is_secret(key) -> bool:
    # Cached: a bulk import masks the same dozen keys in each of thousands of entries.
    return any(marker in str(key).lower() for marker in SECRET_MARKERS)


def mask_secrets(value):
    """Replace the values of secret-looking keys, at any depth, with a mask."""
    if isinstance(value, dict):
        return {key: MASK if _is_secret(key) else mask_secrets(item)
                for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [mask_secrets(item) for item in value]
    return value


def client_ip(request):
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


class PendingEntry(NamedTuple):
    """An audit entry not yet written: ``log_action`` saves one, ``log_actions`` many at
    once. A plain tuple rather than an unsaved model, so a bulk import of 20,000 records
    does not pay for 20,000 model instances."""

    action: str
    actor_id: int | None
    actor_label: str
    data: dict
    ip_address: str | None
    content_type_id: int | None = None
    object_id: str = ""
    object_repr: str = ""


def person(actor):
    """``actor`` when it is a signed-in person, else None: work done by the system (a
    scheduled task, a command, a listener) records no user."""
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def build_entry(action, *, actor=None, obj=None, before=None, after=None, data=None,
                request=None, actor_label="", ip_address=None) -> PendingEntry:
    """The entry ``log_action`` would write, unsaved (for ``log_actions``)."""
    actor = person(actor)
    payload = {}
    if before is not None:
        payload["before"] = before
    if after is not None:
        payload["after"] = after
    if data:
        payload.update(data)
    entry = PendingEntry(
        action=action,
        actor_id=actor.pk if actor is not None else None,
        actor_label=actor_label or (actor.email if actor is not None else ""),
        data=mask_secrets(payload),
        ip_address=client_ip(request) or ip_address or None,
    )
    if obj is not None:
        entry = entry._replace(content_type_id=ContentType.objects.get_for_model(obj).pk,
                               object_id=str(obj.pk), object_repr=str(obj)[:300])
    return entry


def log_action(action, *, actor=None, obj=None, before=None, after=None, data=None,
               request=None, actor_label="", ip_address=None):
    """Append one audit entry.

    ``action`` is a namespaced code such as ``round.opened``; ``before`` and ``after`` are
    dicts of the changed fields; ``data`` holds anything else worth keeping. Secret fields are
    masked. The client address comes from ``request``; work done later for a request (a
    background task) passes the address it kept as ``ip_address``. Call it inside the domain
    function that makes the change, in the same transaction.
    """
    entry = AuditEntry(**build_entry(action, actor=actor, obj=obj, before=before, after=after,
                                     data=data, request=request, actor_label=actor_label,
                                     ip_address=ip_address)._asdict())
    entry.save(force_insert=True)
    return entry


# The columns log_actions writes, in order (the id is the database's).
BULK_FIELDS = ("at", "actor", "actor_label", "action", "content_type", "object_id",
               "object_repr", "data", "ip_address")


def log_actions(entries, *, batch_size=1000) -> int:
    """Append many entries made by ``build_entry`` at once (a bulk import's one entry per
    record), all with the same time; returns how many. Same rules as ``log_action``. On
    PostgreSQL the rows go in with one ``COPY``; elsewhere as one multi-row INSERT per batch.
    For 20,000 entries either takes a fraction of the time of ``bulk_create`` (the ORM
    prepares every value of every row). The entries get no primary key back."""
    entries = list(entries)
    if not entries:
        return 0
    connection = connections[router.db_for_write(AuditEntry)]
    fields = [AuditEntry._meta.get_field(name) for name in BULK_FIELDS]
    at_field, data_field, ip_field = fields[0], fields[7], fields[8]
    at = at_field.get_db_prep_save(timezone.now(), connection)

    def row(entry):
        return (at, entry.actor_id, entry.actor_label, entry.action, entry.content_type_id,
                entry.object_id, entry.object_repr,
                data_field.get_db_prep_save(entry.data, connection),
                ip_field.get_db_prep_save(entry.ip_address, connection))

    quote = connection.ops.quote_name
    table = quote(AuditEntry._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for entry in entries:
                    copy.write_row(row(entry))
            return len(entries)
        batch_size = max(1, min(batch_size, connection.ops.bulk_batch_size(fields, entries)))
        values = f"({', '.join(['%s'] * len(fields))})"
        for start in range(0, len(entries), batch_size):
            batch = entries[start:start + batch_size]
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES "
                           + ", ".join([values] * len(batch)),
                           [value for entry in batch for value in row(entry)])
    return len(entries)


def log_export(action, request, *, obj=None, data=None):
    """Log a download of data (an export, an evidence file): who and from where (the
    request), what (``obj`` and ``data``: kind, format, rows…) and the filter used (the
    query string, every value as a list)."""
    filters = {key: request.GET.getlist(key) for key in request.GET}
    return log_action(action, actor=request.user, obj=obj, request=request,
                      data={**(data or {}), "filters": filters})
