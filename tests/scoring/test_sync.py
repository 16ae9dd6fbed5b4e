"""Sync batches from members' devices: ``field:api.sync`` and ``scoring.domain.sync``.

Well-formed batches are judged change by change (refused changes keep their Thai message, the
good ones in the same batch are applied); malformed batches are refused whole (400, nothing
written); the same batch again is answered from what was stored and writes nothing.
"""

import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gecc.audit.models import AuditEntry
from gecc.rounds.enums import RoundPhase
from gecc.rounds.models import Round
from gecc.scoring.domain import sync
from gecc.scoring.domain.sheets import sheet_for, submit_sheet
from gecc.scoring.enums import HistoryReason
from gecc.scoring.models import (
    ItemPhoto,
    ItemScore,
    ItemScoreHistory,
    ScoreSheet,
    SyncBatch,
    SyncChange,
)
from tests.conftest import sign_in
from tests.scoring.factories_sheets import (
    add_application,
    batch,
    conflict,
    image_bytes,
    photo_change,
    score,
    scoring_world,
    uploaded_photo,
)

URL = "/field/api/sync/"


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return scoring_world()


@pytest.fixture
def member(world, client):
    """The qualified member, signed in."""
    return sign_in(client, world.qualified[0])


def post(client, payload):
    body = payload if isinstance(payload, str | bytes) else json.dumps(payload)
    return client.post(URL, data=body, content_type="application/json")


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries
            if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


def item(world, ref):
    return next(node for node in world.items if node.ref == ref)


def current(world, user, ref):
    return ItemScore.objects.get(sheet__assessor=user, sheet__application=world.application,
                                 item__ref=ref)


# -- the URL ------------------------------------------------------------------------------------

def test_the_url_name_is_in_the_field_namespace():
    assert reverse("field:api.sync") == URL


# -- applying -----------------------------------------------------------------------------------

def test_score_change_is_applied_and_the_sheet_returned(world, client, member):
    change = score(world.application, "P1.1", 3, minute=5, note="ลานจอดรถ 20 ช่อง")
    response = post(client, batch(change, device_id="ipad-7"))
    assert response.status_code == 200
    body = response.json()
    assert body["replayed"] is False
    assert body["results"] == [{"change_id": change["change_id"], "outcome": "applied",
                                "code": "", "message": ""}]
    sheet = body["sheets"][str(world.application.pk)]
    assert sheet["state"] == "draft"
    assert sheet["items"] == {"P1.1": {
        "value": 3.0, "not_applicable": False, "note": "ลานจอดรถ 20 ช่อง",
        "client_time": "2026-06-15T02:05:00+00:00", "photos": [], "history": 0}}
    stored = current(world, member, "P1.1")
    assert (stored.value, stored.device_id, str(stored.change_id)) == (3.0, "ipad-7",
                                                                      change["change_id"])


def test_a_later_edit_replaces_the_current_one_which_goes_to_history(world, client, member):
    first = score(world.application, "P1.1", 1, minute=1, note="ก่อน")
    second = score(world.application, "P1.1", 4, minute=2, note="หลัง")
    post(client, batch(first))
    body = post(client, batch(second)).json()
    assert body["results"][0]["outcome"] == "applied"
    assert body["sheets"][str(world.application.pk)]["items"]["P1.1"]["history"] == 1
    stored = current(world, member, "P1.1")
    assert (stored.value, stored.note) == (4.0, "หลัง")
    [old] = stored.history.all()
    assert (old.value, old.note, str(old.change_id), old.reason) == (
        1.0, "ก่อน", first["change_id"], HistoryReason.REPLACED)


def test_an_earlier_edit_arriving_late_is_kept_as_superseded(world, client, member):
    later = score(world.application, "P1.1", 4, minute=10)
    earlier = score(world.application, "P1.1", 1, minute=3, note="จากแท็บเล็ตอีกเครื่อง")
    post(client, batch(later))
    body = post(client, batch(earlier, device_id="tablet-2")).json()
    assert body["results"][0]["outcome"] == "superseded"
    stored = current(world, member, "P1.1")
    assert str(stored.change_id) == later["change_id"]
    [kept] = stored.history.all()
    assert (kept.value, kept.reason, kept.device_id) == (1.0, HistoryReason.SUPERSEDED,
                                                         "tablet-2")


