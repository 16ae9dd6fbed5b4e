"""Photos: resumable uploads by SHA-256 (``field:api.photo.*``), who may read a photo."""

import json

import pytest
from django.urls import reverse

from gecc.scoring.domain import photos
from gecc.scoring.domain.sheets import sheet_for, submit_sheet
from gecc.scoring.domain.sync import apply_batch, parse_batch
from gecc.scoring.models import ItemPhoto, PhotoBlob, PhotoUpload
from tests.conftest import sign_in
from tests.scoring.factories_sheets import (
    batch,
    digest,
    image_bytes,
    photo_change,
    score,
    scoring_world,
    uploaded_photo,
)

START = "/field/api/photos/"


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return scoring_world()


@pytest.fixture
def member(world, client):
    return sign_in(client, world.qualified[0])


def start(client, data, content_type="image/png", size=None):
    return client.post(START, data=json.dumps({
        "sha256": digest(data), "size": len(data) if size is None else size,
        "content_type": content_type}), content_type="application/json")


def put(client, sha256, offset, data):
    return client.put(f"/field/api/photos/{sha256}/?offset={offset}", data=data,
                      content_type="application/octet-stream")


def test_the_url_names():
    sha = "a" * 64
    assert reverse("field:api.photo.start") == START
    assert reverse("field:api.photo.chunk", args=[sha]) == f"/field/api/photos/{sha}/"
    assert reverse("field:api.photo.file", args=[sha]) == f"/field/api/photos/{sha}/"
    assert reverse("field:api.photo.status", args=[sha]) == f"/field/api/photos/{sha}/status/"


def test_an_upload_in_chunks_resumes_and_completes(world, client, member, settings):
    data = image_bytes("JPEG", size=(64, 48))
    sha = digest(data)
    assert start(client, data, "image/jpeg").json() == {
        "sha256": sha, "size": len(data), "received": 0, "complete": False}
    half = len(data) // 2
    assert put(client, sha, 0, data[:half]).json()["received"] == half
    # the chunk is on disk, not in memory
    upload = PhotoUpload.objects.get()
    assert photos.part_path(upload).read_bytes() == data[:half]
    # the device lost the answer and asks where to go on
    status = client.get(f"/field/api/photos/{sha}/status/").json()
    assert status == {"sha256": sha, "size": len(data), "received": half, "complete": False}
    # a chunk from the wrong place is refused with the right offset
    wrong = put(client, sha, 3, data[3:])
    assert wrong.status_code == 409
    assert wrong.json()["received"] == half
    assert wrong.json()["error"] == f"โปรดส่งภาพต่อจากไบต์ที่ {half}"
    done = put(client, sha, half, data[half:])
    assert done.status_code == 200
    assert done.json() == {"sha256": sha, "size": len(data), "received": len(data),
                           "complete": True}
    blob = PhotoBlob.objects.get()
    assert (blob.sha256, blob.size, blob.content_type, blob.width, blob.height) == (
        sha, len(data), "image/jpeg", 64, 48)
    with blob.file.open("rb") as stored:
        assert stored.read() == data
    assert not photos.part_path(upload).exists()


def test_bytes_already_stored_are_complete_at_once_for_their_uploader(world, client, member):
    data = image_bytes()
    sha = uploaded_photo(member, data)
    PhotoUpload.objects.filter(user=member).delete()  # e.g. the device was reset
    body = start(client, data).json()
    assert body == {"sha256": sha, "size": len(data), "received": len(data), "complete": True}
    assert PhotoBlob.objects.count() == 1
    assert PhotoUpload.objects.filter(user=member, completed_at__isnull=False).count() == 1


def test_a_co_member_who_cannot_read_the_photo_must_send_the_bytes(world, client, member):
    """The chair's photo, not attached anywhere: the qualified member declaring its digest is
    told nothing about it (as for a new photo) and must send the bytes."""
    data = image_bytes()
    sha = uploaded_photo(world.chair, data)
    body = start(client, data).json()
    assert body == {"sha256": sha, "size": len(data), "received": 0, "complete": False}
    upload = PhotoUpload.objects.get(user=member)
    assert (upload.completed_at, upload.blob) == (None, None)
    done = put(client, sha, 0, data).json()
    assert done["complete"] is True
    assert PhotoBlob.objects.count() == 1
    assert PhotoUpload.objects.get(user=member).blob == PhotoBlob.objects.get()


