"""Photos: resumable uploads by SHA-256 (``field:api.photo.*``), who may read a photo."""

import json

import pytest
from django.urls import reverse

from gecc.scoring.domain import photos
from gecc.scoring.domain.sheets import sheet_for, submit_sheet
from gecc.scoring.domain.sync import apply_batch, parse_batch
from gecc.scoring.models import PhotoBlob, PhotoUpload
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


def test_bytes_already_stored_are_complete_at_once(world, client, member):
    data = image_bytes()
    uploaded_photo(world.chair, data)
    body = start(client, data).json()
    assert body["complete"] is True and body["received"] == len(data)
    assert PhotoBlob.objects.count() == 1
    assert PhotoUpload.objects.filter(user=member, completed_at__isnull=False).count() == 1


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
