"""Sync: the batches of changes a member's device sends (``field:api.sync``).

A batch is ``{"batch_id": uuid, "device_id": str, "changes": [...]}``; each change has its
own client-made ``change_id`` and is one of

- ``score``: the whole state of one item (``value``, ``not_applicable``, ``note``) as edited on
  the device at ``client_time``;
- ``photo_add``: a completely uploaded photo (by its SHA-256, uploaded by this member) attached
  to an item, with a caption;
- ``photo_remove``: that photo taken off the item.

Two levels of judgement:

1. **The batch as a whole** (:func:`parse_batch`). A malformed batch is refused whole and
   nothing is written (HTTP 400 with every problem found, by change index): not a JSON object,
   a missing or invalid ``batch_id``/``device_id``, ``changes`` not a list or longer than
   ``SCORING_SYNC_MAX_CHANGES``, a change without a valid ``change_id``, ``kind`` or
   ``client_time`` (ISO-8601 with its zone) or with a field of the wrong type, the same
   ``change_id`` twice in the batch.
2. **Each change alone** (:func:`apply_batch`), for a well-formed batch. A change that cannot
   be applied is *refused* with a code and a Thai message (off the item's scale, N/A where the
   item does not allow it, an item the unit does not answer, an application the member may not
   score: not assigned, conflict of interest, round not in its site visits, assistant
   secretary; a submitted sheet; a photo not uploaded, or not by this member) and kept in
   ``SyncChange`` with its message; the others in the same batch are applied. The batch is
   applied in one transaction.

Merging is per item, last writer wins by the device's ``client_time`` (equal times: the
greater ``change_id``), whatever order the changes arrive in. A change that loses is never
dropped: it goes to ``ItemScoreHistory`` as ``replaced`` (it was current, a later edit came)
or ``superseded`` (it arrived after a later edit; its outcome is ``superseded``). Photos
follow the same rule per (item, photo): the latest add or remove by device time decides
(equal times: the greater ``change_id``, recorded on the ``ItemPhoto``).

Idempotence. The same ``batch_id`` again is answered with the outcomes stored on its
``SyncBatch`` (``"replayed": true``) and writes nothing; its ``sheets`` are read afresh, so a
device that replays an old batch never goes back to an older state of its sheets. Two
identical batches posted at the same moment are serialised by the unique ``batch_id`` (the
second waits on the insert, fails it, and answers the stored response). A ``change_id``
already applied or superseded in an earlier batch is ``duplicate`` and not applied again; one
that was *refused* (say its photo was not uploaded yet) is judged again when sent again, and
its ``SyncChange`` row then records the new outcome. When the batch's transaction fails on a
unique change id stored meanwhile by another batch it is judged again from scratch (nothing
of the rolled-back attempt is kept).

Cost. The number of queries of a batch does not depend on its number of changes: bulk reads
(sheets and item scores locked with ``select_for_update``), multi-row ``INSERT`` and one
``UPDATE … FROM (VALUES …)`` for the writes, one audit entry ``scoring.synced`` per batch that applied something.
"""

from __future__ import annotations

import datetime
import re
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from gecc.audit.domain import log_action
from gecc.scoring.enums import ChangeOutcome, HistoryReason, SheetState
from gecc.scoring.models import (
    ItemPhoto,
    ItemScore,
    ItemScoreHistory,
    PhotoUpload,
    ScoreSheet,
    SyncBatch,
    SyncChange,
)

from .sheets import (
    SHEET_SUBMITTED,
    item_rules,
    refusal_message,
    scoring_refusals,
    sheet_snapshots,
)

KINDS = ("score", "photo_add", "photo_remove")
SHA256 = re.compile(r"[0-9a-f]{64}")
NOTE_MAX = 10_000
CAPTION_MAX = 255
DEVICE_MAX = 64

