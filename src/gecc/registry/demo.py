"""Demo registry: the eight Lamphun service units assessed by sub-committee 5 in 2563
(the news item the product grew from), under their real parent bodies."""

from django.db import transaction

from gecc.accounts.models import User
from gecc.registry.enums import OrganizationKind, UnitType
from gecc.registry.models import Organization, ServiceUnit

DEMO_COORDINATOR_EMAIL = "coordinator@demo.gecc.local"

# code, Thai name, English name, kind, parent code
# The abbreviations people search by (Organization.abbreviation).
ABBREVIATIONS = {"MOI": "มท.", "MOT": "คค.", "MDES": "ดศ.", "MOF": "กค.", "PEA": "กฟภ.",
                 "DLT": "ขบ.", "TOT": "ทีโอที", "BAAC": "ธ.ก.ส.", "EXCISE": "สสม."}

ORGANIZATIONS = [
    ("MOI", "กระทรวงมหาดไทย", "Ministry of Interior", OrganizationKind.MINISTRY, None),
    ("MOT", "กระทรวงคมนาคม", "Ministry of Transport", OrganizationKind.MINISTRY, None),
    ("MDES", "กระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคม", "Ministry of Digital Economy and Society",
     OrganizationKind.MINISTRY, None),
    ("MOF", "กระทรวงการคลัง", "Ministry of Finance", OrganizationKind.MINISTRY, None),
    ("PEA", "การไฟฟ้าส่วนภูมิภาค", "Provincial Electricity Authority",
     OrganizationKind.STATE_ENTERPRISE, "MOI"),
    ("DLT", "กรมการขนส่งทางบก", "Department of Land Transport", OrganizationKind.DEPARTMENT,
     "MOT"),
    ("TOT", "บริษัท ทีโอที จำกัด (มหาชน)", "TOT Public Company Limited",
     OrganizationKind.STATE_ENTERPRISE, "MDES"),
    ("BAAC", "ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร (ธ.ก.ส.)",
     "Bank for Agriculture and Agricultural Co-operatives", OrganizationKind.STATE_ENTERPRISE,
     "MOF"),
    ("EXCISE", "กรมสรรพสามิต", "Excise Department", OrganizationKind.DEPARTMENT, "MOF"),
]

# code, organisation, Thai name, English name, type, subdistrict, postcode, address
UNITS = [
    ("LPN-PEA-01", "PEA", "การไฟฟ้าส่วนภูมิภาค จังหวัดลำพูน", "PEA Lamphun Provincial Office",
     UnitType.STATE_ENTERPRISE_BRANCH, "510107", "51000", "ถนนลำพูน–ป่าซาง"),
    ("LPN-DLT-01", "DLT", "สำนักงานขนส่งจังหวัดลำพูน", "Lamphun Provincial Land Transport Office",
     UnitType.PROVINCIAL_OFFICE, "510102", "51000", "ถนนเลี่ยงเมืองลำพูน"),
    ("LPN-TOT-01", "TOT", "ศูนย์บริการลูกค้า ทีโอที สาขาลำพูน", "TOT Service Centre Lamphun",
     UnitType.STATE_ENTERPRISE_BRANCH, "510101", "51000", "ถนนอินทยงยศ"),
    ("LPN-BAAC-BANHONG", "BAAC", "ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร สาขาบ้านโฮ่ง",
     "BAAC Ban Hong Branch", UnitType.STATE_ENTERPRISE_BRANCH, "510301", "51130", ""),
    ("LPN-EXCISE-BANHONG", "EXCISE", "สำนักงานสรรพสามิตพื้นที่ลำพูน สาขาบ้านโฮ่ง",
     "Lamphun Area Excise Office, Ban Hong Branch", UnitType.BRANCH, "510301", "51130", ""),
    ("LPN-BAAC-BANTHI", "BAAC", "ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร สาขาบ้านธิ",
     "BAAC Ban Thi Branch", UnitType.STATE_ENTERPRISE_BRANCH, "510701", "51180", ""),
    ("LPN-BAAC-MAETHA", "BAAC", "ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร สาขาแม่ทา",
     "BAAC Mae Tha Branch", UnitType.STATE_ENTERPRISE_BRANCH, "510201", "51140", ""),
    ("LPN-BAAC-LAMPHUN", "BAAC", "ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร สาขาลำพูน",
     "BAAC Lamphun Branch", UnitType.STATE_ENTERPRISE_BRANCH, "510101", "51000", ""),
]

SERVICES = {
    "PEA": "ขอใช้ไฟฟ้า\nชำระค่าไฟฟ้า\nแจ้งเหตุไฟฟ้าขัดข้อง",
    "DLT": "ต่ออายุใบอนุญาตขับรถ\nชำระภาษีรถประจำปี\nจดทะเบียนรถใหม่",
    "TOT": "ขอติดตั้งโทรศัพท์และอินเทอร์เน็ต\nชำระค่าบริการ",
    "BAAC": "ฝาก–ถอนเงิน\nสินเชื่อเพื่อการเกษตร",
    "EXCISE": "ชำระภาษีสรรพสามิต\nขออนุญาตขายสุราและยาสูบ",
}


@transaction.atomic
def load_lamphun_demo():
    """Create or refresh the demo organisations and the eight Lamphun units (idempotent).
    Returns the units, in the order of the news item."""
    from gecc.geography.models import Subdistrict

    organizations = {}
    for code, name_th, name_en, kind, parent in ORGANIZATIONS:
        org, _created = Organization.objects.update_or_create(
            code=code, defaults={"name_th": name_th, "name_en": name_en, "kind": kind,
                                 "abbreviation": ABBREVIATIONS.get(code, ""),
                                 "parent": organizations.get(parent), "is_active": True})
        organizations[code] = org
    coordinator = User.objects.filter(email=DEMO_COORDINATOR_EMAIL).first()
    units = []
    for code, org, name_th, name_en, unit_type, sub_code, postcode, address in UNITS:
        subdistrict = Subdistrict.objects.select_related("district").get(code=sub_code)
        district = subdistrict.district
        unit, _created = ServiceUnit.objects.update_or_create(
            code=code,
            defaults={
                "organization": organizations[org], "name_th": name_th, "name_en": name_en,
                "unit_type": unit_type, "subdistrict": subdistrict, "district": district,
                "province_id": subdistrict.province_id, "postcode": postcode,
                "address": address, "latitude": district.latitude,
                "longitude": district.longitude, "opening_hours": "จันทร์–ศุกร์ 08.30–16.30 น.",
                "services": SERVICES[org], "is_active": True,
            })
        if coordinator is not None:
            unit.coordinators.add(coordinator)
        units.append(unit)
    return units
