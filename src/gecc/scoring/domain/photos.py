"""Photos members take on a visit: resumable uploads, stored once by SHA-256.

1. ``start_upload(user, sha256, size, content_type)``: the device declares the photo. Refused
   when the user may score no application now (:class:`UploadForbidden`, 403), when larger
   than ``SCORING_PHOTO_MAX_BYTES`` (:class:`PhotoTooLarge`, HTTP 413), when not declared as
   JPEG, PNG or WebP (:class:`PhotoNotImage`, 415), or when it would open more than
   ``MAX_OPEN_UPLOADS`` unfinished uploads of the user, or more than ``MAX_OPEN_BYTES`` declared
   in them together (:class:`TooManyUploads`, 429: finish those first; ``manage.py
   purge_photo_uploads`` deletes the ones left unfinished). When the bytes are already stored
   *and the user may already have them* (they uploaded them first, or may read a sheet that
   uses them, :func:`readable_blob`'s sheet rule) the upload is complete at once: nothing is
   sent again. Anyone else is answered exactly as for a new photo (nothing tells them the
   digest is known) and must send the bytes; the last step then keeps the stored copy.
2. ``receive_chunk(user, sha256, offset, data)``: bytes from ``offset`` on, which must be what
   the server has received so far (else :class:`WrongOffset`, 409, with the right offset, so
   a device that lost an answer resumes where the server is). Chunks go to a temporary file
   on disk under ``MEDIA_ROOT/scoring/uploads/`` (never held in memory).
3. When the last byte arrives the file must hash to the declared SHA-256 and Pillow must open
   it as JPEG, PNG or WebP (the content decides, not the declared type); otherwise the upload
   is reset to zero and :class:`PhotoRejected` (422) says why. A good file becomes a
   ``PhotoBlob`` in Django storage (``scoring/photos/<2>/<sha256>``), kept as sent.

A member may attach a photo to an item (a sync ``photo_add``) only once their own upload of
it is complete (``PhotoUpload`` of that member with ``completed_at``). A completed upload
therefore always means the member sent those bytes (or could already read them): knowing a
digest never gives the photo.

Pillow reads only the header before refusing an image whose declared pixel count is above
``PIL.Image.MAX_IMAGE_PIXELS`` (a decompression bomb: a small file that would fill memory
when decoded); the warning Pillow gives between that limit and twice it is an error here.
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from gecc.scoring.models import ItemPhoto, PhotoBlob, PhotoUpload, ScoreSheet

from .sheets import can_score_any, readable_sheets_q

IMAGE_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
FORMAT_TYPES = {fmt: content_type for content_type, fmt in IMAGE_TYPES.items()}
CHUNK_MAX = 1024 * 1024
# Unfinished uploads one user may hold open at once (a bound on the disk a member can take
# with part files): how many, and their declared sizes together.
MAX_OPEN_UPLOADS = 50
MAX_OPEN_BYTES = 200 * 1024 * 1024


class PhotoError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message, **extra):
        self.message = message
        self.extra = extra
        super().__init__(message)


class PhotoTooLarge(PhotoError):
    status, code = 413, "too_large"


class PhotoNotImage(PhotoError):
    status, code = 415, "not_image"


class PhotoRejected(PhotoError):
    """The finished bytes do not match the digest or are not an image: the upload starts
    over."""

    status, code = 422, "rejected"


class WrongOffset(PhotoError):
    status, code = 409, "wrong_offset"


class UploadNotFound(PhotoError):
    status, code = 404, "not_found"


class UploadForbidden(PhotoError):
    status, code = 403, "cannot_score"


class TooManyUploads(PhotoError):
    status, code = 429, "too_many_uploads"


def _too_large_message():
    return _("The photo is too large: at most %(mb)s MB.") % {
        "mb": f"{settings.SCORING_PHOTO_MAX_BYTES / (1024 * 1024):g}"}


def _not_image_message():
    return _("Only photos in JPEG, PNG or WebP format can be attached.")


def is_digest(value) -> bool:
    return isinstance(value, str) and len(value) == 64 and all(
        ch in "0123456789abcdef" for ch in value)


def upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "scoring" / "uploads"


def part_path(upload) -> Path:
    return upload_dir() / f"{upload.pk}.part"


def _discard(upload) -> None:
    part_path(upload).unlink(missing_ok=True)


@transaction.atomic
def start_upload(user, sha256, size, content_type) -> PhotoUpload:
    """Declare (or resume) the member's upload of a photo; see the module."""
    if not is_digest(sha256) or not isinstance(size, int) or isinstance(size, bool) \
            or size <= 0 or not isinstance(content_type, str):
        raise PhotoError(_("Send the photo's SHA-256 (64 lowercase hexadecimal digits), its "
                           "size in bytes and its type."))
    if size > settings.SCORING_PHOTO_MAX_BYTES:
        raise PhotoTooLarge(_too_large_message())
    if content_type.split(";")[0].strip().lower() not in IMAGE_TYPES:
        raise PhotoNotImage(_not_image_message())
    if not can_score_any(user):
        raise UploadForbidden(_("You have no application to score at the moment, so photos "
                                "cannot be uploaded."))
    upload = PhotoUpload.objects.select_for_update().filter(user=user, sha256=sha256).first()
    if upload is not None and upload.completed_at is not None and upload.blob_id is None:
        upload.delete()  # its photo was purged: start over
        upload = None
    if upload is not None and upload.completed_at is not None:
        return upload
    blob = PhotoBlob.objects.filter(sha256=sha256).first()
    if blob is not None and _may_have(user, blob):  # already stored: complete at once
        if upload is None:
            upload = PhotoUpload(user=user, sha256=sha256)
        else:
            _discard(upload)
        upload.size = upload.received = blob.size
        upload.content_type = blob.content_type
        upload.blob = blob
        upload.completed_at = timezone.now()
        upload.save()
        return upload
    _check_open_uploads(user, sha256, size)
    if upload is None:
        try:
            with transaction.atomic():
                return PhotoUpload.objects.create(user=user, sha256=sha256, size=size,
                                                  content_type=content_type[:100])
        except IntegrityError:
            upload = PhotoUpload.objects.select_for_update().get(user=user, sha256=sha256)
    if upload.size != size:  # declared again with another size: start over
        _discard(upload)
        upload.size, upload.received = size, 0
        upload.content_type = content_type[:100]
        upload.completed_at, upload.blob = None, None
        upload.save(update_fields=["size", "received", "content_type", "completed_at",
                                   "blob"])
    return upload


