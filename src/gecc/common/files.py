"""Checks on uploaded files that more than one app needs.

Office documents (DOCX, XLSX) are ZIP archives. Before anything opens one (openpyxl, the
evidence checks) the archive's central directory is read, nothing unpacked:

- the sizes it declares must add up to at most ``UPLOAD_ZIP_MAX_UNPACKED_BYTES``
  (default 100 MB), and
- unpacked/packed must stay at most ``UPLOAD_ZIP_MAX_RATIO`` (default 100:1) for an archive
  that unpacks to more than ``RATIO_FLOOR_BYTES`` (1 MB): ordinary DOCX/XLSX files stay well
  under 20:1, a "zip bomb" (1 MB unpacking to 1 GB) is around 1000:1.

zipfile never unpacks more than a member's declared size (a member that holds more fails its
CRC check), so the declared sizes can be trusted by whatever reads the archive afterwards.

Macro-bearing Office files (``vbaProject.bin``, Excel 4.0 macro sheets, the ``.docm``/
``.xlsm`` content types) are recognised by :func:`macro_parts`.
"""

import io
import zipfile
from dataclasses import dataclass

from django.conf import settings

# The documented defaults; settings.UPLOAD_ZIP_MAX_UNPACKED_BYTES / UPLOAD_ZIP_MAX_RATIO win.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_RATIO = 100
# Below this many unpacked bytes the ratio is not checked: nothing that small can hurt.
RATIO_FLOOR_BYTES = 1024 * 1024
CONTENT_TYPES_PART = "[Content_Types].xml"
# Part names (lower case) that hold macros: VBA projects (Word, Excel, PowerPoint) and their
# signatures' data, and Excel 4.0 (XLM) macro sheets.
MACRO_PART_SUFFIXES = ("vbaproject.bin", "vbadata.xml", "vbaprojectsignature.bin")
MACRO_PART_FOLDERS = ("xl/macrosheets/",)
# Content types that only macro-enabled documents declare (.docm, .xlsm, .pptm, .dotm …).
MACRO_CONTENT_TYPE_MARKERS = (b"macroenabled", b"vnd.ms-office.vbaproject",
                              b"ms-excel.macrosheet", b"ms-excel.intlmacrosheet")


class ArchiveTooLarge(ValueError):
    """The archive would unpack to more than the limit, or is packed suspiciously tightly.
    ``reason`` is ``"size"`` or ``"ratio"``; ``limit`` is the limit that was passed."""

    def __init__(self, message, *, reason="size", unpacked=0, packed=0, limit=0):
        super().__init__(message)
        self.reason, self.unpacked, self.packed, self.limit = reason, unpacked, packed, limit


@dataclass(frozen=True)
class ArchiveSummary:
    names: list
    unpacked: int
    packed: int


def max_unpacked_bytes() -> int:
    return int(getattr(settings, "UPLOAD_ZIP_MAX_UNPACKED_BYTES", MAX_UNPACKED_BYTES))


def max_ratio() -> int:
    return int(getattr(settings, "UPLOAD_ZIP_MAX_RATIO", MAX_RATIO))


def _open(source):
    if isinstance(source, bytes | bytearray | memoryview):
        return zipfile.ZipFile(io.BytesIO(bytes(source)))
    return zipfile.ZipFile(source)


def check_archive(source, *, max_unpacked=None, ratio=None) -> ArchiveSummary:
    """Read a ZIP archive's directory (``source``: bytes or a seekable binary stream) and
    check the declared sizes against the limits (the settings when not given). Raises
    ``zipfile.BadZipFile`` for a damaged archive and :class:`ArchiveTooLarge` past a limit.
    A stream is left at its start."""
    max_unpacked = max_unpacked_bytes() if max_unpacked is None else max_unpacked
    ratio = max_ratio() if ratio is None else ratio
    try:
        with _open(source) as archive:
            members = archive.infolist()
    finally:
        if hasattr(source, "seek"):
            source.seek(0)
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    if unpacked > max_unpacked:
        raise ArchiveTooLarge(f"unpacks to {unpacked} bytes (limit {max_unpacked})",
                              reason="size", unpacked=unpacked, packed=packed,
                              limit=max_unpacked)
    if ratio and unpacked > RATIO_FLOOR_BYTES and unpacked > ratio * max(packed, 1):
        raise ArchiveTooLarge(
            f"unpacks to {unpacked} bytes from {packed} packed bytes "
            f"(more than {ratio} times; limit {ratio}:1)",
            reason="ratio", unpacked=unpacked, packed=packed, limit=ratio)
    return ArchiveSummary(names=[member.filename for member in members], unpacked=unpacked,
                          packed=packed)


def check_zip_unpacked_size(data: bytes, limit: int | None = None, *, ratio=None) -> int:
    """The total unpacked size of a ZIP archive (XLSX, DOCX) after :func:`check_archive`
    (size limit ``limit``, default the setting; ratio limit the setting)."""
    return check_archive(data, max_unpacked=limit, ratio=ratio).unpacked


def macro_parts(source, names=None) -> list[str]:
    """The parts of an Office (OOXML) archive that carry macros, empty when there are none:
    ``vbaProject.bin`` (or its data/signature) anywhere, Excel 4.0 macro sheets, or a
    ``[Content_Types].xml`` declaring a macro-enabled document (.docm, .xlsm …). ``source``
    is bytes or a seekable stream (left at its start); ``names`` the member names if known."""
    found = []
    try:
        with _open(source) as archive:
            names = archive.namelist() if names is None else names
            for name in names:
                lower = name.lower()
                if lower.endswith(MACRO_PART_SUFFIXES) or lower.startswith(MACRO_PART_FOLDERS):
                    found.append(name)
            if CONTENT_TYPES_PART in names:
                info = archive.getinfo(CONTENT_TYPES_PART)
                if info.file_size <= 1024 * 1024:  # the real one is a few kB
                    declared = archive.read(CONTENT_TYPES_PART).lower()
                    if any(marker in declared for marker in MACRO_CONTENT_TYPE_MARKERS):
                        found.append(CONTENT_TYPES_PART)
    finally:
        if hasattr(source, "seek"):
            source.seek(0)
    return found
