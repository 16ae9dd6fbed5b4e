"""Small real files of every kind, built in memory for the tests."""

import io
import zipfile

from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)


def pdf_bytes() -> bytes:
    return (b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
            b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n")


def zip_bytes(names) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, CONTENT_TYPES if name == "[Content_Types].xml" else "<x/>")
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return zip_bytes(["[Content_Types].xml", "_rels/.rels", "word/document.xml"])


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    workbook = Workbook()
    workbook.active["A1"] = "หลักฐาน"
    workbook.save(buffer)
    return buffer.getvalue()


def gps_exif(orientation=None):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    if orientation is not None:
        exif[ORIENTATION] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (18.0, 34.0, 49.0)  # Lamphun
    gps[3] = "E"
    gps[4] = (99.0, 0.0, 30.0)
    return exif


def jpeg_bytes(*, with_gps=True, orientation=None, size=(40, 20)) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    options = {"exif": gps_exif(orientation).tobytes()} if with_gps else {}
    image.save(buffer, format="JPEG", comment=b"taken at 18.58N 99.01E", **options)
    return buffer.getvalue()


def png_bytes(*, with_gps=True) -> bytes:
    from PIL.PngImagePlugin import PngInfo

    buffer = io.BytesIO()
    info = PngInfo()
    info.add_text("Location", "18.58N 99.01E")
    image = Image.new("RGBA", (10, 10), (0, 128, 0, 255))
    options = {"exif": gps_exif().tobytes()} if with_gps else {}
    image.save(buffer, format="PNG", pnginfo=info, **options)
    return buffer.getvalue()