def test_equal_device_times_the_greater_change_id_wins(world, client, member):
    low = score(world.application, "P1.1", 1, minute=4, change_id=uuid.UUID(int=1))
    high = score(world.application, "P1.1", 2, minute=4, change_id=uuid.UUID(int=2))
    post(client, batch(high))
    body = post(client, batch(low)).json()
    assert [r["outcome"] for r in body["results"]] == ["superseded"]
    assert current(world, member, "P1.1").value == 2.0


def test_within_one_batch_the_changes_merge_in_device_time_order(world, client, member):
    a, b, c = (score(world.application, "P1.1", v, minute=m) for v, m in ((2, 2), (3, 3), (1, 1)))
    body = post(client, batch(a, b, c)).json()
    assert [r["outcome"] for r in body["results"]] == ["applied", "applied", "applied"]
    stored = current(world, member, "P1.1")
    assert stored.value == 3.0
    assert sorted((h.value, h.reason) for h in stored.history.all()) == [
        (1.0, HistoryReason.REPLACED), (2.0, HistoryReason.REPLACED)]


def test_not_applicable_where_allowed_is_applied(world, client, member):
    body = post(client, batch(score(world.application, "P1.2", None,
                                    not_applicable=True))).json()
    assert body["results"][0]["outcome"] == "applied"
    assert current(world, member, "P1.2").not_applicable is True


# -- refused changes: each with its Thai message, the good ones applied ---------------------------

def refused(body):
    return [(r["outcome"], r["code"], r["message"]) for r in body["results"]]


def test_a_score_off_the_scale_is_refused_and_the_good_change_applied(world, client, member):
    bad = score(world.application, "P1.1", 7)
    bad_yn = score(world.application, "P1.2", 2)
    half = score(world.application, "Q1.1", 2.5)
    good = score(world.application, "Q1.1", 2, minute=1)
    body = post(client, batch(bad, bad_yn, half, good)).json()
    assert refused(body) == [
        ("refused", "off_scale", "7 ไม่ใช่คะแนนของข้อ P1.1 โปรดเลือกจาก 0, 1, 2, 3, 4"),
        ("refused", "off_scale", "2 ไม่ใช่คะแนนของข้อ P1.2 โปรดเลือกจาก 0, 1"),
        ("refused", "off_scale", "2.5 ไม่ใช่คะแนนของข้อ Q1.1 โปรดเลือกจาก 0, 1, 2, 3, 4"),
        ("applied", "", ""),
    ]
    assert list(ItemScore.objects.values_list("item__ref", "value")) == [("Q1.1", 2.0)]
    assert dict(SyncChange.objects.values_list("change_id", "message"))[
        uuid.UUID(bad["change_id"])] == "7 ไม่ใช่คะแนนของข้อ P1.1 โปรดเลือกจาก 0, 1, 2, 3, 4"


def test_not_applicable_where_not_allowed_is_refused(world, client, member):
    body = post(client, batch(score(world.application, "P1.1", None,
                                    not_applicable=True))).json()
    assert refused(body) == [("refused", "na_not_allowed",
                              "ข้อ P1.1 ไม่สามารถระบุว่าไม่เกี่ยวข้อง (N/A) ได้")]
    assert not ItemScore.objects.exists()


def test_a_score_and_not_applicable_together_are_refused(world, client, member):
    body = post(client, batch(score(world.application, "P1.2", 1,
                                    not_applicable=True))).json()
    assert refused(body)[0][:2] == ("refused", "value_and_na")


def test_an_item_the_unit_does_not_answer_is_refused(world, client, member):
    # Q1.2 applies to local units only; the world's unit is a branch.
    body = post(client, batch(score(world.application, "Q1.2", 1),
                              score(world.application, "X9.9", 1))).json()
    assert refused(body) == [
        ("refused", "unknown_item", "ข้อ Q1.2 ไม่อยู่ในเกณฑ์ที่ใช้ประเมินหน่วยบริการนี้"),
        ("refused", "unknown_item", "ข้อ X9.9 ไม่อยู่ในเกณฑ์ที่ใช้ประเมินหน่วยบริการนี้")]