def test_a_photo_too_large_is_refused_413(world, client, member, settings):
    settings.SCORING_PHOTO_MAX_BYTES = 1024 * 1024
    response = start(client, b"x", size=1024 * 1024 + 1)
    assert response.status_code == 413
    assert response.json()["error"] == "ภาพมีขนาดใหญ่เกินไป (ไม่เกิน 1 MB)"
    assert not PhotoUpload.objects.exists()


def test_a_type_that_is_not_an_image_is_refused_415(world, client, member):
    response = start(client, b"%PDF-1.4", content_type="application/pdf")
    assert response.status_code == 415
    assert response.json()["error"] == "แนบได้เฉพาะภาพถ่ายชนิด JPEG, PNG หรือ WebP"


def test_bytes_that_are_not_an_image_are_refused_422_and_the_upload_reset(world, client,
                                                                        member):
    data = b"<html><script>alert(1)</script></html>"
    sha = digest(data)
    start(client, data, "image/png")
    response = put(client, sha, 0, data)
    assert response.status_code == 422
    assert response.json()["error"] == "แนบได้เฉพาะภาพถ่ายชนิด JPEG, PNG หรือ WebP"
    upload = PhotoUpload.objects.get()
    assert (upload.received, upload.completed_at) == (0, None)
    assert not photos.part_path(upload).exists()
    assert not PhotoBlob.objects.exists()


def test_a_gif_is_not_taken_even_declared_as_png(world, client, member):
    data = image_bytes("GIF")
    start(client, data, "image/png")
    assert put(client, digest(data), 0, data).status_code == 422


def test_bytes_that_do_not_hash_to_the_digest_are_refused_422(world, client, member):
    data = image_bytes()
    sha = digest(data)
    start(client, data)
    damaged = bytes([data[0] ^ 1]) + data[1:]
    response = put(client, sha, 0, damaged)
    assert response.status_code == 422
    assert response.json()["error"] == "ภาพที่ได้รับเสียหาย (ค่า SHA-256 ไม่ตรงกัน) โปรดส่งใหม่"
    assert PhotoUpload.objects.get().received == 0
    assert put(client, sha, 0, data).json()["complete"] is True


def test_more_bytes_than_declared_are_refused(world, client, member):
    data = image_bytes()
    start(client, data)
    response = put(client, digest(data), 0, data + b"extra")
    assert response.status_code == 413
    assert PhotoUpload.objects.get().received == 0


def test_a_malformed_start_is_400(world, client, member):
    response = client.post(START, data=json.dumps({"sha256": "xyz", "size": "big"}),
                           content_type="application/json")
    assert response.status_code == 400
    assert client.post(START, data="nope", content_type="application/json").status_code == 400


def test_a_chunk_without_a_started_upload_is_404(world, client, member):
    assert put(client, "b" * 64, 0, b"abc").status_code == 404
    assert client.get(f"/field/api/photos/{'b' * 64}/status/").status_code == 404


# -- reading a photo ---------------------------------------------------------------------------

@pytest.fixture
def attached(world):
    """A photo the qualified member attached to P1.1 of their sheet."""
    owner = world.qualified[0]
    data = image_bytes()
    sha = uploaded_photo(owner, data)
    apply_batch(owner, parse_batch(json.dumps(batch(
        photo_change(world.application, "P1.1", sha)))))
    return sha, data


def status_for(client, user, sha):
    client.logout()
    if user is not None:
        sign_in(client, user)
    response = client.get(f"/field/api/photos/{sha}/")
    if response.streaming:
        b"".join(response.streaming_content)
    return response.status_code


