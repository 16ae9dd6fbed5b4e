"""URL-walk expectations of members' scoring API (``field:api.*`` of ``urls_sync``).

GET is what the walk sends: the POST endpoints answer 405 to a member (POST_ONLY), 403 to
every other role; the photo URLs serve a photo the member ``assessor`` attached to their own
sheet of ``assigned`` (made the first time a URL needs it), which the member with a conflict
of interest cannot see (HIDDEN). ``api.photo.chunk`` (PUT) shares its address with
``api.photo.file``, so a GET there is the photo.
"""

LOGIN, OK, DENIED, HIDDEN, POST_ONLY = "LOGIN", "OK", "DENIED", "HIDDEN", "POST_ONLY"

#                anonymous secretariat assessor conflicted coordinator steering
MEMBER_POST = (LOGIN, DENIED, POST_ONLY, POST_ONLY, DENIED, DENIED)
OWN_PHOTO = (LOGIN, OK, OK, HIDDEN, DENIED, DENIED)

EXPECTED = {
    "field:api.sync": MEMBER_POST,
    "field:api.submit": MEMBER_POST,
    "field:api.photo.start": MEMBER_POST,
    "field:api.photo.status": (LOGIN, DENIED, OK, HIDDEN, DENIED, DENIED),
    "field:api.photo.file": OWN_PHOTO,
    "field:api.photo.chunk": OWN_PHOTO,
}


def _photo_digest(world, target):
    """The SHA-256 of a small PNG the member ``assessor`` uploaded and attached to the first
    item of their sheet of ``assigned`` (rows written directly: the walk's round is not in
    its site visits)."""
    import hashlib
    import io

    from django.core.files.base import ContentFile
    from django.utils import timezone
    from PIL import Image

    from gecc.scoring.models import ItemPhoto, ItemScore, PhotoBlob, PhotoUpload, ScoreSheet

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 120, 200)).save(buffer, format="PNG")
    data = buffer.getvalue()
    sha256 = hashlib.sha256(data).hexdigest()
    if PhotoBlob.objects.filter(sha256=sha256).exists():
        return sha256
    member = world.people["assessor"]
    application = world.application("assigned")
    blob = PhotoBlob(sha256=sha256, size=len(data), content_type="image/png", width=4,
                     height=4, uploaded_by=member)
    blob.file.save(sha256, ContentFile(data), save=True)
    PhotoUpload.objects.create(user=member, sha256=sha256, size=len(data), received=len(data),
                               content_type="image/png", blob=blob,
                               completed_at=timezone.now())
    sheet = ScoreSheet.objects.create(application=application, assessor=member,
                                      subcommittee=world.teams[1])
    item = application.answers.order_by("item__position").first().item
    score = ItemScore.objects.create(sheet=sheet, item=item)
    ItemPhoto.objects.create(item_score=score, blob=blob)
    return sha256


PARAMETERS = {"sha256": _photo_digest}