def test_an_application_not_assigned_to_the_member_is_refused(world, client, member):
    other = scoring_world(world.round, secretariat=world.secretariat)
    good = score(world.application, "P1.1", 2)
    body = post(client, batch(score(other.application, "P1.1", 2), good)).json()
    assert refused(body) == [
        ("refused", "not_assigned", "ใบสมัครนี้ไม่ได้มอบหมายให้คณะอนุกรรมการของท่าน"),
        ("applied", "", "")]
    assert not ScoreSheet.objects.filter(application=other.application).exists()
    assert SyncChange.objects.get(change_id=body["results"][0]["change_id"]).sheet is None


def test_an_application_that_does_not_exist_is_refused_as_not_assigned(world, client, member):
    change = score(world.application, "P1.1", 2)
    change["application"] = 999999
    assert refused(post(client, batch(change)).json())[0][1] == "not_assigned"


def test_a_conflict_of_interest_is_refused(world, client, member):
    conflict(world, member)
    body = post(client, batch(score(world.application, "P1.1", 2))).json()
    assert refused(body) == [("refused", "conflict_of_interest",
                              "ท่านมีส่วนได้เสียกับหน่วยบริการนี้ จึงให้คะแนนไม่ได้")]
    assert not ItemScore.objects.exists()


def test_a_submitted_sheet_never_changes(world, client, member):
    for node in world.items:
        post(client, batch(score(world.application, node, 1)))
    submit_sheet(sheet_for(member, world.application), member)
    sha = uploaded_photo(member)
    body = post(client, batch(score(world.application, "P1.1", 4, minute=30),
                              photo_change(world.application, "P1.1", sha, minute=30))).json()
    message = ("แบบให้คะแนนของท่านสำหรับใบสมัครนี้ส่งแล้วและถูกล็อก "
               "หากต้องการแก้ไขโปรดขอให้ประธานเปิดให้")
    assert refused(body) == [("refused", "sheet_submitted", message)] * 2
    assert current(world, member, "P1.1").value == 1.0
    assert not ItemPhoto.objects.exists()
    assert body["sheets"][str(world.application.pk)]["state"] == "submitted"


def test_an_assistant_secretary_does_not_score(world, client):
    sign_in(client, world.assistant)
    body = post(client, batch(score(world.application, "P1.1", 2))).json()
    assert refused(body) == [("refused", "not_scoring_position",
                              "ผู้ช่วยเลขานุการไม่ได้เป็นผู้ให้คะแนน")]


def test_outside_the_site_visits_nothing_is_recorded(world, client, member):
    Round.objects.filter(pk=world.round.pk).update(phase=RoundPhase.DECISION)
    body = post(client, batch(score(world.application, "P1.1", 2))).json()
    assert refused(body) == [("refused", "not_in_site_visits",
                              "รอบการประเมินไม่อยู่ในช่วงการตรวจประเมิน ณ สถานที่ "
                              "จึงยังบันทึกคะแนนไม่ได้")]


def test_a_photo_not_uploaded_or_uploaded_by_someone_else_is_refused(world, client, member):
    others = uploaded_photo(world.chair, image_bytes(colour=(1, 2, 3)))
    body = post(client, batch(
        photo_change(world.application, "P1.1", "a" * 64),
        photo_change(world.application, "P1.1", others))).json()
    message = ("ภาพของข้อ P1.1 ยังส่งขึ้นระบบไม่ครบ "
               "โปรดส่งภาพให้ครบแล้วส่งการเปลี่ยนแปลงอีกครั้ง")
    assert refused(body) == [("refused", "photo_not_uploaded", message)] * 2


# -- photos on items -----------------------------------------------------------------------------

def test_photo_add_attaches_to_an_empty_item_once_and_remove_takes_it_off(world, client,
                                                                          member):
    sha = uploaded_photo(member)
    body = post(client, batch(photo_change(world.application, "P1.1", sha, minute=1,
                                           caption="ป้ายทางเข้า",
                                           change_id=uuid.UUID(int=1)))).json()
    assert body["results"][0]["outcome"] == "applied"
    assert body["sheets"][str(world.application.pk)]["items"]["P1.1"] == {
        "value": None, "not_applicable": False, "note": "",
        "client_time": None, "photos": [sha], "history": 0}
    # the same add again (same device time, a greater change id): nothing changes
    again = post(client, batch(photo_change(world.application, "P1.1", sha, minute=1,
                                            change_id=uuid.UUID(int=2)))).json()
    assert again["results"][0]["outcome"] == "applied"
    assert ItemPhoto.objects.count() == 1
    assert ItemPhoto.objects.get().caption == "ป้ายทางเข้า"
    removed = post(client, batch(photo_change(world.application, "P1.1", sha,
                                              kind="photo_remove", minute=2))).json()
    assert removed["sheets"][str(world.application.pk)]["items"]["P1.1"]["photos"] == []
    assert ItemPhoto.objects.get().removed_at is not None
    late_add = post(client, batch(photo_change(world.application, "P1.1", sha,
                                               minute=1))).json()
    assert late_add["results"][0]["outcome"] == "superseded"
    assert ItemPhoto.objects.get().removed_at is not None


