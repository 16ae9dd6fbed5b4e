"""Portal test data: criteria documents of a chosen size, small PDFs, frozen time."""

import copy

from django.core.files.uploadedfile import SimpleUploadedFile

from gecc.criteria.domain.editions import load_edition
from tests.criteria.factories import small_document


def pdf_bytes() -> bytes:
    return (b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
            b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n"
            b"%%EOF\n")


def pdf_upload(name="หลักฐาน.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def sized_version(items_per_category: int, label="2598"):
    """A criteria version whose two categories have ``items_per_category`` items each, all
    applying to every unit type, with guidance and expected evidence."""
    document = small_document(label=label)
    for category in document["categories"]:
        criterion = category["criteria"][0]
        category["criteria"] = [criterion]
        template = copy.deepcopy(criterion["items"][0])
        items = []
        for number in range(1, items_per_category + 1):
            item = copy.deepcopy(template)
            item.pop("applies_to", None)
            item.update({"ref": f"{criterion['ref']}.{number}", "mandatory": number == 1,
                         "met_score": 2,
                         "guidance_th": "คำแนะนำ", "evidence_th": "เอกสารหลักฐาน"})
            items.append(item)
        criterion["items"] = items
    return load_edition(document).version
