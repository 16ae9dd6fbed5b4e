"""The field app offline, in Chromium: download the visit pack, lose the network, score, attach
a photo, reload with no network (the page and the values are still there), get the network
back and sync; the same batch sent again writes nothing; two devices of one member keep both
members' edits, and on one item the later device time wins with the earlier kept in history.

Offline means ``context.set_offline(True)``. It was long reported not to reach a service
worker's own fetches (microsoft/playwright#2311); with the Playwright and Chromium used here it
does (``test_set_offline_reaches_the_service_worker``), and Playwright reports and routes a
worker's requests (stable since 1.57), so ``Network.offline`` also aborts every request a
worker makes, in case a later browser behaves as the old ones did.
"""

import io
import re

import pytest
from PIL import Image

from gecc.scoring.enums import HistoryReason
from gecc.scoring.models import (
    ItemPhoto,
    ItemScore,
    ItemScoreHistory,
    PhotoBlob,
    SyncBatch,
    SyncChange,
)
from tests.scoring.factories_field import evidence, self_assess
from tests.scoring.factories_sheets import scoring_world

READY = "#field-app[data-ready=true][data-offline-ready=true]"
SETTLED = "#field-app[data-pending-changes='0'][data-pending-photos='0'][data-syncing=false]"


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = scoring_world()
    self_assess(world.application, "P1.1", score=3, explanation="มีที่จอดรถ 40 คัน")
    evidence(world.application, "P1.1", name="ลานจอดรถ.png")
    return world


class Network:
    """Cut a browser context off the server, service worker included, and back."""

    def __init__(self, context):
        self.context = context

    @staticmethod
    def _abort_worker_requests(route):
        if route.request.service_worker is not None:
            route.abort("internetdisconnected")
        else:
            route.fallback()

    def offline(self):
        self.context.set_offline(True)
        self.context.route("**/*", self._abort_worker_requests)

    def online(self):
        self.context.unroute("**/*", self._abort_worker_requests)
        self.context.set_offline(False)


