"""Checking and preparing an evidence file before it is stored. No database here.

The type of a file is decided by its content, never by its name: a PDF starts with
``%PDF-``, a JPEG with ``FF D8 FF``, a PNG with its 8-byte signature, and DOCX/XLSX are
ZIP archives holding ``[Content_Types].xml`` and ``word/document.xml`` or
``xl/workbook.xml``. Everything else is refused with a message naming the allowed types.

DOCX/XLSX archives are checked before anything is unpacked (``gecc.common.files``): the
sizes declared in their directory must stay under ``UPLOAD_ZIP_MAX_UNPACKED_BYTES`` and
``UPLOAD_ZIP_MAX_RATIO`` (no "zip bombs"), and a document carrying macros (``vbaProject.bin``,
macro sheets, a .docm/.xlsm content type) is refused.

Photos (JPEG, PNG) are re-saved through Pillow with the orientation applied and every
metadata block dropped (EXIF with its GPS position, XMP, comments, PNG text chunks), so the
stored bytes, and the SHA-256 kept for them, never carry the place a photo was taken.
"""

import hashlib
import io
import re
import warnings
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from gecc.common.files import ArchiveTooLarge, check_archive, macro_parts

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
HEAD_BYTES = 8192
CHUNK_BYTES = 64 * 1024

PDF, JPEG, PNG, DOCX, XLSX = "pdf", "jpeg", "png", "docx", "xlsx"
# detected type → (MIME type, file extension, label shown to people)
TYPES = {
    PDF: ("application/pdf", "pdf", "PDF"),
    JPEG: ("image/jpeg", "jpg", "JPEG"),
    PNG: ("image/png", "png", "PNG"),
    DOCX: ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           "docx", "DOCX"),
    XLSX: ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "XLSX"),
}
IMAGE_TYPES = (JPEG, PNG)
# The HTML accept attribute of the upload field: a hint for the browser, nothing more.
ACCEPT = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx," + ",".join(mime for mime, _e, _l in TYPES.values())

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
PDF_SIGNATURE = b"%PDF-"
ZIP_SIGNATURE = b"PK\x03\x04"
OOXML_CONTENT_TYPES = "[Content_Types].xml"
DOCX_PART = "word/document.xml"
XLSX_PART = "xl/workbook.xml"
# Image metadata that is kept when a photo is re-saved: none of it says where or who.
KEPT_IMAGE_INFO = ("icc_profile", "dpi", "transparency")


class EvidenceRejected(ValueError):
    """The file cannot be kept as evidence; ``str(exc)`` is the message for the user."""


def mime_type(kind: str) -> str:
    return TYPES[kind][0]


def extension(kind: str) -> str:
    return TYPES[kind][1]


def type_label(kind: str) -> str:
    return TYPES.get(kind, (None, None, kind.upper()))[2]


def max_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def not_allowed_message() -> str:
    return _("This type of file cannot be used as evidence. Allowed types: PDF, JPEG, PNG, "
             "DOCX and XLSX.")


def too_big_message(limit: int) -> str:
    megabytes = limit / (1024 * 1024)
    text = f"{megabytes:.0f}" if megabytes >= 1 and megabytes == int(megabytes) \
        else f"{megabytes:.2f}".rstrip("0").rstrip(".")
    return _("The file is too big. The largest file allowed is %(size)s MB.") % {"size": text}


def empty_message() -> str:
    return _("The file is empty. Choose a file that has content.")


def macros_message() -> str:
    return _("This Office file contains macros, which can run harmful code. Save it without "
             "macros (as .docx or .xlsx, or as PDF) and upload it again.")


def archive_too_large_message(exc: ArchiveTooLarge) -> str:
    if exc.reason == "ratio":
        return _("This file is compressed far more than ordinary documents (more than "
                 "%(ratio)s times), so it is refused for safety. Save it again, for example "
                 "as PDF, and upload it again.") % {"ratio": exc.limit}
    megabytes = max(1, round(exc.limit / (1024 * 1024)))
    return _("This file unpacks to more than %(size)s MB, which is more than allowed. Save it "
             "again, for example as PDF, and upload it again.") % {"size": megabytes}


def check_office_archive(stream, kind: str) -> None:
    """Refuse a DOCX/XLSX that carries macros. ``stream`` is left at its start."""
    if kind in (DOCX, XLSX) and macro_parts(stream):
        raise EvidenceRejected(macros_message())


def detect_type(head_bytes: bytes, zip_names=None) -> str:
    """The type of a file from its first bytes (and, for a ZIP, the names inside it).

    ``zip_names`` lists the members of the archive when the file is a ZIP; without it the
    head is opened as a ZIP itself (enough when the head is the whole file). Returns one of
    ``pdf``, ``jpeg``, ``png``, ``docx``, ``xlsx``; raises :class:`EvidenceRejected`
    for anything else (executables, scripts, HTML, legacy Office files, other archives).
    """
    head = bytes(head_bytes or b"")
    if head.startswith(PDF_SIGNATURE):
        return PDF
    if head.startswith(JPEG_SIGNATURE):
        return JPEG
    if head.startswith(PNG_SIGNATURE):
        return PNG
    if head.startswith(ZIP_SIGNATURE):
        if zip_names is None:
            zip_names = _zip_names(io.BytesIO(head))
        names = set(zip_names or ())
        if OOXML_CONTENT_TYPES in names:
            if DOCX_PART in names:
                return DOCX
            if XLSX_PART in names:
                return XLSX
    raise EvidenceRejected(not_allowed_message())


def _zip_names(stream) -> list[str]:
    try:
        with zipfile.ZipFile(stream) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return []