# Codes of refused changes (besides the refusal codes of ``sheets``).
OFF_SCALE = "off_scale"
NA_NOT_ALLOWED = "na_not_allowed"
VALUE_AND_NA = "value_and_na"
UNKNOWN_ITEM = "unknown_item"
NOTE_TOO_LONG = "note_too_long"
PHOTO_NOT_UPLOADED = "photo_not_uploaded"
DUPLICATE = "duplicate"


def change_message(code: str, **values) -> str:
    messages = {
        OFF_SCALE: _("%(value)s is not a score of item %(item)s: choose one of %(points)s."),
        NA_NOT_ALLOWED: _("Item %(item)s cannot be marked not applicable."),
        VALUE_AND_NA: _("Item %(item)s has both a score and \"not applicable\": choose one."),
        UNKNOWN_ITEM: _("Item %(item)s is not among the criteria this unit is scored on."),
        NOTE_TOO_LONG: _("The note on item %(item)s is too long (at most %(max)s "
                         "characters)."),
        PHOTO_NOT_UPLOADED: _("The photo for item %(item)s has not been uploaded completely "
                              "by you yet: upload it, then send the change again."),
        DUPLICATE: _("This change was already received."),
    }
    if code in messages:
        return messages[code] % values
    return refusal_message(code)


# -- the batch as a whole ----------------------------------------------------------------------