def png(colour=(30, 120, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def open_field(page, sign_in, user):
    sign_in(page, user)
    page.goto("/field/")
    page.wait_for_selector(READY)  # the service worker controls the page
    return page


def download_pack(page):
    page.get_by_test_id("download-pack").click()
    page.wait_for_selector("[data-testid=application-card]")
    page.wait_for_selector(SETTLED)


def item(page, ref):
    return page.locator(f"article[data-ref='{ref}']")


def choose(page, ref, label):
    item(page, ref).locator("label.field-point", has_text=label).click()


def wait_saved(page, changes):
    page.wait_for_selector(f"#field-app[data-pending-changes='{changes}']")


def stored_batch(page):
    """The last batch this device stored and sent, read from its IndexedDB."""
    return page.evaluate("""async () => {
        const db = await new Dexie(document.querySelector('#field-app').dataset.dbName).open();
        const batches = await db.table('batches').toArray();
        db.close();
        batches.sort((a, b) => (a.created_at < b.created_at ? -1 : 1));
        return batches;
    }""")


def resend(page, batch):
    """POST a stored batch again from the page, as the app would after a lost answer."""
    return page.evaluate("""async (batch) => {
        const token = document.cookie.split('; ').find((c) => c.startsWith('csrftoken='));
        const response = await fetch('/field/api/sync/', {method: 'POST', credentials: 'same-origin',
            headers: {'Content-Type': 'application/json',
                      'X-CSRFToken': decodeURIComponent(token.split('=')[1])},
            body: JSON.stringify({batch_id: batch.batch_id, device_id: batch.device_id,
                                  changes: batch.changes})});
        return {status: response.status, body: await response.json()};
    }""", batch)


def test_score_offline_reload_offline_then_sync(world, tablet_page, sign_in):
    page = open_field(tablet_page, sign_in, world.qualified[0])
    download_pack(page)
    card = page.get_by_test_id("application-card")
    assert world.application.unit.name_th in card.inner_text()
    assert "ให้คะแนนแล้ว 0 จาก 3 ข้อ" in card.inner_text()
    page.get_by_role("link", name=world.application.unit.name_th).click()
    page.wait_for_selector("article[data-ref='P1.1']")
    # The evidence picture was kept for offline use.
    assert page.evaluate("""async (url) => Boolean(await caches.match(url))""",
                         page.locator("article[data-ref='P1.1'] .field-evidence img")
                         .get_attribute("src"))

    network = Network(page.context)
    network.offline()
    page.wait_for_selector("#field-app[data-online=false]")
    assert page.get_by_test_id("network-state").inner_text().startswith("ไม่มีการเชื่อมต่อ")

    choose(page, "P1.1", "3 · ดี")
    item(page, "P1.1").get_by_test_id("note").fill("ลานจอดรถกว้าง มีที่จอดผู้พิการ")
    item(page, "P1.1").get_by_test_id("note").blur()
    choose(page, "P1.2", "ไม่เกี่ยวข้อง (N/A)")
    item(page, "P1.1").get_by_test_id("photo").set_input_files(
        files=[{"name": "ลานจอดรถ.png", "mimeType": "image/png", "buffer": png()}])
    page.wait_for_selector("#field-app[data-pending-photos='1']")
    page.wait_for_selector("article[data-ref='P1.1'] [data-testid=photos] img")
    wait_saved(page, 3)  # the two items' scores and the photo
    assert page.get_by_test_id("sync-badge").inner_text() == \
        "การแก้ไข 3 รายการ และรูปถ่าย 1 รูป รอส่ง"
    assert ItemScore.objects.count() == 0  # nothing left the device

    page.reload()
    page.wait_for_selector("#field-app[data-ready=true]")
    page.wait_for_selector("article[data-ref='P1.1']")
    assert item(page, "P1.1").get_by_role("radio", name="3 · ดี").is_checked()
    assert item(page, "P1.1").get_by_test_id("note").input_value() == \
        "ลานจอดรถกว้าง มีที่จอดผู้พิการ"
    assert item(page, "P1.2").get_by_role("radio", name="ไม่เกี่ยวข้อง (N/A)").is_checked()
    assert item(page, "P1.1").locator("[data-testid=photos] img").count() == 1
    assert page.locator("article[data-ref='P1.1'] .field-evidence img").evaluate(
        "(img) => img.complete && img.naturalWidth > 0")  # from the worker's cache
    assert page.get_by_test_id("sheet-progress").inner_text() == "ให้คะแนนแล้ว 2 จาก 3 ข้อ"
    assert ItemScore.objects.count() == 0

    network.online()
    page.wait_for_selector(SETTLED, timeout=20_000)
    assert page.get_by_test_id("sync-badge").inner_text() == "ส่งครบแล้ว"

    member = world.qualified[0]
    scores = {row.item.ref: row for row in ItemScore.objects.filter(
        sheet__assessor=member, sheet__application=world.application).select_related("item")}
    assert set(scores) == {"P1.1", "P1.2"}
    assert (scores["P1.1"].value, scores["P1.1"].note) == (3, "ลานจอดรถกว้าง มีที่จอดผู้พิการ")
    assert (scores["P1.2"].value, scores["P1.2"].not_applicable) == (None, True)
    device = page.locator("#field-app").get_attribute("data-device-id")
    assert scores["P1.1"].device_id == device
    [photo] = ItemPhoto.objects.filter(item_score=scores["P1.1"])
    assert photo.blob.size == len(png())
    assert PhotoBlob.objects.count() == 1
    assert SyncBatch.objects.count() == 1
    assert SyncChange.objects.count() == 3

    # The same batch again, from the page: the stored answer, nothing written twice.
    [batch] = stored_batch(page)
    assert batch["state"] == "sent"
    answer = resend(page, batch)
    assert answer["status"] == 200
    assert answer["body"]["replayed"] is True
    assert answer["body"]["batch_id"] == batch["batch_id"]
    assert (SyncBatch.objects.count(), SyncChange.objects.count(), ItemScore.objects.count(),
            ItemPhoto.objects.count(), ItemScoreHistory.objects.count()) == (1, 3, 2, 1, 0)


def test_set_offline_reaches_the_service_worker(world, page, sign_in):
    """With this Playwright and Chromium, ``set_offline`` alone refuses the worker's own
    fetches: the reload's network-first fetch of the shell fails, and the page comes from
    the worker's cache."""
    open_field(page, sign_in, world.qualified[0])
    failed = []
    page.context.on("requestfailed", lambda request: failed.append(
        (request.url.removeprefix(page.url.split("/field/")[0]),
         request.service_worker is not None, request.failure)))
    page.context.set_offline(True)
    page.reload()
    page.wait_for_selector("#field-app[data-ready=true][data-online=false]")
    assert ("/field/", True, "net::ERR_INTERNET_DISCONNECTED") in failed
    assert page.get_by_test_id("download-pack").is_disabled()


def test_a_lost_answer_is_sent_again_with_the_same_batch_id(world, page, sign_in):
    page = open_field(page, sign_in, world.qualified[0])
    download_pack(page)
    page.goto(f"/field/#application-{world.application.pk}")
    page.wait_for_selector("article[data-ref='Q1.1']")
    sent = []

    def reach_server_then_lose_the_answer(route):
        sent.append(route.request.post_data_json["batch_id"])
        route.fetch()  # the server applies the batch ...
        route.abort("connectionreset")  # ... and the answer never comes back

    page.context.route("**/field/api/sync/", reach_server_then_lose_the_answer)
    choose(page, "Q1.1", "2 · พอใช้")
    wait_saved(page, 1)
    page.get_by_test_id("sync-now").click()
    page.wait_for_selector("[data-testid=field-message]:has-text('การส่งยังไม่เสร็จ')")
    page.wait_for_selector("#field-app[data-syncing=false]")
    assert len(sent) >= 1
    assert SyncBatch.objects.count() == 1  # applied on the server
    assert page.locator("#field-app").get_attribute("data-pending-changes") == "1"
    [open_batch] = stored_batch(page)
    assert open_batch["state"] == "open" and open_batch["batch_id"] == sent[0]

    page.context.unroute("**/field/api/sync/", reach_server_then_lose_the_answer)
    page.get_by_test_id("sync-now").click()
    page.wait_for_selector(SETTLED)
    [batch] = stored_batch(page)
    assert (batch["batch_id"], batch["state"], batch["replayed"]) == (sent[0], "sent", True)
    assert SyncBatch.objects.count() == 1
    assert ItemScore.objects.get(item__ref="Q1.1").value == 2


def test_two_devices_of_one_member(world, browser_page_factory, live_server, sign_in):
    from tests.browser.conftest import TABLET

    member = world.qualified[0]
    tablet = open_field(browser_page_factory(viewport=TABLET, base_url=live_server.url),
                        sign_in, member)
    phone = open_field(browser_page_factory(viewport={"width": 390, "height": 844},
                                            base_url=live_server.url, is_mobile=True,
                                            has_touch=True), sign_in, member)
    for page in (tablet, phone):
        download_pack(page)
        page.goto(f"/field/#application-{world.application.pk}")
        page.wait_for_selector("article[data-ref='P1.1']")
    assert tablet.locator("#field-app").get_attribute("data-device-id") != \
        phone.locator("#field-app").get_attribute("data-device-id")

    # The tablet, offline, scores P1.1 first; the phone scores P1.1 later, and P1.2, online.
    network = Network(tablet.context)
    network.offline()
    choose(tablet, "P1.1", "1 · น้อย")
    wait_saved(tablet, 1)
    tablet.wait_for_timeout(50)  # the phone's device time is later
    choose(phone, "P1.2", "1 · มี")
    choose(phone, "P1.1", "4 · ดีมาก")
    phone.get_by_test_id("sync-now").click()
    phone.wait_for_selector(SETTLED)
    assert ItemScore.objects.get(item__ref="P1.1").value == 4

    network.online()  # the tablet's earlier edit arrives last
    tablet.wait_for_selector(SETTLED, timeout=20_000)

    scores = {row.item.ref: row for row in ItemScore.objects.select_related("item")}
    assert (scores["P1.1"].value, scores["P1.2"].value) == (4, 1)  # both devices' items kept
    [kept] = ItemScoreHistory.objects.filter(item_score=scores["P1.1"])
    assert (kept.value, kept.reason) == (1, HistoryReason.SUPERSEDED)
    assert kept.device_id == tablet.locator("#field-app").get_attribute("data-device-id")
    # The tablet now shows the winning value and says the earlier one is kept.
    assert item(tablet, "P1.1").get_by_role("radio", name="4 · ดีมาก").is_checked()
    status = item(tablet, "P1.1").get_by_test_id("item-status").inner_text()
    assert re.search(r"แก้ไขอีก 1 ครั้ง: ใช้ค่าที่แก้ไขล่าสุด", status)


def test_submit_my_sheet_with_a_confirmation(world, page, sign_in):
    page = open_field(page, sign_in, world.qualified[0])
    download_pack(page)
    page.goto(f"/field/#application-{world.application.pk}")
    page.wait_for_selector("article[data-ref='P1.1']")
    choose(page, "P1.1", "2 · พอใช้")
    choose(page, "P1.2", "1 · มี")
    page.get_by_test_id("submit-open").click()
    page.get_by_test_id("submit-yes").click()
    # One item is left: the server says which, in Thai; nothing is locked.
    page.wait_for_selector("[data-testid=submit-message]:has-text('Q1.1')")
    assert page.get_by_test_id("sheet-state").inner_text() == "กำลังให้คะแนน"

    choose(page, "Q1.1", "3 · ดี")
    page.get_by_test_id("submit-open").click()
    assert page.get_by_test_id("submit-confirm").is_visible()
    page.get_by_test_id("submit-yes").click()
    page.wait_for_selector("[data-testid=sheet-state]:has-text('ส่งแล้ว')")
    assert item(page, "P1.1").get_by_role("radio", name="3 · ดี").is_disabled()
    from gecc.scoring.models import ScoreSheet

    assert ScoreSheet.objects.get(assessor=world.qualified[0]).state == "submitted"


def gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="GIF")
    return buffer.getvalue()


def open_sheet(page, sign_in, user, application):
    open_field(page, sign_in, user)
    download_pack(page)
    page.goto(f"/field/#application-{application.pk}")
    page.wait_for_selector("article[data-ref='P1.1']")
    return page


def test_a_refused_photo_is_explained_and_the_next_one_still_works(world, page, sign_in,
                                                                   settings):
    settings.SCORING_PHOTO_MAX_BYTES = 4096  # the shell reads it when it is rendered
    page = open_sheet(page, sign_in, world.qualified[0], world.application)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    photo = item(page, "P1.1").get_by_test_id("photo")
    problem = item(page, "P1.1").get_by_test_id("item-problem")

    photo.set_input_files(files=[{"name": "ภาพเคลื่อนไหว.gif", "mimeType": "image/gif",
                                  "buffer": gif()}])
    page.wait_for_selector("article[data-ref='P1.1'] [data-testid=item-problem]:visible")
    assert problem.inner_text() == "แนบได้เฉพาะรูปภาพ JPEG, PNG หรือ WebP"
    photo.set_input_files(files=[{"name": "ใหญ่เกิน.jpg", "mimeType": "image/jpeg",
                                  "buffer": b"\xff\xd8\xff" + b"0" * 5000}])
    page.wait_for_function("""() => document.querySelector(
        "article[data-ref='P1.1'] [data-testid=item-problem]").textContent.includes('ใหญ่')""")
    assert problem.inner_text() == "รูปภาพนี้มีขนาดใหญ่เกินกว่าจะแนบได้"
    assert page.locator("#field-app").get_attribute("data-pending-photos") == "0"
    assert page.locator("#field-app").get_attribute("data-pending-changes") == "0"
    assert item(page, "P1.1").locator("[data-testid=photos] img").count() == 0

    photo.set_input_files(files=[{"name": "ลานจอดรถ.png", "mimeType": "image/png",
                                  "buffer": png()}])
    page.wait_for_selector("article[data-ref='P1.1'] [data-testid=photos] img")
    # The picture shows before it is queued, so "settled" can be seen once before the
    # upload starts: wait (bounded) for the server to hold it.
    for _attempt in range(100):
        page.wait_for_selector(SETTLED)
        if ItemPhoto.objects.filter(item_score__item__ref="P1.1").exists():
            break
        page.wait_for_timeout(200)
    assert problem.is_hidden()
    assert ItemPhoto.objects.filter(item_score__item__ref="P1.1").count() == 1
    assert errors == []


def test_after_signing_out_the_next_member_does_not_open_the_kept_sheets(world, page, sign_in):
    first, second = world.qualified[0], world.chair
    page = open_sheet(page, sign_in, first, world.application)
    refuse = lambda route: route.abort("connectionrefused")  # noqa: E731
    page.context.route("**/field/api/sync/", refuse)
    choose(page, "P1.1", "3 · ดี")  # kept on the device: the server cannot take it now
    wait_saved(page, 1)
    page.get_by_role("button", name="ออกจากระบบ").click()
    page.wait_for_url("**/")
    page.context.unroute("**/field/api/sync/", refuse)

    sign_in(page, second)  # the next member signs in on the same tablet and goes offline
    network = Network(page.context)
    network.offline()
    page.goto("/field/")
    page.wait_for_selector("#field-app[data-ready=true]")
    assert page.get_by_test_id("application-card").count() == 0
    assert world.application.unit.name_th not in page.locator("main").inner_text()
    assert page.locator("#field-app").get_attribute("data-signed-out") == "true"
    assert page.get_by_test_id("field-message").inner_text() == (
        "อุปกรณ์นี้ออกจากระบบแล้ว หรือมีสมาชิกคนอื่นเข้าสู่ระบบ "
        "กรุณาเข้าสู่ระบบอีกครั้งขณะเชื่อมต่อเครือข่าย เพื่อเปิดแบบให้คะแนนของคุณ")
    assert page.get_by_test_id("download-pack").is_hidden()

    # The first member's unsent change stayed on the device and goes when they are back.
    network.online()
    sign_in(page, first)
    page.goto("/field/")
    page.wait_for_selector("#field-app[data-signed-out=false]")
    page.wait_for_selector(SETTLED, timeout=20_000)
    score = ItemScore.objects.get(item__ref="P1.1")
    assert (score.sheet.assessor, score.value) == (first, 3)


def test_a_photo_the_server_fails_on_does_not_hold_back_the_scores(world, page, sign_in):
    page = open_sheet(page, sign_in, world.qualified[0], world.application)
    photos_api = re.compile(r".*/field/api/photos/.*")
    failing = lambda route: route.fulfill(status=500, body="error")  # noqa: E731
    page.context.route(photos_api, failing)
    item(page, "P1.1").get_by_test_id("photo").set_input_files(
        files=[{"name": "ลานจอดรถ.png", "mimeType": "image/png", "buffer": png()}])
    choose(page, "P1.1", "3 · ดี")
    choose(page, "P1.2", "1 · มี")
    page.get_by_test_id("sync-now").click()
    # The scores went; the photo (and its photo_add) waits, with the reason shown.
    page.wait_for_selector("#field-app[data-pending-changes='1'][data-syncing=false]")
    scores = {row.item.ref: row.value for row in ItemScore.objects.select_related("item")}
    assert scores == {"P1.1": 3, "P1.2": 1}
    assert ItemPhoto.objects.count() == 0
    assert page.locator("#field-app").get_attribute("data-failed-photos") == "1"
    assert page.get_by_test_id("sync-badge").inner_text() == (
        "การแก้ไข 1 รายการ และรูปถ่าย 1 รูป รอส่ง "
        "(ส่งรูปถ่ายไม่สำเร็จ 1 รูป จะลองส่งอีกครั้ง)")
    assert "ส่งรูปถ่ายนี้ไม่สำเร็จ จะลองส่งอีกครั้ง" in \
        item(page, "P1.1").get_by_test_id("photos").inner_text()

    page.context.unroute(photos_api, failing)
    page.get_by_test_id("sync-now").click()
    page.wait_for_selector(SETTLED)
    assert ItemPhoto.objects.count() == 1
    assert page.locator("#field-app").get_attribute("data-failed-photos") == "0"
    assert "ไม่สำเร็จ" not in item(page, "P1.1").get_by_test_id("photos").inner_text()


def test_two_tabs_never_send_one_change_twice(world, page, sign_in):
    page = open_sheet(page, sign_in, world.qualified[0], world.application)
    network = Network(page.context)
    network.offline()
    choose(page, "P1.1", "3 · ดี")
    choose(page, "P1.2", "1 · มี")
    choose(page, "Q1.1", "2 · พอใช้")
    wait_saved(page, 3)
    other = page.context.new_page()
    other.goto("/field/")
    other.wait_for_selector("#field-app[data-ready=true][data-pending-changes='3']")

    network.online()  # both tabs start sending at once
    for tab in (page, other):
        tab.wait_for_selector(SETTLED, timeout=20_000)
    sent = [change["change_id"] for batch in stored_batch(page) for change in batch["changes"]]
    assert len(sent) == 3 and len(set(sent)) == 3  # each change in one stored batch only
    assert SyncChange.objects.count() == 3
    assert set(SyncChange.objects.values_list("outcome", flat=True)) == {"applied"}