def sha256_of(file) -> str:
    """The SHA-256 (hex) of a Django ``File``, read in chunks from the start."""
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks(CHUNK_BYTES):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def strip_image_metadata(data: bytes, kind: str) -> bytes:
    """The photo re-encoded with its orientation applied and no metadata (no EXIF/GPS, no
    XMP, no comments, no PNG text chunks). Raises :class:`EvidenceRejected` when the bytes
    are not a readable image of that type."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            image.load()
            fmt = image.format
            if fmt != {JPEG: "JPEG", PNG: "PNG"}[kind]:
                raise EvidenceRejected(not_allowed_message())
            orientation = image.getexif().get(0x0112, 1)
            upright = ImageOps.exif_transpose(image) if orientation not in (0, 1) else image
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        if isinstance(exc, EvidenceRejected):
            raise
        raise EvidenceRejected(_("The image could not be read. Please upload it again.")) from exc
    upright.info = {key: value for key, value in image.info.items() if key in KEPT_IMAGE_INFO}
    out = io.BytesIO()
    if kind == JPEG:
        options = {"quality": 95}
        if upright is image:
            # Unchanged pixels: keep the original compression so the photo loses nothing.
            options = {"quality": "keep", "subsampling": "keep"}
        upright.save(out, format="JPEG", exif=b"", **options)
    else:
        upright.save(out, format="PNG", optimize=False)
    return out.getvalue()


@dataclass
class PreparedFile:
    """An accepted file, ready to be stored: ``content`` is what goes to storage."""

    kind: str
    content: File
    size: int
    sha256: str
    original_name: str

    @property
    def content_type(self) -> str:
        return mime_type(self.kind)

    @property
    def extension(self) -> str:
        return extension(self.kind)


MAX_NAME_CHARACTERS = 255


def shorten_name(name: str, limit: int = MAX_NAME_CHARACTERS) -> str:
    """``name`` cut to ``limit`` characters, keeping a short extension (``….pdf``)."""
    if len(name) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    if dot and stem and 0 < len(ext) <= 16:
        return stem[: limit - len(ext) - 2].rstrip() + "…." + ext
    return name[: limit - 1] + "…"


def original_name_of(uploaded_file) -> str:
    return shorten_name(original_name_of_text(getattr(uploaded_file, "name", "")))


def prepare_upload(uploaded_file, *, limit: int | None = None) -> PreparedFile:
    """Check an uploaded file and return what to store, or raise :class:`EvidenceRejected`.

    The size is checked first, before anything is read: the announced
    ``uploaded_file.size`` and then the real length of the stream; then
    the type from the content (a DOCX/XLSX archive's declared sizes and macros first);
    photos are stripped of metadata; then the SHA-256 of the
    bytes that will be stored is computed in chunks.
    """
    limit = max_bytes() if limit is None else limit
    claimed = getattr(uploaded_file, "size", None)
    if claimed is not None and claimed > limit:
        raise EvidenceRejected(too_big_message(limit))
    # ``size`` is only what the upload handler (or a caller) says: the bytes decide.
    size = stored_size(uploaded_file)
    if size > limit:
        raise EvidenceRejected(too_big_message(limit))
    if size == 0:
        raise EvidenceRejected(empty_message())
    uploaded_file.seek(0)
    head = uploaded_file.read(HEAD_BYTES)
    uploaded_file.seek(0)
    if not head:
        raise EvidenceRejected(empty_message())
    zip_names = None
    stream = uploaded_file.file if hasattr(uploaded_file, "file") else uploaded_file
    if head.startswith(ZIP_SIGNATURE):
        try:
            zip_names = check_archive(stream).names
        except ArchiveTooLarge as exc:
            raise EvidenceRejected(archive_too_large_message(exc)) from exc
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            zip_names = []
        uploaded_file.seek(0)
    kind = detect_type(head, zip_names)
    if zip_names:
        try:
            check_office_archive(stream, kind)
        except (zipfile.BadZipFile, OSError, EOFError, KeyError):
            raise EvidenceRejected(not_allowed_message()) from None
        uploaded_file.seek(0)
    name = original_name_of(uploaded_file)
    if kind in IMAGE_TYPES:
        cleaned = strip_image_metadata(uploaded_file.read(), kind)
        uploaded_file.seek(0)
        if len(cleaned) > limit:
            raise EvidenceRejected(too_big_message(limit))
        content = ContentFile(cleaned)
    else:
        content = uploaded_file if isinstance(uploaded_file, File) else File(uploaded_file)
    return PreparedFile(kind=kind, content=content, size=content.size if kind in IMAGE_TYPES
                        else size, sha256=sha256_of(content), original_name=name)


def stored_size(file) -> int:
    """How many bytes ``file`` really holds, from the end of its stream (nothing is read)."""
    file.seek(0, io.SEEK_END)
    size = file.tell()
    file.seek(0)
    return size


UNSAFE_NAME_CHARACTERS = re.compile(r'[\x00-\x1f\x7f\\/:*?"<>|;]+')


def download_name(original_name: str, kind: str) -> str:
    """The name a download is saved under: the uploaded name without path, control or
    quoting characters, with the extension of the detected type (``รายงาน.pdf``)."""
    stem = original_name_of_text(original_name)
    if "." in stem:
        stem = stem.rsplit(".", 1)[0]
    stem = UNSAFE_NAME_CHARACTERS.sub("_", stem)
    stem = " ".join(stem.split()).strip(" ._")[:150] or "evidence"
    return f"{stem}.{extension(kind)}"


def original_name_of_text(name: str) -> str:
    return str(name or "").replace("\\", "/").rsplit("/", 1)[-1]
