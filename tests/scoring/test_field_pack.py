"""The day's visit pack (``field:api.pack``, ``scoring.domain.pack``): what a member's tablet
downloads before a day of visits. It holds the applications the member may score now, each
with its items, the unit's self-assessment and evidence, and the member's OWN sheet, never a
co-member's; in visit order; in a constant number of queries."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gecc.rounds.enums import RoundPhase
from gecc.rounds.models import Round
from gecc.scoring.domain.pack import build_pack
from gecc.scoring.domain.sheets import sheet_for, submit_sheet
from gecc.scoring.domain.sync import apply_batch, parse_batch
from gecc.visits.enums import ItineraryState
from tests.conftest import sign_in
from tests.factories import UserFactory
from tests.scoring.factories_field import evidence, place_visits, self_assess
from tests.scoring.factories_sheets import (
    add_application,
    batch,
    conflict,
    score,
    scoring_world,
    uploaded_photo,
)

URL = "/field/api/pack/"


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return scoring_world()


def send(user, *changes):
    return apply_batch(user, parse_batch(json.dumps(batch(*changes))))


def pack_of(client, user):
    sign_in(client, user)
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "private, no-store"
    return response.json()


def test_the_url_is_named():
    assert reverse("field:api.pack") == URL


def test_pack_lists_the_application_with_items_scales_and_the_unit_answers(world, client):
    application = world.application
    self_assess(application, "P1.1", score=3, explanation="มีที่จอดรถ 40 คัน")
    self_assess(application, "P1.2", not_applicable=True)
    picture = evidence(application, "P1.1", name="ลานจอดรถ.png")
    document = evidence(application, "P1.1", name="แผนผัง.pdf", kind="pdf")

    pack = pack_of(client, world.qualified[0])

    assert pack["format"] == 1
    assert pack["member"] == {"id": world.qualified[0].pk,
                              "name": world.qualified[0].full_name}
    [entry] = pack["applications"]
    assert entry["id"] == application.pk
    assert entry["unit"] == {"code": application.unit.code, "name": application.unit.name_th,
                             "type": application.unit.unit_type,
                             "address": application.unit.address}
    assert entry["team"] == {"id": world.team.pk, "name": world.team.display_name}
    assert entry["visit"] is None
    assert [item["ref"] for item in entry["items"]] == ["P1.1", "P1.2", "Q1.1"]
    parking, signage, complaints = entry["items"]
    assert parking == {
        "ref": "P1.1", "text": "มีที่จอดรถเพียงพอ", "guidance": "นับจำนวนช่องจอด",
        "evidence_hint": "ภาพถ่ายลานจอดรถ", "mandatory": True, "na_allowed": False,
        "scale": [{"value": 0, "label": "ไม่มี"}, {"value": 1, "label": "น้อย"},
                  {"value": 2, "label": "พอใช้"}, {"value": 3, "label": "ดี"},
                  {"value": 4, "label": "ดีมาก"}],
        "criterion": {"ref": "P1", "name": "อาคารสถานที่"},
        "category": {"ref": "P", "name": "ด้านกายภาพ"},
    }
    assert signage["scale"] == [{"value": 0, "label": "ไม่มี"}, {"value": 1, "label": "มี"}]
    assert (signage["na_allowed"], signage["mandatory"]) == (True, False)
    assert complaints["category"] == {"ref": "Q", "name": "ด้านคุณภาพ"}
    answers = entry["answers"]
    assert answers["P1.1"]["self_score"] == 3
    assert answers["P1.1"]["explanation"] == "มีที่จอดรถ 40 คัน"
    assert answers["P1.1"]["evidence"] == [
        {"name": "ลานจอดรถ.png", "kind": "png", "size": picture.size,
         "url": picture.get_download_url(),
         "thumbnail_url": picture.get_download_url() + "?inline=1"},
        {"name": "แผนผัง.pdf", "kind": "pdf", "size": document.size,
         "url": document.get_download_url(), "thumbnail_url": None},
    ]
    assert answers["P1.2"] == {"self_score": None, "not_applicable": True, "explanation": "",
                               "evidence": []}
    assert entry["sheet"] == {"state": "draft", "items": {}}


def test_pack_in_english_uses_the_english_texts(world, client):
    sign_in(client, world.qualified[0])
    client.cookies["gecc_language"] = "en"
    entry = client.get(URL).json()["applications"][0]
    assert entry["items"][0]["text"] == "Enough parking"
    assert entry["items"][0]["scale"][4] == {"value": 4, "label": "Very good"}
    assert entry["items"][0]["guidance"] == "นับจำนวนช่องจอด"  # no English guidance: Thai


def test_pack_carries_the_members_own_sheet(world, client):
    member = world.qualified[0]
    photo = uploaded_photo(member)
    send(member, score(world.application, "P1.1", 3, minute=1, note="ครบ"),
         score(world.application, "P1.1", 2, minute=2, note="แก้ไข"),
         {**score(world.application, "P1.2", None, minute=3, not_applicable=True)},
         {"change_id": "3f1c9a4e-0000-4000-8000-000000000001", "kind": "photo_add",
          "application": world.application.pk, "item": "P1.1", "sha256": photo,
          "caption": "", "client_time": "2026-06-02T10:05:00+07:00"})

    sheet = pack_of(client, member)["applications"][0]["sheet"]

    assert sheet["state"] == "draft"
    assert set(sheet["items"]) == {"P1.1", "P1.2"}
    parking = sheet["items"]["P1.1"]
    assert (parking["value"], parking["note"], parking["history"]) == (2, "แก้ไข", 1)
    assert parking["photos"] == [photo]
    assert sheet["items"]["P1.2"]["not_applicable"] is True


def test_pack_never_holds_another_members_scores(world, client):
    member, chair = world.qualified[0], world.chair
    send(chair, score(world.application, "P1.1", 4, note="บันทึกของประธาน"))
    send(member, score(world.application, "P1.1", 1, note="ของฉัน"))
    # Even once the member submitted (when the team pages show the co-members' sheets).
    send(member, score(world.application, "P1.2", 1), score(world.application, "Q1.1", 1))
    submit_sheet(sheet_for(member, world.application), member)

    response_text = json.dumps(pack_of(client, member), ensure_ascii=False)

    assert "บันทึกของประธาน" not in response_text
    items = json.loads(response_text)["applications"][0]["sheet"]["items"]
    assert items["P1.1"]["value"] == 1
    assert json.loads(response_text)["applications"][0]["sheet"]["state"] == "submitted"


def test_another_teams_application_is_not_in_the_pack(world, client):
    other = scoring_world(world.round, secretariat=world.secretariat)
    entries = pack_of(client, world.qualified[0])["applications"]
    assert [entry["id"] for entry in entries] == [world.application.pk]
    assert other.application.pk not in [e["id"] for e in
                                        pack_of(client, world.chair)["applications"]]


def test_a_conflict_of_interest_takes_the_application_out_of_the_pack(world, client):
    second = add_application(world)
    conflict(world, world.qualified[0])
    entries = pack_of(client, world.qualified[0])["applications"]
    assert [entry["id"] for entry in entries] == [second.pk]
    assert len(pack_of(client, world.chair)["applications"]) == 2


def test_assistant_secretary_gets_an_empty_pack(world, client):
    assert pack_of(client, world.assistant)["applications"] == []


@pytest.mark.parametrize("phase", [RoundPhase.DESK_REVIEW, RoundPhase.DECISION])
def test_nothing_to_score_outside_the_site_visits(world, client, phase):
    Round.objects.filter(pk=world.round.pk).update(phase=phase)
    assert pack_of(client, world.qualified[0])["applications"] == []


def test_applications_come_in_visit_order(world, client):
    second, third = add_application(world), add_application(world)
    unplaced = add_application(world)
    day1, day2 = datetime.date(2026, 6, 2), datetime.date(2026, 6, 3)
    place_visits(world.team, [(third, day1, "13:00", 2), (second, day2, "09:00", 3),
                              (world.application, day1, "09:00", 1)])

    entries = pack_of(client, world.qualified[0])["applications"]

    assert [entry["id"] for entry in entries] == [world.application.pk, third.pk, second.pk,
                                                  unplaced.pk]
    assert entries[0]["visit"] == {"date": "2026-06-02", "number": 1, "start": "09:00",
                                   "end": "10:30"}
    assert entries[3]["visit"] is None


def test_submitted_sheets_come_after_the_ones_still_to_score(world, client):
    member = world.qualified[0]
    later = add_application(world)
    place_visits(world.team, [(world.application, datetime.date(2026, 6, 2), "09:00", 1),
                              (later, datetime.date(2026, 6, 3), "09:00", 2)])
    send(member, *(score(world.application, ref, 1) for ref in world.refs))
    submit_sheet(sheet_for(member, world.application), member)

    entries = pack_of(client, member)["applications"]

    assert [(entry["id"], entry["sheet"]["state"]) for entry in entries] == [
        (later.pk, "draft"), (world.application.pk, "submitted")]


def test_a_draft_itinerary_gives_no_visit_time(world, client):
    place_visits(world.team, [(world.application, datetime.date(2026, 6, 2), "09:00", 1)],
                 state=ItineraryState.DRAFT)
    assert pack_of(client, world.qualified[0])["applications"][0]["visit"] is None


def test_pack_queries_do_not_grow_with_the_applications(world):
    member = world.qualified[0]
    send(member, score(world.application, "P1.1", 3))
    evidence(world.application, "P1.1")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            pack = build_pack(member)
        return len(captured), pack

    one, pack = queries()
    assert len(pack["applications"]) == 1
    for _ in range(2):
        application = add_application(world)
        evidence(application, "P1.1")
        send(member, score(application, "P1.1", 2))
    three, pack = queries()
    assert len(pack["applications"]) == 3
    assert three == one
    assert one <= 14


@pytest.mark.parametrize("role", ["coordinator", "secretariat", "steering"])
def test_only_members_get_a_pack(login_as, client, role):
    login_as(role)
    assert client.get(URL).status_code == 403


def test_anonymous_is_sent_to_sign_in(db, client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_member_with_no_team_gets_an_empty_pack(db, client):
    member = UserFactory(roles=["assessor"])
    assert pack_of(client, member)["applications"] == []