def _may_have(user, blob) -> bool:
    """Whether ``user`` may be handed the stored bytes without sending them: they uploaded
    them first, or may read a sheet that uses them."""
    return blob.uploaded_by_id == user.pk or _used_on_readable_sheet(user, blob)


def _check_open_uploads(user, sha256, size) -> None:
    """Refuse a new (or re-declared) unfinished upload over the user's allowance."""
    from django.db.models import Count, Sum

    totals = (PhotoUpload.objects.filter(user=user, completed_at__isnull=True)
              .exclude(sha256=sha256).aggregate(count=Count("pk"), size=Sum("size")))
    if totals["count"] >= MAX_OPEN_UPLOADS or (totals["size"] or 0) + size > MAX_OPEN_BYTES:
        raise TooManyUploads(_("Too many photos are waiting to be uploaded: finish sending "
                               "them before starting new ones."))


def upload_of(user, sha256) -> PhotoUpload:
    upload = PhotoUpload.objects.filter(user=user, sha256=sha256).first() \
        if is_digest(sha256) else None
    if upload is None:
        raise UploadNotFound(_("No upload of this photo was started."))
    return upload


def receive_chunk(user, sha256, offset, data: bytes) -> PhotoUpload:
    """Append ``data`` at ``offset`` of the member's upload; finish it after the last byte.
    A rejected photo's reset is kept (committed) before :class:`PhotoRejected` is raised."""
    upload, rejection = _receive(user, sha256, offset, data)
    if rejection is not None:
        raise rejection
    return upload


@transaction.atomic
def _receive(user, sha256, offset, data):
    if not is_digest(sha256):
        raise UploadNotFound(_("No upload of this photo was started."))
    upload = PhotoUpload.objects.select_for_update().filter(user=user, sha256=sha256).first()
    if upload is None:
        raise UploadNotFound(_("No upload of this photo was started."))
    if upload.completed_at is not None:
        return upload, None
    if len(data) > CHUNK_MAX:
        raise PhotoTooLarge(_("A chunk may hold at most 1 MB."))
    if offset != upload.received:
        raise WrongOffset(_("Send the photo from byte %(received)s on.")
                          % {"received": upload.received}, received=upload.received)
    if upload.received + len(data) > upload.size:
        raise PhotoTooLarge(_too_large_message() if upload.received + len(data)
                            > settings.SCORING_PHOTO_MAX_BYTES else
                            _("More bytes were sent than the photo's declared size."))
    path = part_path(upload)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "r+b" if path.exists() else "wb") as part:
        part.seek(offset)
        part.write(data)
        part.truncate()
    upload.received += len(data)
    if upload.received < upload.size:
        upload.save(update_fields=["received"])
        return upload, None
    return _finish(upload, path)


class _Unreadable(Exception):
    def __init__(self, message):
        self.message = message
        super().__init__(message)


def _bomb_message():
    return _("The photo has too many pixels to be checked safely: send a smaller photo.")