def test_a_remove_that_arrives_before_its_add_still_wins(world, client, member):
    sha = uploaded_photo(member)
    post(client, batch(photo_change(world.application, "P1.1", sha, kind="photo_remove",
                                    minute=5)))
    body = post(client, batch(photo_change(world.application, "P1.1", sha, minute=1))).json()
    assert body["results"][0]["outcome"] == "superseded"
    assert body["sheets"][str(world.application.pk)]["items"]["P1.1"]["photos"] == []


# -- malformed batches: refused whole ------------------------------------------------------------

def good_change(world):
    return score(world.application, "P1.1", 2)


@pytest.mark.parametrize(("mutate", "problem"), [
    (lambda p: "{not json", {"index": None, "message": "ข้อมูลที่ส่งมาไม่ใช่ JSON ที่ถูกต้อง"}),
    (lambda p: json.dumps([p]), {"index": None,
                                 "message": "ชุดการเปลี่ยนแปลงต้องเป็นออบเจกต์ JSON"}),
    (lambda p: {**p, "batch_id": "12"}, {"index": None, "message": "ไม่มี batch_id หรือไม่ใช่ UUID"}),
    (lambda p: {k: v for k, v in p.items() if k != "device_id"},
     {"index": None, "message": "ไม่มี device_id หรือไม่ใช่ข้อความยาวไม่เกิน 64 ตัวอักษร"}),
    (lambda p: {**p, "device_id": "x" * 65},
     {"index": None, "message": "ไม่มี device_id หรือไม่ใช่ข้อความยาวไม่เกิน 64 ตัวอักษร"}),
    (lambda p: {**p, "changes": {"a": 1}}, {"index": None, "message": "changes ไม่ใช่รายการ"}),
    (lambda p: {**p, "changes": [*p["changes"], "x"]},
     {"index": 1, "message": "การเปลี่ยนแปลงแต่ละรายการต้องเป็นออบเจกต์ JSON"}),
    (lambda p: {**p, "changes": [*p["changes"], {**p["changes"][0], "change_id": "nope",
                                                 "kind": "delete"}]},
     {"index": 1, "message": "change_id ไม่ใช่ UUID; kind ต้องเป็น score, photo_add หรือ "
                             "photo_remove"}),
    (lambda p: {**p, "changes": [*p["changes"], {**p["changes"][0],
                                                 "change_id": str(uuid.uuid4()),
                                                 "client_time": "2026-06-15T09:00:00"}]},
     {"index": 1, "message": "client_time ไม่ใช่วันเวลาแบบ ISO-8601 ที่ระบุเขตเวลา"}),
    (lambda p: {**p, "changes": [*p["changes"], {**p["changes"][0],
                                                 "change_id": str(uuid.uuid4()),
                                                 "value": "3", "not_applicable": "no",
                                                 "application": "1"}]},
     {"index": 1, "message": "application ไม่ใช่เลขที่ใบสมัคร; value ไม่ใช่ตัวเลขหรือ null; "
                             "not_applicable ต้องเป็น true หรือ false"}),
    (lambda p: {**p, "changes": [*p["changes"], dict(p["changes"][0])]},
     {"index": 1, "message": "change_id {id} ปรากฏซ้ำในชุดการเปลี่ยนแปลง"}),
])
def test_a_malformed_batch_is_refused_whole(world, client, member, mutate, problem):
    payload = batch(good_change(world))
    response = post(client, mutate(payload))
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == ("ไม่รับชุดการเปลี่ยนแปลงนี้ และไม่ได้บันทึกรายการใดเลย "
                             "โปรดแก้ไขปัญหาด้านล่างแล้วส่งใหม่")
    expected = {**problem, "message": problem["message"].replace(
        "{id}", payload["changes"][0]["change_id"])}
    assert body["problems"] == [expected]
    assert not SyncBatch.objects.exists()
    assert not ItemScore.objects.exists()
    assert not SyncChange.objects.exists()