class MalformedBatch(Exception):
    """The batch is refused whole: ``problems`` is ``[{"index": i or None, "message"}]``."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__("; ".join(problem["message"] for problem in problems))

    def as_json(self) -> dict:
        return {"error": _("The batch of changes was refused: nothing was saved. Fix the "
                           "problems below and send it again."),
                "problems": self.problems}


@dataclass
class Change:
    index: int
    change_id: uuid.UUID
    kind: str
    application_id: int
    item_ref: str
    client_time: datetime.datetime
    value: float | None = None
    not_applicable: bool = False
    note: str = ""
    sha256: str = ""
    caption: str = ""
    # judged:
    outcome: str = ""
    code: str = ""
    message: str = ""
    sheet_id: int | None = None
    item_id: int | None = None

    @property
    def order(self) -> tuple:
        """The merge order: device time, then change id (the greater wins a tie)."""
        return (self.client_time, self.change_id.int)

    def judge(self, outcome, code="", message=""):
        self.outcome, self.code, self.message = outcome, code, message

    def reset(self):
        """Forget the judgement of an earlier (rolled-back) attempt."""
        self.outcome = self.code = self.message = ""
        self.sheet_id = self.item_id = None


@dataclass
class Batch:
    batch_id: uuid.UUID
    device_id: str
    changes: list[Change] = field(default_factory=list)


def _uuid(value):
    if not isinstance(value, str):
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value \
        and value not in (float("inf"), float("-inf"))


def _time(value):
    if not isinstance(value, str):
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return None
    if parsed is None or parsed.tzinfo is None:
        return None
    return parsed


def _parse_change(index, raw, problems) -> Change | None:
    def problem(message):
        problems.append({"index": index, "message": message})

    if not isinstance(raw, dict):
        problem(_("A change must be a JSON object."))
        return None
    change_id = _uuid(raw.get("change_id"))
    kind = raw.get("kind")
    client_time = _time(raw.get("client_time"))
    application = raw.get("application")
    item = raw.get("item")
    bad = []
    if change_id is None:
        bad.append(_("change_id is not a UUID"))
    if kind not in KINDS:
        bad.append(_("kind is not one of score, photo_add, photo_remove"))
    if client_time is None:
        bad.append(_("client_time is not an ISO-8601 date and time with its time zone"))
    if not _is_int(application) or application <= 0:
        bad.append(_("application is not an application number"))
    if not isinstance(item, str) or not item or len(item) > 40:
        bad.append(_("item is not an item reference"))
    change = None
    if kind == "score":
        value = raw.get("value", "missing")
        not_applicable = raw.get("not_applicable", False)
        note = raw.get("note", "")
        if value is not None and not _is_number(value):
            bad.append(_("value is not a number or null"))
        if not isinstance(not_applicable, bool):
            bad.append(_("not_applicable is not true or false"))
        if not isinstance(note, str):
            bad.append(_("note is not text"))
        if not bad:
            change = Change(index, change_id, kind, application, item, client_time,
                            value=None if value is None else float(value),
                            not_applicable=not_applicable, note=note)
    elif kind in ("photo_add", "photo_remove"):
        sha256 = raw.get("sha256")
        caption = raw.get("caption", "")
        if not isinstance(sha256, str) or not SHA256.fullmatch(sha256):
            bad.append(_("sha256 is not 64 lowercase hexadecimal digits"))
        if not isinstance(caption, str) or len(caption) > CAPTION_MAX:
            bad.append(_("caption is not a text of at most 255 characters"))
        if not bad:
            change = Change(index, change_id, kind, application, item, client_time,
                            sha256=sha256, caption=caption)
    if bad:
        problem("; ".join(bad))
        return None
    return change


def parse_batch(payload) -> Batch:
    """The batch of a request body (bytes, text or already-decoded JSON); raises
    :class:`MalformedBatch` with every problem found."""
    import json

    if isinstance(payload, bytes | str):
        try:
            payload = json.loads(payload)
        except (ValueError, UnicodeDecodeError):
            raise MalformedBatch([{"index": None,
                                   "message": _("The request is not valid JSON.")}]) from None
    if not isinstance(payload, dict):
        raise MalformedBatch([{"index": None,
                               "message": _("The batch must be a JSON object.")}])
    problems = []
    batch_id = _uuid(payload.get("batch_id"))
    if batch_id is None:
        problems.append({"index": None, "message": _("batch_id is missing or not a UUID.")})
    device_id = payload.get("device_id")
    if not isinstance(device_id, str) or not device_id or len(device_id) > DEVICE_MAX:
        problems.append({"index": None, "message": _(
            "device_id is missing or not a text of at most 64 characters.")})
    raw_changes = payload.get("changes")
    changes = []
    if not isinstance(raw_changes, list):
        problems.append({"index": None, "message": _("changes is not a list.")})
    elif len(raw_changes) > settings.SCORING_SYNC_MAX_CHANGES:
        problems.append({"index": None, "message": _(
            "Too many changes in one batch: at most %(max)s.")
            % {"max": settings.SCORING_SYNC_MAX_CHANGES}})
    else:
        seen = set()
        for index, raw in enumerate(raw_changes):
            change = _parse_change(index, raw, problems)
            if change is None:
                continue
            if change.change_id in seen:
                problems.append({"index": index, "message": _(
                    "change_id %(id)s appears twice in the batch.") % {"id": change.change_id}})
                continue
            seen.add(change.change_id)
            changes.append(change)
    if problems:
        raise MalformedBatch(problems)
    return Batch(batch_id=batch_id, device_id=device_id, changes=changes)


# -- applying ----------------------------------------------------------------------------------

@dataclass
class SyncResult:
    response: dict
    replayed: bool


class BatchIdTaken(Exception):
    """The batch_id was used by another member: refused whole like a malformed batch."""


def stored_response(batch_id, user) -> dict | None:
    """The response stored for ``batch_id`` with ``"replayed": true`` and its sheets as they
    are now (None if unknown); raises :class:`MalformedBatch` when another member sent it."""
    row = SyncBatch.objects.filter(batch_id=batch_id).values("user_id", "response").first()
    if row is None:
        return None
    if row["user_id"] != user.pk:
        raise MalformedBatch([{"index": None, "message": _(
            "This batch_id was already used: make a new one.")}])
    response = {**row["response"], "replayed": True}
    stored_sheets = response.get("sheets") or {}
    if stored_sheets:
        sheets = list(ScoreSheet.objects.filter(
            assessor=user, application_id__in=[int(pk) for pk in stored_sheets]))
        snapshots = sheet_snapshots(sheets)
        response["sheets"] = {str(sheet.application_id): snapshots[sheet.pk]
                              for sheet in sorted(sheets, key=lambda s: s.application_id)}
    return response


def apply_batch(user, batch: Batch, *, request=None) -> SyncResult:
    """Judge and apply a well-formed batch (see the module); the response as JSON-ready
    data."""
    stored = stored_response(batch.batch_id, user)
    if stored is not None:
        return SyncResult(stored, True)
    for attempt in range(2):
        try:
            with transaction.atomic():
                return SyncResult(_apply(user, batch, request), False)
        except IntegrityError:
            # Posted twice at the same moment: the other request stored the batch first.
            stored = stored_response(batch.batch_id, user)
            if stored is not None:
                return SyncResult(stored, True)
            # Another batch stored one of these change ids meanwhile: judge again, once
            # (those changes are now duplicates).
            if attempt:
                raise
    raise AssertionError("unreachable")


def _apply(user, batch: Batch, request) -> dict:
    row = SyncBatch.objects.create(batch_id=batch.batch_id, user=user,
                                   device_id=batch.device_id,
                                   change_count=len(batch.changes))
    changes = batch.changes
    for change in changes:
        change.reset()
    # Earlier receipts of these change ids, locked: a refused one is judged again (its row
    # updated), the others are duplicates.
    earlier = {change_id: (pk, outcome) for change_id, pk, outcome in
               SyncChange.objects.filter(change_id__in=[c.change_id for c in changes])
               .order_by().select_for_update().values_list("change_id", "pk", "outcome")}
    retried = {change_id: pk for change_id, (pk, outcome) in earlier.items()
               if outcome == ChangeOutcome.REFUSED}
    fresh = []
    for change in changes:
        if change.change_id in earlier and change.change_id not in retried:
            change.judge(ChangeOutcome.DUPLICATE, DUPLICATE, change_message(DUPLICATE))
        else:
            fresh.append(change)

    allowed, refused = scoring_refusals(user, {c.application_id for c in fresh})
    for change in fresh:
        if change.application_id in refused:
            code = refused[change.application_id]
            change.judge(ChangeOutcome.REFUSED, code, refusal_message(code))
    fresh = [c for c in fresh if not c.outcome]

    sheets = _sheets(user, {c.application_id for c in fresh}, allowed)
    touched_sheets = dict(sheets)
    for change in fresh:
        sheet = sheets[change.application_id]
        change.sheet_id = sheet.pk
        if sheet.state == SheetState.SUBMITTED:
            change.judge(ChangeOutcome.REFUSED, SHEET_SUBMITTED,
                         refusal_message(SHEET_SUBMITTED))
            continue
        scorable = allowed[change.application_id].application
        rule = item_rules(scorable.round.edition).get(change.item_ref)
        if rule is None or not rule.applies(scorable.unit.unit_type):
            change.judge(ChangeOutcome.REFUSED, UNKNOWN_ITEM,
                         change_message(UNKNOWN_ITEM, item=change.item_ref))
            continue
        change.item_id = rule.node_id
        if change.kind == "score":
            _judge_score(change, rule)
    live = [c for c in fresh if not c.outcome]

    uploads = dict(PhotoUpload.objects.filter(
        user=user, sha256__in={c.sha256 for c in live if c.sha256},
        completed_at__isnull=False, blob__isnull=False).values_list("sha256", "blob_id"))
    for change in live:
        if change.sha256 and change.sha256 not in uploads:
            change.judge(ChangeOutcome.REFUSED, PHOTO_NOT_UPLOADED,
                         change_message(PHOTO_NOT_UPLOADED, item=change.item_ref))
    live = [c for c in live if not c.outcome]

    _merge(live, uploads, batch.device_id)

    now = timezone.now()
    insert_rows(SyncChange, ("change_id", "batch", "sheet", "kind", "item_ref", "client_time",
                             "outcome", "message", "received_at"),
                [(c.change_id, row.pk, c.sheet_id, c.kind, c.item_ref[:40], c.client_time,
                  str(c.outcome), c.message, now)
                 for c in changes if c.outcome != ChangeOutcome.DUPLICATE
                 and c.change_id not in retried])
    if retried:
        SyncChange.objects.bulk_update(
            [SyncChange(pk=retried[c.change_id], change_id=c.change_id, batch_id=row.pk,
                        sheet_id=c.sheet_id, kind=c.kind, item_ref=c.item_ref[:40],
                        client_time=c.client_time, outcome=str(c.outcome), message=c.message,
                        received_at=now)
             for c in changes if c.change_id in retried],
            ["batch", "sheet", "kind", "item_ref", "client_time", "outcome", "message",
             "received_at"])
    counts = {outcome: 0 for outcome in ChangeOutcome.values}
    for change in changes:
        counts[change.outcome] += 1
    response = {
        "batch_id": str(batch.batch_id), "replayed": False,
        "results": [{"change_id": str(c.change_id), "outcome": str(c.outcome),
                     "code": c.code, "message": c.message} for c in changes],
    }
    snapshots = sheet_snapshots(touched_sheets.values())
    response["sheets"] = {str(sheet.application_id): snapshots[sheet.pk]
                          for sheet in touched_sheets.values()}
    row.response = response
    SyncBatch.objects.filter(pk=row.pk).update(response=response)
    if counts[ChangeOutcome.APPLIED] or counts[ChangeOutcome.SUPERSEDED]:
        log_action("scoring.synced", actor=user, obj=row, request=request, data={
            "device": batch.device_id, "counts": counts,
            "applications": sorted({c.application_id for c in changes
                                    if c.outcome in (ChangeOutcome.APPLIED,
                                                     ChangeOutcome.SUPERSEDED)})})
    return response


def _sheets(user, application_ids, allowed) -> dict[int, ScoreSheet]:
    """The member's sheets of the applications, locked; created where missing."""
    ids = sorted(application_ids)
    if not ids:
        return {}
    found = {sheet.application_id: sheet for sheet in
             ScoreSheet.objects.select_for_update().filter(assessor=user,
                                                           application_id__in=ids)}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        ScoreSheet.objects.bulk_create(
            [ScoreSheet(application_id=pk, assessor=user,
                        subcommittee_id=allowed[pk].subcommittee_id) for pk in missing],
            ignore_conflicts=True)
        found.update({sheet.application_id: sheet for sheet in
                      ScoreSheet.objects.select_for_update().filter(
                          assessor=user, application_id__in=missing)})
    return found