def _image_info(path) -> tuple[str, int, int]:
    """(content type, width, height) when Pillow reads the file as JPEG, PNG or WebP; else
    :class:`_Unreadable` with the reason."""
    import warnings

    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                fmt = image.format
                width, height = image.size
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _Unreadable(_bomb_message()) from None
    except Exception:  # noqa: BLE001 (any decoder error means "not an image we take")
        raise _Unreadable(_not_image_message()) from None
    if fmt not in FORMAT_TYPES:
        raise _Unreadable(_not_image_message())
    return FORMAT_TYPES[fmt], width, height


def _reset(upload, path, message) -> PhotoRejected:
    path.unlink(missing_ok=True)
    upload.received = 0
    upload.save(update_fields=["received"])
    return PhotoRejected(message)


def _finish(upload, path) -> PhotoUpload:
    digest = hashlib.sha256()
    with open(path, "rb") as part:
        for block in iter(lambda: part.read(1024 * 1024), b""):
            digest.update(block)
    if digest.hexdigest() != upload.sha256:
        return upload, _reset(upload, path, _("The photo arrived damaged (its SHA-256 does "
                                              "not match): send it again."))
    try:
        content_type, width, height = _image_info(path)
    except _Unreadable as error:
        return upload, _reset(upload, path, error.message)
    blob = PhotoBlob.objects.filter(sha256=upload.sha256).first()
    if blob is None:
        blob = PhotoBlob(sha256=upload.sha256, size=upload.size, content_type=content_type,
                         width=width, height=height, uploaded_by_id=upload.user_id)
        with open(path, "rb") as part:
            blob.file.save(upload.sha256, File(part), save=False)
        try:
            with transaction.atomic():
                blob.save()
        except IntegrityError:  # the same photo finished by someone else at this moment
            blob = PhotoBlob.objects.get(sha256=upload.sha256)
    path.unlink(missing_ok=True)
    upload.blob = blob
    upload.content_type = content_type
    upload.completed_at = timezone.now()
    upload.save(update_fields=["received", "blob", "content_type", "completed_at"])
    return upload, None


def readable_blob(user, sha256) -> PhotoBlob | None:
    """The photo when ``user`` may see a sheet that uses it (its member, co-members after
    submitting their own, the secretariat) or uploaded it themselves; else None."""
    if not is_digest(sha256):
        return None
    blob = PhotoBlob.objects.filter(sha256=sha256).first()
    if blob is None:
        return None
    if PhotoUpload.objects.filter(user_id=getattr(user, "pk", None), sha256=sha256,
                                  completed_at__isnull=False).exists():
        return blob
    return blob if _used_on_readable_sheet(user, blob) else None


def _used_on_readable_sheet(user, blob) -> bool:
    scope = readable_sheets_q(user)
    if scope is None:
        return False
    sheets = ScoreSheet.objects.filter(scope, pk=OuterRef("item_score__sheet_id"))
    return ItemPhoto.objects.filter(blob=blob).filter(Exists(sheets)).exists()


# -- purging what was left ----------------------------------------------------------------------

def purge(hours: float) -> tuple[int, int, int]:
    """Delete what uploads left behind for more than ``hours``: unfinished uploads (rows and
    part files), photos attached to no item (``PhotoBlob`` rows, their files and the completed
    uploads that point at them, so the device is asked for the bytes again) whose last upload
    finished before then, and part files of no upload. Returns the three counts. Run by
    ``manage.py purge_photo_uploads``."""
    import datetime

    cutoff = timezone.now() - datetime.timedelta(hours=hours)
    uploads = 0
    for pk in list(PhotoUpload.objects.filter(completed_at__isnull=True, created_at__lt=cutoff)
                   .values_list("pk", flat=True)):
        with transaction.atomic():
            upload = PhotoUpload.objects.select_for_update().filter(
                pk=pk, completed_at__isnull=True).first()
            if upload is None:
                continue
            _discard(upload)
            upload.delete()
            uploads += 1
    blobs = 0
    recent = PhotoUpload.objects.filter(blob_id=OuterRef("pk"), completed_at__gte=cutoff)
    unattached = (PhotoBlob.objects.filter(created_at__lt=cutoff)
                  .exclude(Exists(ItemPhoto.objects.filter(blob_id=OuterRef("pk"))))
                  .exclude(Exists(recent)))
    for pk in list(unattached.values_list("pk", flat=True)):
        with transaction.atomic():
            blob = unattached.select_for_update().filter(pk=pk).first()
            if blob is None:
                continue
            PhotoUpload.objects.filter(blob=blob).delete()
            name = blob.file.name
            storage = blob.file.storage
            blob.delete()
            storage.delete(name)
            blobs += 1
    parts = 0
    folder = upload_dir()
    if folder.is_dir():
        for path in folder.glob("*.part"):
            try:
                if path.stat().st_mtime >= cutoff.timestamp():
                    continue
                pk = uuid.UUID(path.stem)
            except (OSError, ValueError):
                continue
            if not PhotoUpload.objects.filter(pk=pk).exists():
                path.unlink(missing_ok=True)
                parts += 1
    return uploads, blobs, parts