def test_a_batch_with_too_many_changes_is_refused(world, client, member, settings):
    settings.SCORING_SYNC_MAX_CHANGES = 2
    response = post(client, batch(*(score(world.application, "P1.1", 1) for _ in range(3))))
    assert response.status_code == 400
    assert response.json()["problems"] == [
        {"index": None, "message": "ชุดการเปลี่ยนแปลงมีรายการมากเกินไป (ไม่เกิน 2 รายการ)"}]


# -- replays and duplicates ----------------------------------------------------------------------

def test_the_same_batch_again_answers_the_stored_response_and_writes_nothing(world, client,
                                                                            member):
    sha = uploaded_photo(member)
    payload = batch(score(world.application, "P1.1", 3),
                    score(world.application, "P1.1", 9),
                    photo_change(world.application, "Q1.1", sha))
    first = post(client, payload).json()
    with CaptureQueriesContext(connection) as queries:
        second = post(client, payload).json()
    assert writes(queries) == []
    assert second == {**first, "replayed": True}
    assert SyncBatch.objects.count() == 1
    assert SyncBatch.objects.get().response == first


def test_a_change_received_in_an_earlier_batch_is_a_duplicate(world, client, member):
    change = score(world.application, "P1.1", 3)
    post(client, batch(change))
    body = post(client, batch(change, score(world.application, "Q1.1", 1))).json()
    assert refused(body) == [("duplicate", "duplicate", "ได้รับการเปลี่ยนแปลงนี้แล้ว"),
                             ("applied", "", "")]
    assert ItemScoreHistory.objects.count() == 0
    assert SyncChange.objects.count() == 2


def test_a_batch_id_of_another_member_is_refused(world, client, member):
    payload = batch(good_change(world))
    sync.apply_batch(world.chair, sync.parse_batch(json.dumps(payload)))
    response = post(client, {**payload, "changes": [good_change(world)]})
    assert response.status_code == 400
    assert response.json()["problems"] == [
        {"index": None, "message": "batch_id นี้ถูกใช้ไปแล้ว โปรดสร้างใหม่"}]


def test_two_identical_posts_at_once_apply_the_batch_once(world, member, monkeypatch):
    """The second request did not see the batch when it looked, then fails on the unique
    batch_id and answers what the first stored."""
    payload = sync.parse_batch(json.dumps(batch(good_change(world))))
    first = sync.apply_batch(member, payload)
    real = sync.stored_response
    calls = []

    def not_yet(batch_id, user):
        calls.append(batch_id)
        return None if len(calls) == 1 else real(batch_id, user)

    monkeypatch.setattr(sync, "stored_response", not_yet)
    again = sync.apply_batch(member, sync.parse_batch(json.dumps(batch(
        good_change(world), batch_id=payload.batch_id))))
    assert again.replayed is True
    assert again.response == {**first.response, "replayed": True}
    assert len(calls) == 2
    assert ItemScore.objects.count() == 1


# -- audit -------------------------------------------------------------------------------------

def test_one_audit_entry_per_batch_that_applied_something(world, client, member):
    post(client, batch(score(world.application, "P1.1", 3, minute=2),
                       score(world.application, "P1.1", 1, minute=1),
                       score(world.application, "P1.1", 8), device_id="ipad-7"))
    post(client, batch(score(world.application, "P1.1", 8)))  # only refused: no entry
    [entry] = AuditEntry.objects.filter(action="scoring.synced")
    assert entry.actor == member
    assert entry.data == {"device": "ipad-7", "applications": [world.application.pk],
                          "counts": {"applied": 2, "superseded": 0, "duplicate": 0,
                                     "refused": 1}}


# -- cost ---------------------------------------------------------------------------------------

def test_the_number_of_queries_does_not_grow_with_the_number_of_changes(world, client,
                                                                       member):
    second = add_application(world)
    sha = uploaded_photo(member)

    def changes(n):
        out = []
        for i in range(n):
            for application in (world.application, second):
                out.append(score(application, world.items[i % 3], i % 5, minute=i))
        out.append(photo_change(world.application, "P1.1", sha, minute=n))
        return out

    # Steady state: the sheets and every item score exist.
    post(client, batch(*(score(application, node, 1, minute=-5)
                         for application in (world.application, second)
                         for node in world.items)))
    with CaptureQueriesContext(connection) as few:
        assert post(client, batch(*changes(3))).status_code == 200
    with CaptureQueriesContext(connection) as many:
        assert post(client, batch(*changes(40))).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(few.captured_queries) <= 23