def _judge_score(change: Change, rule) -> None:
    if change.not_applicable and change.value is not None:
        change.judge(ChangeOutcome.REFUSED, VALUE_AND_NA,
                     change_message(VALUE_AND_NA, item=change.item_ref))
    elif change.not_applicable and not rule.na_allowed:
        change.judge(ChangeOutcome.REFUSED, NA_NOT_ALLOWED,
                     change_message(NA_NOT_ALLOWED, item=change.item_ref))
    elif change.value is not None and change.value not in rule.allowed:
        points = ", ".join(f"{point:g}" for point in sorted(rule.allowed))
        change.judge(ChangeOutcome.REFUSED, OFF_SCALE,
                     change_message(OFF_SCALE, value=f"{change.value:g}",
                                    item=change.item_ref, points=points))
    elif len(change.note) > NOTE_MAX:
        change.judge(ChangeOutcome.REFUSED, NOTE_TOO_LONG,
                     change_message(NOTE_TOO_LONG, item=change.item_ref, max=NOTE_MAX))


def _merge(changes: list[Change], uploads: dict[str, int], device_id: str) -> None:
    """Apply the valid changes: per item last writer wins (see the module)."""
    if not changes:
        return
    keys = {(c.sheet_id, c.item_id) for c in changes}
    locked = (ItemScore.objects.select_for_update()
              .filter(sheet_id__in={k[0] for k in keys}, item_id__in={k[1] for k in keys})
              .order_by().values_list(*_Score.__slots__))
    scores = {(row[1], row[2]): _Score(*row) for row in locked if (row[1], row[2]) in keys}
    new_scores = [ItemScore(sheet_id=sheet_id, item_id=item_id)
                  for sheet_id, item_id in sorted(keys) if (sheet_id, item_id) not in scores]
    if new_scores:
        ItemScore.objects.bulk_create(new_scores)
        if any(score.pk is None for score in new_scores):  # no RETURNING: read them back
            new_scores = list(ItemScore.objects.filter(
                sheet_id__in={k[0] for k in keys}, item_id__in={k[1] for k in keys}))
        for score in new_scores:
            key = (score.sheet_id, score.item_id)
            if key in keys and key not in scores:
                scores[key] = _Score(*(getattr(score, name) for name in _Score.__slots__))

    changed_scores, history = [], []
    by_item: dict[tuple, list[Change]] = {}
    photo_changes: list[Change] = []
    for change in changes:
        if change.kind == "score":
            by_item.setdefault((change.sheet_id, change.item_id), []).append(change)
        else:
            photo_changes.append(change)
    for key, incoming in by_item.items():
        score = scores[key]
        dirty = False
        for change in sorted(incoming, key=lambda c: c.order):
            current = (score.client_time, score.change_id.int) \
                if score.change_id is not None else None
            if current is not None and change.order < current:
                history.append(_history(score, change, device_id, HistoryReason.SUPERSEDED))
                change.judge(ChangeOutcome.SUPERSEDED)
                continue
            if current is not None:
                history.append(_history(score, score, score.device_id, HistoryReason.REPLACED))
            score.value, score.not_applicable, score.note = (change.value,
                                                             change.not_applicable,
                                                             change.note)
            score.client_time, score.change_id = change.client_time, change.change_id
            score.device_id = device_id
            change.judge(ChangeOutcome.APPLIED)
            dirty = True
        if dirty:
            changed_scores.append(score)
    if changed_scores:
        _update_scores(changed_scores)
    if history:
        now = timezone.now()
        insert_rows(ItemScoreHistory, ("item_score", "value", "not_applicable", "note",
                                       "client_time", "change_id", "device_id", "reason",
                                       "recorded_at"),
                    [(*entry, now) for entry in history])
    if photo_changes:
        _merge_photos(photo_changes, scores, uploads)


