"""Checks on uploaded files that more than one app needs."""

import io
import zipfile

# An XLSX/DOCX of a few MB unpacks to a few tens of MB; a "zip bomb" to gigabytes.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024


class ArchiveTooLarge(ValueError):
    """The archive would unpack to more than the limit."""


def check_zip_unpacked_size(data: bytes, limit: int = MAX_UNPACKED_BYTES) -> int:
    """The total unpacked size of a ZIP archive (XLSX, DOCX), read from its directory
    without unpacking anything. zipfile never unpacks more than a member's declared size,
    so the declared sizes can be trusted. Raises ``zipfile.BadZipFile`` for a damaged
    archive and ``ArchiveTooLarge`` past ``limit``."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(member.file_size for member in archive.infolist())
    if unpacked > limit:
        raise ArchiveTooLarge(f"unpacks to {unpacked} bytes (limit {limit})")
    return unpacked
