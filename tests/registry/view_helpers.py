"""Helpers for the registry screen tests."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.registry.factories import OrganizationFactory, ServiceUnitFactory

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def unit_in_lamphun(**kwargs):
    """A unit in ตำบลบ้านโฮ่ง, อำเภอบ้านโฮ่ง, ลำพูน (510301, postcode 51130)."""
    return ServiceUnitFactory(**kwargs)


def upload(name, content, content_type="text/csv"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def unit_form_data(**changes):
    organization = changes.pop("organization", None) or OrganizationFactory()
    data = {
        "code": "LPN-NEW-01", "organization": organization.pk,
        "name_th": "ศูนย์บริการร่วม อำเภอบ้านโฮ่ง", "name_en": "Ban Hong service centre",
        "unit_type": "district_office", "address": "99 หมู่ 1 ถนนลำพูน-ลี้",
        "province": "51", "district": "5103", "subdistrict": "510301",
        "subdistrict_code": "", "postcode": "51130", "latitude": "18.330860",
        "longitude": "98.819250", "phone": "053 980 123", "email": "banhong@example.go.th",
        "opening_hours": "จันทร์–ศุกร์ 08:30–16:30", "services": "ทะเบียนราษฎร\nบัตรประชาชน",
    }
    data.update(changes)
    return data