class _Score:
    """An item score as the merge needs it (a plain row: no model instance per item)."""

    __slots__ = ("pk", "sheet_id", "item_id", "value", "not_applicable", "note",
                 "client_time", "change_id", "device_id", "updated_at")

    def __init__(self, *values):
        for name, value in zip(self.__slots__, values, strict=True):
            setattr(self, name, value)


SCORE_COLUMNS = (("value", "double precision"), ("not_applicable", "boolean"),
                 ("note", "text"), ("client_time", "timestamp with time zone"),
                 ("change_id", "uuid"), ("device_id", "varchar(64)"),
                 ("updated_at", "timestamp with time zone"))


def _update_scores(scores) -> None:
    """One ``UPDATE … FROM`` for every changed item score (on PostgreSQL the values travel
    as one array per column). Django's ``bulk_update`` writes one ``CASE WHEN`` per row and
    column, which for 300 rows costs more than the rest of the batch together."""
    from django.db import connection

    now = timezone.now()
    for score in scores:
        score.updated_at = now
    table = connection.ops.quote_name(ItemScore._meta.db_table)
    names = ["id"] + [name for name, _type in SCORE_COLUMNS]
    assignments = ", ".join(f"{name} = v.{name}" for name in names[1:])
    if connection.vendor == "postgresql":
        arrays = ", ".join(["%s::bigint[]"] + [f"%s::{sql_type}[]"
                                               for _name, sql_type in SCORE_COLUMNS])
        params = [[score.pk for score in scores]] + [
            [getattr(score, name) for score in scores] for name, _type in SCORE_COLUMNS]
        sql = (f"UPDATE {table} SET {assignments} FROM unnest({arrays}) "
               f"AS v ({', '.join(names)}) WHERE {table}.id = v.id")
    else:
        fields = [ItemScore._meta.get_field(name) for name, _type in SCORE_COLUMNS]
        row = "(" + ", ".join(["%s"] * len(names)) + ")"
        params = []
        for score in scores:
            params.append(score.pk)
            params.extend(field.get_db_prep_save(getattr(score, field.attname), connection)
                          for field in fields)
        sql = (f"WITH v ({', '.join(names)}) AS (VALUES {', '.join([row] * len(scores))}) "
               f"UPDATE {table} SET {assignments} FROM v WHERE {table}.id = v.id")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _history(score, source, device_id, reason) -> tuple:
    """An ``ItemScoreHistory`` row (without its time) for ``insert_rows``."""
    return (score.pk, source.value, source.not_applicable, source.note, source.client_time,
            source.change_id, device_id, str(reason))