# -- who may call it -----------------------------------------------------------------------------

def test_anonymous_is_sent_to_sign_in(client):
    response = client.post(URL, data="{}", content_type="application/json")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ["secretariat", "coordinator", "steering"])
def test_other_roles_get_403_json(db, client, login_as, role):
    login_as(role)
    response = client.post(URL, data="{}", content_type="application/json")
    assert response.status_code == 403
    assert response.json() == {"error": "เฉพาะอนุกรรมการตรวจประเมินเท่านั้นที่ใช้แอปให้คะแนนได้"}


def test_get_is_not_answered(world, client, member):
    response = client.get(URL)
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_csrf_is_required(world, member):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    sign_in(strict, member)
    response = strict.post(URL, data=json.dumps(batch(good_change(world))),
                           content_type="application/json")
    assert response.status_code == 403
    assert not SyncBatch.objects.exists()


def test_a_reopened_sheet_syncs_again_and_says_so(world, client, member):
    from gecc.scoring.domain.sheets import reopen_sheet

    for node in world.items:
        post(client, batch(score(world.application, node, 1)))
    sheet = submit_sheet(sheet_for(member, world.application), member)
    reopen_sheet(sheet, world.chair, "ข้อ P1.1 ให้คะแนนผิด")
    body = post(client, batch(score(world.application, "P1.1", 3, minute=30))).json()
    assert body["results"][0]["outcome"] == "applied"
    assert body["sheets"][str(world.application.pk)]["state"] == "draft"
    assert current(world, member, "P1.1").value == 3.0


def test_a_change_stored_meanwhile_by_another_batch_is_judged_again_as_duplicate(
        world, member, monkeypatch):
    """Two different batches carrying the same change at the same moment: the second fails
    on the unique change_id, is judged again, and answers "duplicate" for that change."""
    change = good_change(world)
    sync.apply_batch(member, sync.parse_batch(json.dumps(batch(change))))
    real = sync.SyncChange.objects.filter
    calls = []

    class Unseen:
        """The first look for earlier change ids finds nothing (the other batch had not
        committed yet)."""

        def __init__(self, *args, **kwargs):
            calls.append(kwargs)
            self.query = real(*args, **kwargs) if len(calls) > 1 else real(pk__in=[])

        def order_by(self):
            return self.query.order_by()

    monkeypatch.setattr(sync.SyncChange.objects, "filter", Unseen)
    result = sync.apply_batch(member, sync.parse_batch(json.dumps(batch(
        change, score(world.application, "Q1.1", 1)))))
    assert [r["outcome"] for r in result.response["results"]] == ["duplicate", "applied"]
    assert len(calls) == 2


# -- retries, replays and resends ------------------------------------------------------------------

def fail_once_on_sync_change_insert(monkeypatch):
    """The first attempt fails on its ``SyncChange`` insert (after judging and merging), as
    when another batch stored one of its change ids at that moment; later inserts go on."""
    from django.db import IntegrityError

    real = sync.insert_rows
    failures = []

    def insert_rows(model, names, rows):
        if model is SyncChange and not failures:
            failures.append(model)
            raise IntegrityError("duplicate key value violates unique constraint")
        return real(model, names, rows)

    monkeypatch.setattr(sync, "insert_rows", insert_rows)
    return failures


def test_a_retried_batch_applies_every_change(world, member, monkeypatch):
    failures = fail_once_on_sync_change_insert(monkeypatch)
    sha = uploaded_photo(member)
    payload = batch(score(world.application, "P1.1", 3, minute=1),
                    score(world.application, "Q1.1", 2, minute=1),
                    photo_change(world.application, "P1.2", sha, minute=1))
    result = sync.apply_batch(member, sync.parse_batch(json.dumps(payload)))
    assert failures == [SyncChange]
    assert [r["outcome"] for r in result.response["results"]] == ["applied"] * 3
    assert sorted(ItemScore.objects.values_list("item__ref", "value")) == [
        ("P1.1", 3.0), ("P1.2", None), ("Q1.1", 2.0)]
    assert ItemPhoto.objects.get().blob.sha256 == sha
    sheet = ScoreSheet.objects.get(assessor=member)
    assert set(SyncChange.objects.values_list("outcome", "sheet_id")) == {("applied", sheet.pk)}
    assert result.response["sheets"][str(world.application.pk)]["items"]["P1.1"]["value"] == 3.0


