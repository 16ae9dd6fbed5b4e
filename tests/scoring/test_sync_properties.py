"""Properties of the per-item merge: whatever order the changes arrive in, and however they
are split into batches, the current values are the same, nothing a member typed is lost, and
a batch sent again writes nothing."""

import json
import uuid

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from gecc.scoring.domain.sync import apply_batch, parse_batch
from gecc.scoring.models import ItemScore, ItemScoreHistory
from tests.scoring.factories_sheets import at, scoring_world

REFS = ("P1.1", "P1.2", "Q1.1")
POINTS = {"P1.1": (0, 1, 2, 3, 4), "P1.2": (0, 1, None), "Q1.1": (0, 1, 2, 3, 4)}


@st.composite
def change_sets(draw):
    """1–10 valid score changes over three items with few distinct device times (ties)."""
    count = draw(st.integers(1, 10))
    ids = draw(st.lists(st.uuids(), min_size=count, max_size=count, unique=True))
    changes = []
    for change_id in ids:
        ref = draw(st.sampled_from(REFS))
        value = draw(st.sampled_from(POINTS[ref]))
        changes.append({"change_id": str(change_id), "kind": "score", "item": ref,
                        "value": value, "not_applicable": value is None,
                        "note": draw(st.sampled_from(["", "ก", "ข"])),
                        "client_time": at(draw(st.integers(0, 3)))})
    order = draw(st.permutations(range(count)))
    cuts = draw(st.lists(st.booleans(), min_size=count, max_size=count))
    replay = draw(st.integers(0, count - 1))
    return changes, order, cuts, replay


def expected_current(changes):
    """The reference: per item, the change with the latest (device time, change id)."""
    best = {}
    for change in changes:
        key = (change["client_time"], uuid.UUID(change["change_id"]).int)
        ref = change["item"]
        if ref not in best or key > best[ref][0]:
            best[ref] = (key, change)
    return {ref: (None if change["value"] is None else float(change["value"]),
                  change["not_applicable"], change["note"], change["change_id"])
            for ref, (_key, change) in best.items()}


def state(sheet_filter):
    scores = ItemScore.objects.filter(**sheet_filter)
    current = {s.item.ref: (s.value, s.not_applicable, s.note, str(s.change_id))
               for s in scores.select_related("item")}
    history = [str(h.change_id) for h in
               ItemScoreHistory.objects.filter(item_score__in=scores)]
    return current, history


@pytest.mark.django_db
def test_merge_is_order_and_batch_independent_and_replays_write_nothing(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = scoring_world()
    member = world.qualified[0]

    @hypothesis_settings(max_examples=60, deadline=None,
                         suppress_health_check=[HealthCheck.too_slow])
    @given(change_sets())
    def check(drawn):
        changes, order, cuts, replay = drawn
        for change in changes:
            change["application"] = world.application.pk
        arrived = [changes[i] for i in order]
        batches, current_batch = [], []
        for change, cut in zip(arrived, cuts, strict=True):
            current_batch.append(change)
            if cut:
                batches.append(current_batch)
                current_batch = []
        if current_batch:
            batches.append(current_batch)
        payloads = [{"batch_id": str(uuid.uuid4()), "device_id": "d", "changes": b}
                    for b in batches]
        savepoint = transaction.savepoint()
        try:
            responses = [apply_batch(member, parse_batch(json.dumps(p))).response
                         for p in payloads]
            current, history = state({"sheet__assessor": member})
            # the same current values as the reference, whatever the order and batches
            assert current == expected_current(changes)
            # nothing lost, nothing twice: current + history = every change applied
            kept = [value[3] for value in current.values()] + history
            assert sorted(kept) == sorted(c["change_id"] for c in changes)
            outcomes = [r["outcome"] for response in responses for r in response["results"]]
            assert set(outcomes) <= {"applied", "superseded"}
            # any batch again: the stored answer, no write
            chosen = payloads[replay % len(payloads)]
            with CaptureQueriesContext(connection) as queries:
                again = apply_batch(member, parse_batch(json.dumps(chosen)))
            assert again.replayed is True
            assert again.response["results"] == responses[replay % len(payloads)]["results"]
            assert not [q for q in queries.captured_queries if q["sql"].lstrip().upper()
                        .startswith(("INSERT", "UPDATE", "DELETE"))]
            assert state({"sheet__assessor": member}) == (current, history)
        finally:
            transaction.savepoint_rollback(savepoint)

    check()


@st.composite
def photo_change_sets(draw):
    """1–8 photo adds and removes of two photos on two items, few distinct device times."""
    count = draw(st.integers(1, 8))
    ids = draw(st.lists(st.uuids(), min_size=count, max_size=count, unique=True))
    changes = [{"change_id": str(change_id),
                "kind": draw(st.sampled_from(["photo_add", "photo_remove"])),
                "item": draw(st.sampled_from(REFS[:2])),
                "photo": draw(st.integers(0, 1)),
                "client_time": at(draw(st.integers(0, 2)))} for change_id in ids]
    order = draw(st.permutations(range(count)))
    cuts = draw(st.lists(st.booleans(), min_size=count, max_size=count))
    return changes, order, cuts


@pytest.mark.django_db
def test_photo_merge_is_order_and_batch_independent(settings, tmp_path):
    """Per (item, photo) the change with the latest (device time, change id) decides whether
    the photo is on the item, whatever the order and batches the changes arrive in."""
    from gecc.scoring.models import ItemPhoto
    from tests.scoring.factories_sheets import image_bytes, uploaded_photo

    settings.MEDIA_ROOT = tmp_path / "media"
    world = scoring_world()
    member = world.qualified[0]
    digests = [uploaded_photo(member, image_bytes(colour=(n, n, n))) for n in (1, 2)]

    @hypothesis_settings(max_examples=60, deadline=None,
                         suppress_health_check=[HealthCheck.too_slow])
    @given(photo_change_sets())
    def check(drawn):
        changes, order, cuts = drawn
        payload_changes = []
        for change in changes:
            body = {key: value for key, value in change.items() if key != "photo"}
            body.update(application=world.application.pk, sha256=digests[change["photo"]])
            payload_changes.append(body)
        batches, current_batch = [], []
        for index, cut in zip(order, cuts, strict=True):
            current_batch.append(payload_changes[index])
            if cut:
                batches.append(current_batch)
                current_batch = []
        if current_batch:
            batches.append(current_batch)
        expected = {}
        for change in payload_changes:
            key = (change["item"], change["sha256"])
            rank = (change["client_time"], uuid.UUID(change["change_id"]).int)
            if key not in expected or rank > expected[key][0]:
                expected[key] = (rank, change["kind"] == "photo_add")
        savepoint = transaction.savepoint()
        try:
            for changes_of_batch in batches:
                apply_batch(member, parse_batch(json.dumps(
                    {"batch_id": str(uuid.uuid4()), "device_id": "d",
                     "changes": changes_of_batch})))
            attached = {(p.item_score.item.ref, p.blob.sha256): p.removed_at is None
                        for p in ItemPhoto.objects.select_related("item_score__item", "blob")}
            assert attached == {key: on for key, (_rank, on) in expected.items()}
        finally:
            transaction.savepoint_rollback(savepoint)

    check()