def insert_rows(model, names, rows) -> None:
    """One multi-row ``INSERT`` of plain tuples (``names``: field names, in order; every
    value given, no defaults). For the hundreds of rows of a batch this skips building a
    model instance per row, which ``bulk_create`` does; on PostgreSQL the values travel as
    one array per column (``unnest``), so the statement stays small whatever the rows."""
    from django.db import connection

    rows = list(rows)
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in names]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in fields)
            cursor.execute(f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({arrays})",
                           [list(column) for column in zip(*rows, strict=True)])
            return
        placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
        limit = max(1, 30000 // len(fields))  # SQLite's limit on parameters per statement
        for start in range(0, len(rows), limit):
            chunk = rows[start:start + limit]
            params = [field.get_db_prep_save(value, connection)
                      for values in chunk for field, value in zip(fields, values, strict=True)]
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES "
                           + ", ".join([placeholder] * len(chunk)), params)


def _merge_photos(changes: list[Change], scores: dict, uploads: dict[str, int]) -> None:
    """Per (item, photo) the latest add or remove by device time decides; an add of a photo
    already on the item, or a remove of one already removed, changes nothing."""
    score_ids = {scores[(c.sheet_id, c.item_id)].pk for c in changes}
    existing = {(p.item_score_id, p.blob_id): p for p in ItemPhoto.objects.select_for_update()
                .filter(item_score_id__in=score_ids, blob_id__in=set(uploads.values()))}
    created, updated = {}, {}
    now = timezone.now()
    for change in sorted(changes, key=lambda c: c.order):
        score = scores[(change.sheet_id, change.item_id)]
        key = (score.pk, uploads[change.sha256])
        photo = existing.get(key) or created.get(key)
        removing = change.kind == "photo_remove"
        if photo is None:
            photo = ItemPhoto(item_score_id=score.pk, blob_id=key[1], caption=change.caption,
                              client_time=change.client_time, change_id=change.change_id,
                              removed_at=now if removing else None)
            created[key] = photo
            change.judge(ChangeOutcome.APPLIED)
            continue
        if photo.client_time is not None and change.order < (
                photo.client_time, photo.change_id.int if photo.change_id else -1):
            change.judge(ChangeOutcome.SUPERSEDED)
            continue
        before = (photo.client_time, photo.change_id, photo.removed_at is None, photo.caption)
        photo.client_time, photo.change_id = change.client_time, change.change_id
        if removing:
            photo.removed_at = photo.removed_at or now
        else:
            photo.removed_at = None
            photo.caption = change.caption or photo.caption
        if key not in created and before != (photo.client_time, photo.change_id,
                                             photo.removed_at is None, photo.caption):
            updated[key] = photo
        change.judge(ChangeOutcome.APPLIED)
    if created:
        ItemPhoto.objects.bulk_create(list(created.values()))
    if updated:
        ItemPhoto.objects.bulk_update(list(updated.values()),
                                      ["client_time", "change_id", "removed_at", "caption"])