def test_a_retried_batch_keeps_no_sheet_of_the_rolled_back_attempt(world, member, monkeypatch):
    """The first attempt made the member's sheet, then rolled back; in the second the round
    has left its site visits: the refused change points to no sheet."""
    from gecc.scoring.domain import sheets

    fail_once_on_sync_change_insert(monkeypatch)
    real = sync.scoring_refusals
    calls = []

    def refusals(user, application_ids):
        calls.append(application_ids)
        if len(calls) == 1:
            return real(user, application_ids)
        return {}, dict.fromkeys(application_ids, sheets.NOT_IN_SITE_VISITS)

    monkeypatch.setattr(sync, "scoring_refusals", refusals)
    change = score(world.application, "P1.1", 3)
    result = sync.apply_batch(member, sync.parse_batch(json.dumps(batch(change))))
    assert len(calls) == 2
    assert [r["code"] for r in result.response["results"]] == ["not_in_site_visits"]
    assert not ScoreSheet.objects.exists()
    assert SyncChange.objects.get().sheet_id is None
    assert result.response["sheets"] == {}


def test_a_replay_returns_the_stored_outcomes_and_the_current_sheet(world, client, member):
    first = batch(score(world.application, "P1.1", 1, minute=1))
    answered = post(client, first).json()
    post(client, batch(score(world.application, "P1.1", 4, minute=2)))
    with CaptureQueriesContext(connection) as queries:
        replayed = post(client, first).json()
    assert writes(queries) == []
    assert replayed["replayed"] is True
    assert replayed["results"] == answered["results"]
    items = replayed["sheets"][str(world.application.pk)]["items"]
    assert (items["P1.1"]["value"], items["P1.1"]["history"]) == (4.0, 1)
    assert SyncBatch.objects.get(batch_id=first["batch_id"]).response == answered


def test_a_refused_change_sent_again_is_judged_again(world, client, member):
    data = image_bytes(colour=(9, 9, 9))
    from tests.scoring.factories_sheets import digest

    change = photo_change(world.application, "P1.1", digest(data), minute=1)
    early = post(client, batch(change)).json()
    assert early["results"][0]["outcome"] == "refused"
    uploaded_photo(member, data)
    again = post(client, batch(change)).json()
    assert refused(again) == [("applied", "", "")]
    assert again["sheets"][str(world.application.pk)]["items"]["P1.1"]["photos"] == [
        digest(data)]
    row = SyncChange.objects.get()
    assert (str(row.change_id), row.outcome, row.message) == (change["change_id"], "applied",
                                                              "")
    assert row.batch.batch_id == uuid.UUID(again["batch_id"])
    # once applied, the same change again is a duplicate
    third = post(client, batch(change)).json()
    assert refused(third) == [("duplicate", "duplicate", "ได้รับการเปลี่ยนแปลงนี้แล้ว")]
    assert SyncChange.objects.count() == 1


def test_photos_at_equal_device_times_the_greater_change_id_wins(world, client, member):
    sha = uploaded_photo(member)
    remove = photo_change(world.application, "P1.1", sha, kind="photo_remove", minute=4,
                          change_id=uuid.UUID(int=2))
    add = photo_change(world.application, "P1.1", sha, minute=4, change_id=uuid.UUID(int=1))
    post(client, batch(photo_change(world.application, "P1.1", sha, minute=1)))
    post(client, batch(remove))
    body = post(client, batch(add)).json()
    assert [r["outcome"] for r in body["results"]] == ["superseded"]
    assert body["sheets"][str(world.application.pk)]["items"]["P1.1"]["photos"] == []
    # and the other way round: the add with the greater id, arriving first, stays
    later_add = photo_change(world.application, "Q1.1", sha, minute=4,
                             change_id=uuid.UUID(int=4))
    lower_remove = photo_change(world.application, "Q1.1", sha, kind="photo_remove",
                                minute=4, change_id=uuid.UUID(int=3))
    post(client, batch(later_add))
    body = post(client, batch(lower_remove)).json()
    assert [r["outcome"] for r in body["results"]] == ["superseded"]
    assert body["sheets"][str(world.application.pk)]["items"]["Q1.1"]["photos"] == [sha]
