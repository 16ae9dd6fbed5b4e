#!/usr/bin/env python
"""Benchmark: one member's sync batch through ``field:api.sync``, against one bulk upsert.

A throwaway database holds a round in its site visits with a 300-item edition, a team of
three scoring members and an accepted application confirmed to it. Each run posts, through
the view (session, CSRF-exempt test client), a batch of 300 score changes (every item, a
later device time than the run before, so each replaces the current value and moves it to
the history) plus 20 photo references (photos already uploaded by the member); then posts
the same batch again (a replay: the stored answer, counted to make sure it writes nothing).
The floor, measured in the same run: one ``INSERT … ON CONFLICT DO UPDATE`` of the same 300
rows into ``scoring_itemscore`` (no judging, no history, no photos, no response).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gecc python bench/bench_sync.py

Target (PostgreSQL): the batch applies in ≤ 200 ms at p95 over ``--runs`` runs, and a replay
writes nothing; exits 1 when missed. On SQLite the figures are printed, the target is not
judged (it is defined on PostgreSQL).
"""

import argparse
import datetime
import json
import os
import statistics
import sys
import tempfile
import time
import uuid

from benchdb import percentile, throwaway_database

ITEMS, PHOTOS, TARGET_MS = 300, 20, 200.0
BKK = datetime.timezone(datetime.timedelta(hours=7))


def edition_document():
    """300 items: 5 categories × 6 criteria × 10 items, scale 0–4, some N/A allowed."""
    categories, n = [], 0
    for c, kind in enumerate(("physical", "quality", "outcome", "quality", "physical")):
        criteria = []
        for k in range(6):
            items = []
            for _ in range(10):
                items.append({"ref": f"S{n:03d}", "text_th": f"ข้อ {n}", "weight": 1,
                              "na_allowed": n % 9 == 4})
                n += 1
            criteria.append({"ref": f"C{c}{k}", "name_th": f"เกณฑ์ {c}.{k}", "items": items})
        categories.append({"ref": f"K{c}", "kind": kind, "name_th": f"หมวด {c}",
                           "criteria": criteria})
    return {
        "edition": {"standard": "BENCH", "label": "sync", "revision": 1,
                    "name_th": "เกณฑ์ทดสอบการซิงก์", "name_en": "Sync bench",
                    "status": "example"},
        "scales": [{"code": "s4", "points": [{"value": v, "label_th": f"ระดับ {v}"}
                                             for v in range(5)]}],
        "default_scale": "s4",
        "levels": [{"code": "basic", "name_th": "พื้นฐาน", "name_en": "Basic",
                    "colour": "blue", "rule": {"min_overall": 60}}],
        "categories": categories,
    }


def build():
    """The round in its site visits, the team, the application; returns (member, application,
    item refs, sheet)."""
    from benchdb import generated_units
    from django.utils import timezone

    from gecc.accounts.models import RoleGrant, User
    from gecc.applications.models import Application
    from gecc.committees.enums import AssignmentState, Position
    from gecc.committees.models import Assignment, Membership, SubCommittee
    from gecc.criteria.domain.editions import load_edition
    from gecc.criteria.models import Node
    from gecc.registry.models import ServiceUnit
    from gecc.rounds.domain import create_round
    from gecc.rounds.models import Round

    unit = ServiceUnit.objects.get(pk=generated_units(5, "pk")[0][0][0])  # migrates first
    version = load_edition(edition_document()).version
    at = timezone.make_aware
    round_obj = create_round(
        year=2569, name="รอบทดสอบการซิงก์", edition=version, actor=None,
        applications_open_at=at(datetime.datetime(2026, 1, 6, 8, 30)),
        applications_close_at=at(datetime.datetime(2026, 2, 28, 16, 30)),
        desk_review_end_at=at(datetime.datetime(2026, 4, 30, 16, 30)),
        site_visits_start_at=at(datetime.datetime(2026, 6, 1, 8, 30)),
        site_visits_end_at=at(datetime.datetime(2026, 7, 31, 16, 30)),
        decision_at=at(datetime.datetime(2026, 8, 27, 9, 0)),
        announcement_at=at(datetime.datetime(2026, 9, 24, 9, 0)))
    Round.objects.filter(pk=round_obj.pk).update(phase="site_visits")
    application = Application.objects.create(
        round=round_obj, unit=unit, kind="new", target_level="basic",
        contact_name="ผู้ประสานงาน", state="accepted")
    team = SubCommittee.objects.create(round=round_obj, number=1)
    users = [User.objects.create(email=f"bench.sync{n}@example.go.th",
                                 full_name=f"กรรมการทดสอบ {n + 1}") for n in range(3)]
    for user, position in zip(users, (Position.CHAIR, Position.QUALIFIED,
                                      Position.SECRETARY), strict=True):
        RoleGrant.objects.create(user=user, role="assessor")
        Membership.objects.create(subcommittee=team, user=user, position=position)
    Assignment.objects.create(round=round_obj, application=application, subcommittee=team,
                              state=AssignmentState.CONFIRMED)
    refs = list(Node.objects.filter(version=version, kind="item").order_by("position")
                .values_list("ref", flat=True))
    assert len(refs) == ITEMS, len(refs)
    return users[1], application, refs


def make_photos(member, count, start):
    """``count`` photos completely uploaded by ``member`` (rows only); their digests."""
    import hashlib

    from django.utils import timezone

    from gecc.scoring.models import PhotoBlob, PhotoUpload

    digests = [hashlib.sha256(f"bench-photo-{start + n}".encode()).hexdigest()
               for n in range(count)]
    blobs = PhotoBlob.objects.bulk_create([
        PhotoBlob(sha256=sha, file=f"scoring/photos/{sha[:2]}/{sha}", size=1000,
                  content_type="image/jpeg", uploaded_by=member) for sha in digests])
    now = timezone.now()
    PhotoUpload.objects.bulk_create([
        PhotoUpload(user=member, sha256=blob.sha256, size=1000, received=1000,
                    content_type="image/jpeg", blob=blob, completed_at=now)
        for blob in blobs])
    return digests