def test_the_photo_is_served_to_its_member_and_the_secretariat(world, client, attached):
    sha, data = attached
    sign_in(client, world.qualified[0])
    response = client.get(f"/field/api/photos/{sha}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == data
    assert status_for(client, world.secretariat, sha) == 200


def test_co_members_see_the_photo_only_after_submitting(world, client, attached):
    sha, _ = attached
    chair = world.chair
    assert status_for(client, chair, sha) == 404
    apply_batch(chair, parse_batch(json.dumps(batch(*(
        score(world.application, node, 1) for node in world.items)))))
    submit_sheet(sheet_for(chair, world.application), chair)
    assert status_for(client, chair, sha) == 200


def test_others_do_not_see_the_photo(world, client, attached):
    sha, _ = attached
    other = scoring_world(world.round, secretariat=world.secretariat)
    assert status_for(client, other.chair, sha) == 404
    assert status_for(client, world.coordinator, sha) == 403
    assert status_for(client, None, sha) == 302
    assert status_for(client, world.qualified[0], "c" * 64) == 404


def sync_photo(user, application, sha, minute=0):
    return apply_batch(user, parse_batch(json.dumps(batch(
        photo_change(application, "P1.1", sha, minute=minute))))).response


def test_another_team_cannot_obtain_a_photo_by_declaring_its_digest(world, client, attached):
    sha, data = attached
    other = scoring_world(world.round, secretariat=world.secretariat)
    sign_in(client, other.chair)
    declared = start(client, data)
    assert declared.status_code == 200
    assert declared.json() == {"sha256": sha, "size": len(data), "received": 0,
                               "complete": False}
    assert client.get(f"/field/api/photos/{sha}/status/").json()["complete"] is False
    assert status_for(client, other.chair, sha) == 404
    refused = sync_photo(other.chair, other.application, sha)
    assert refused["results"][0]["code"] == "photo_not_uploaded"
    assert not ItemPhoto.objects.filter(item_score__sheet__assessor=other.chair).exists()
    # After really sending the same bytes the photo is theirs to attach; one blob is kept.
    assert put(client, sha, 0, data).json()["complete"] is True
    assert PhotoBlob.objects.count() == 1
    applied = sync_photo(other.chair, other.application, sha, minute=1)
    assert applied["results"][0]["outcome"] == "applied"
    assert status_for(client, other.chair, sha) == 200


def test_a_co_member_who_can_read_the_photo_gets_it_at_once(world, client, attached):
    sha, data = attached
    chair = world.chair
    apply_batch(chair, parse_batch(json.dumps(batch(*(
        score(world.application, node, 1) for node in world.items)))))
    submit_sheet(sheet_for(chair, world.application), chair)
    sign_in(client, chair)
    assert start(client, data).json() == {"sha256": sha, "size": len(data),
                                          "received": len(data), "complete": True}


# -- limits ------------------------------------------------------------------------------------

def test_a_member_with_nothing_to_score_cannot_start_an_upload_403(world, client):
    from gecc.accounts.enums import Role
    from tests.factories import UserFactory

    message = "ท่านไม่มีใบสมัครที่ต้องให้คะแนนในขณะนี้ จึงส่งภาพขึ้นระบบไม่ได้"
    for user in (UserFactory(roles=[Role.ASSESSOR]), world.assistant):
        client.logout()
        sign_in(client, user)
        response = start(client, image_bytes())
        assert response.status_code == 403
        assert response.json() == {"error": message, "code": "cannot_score"}
    assert not PhotoUpload.objects.exists()


def test_open_uploads_are_limited_in_number_per_member(world, client, member, monkeypatch):
    monkeypatch.setattr(photos, "MAX_OPEN_UPLOADS", 2)
    first, second, third = (image_bytes(colour=(n, n, n)) for n in (1, 2, 3))
    assert start(client, first).status_code == 200
    assert start(client, second).status_code == 200
    assert start(client, second).status_code == 200  # resuming is not a new upload
    response = start(client, third)
    assert response.status_code == 429
    assert response.json() == {
        "error": "มีภาพที่ส่งค้างอยู่มากเกินไป โปรดส่งภาพที่ค้างให้ครบก่อน แล้วจึงเริ่มส่งภาพใหม่",
        "code": "too_many_uploads"}
    # a finished upload no longer counts; another member has their own allowance
    assert put(client, digest(first), 0, first).json()["complete"] is True
    assert start(client, third).status_code == 200
    assert PhotoUpload.objects.filter(user=member).count() == 3
    sign_in(client, world.chair)
    assert start(client, first).status_code == 200


def test_open_uploads_are_limited_in_declared_bytes_per_member(world, client, member,
                                                                monkeypatch):
    monkeypatch.setattr(photos, "MAX_OPEN_BYTES", 1000)
    assert start(client, image_bytes(), size=600).status_code == 200
    response = start(client, image_bytes(colour=(1, 1, 1)), size=401)
    assert response.status_code == 429
    assert response.json()["code"] == "too_many_uploads"
    assert start(client, image_bytes(colour=(1, 1, 1)), size=400).status_code == 200


# -- decompression bombs ---------------------------------------------------------------------------

def png_declaring(width, height) -> bytes:
    """A PNG whose header declares ``width`` × ``height`` pixels (no real pixels follow)."""
    import struct
    import zlib

    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + chunk(b"IEND", b""))