def device_time(run):
    """The device time of run ``run``: one minute later each run."""
    return datetime.datetime(2026, 6, 15, 9, 0, tzinfo=BKK) + datetime.timedelta(minutes=run)


def make_batch(application, refs, digests, run):
    client_time = device_time(run).isoformat()
    changes = [{"change_id": str(uuid.uuid4()), "kind": "score",
                "application": application.pk, "item": ref, "value": (run + n) % 5,
                "not_applicable": False, "note": f"บันทึกข้อ {ref} รอบ {run}",
                "client_time": client_time} for n, ref in enumerate(refs)]
    changes += [{"change_id": str(uuid.uuid4()), "kind": "photo_add",
                 "application": application.pk, "item": refs[n * 7], "sha256": sha,
                 "caption": f"ภาพ {n}", "client_time": client_time}
                for n, sha in enumerate(digests)]
    return json.dumps({"batch_id": str(uuid.uuid4()), "device_id": "bench-tablet",
                       "changes": changes})


def floor_upsert(sheet_id, item_ids, run):
    """One multi-row INSERT … ON CONFLICT DO UPDATE of the same 300 rows."""
    from django.db import connection, transaction
    from django.utils import timezone

    now = timezone.now()
    rows, params = [], []
    for n, item_id in enumerate(item_ids):
        rows.append("(%s, %s, %s, false, %s, %s, %s, %s, %s)")
        params += [sheet_id, item_id, float((run + n) % 5), f"floor {n} {run}",
                   device_time(run), str(uuid.uuid4()), "floor", now]
    sql = ("INSERT INTO scoring_itemscore (sheet_id, item_id, value, not_applicable, note, "
           "client_time, change_id, device_id, updated_at) VALUES " + ", ".join(rows) +
           " ON CONFLICT (sheet_id, item_id) DO UPDATE SET value = EXCLUDED.value, "
           "note = EXCLUDED.note, client_time = EXCLUDED.client_time, "
           "change_id = EXCLUDED.change_id, device_id = EXCLUDED.device_id, "
           "updated_at = EXCLUDED.updated_at")
    began = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    return (time.perf_counter() - began) * 1000


def run(args):
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from gecc.criteria.models import Node
    from gecc.scoring.models import ItemPhoto, ItemScore, ItemScoreHistory, ScoreSheet

    member, application, refs = build()  # migrates the throwaway database first
    client = Client()
    client.force_login(member)
    postgres = connection.vendor == "postgresql"

    def post(body):
        return client.post("/field/api/sync/", data=body, content_type="application/json",
                           HTTP_HOST="localhost")

    # warm-up: creates the sheet and the 300 item scores (first sync of a visit)
    warm = post(make_batch(application, refs, make_photos(member, PHOTOS, 0), 0))
    assert warm.status_code == 200, warm.content[:500]
    sheet = ScoreSheet.objects.get(assessor=member, application=application)
    item_ids = list(Node.objects.filter(version=application.round.edition, kind="item")
                    .order_by("position").values_list("pk", flat=True))
    applied, replayed, floor, queries, replay_writes = [], [], [], [], 0
    for run_number in range(1, args.runs + 1):
        body = make_batch(application, refs, make_photos(member, PHOTOS, run_number * 100),
                          run_number)
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = post(body)
            applied.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.content[:500]
        outcomes = {r["outcome"] for r in response.json()["results"]}
        assert outcomes == {"applied"}, outcomes
        queries.append(len(captured.captured_queries))
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            again = post(body)
            replayed.append((time.perf_counter() - began) * 1000)
        assert again.json()["replayed"] is True
        replay_writes += sum(1 for q in captured.captured_queries if q["sql"].lstrip().upper()
                             .startswith(("INSERT", "UPDATE", "DELETE")))
        if postgres:
            floor.append(floor_upsert(sheet.pk, item_ids, run_number))

    def line(label, values):
        return (f"{label:<34} p50 {statistics.median(values):7.1f} ms   "
                f"p95 {percentile(values, 0.95):7.1f} ms")

    print(f"sync batch: {ITEMS} score changes + {PHOTOS} photo references, "
          f"{args.runs} runs on {connection.vendor}")
    print(line("apply (view, end to end)", applied))
    print(line("replay of the same batch", replayed))
    if floor:
        print(line("floor: one upsert of 300 rows", floor))
    print(f"queries per batch: {min(queries)}–{max(queries)}; writes during replays: "
          f"{replay_writes}")
    print(f"rows: {ItemScore.objects.count()} item scores, "
          f"{ItemScoreHistory.objects.count()} history, {ItemPhoto.objects.count()} photos")
    p95 = percentile(applied, 0.95)
    if replay_writes:
        print("MISSED: a replay wrote to the database")
        return 1
    if postgres and p95 > TARGET_MS:
        print(f"MISSED: p95 {p95:.1f} ms > {TARGET_MS:.0f} ms")
        return 1
    print(f"target: p95 ≤ {TARGET_MS:.0f} ms on PostgreSQL — "
          + ("met" if postgres else "not judged on SQLite"))
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("GECC_DATA_DIR", tmp)
        drop = throwaway_database(tmp)
        try:
            return run(args)
        finally:
            if drop:
                drop()


if __name__ == "__main__":
    sys.exit(main())