BOMB = "ภาพมีจำนวนพิกเซลมากเกินกว่าจะตรวจได้อย่างปลอดภัย โปรดส่งภาพที่มีขนาดเล็กลง"


def test_a_photo_declaring_a_huge_size_is_refused_422(world, client, member):
    data = png_declaring(100_000, 100_000)
    start(client, data)
    response = put(client, digest(data), 0, data)
    assert response.status_code == 422
    assert response.json() == {"error": BOMB, "code": "rejected"}
    assert not PhotoBlob.objects.exists()
    assert PhotoUpload.objects.get().received == 0


def test_a_photo_over_the_pixel_warning_limit_is_refused_422(world, client, member,
                                                            monkeypatch):
    from PIL import Image

    data = image_bytes(size=(8, 6))  # 48 pixels: over 40, under twice 40 (a warning only)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 40)
    start(client, data)
    response = put(client, digest(data), 0, data)
    assert response.status_code == 422
    assert response.json()["error"] == BOMB
    assert not PhotoBlob.objects.exists()


# -- purging what was left ---------------------------------------------------------------------------

def test_purge_photo_uploads_deletes_old_incomplete_uploads_and_unattached_photos(
        world, client, member, attached):
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    old = timezone.now() - datetime.timedelta(hours=49)
    # an incomplete upload of three days ago with its part file, and a fresh one
    stale_data, fresh_data = image_bytes(colour=(5, 5, 5)), image_bytes(colour=(6, 6, 6))
    start(client, stale_data)
    put(client, digest(stale_data), 0, stale_data[:10])
    start(client, fresh_data)
    stale = PhotoUpload.objects.get(sha256=digest(stale_data))
    PhotoUpload.objects.filter(pk=stale.pk).update(created_at=old)
    assert photos.part_path(stale).exists()
    # a photo uploaded long ago and never attached, and an attached one as old
    loose_sha = uploaded_photo(member, image_bytes(colour=(7, 7, 7)))
    loose = PhotoBlob.objects.get(sha256=loose_sha)
    PhotoBlob.objects.update(created_at=old)
    PhotoUpload.objects.filter(completed_at__isnull=False).update(completed_at=old)
    loose_path = loose.file.path
    # an orphan part file (its upload row is gone)
    orphan = photos.upload_dir() / "0b7c3f0e-0000-4000-8000-000000000000.part"
    orphan.write_bytes(b"x")
    import os

    os.utime(orphan, (old.timestamp(), old.timestamp()))

    from io import StringIO

    out = StringIO()
    call_command("purge_photo_uploads", stdout=out)
    assert out.getvalue() == ("Deleted 1 incomplete upload(s), 1 photo(s) attached to no "
                              "item and 1 leftover part file(s).\n")
    assert list(PhotoUpload.objects.filter(completed_at__isnull=True)
                .values_list("sha256", flat=True)) == [digest(fresh_data)]
    assert not photos.part_path(stale).exists()
    assert not orphan.exists()
    assert list(PhotoBlob.objects.values_list("sha256", flat=True)) == [attached[0]]
    assert not os.path.exists(loose_path)
    assert not PhotoUpload.objects.filter(sha256=loose_sha).exists()
    # nothing left to do; a shorter age takes the fresh upload too
    out = StringIO()
    call_command("purge_photo_uploads", stdout=out)
    assert out.getvalue().startswith("Deleted 0 incomplete upload(s), 0 photo(s)")
    call_command("purge_photo_uploads", hours=0, stdout=StringIO())
    assert not PhotoUpload.objects.filter(completed_at__isnull=True).exists()
    assert PhotoBlob.objects.count() == 1


def test_purge_keeps_an_unattached_photo_whose_upload_just_finished(world, member):
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    sha = uploaded_photo(member)
    PhotoBlob.objects.update(created_at=timezone.now() - datetime.timedelta(days=5))
    call_command("purge_photo_uploads", stdout=__import__("io").StringIO())
    assert PhotoBlob.objects.filter(sha256=sha).exists()
