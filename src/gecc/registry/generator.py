"""A realistic national-scale registry for trying the system at full size.

Everything it makes has a code starting with ``GEN-``; running it again replaces those rows
(or leaves them, if other records already point to them). Units are spread over all 77
provinces in proportion to their number of subdistricts, with Thai names such as
"สำนักงานที่ดินจังหวัดลำพูน สาขาบ้านโฮ่ง" or "ธ.ก.ส. สาขาแม่ทา".
"""

import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import ProtectedError

from gecc.common.db import analyze
from gecc.registry.domain.search import unit_search_text
from gecc.registry.domain.validation import COORDINATE_PLACES, LATITUDE_RANGE, LONGITUDE_RANGE
from gecc.registry.enums import OrganizationKind, UnitType

PREFIX = "GEN-"
T = UnitType

# The abbreviations people search by, by organisation code (without the prefix).
ABBREVIATIONS = {
    "MOI": "มท.", "DOPA": "ปค.", "DOL": "ทด.", "PEA": "กฟภ.", "PWA": "กปภ.", "MOF": "กค.",
    "BAAC": "ธ.ก.ส.", "GSB": "ออมสิน", "RD": "สรรพากร", "EXCISE": "สสม.", "MOT": "คค.",
    "DLT": "ขบ.", "MOPH": "สธ.", "OPS-MOPH": "สป.สธ.", "MOL": "รง.", "SSO": "สปส.",
    "DGA": "สพร.",
}

# ministry code, Thai, English, [(department code, Thai, English, kind, [(weight, type, template)])]
TREE = [
    ("MOI", "กระทรวงมหาดไทย", "Ministry of Interior", [
        ("DOPA", "กรมการปกครอง", "Department of Provincial Administration",
         OrganizationKind.DEPARTMENT, [(10, T.DISTRICT_OFFICE, "ที่ว่าการอำเภอ{district}")]),
        ("DOL", "กรมที่ดิน", "Department of Lands", OrganizationKind.DEPARTMENT, [
            (2, T.PROVINCIAL_OFFICE, "สำนักงานที่ดินจังหวัด{province}"),
            (6, T.BRANCH, "สำนักงานที่ดินจังหวัด{province} สาขา{district}")]),
        ("PEA", "การไฟฟ้าส่วนภูมิภาค", "Provincial Electricity Authority",
         OrganizationKind.STATE_ENTERPRISE,
         [(9, T.STATE_ENTERPRISE_BRANCH, "การไฟฟ้าส่วนภูมิภาคอำเภอ{district}")]),
        ("PWA", "การประปาส่วนภูมิภาค", "Provincial Waterworks Authority",
         OrganizationKind.STATE_ENTERPRISE,
         [(6, T.STATE_ENTERPRISE_BRANCH, "การประปาส่วนภูมิภาคสาขา{district}")]),
    ]),
    ("MOF", "กระทรวงการคลัง", "Ministry of Finance", [
        ("BAAC", "ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร", "Bank for Agriculture and "
         "Agricultural Co-operatives", OrganizationKind.STATE_ENTERPRISE,
         [(12, T.STATE_ENTERPRISE_BRANCH, "ธ.ก.ส. สาขา{district}")]),
        ("GSB", "ธนาคารออมสิน", "Government Savings Bank", OrganizationKind.STATE_ENTERPRISE,
         [(10, T.STATE_ENTERPRISE_BRANCH, "ธนาคารออมสิน สาขา{district}")]),
        ("RD", "กรมสรรพากร", "Revenue Department", OrganizationKind.DEPARTMENT,
         [(6, T.BRANCH, "สำนักงานสรรพากรพื้นที่สาขา{district}")]),
        ("EXCISE", "กรมสรรพสามิต", "Excise Department", OrganizationKind.DEPARTMENT,
         [(4, T.BRANCH, "สำนักงานสรรพสามิตพื้นที่{province} สาขา{district}")]),
    ]),
    ("MOT", "กระทรวงคมนาคม", "Ministry of Transport", [
        ("DLT", "กรมการขนส่งทางบก", "Department of Land Transport", OrganizationKind.DEPARTMENT, [
            (2, T.PROVINCIAL_OFFICE, "สำนักงานขนส่งจังหวัด{province}"),
            (3, T.BRANCH, "สำนักงานขนส่งจังหวัด{province} สาขาอำเภอ{district}")]),
    ]),
    ("MOPH", "กระทรวงสาธารณสุข", "Ministry of Public Health", [
        ("OPS-MOPH", "สำนักงานปลัดกระทรวงสาธารณสุข", "Office of the Permanent Secretary, "
         "Ministry of Public Health", OrganizationKind.DEPARTMENT,
         [(10, T.HOSPITAL, "โรงพยาบาล{district}")]),
    ]),
    ("MOL", "กระทรวงแรงงาน", "Ministry of Labour", [
        ("SSO", "สำนักงานประกันสังคม", "Social Security Office", OrganizationKind.DEPARTMENT, [
            (2, T.PROVINCIAL_OFFICE, "สำนักงานประกันสังคมจังหวัด{province}"),
            (2, T.BRANCH, "สำนักงานประกันสังคมจังหวัด{province} สาขา{district}")]),
    ]),
    ("DGA", "สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)", "Digital Government Development "
     "Agency", [
        ("DGA-CTR", "ศูนย์บริการภาครัฐแบบเบ็ดเสร็จ", "Government one-stop service centres",
         OrganizationKind.OTHER, [(3, T.ONE_STOP_SERVICE_CENTRE, "ศูนย์บริการร่วม{province}")]),
    ]),
]


@dataclass
class GenerateResult:
    organizations: int = 0
    units: int = 0
    replaced: int = 0
    skipped: bool = False


def _clear_generated():
    """Delete the GEN- rows quickly; ProtectedError if other records point to them."""
    from gecc.registry.models import Organization, ServiceUnit

    generated = ServiceUnit.objects.filter(code__startswith=PREFIX)
    # Anything else pointing to a generated unit (assessments, applications...) protects it.
    for relation in ServiceUnit._meta.related_objects:
        if relation.many_to_many:
            continue
        lookup = {f"{relation.field.name}__code__startswith": PREFIX}
        if relation.related_model._default_manager.filter(**lookup).exists():
            raise ProtectedError("Generated units are referenced", set())
    through = ServiceUnit.coordinators.through
    through.objects.filter(serviceunit__code__startswith=PREFIX).delete()
    replaced = generated._raw_delete(generated.db)
    while True:
        leaves = Organization.objects.filter(code__startswith=PREFIX, children__isnull=True)
        if not leaves.exists():
            break
        leaves.delete()
    return replaced


def _point(base, rng, spread, bounds):
    value = (base or (bounds[0] + bounds[1]) / 2) + Decimal(str(rng.uniform(-spread, spread)))
    return min(max(value, bounds[0]), bounds[1]).quantize(COORDINATE_PLACES)


@transaction.atomic
def generate_national_data(units=20000, seed=2563):
    """Replace the ``GEN-`` organisations and units with a fresh generated set."""
    from gecc.geography.models import District, Province, Subdistrict
    from gecc.registry.models import Organization, ServiceUnit

    result = GenerateResult()
    try:
        with transaction.atomic():
            result.replaced = _clear_generated()
    except ProtectedError:
        result.skipped = True
        return result
    rng = random.Random(seed)

    ministries, departments, templates, organization_parts = [], [], [], {}
    for code, name_th, name_en, children in TREE:
        ministry = Organization(code=PREFIX + code, name_th=name_th, name_en=name_en,
                                abbreviation=ABBREVIATIONS.get(code, ""),
                                kind=OrganizationKind.MINISTRY)
        ministry.search_text = ministry.compute_search_text()
        ministries.append(ministry)
        for child_code, child_th, child_en, kind, unit_templates in children:
            department = Organization(code=PREFIX + child_code, name_th=child_th,
                                      name_en=child_en, kind=kind,
                                      abbreviation=ABBREVIATIONS.get(child_code, ""))
            department.search_text = department.compute_search_text()
            departments.append((code, department))
            organization_parts[department.code] = department.search_parts()
            templates += [(weight, department.code, unit_type, template)
                          for weight, unit_type, template in unit_templates]
    Organization.objects.bulk_create(ministries)
    ministry_ids = {m.code: m.pk for m in Organization.objects.filter(
        code__in=[m.code for m in ministries])}
    for ministry_code, department in departments:
        department.parent_id = ministry_ids[PREFIX + ministry_code]
    Organization.objects.bulk_create([d for _, d in departments])
    result.organizations = len(ministries) + len(departments)
    org_ids = dict(Organization.objects.filter(code__startswith=PREFIX)
                   .values_list("code", "id"))

    provinces = {p.code: p for p in Province.objects.all()}
    districts = {d.code: d for d in District.objects.all()}
    by_district = {}
    for sub in Subdistrict.objects.only("code", "district_id", "province_id", "postcodes"):
        by_district.setdefault(sub.district_id, []).append(sub)
    by_province = {}
    for code in by_district:
        by_province.setdefault(districts[code].province_id, []).append(code)
    province_codes = sorted(by_province)
    weights = [sum(len(by_district[d]) for d in by_province[p]) for p in province_codes]
    template_weights = [t[0] for t in templates]

    # Every province gets at least one unit, the rest in proportion to its subdistricts.
    chosen = province_codes[:units] + rng.choices(province_codes, weights,
                                                  k=max(0, units - len(province_codes)))
    names_seen = {}
    batch = []
    for number, province_code in enumerate(chosen, start=1):
        province = provinces[province_code]
        district = districts[rng.choice(by_province[province_code])]
        sub = rng.choice(by_district[district.code])
        _, org_code, unit_type, template = rng.choices(templates, template_weights)[0]
        district_name = district.name_th.removeprefix("เมือง") if (
            "{province}" in template and district.name_th == "เมือง" + province.name_th
        ) else district.name_th
        name = template.format(province=province.name_th, district=district_name)
        if name in names_seen and "{district}" not in template:
            name = f"{name} สาขา{district_name}"
        names_seen[name] = names_seen.get(name, 0) + 1
        if names_seen[name] > 1:
            name = f"{name} แห่งที่ {names_seen[name]}"
        code = f"{PREFIX}U{number:06d}"
        unit = ServiceUnit(
            code=code, organization_id=org_ids[org_code], name_th=name, unit_type=unit_type,
            province_id=province_code, district_id=district.code, subdistrict_id=sub.code,
            postcode=sub.postcodes.split(",")[0],
            latitude=_point(district.latitude, rng, 0.03, LATITUDE_RANGE),
            longitude=_point(district.longitude, rng, 0.03, LONGITUDE_RANGE),
            phone=f"0{rng.randint(2, 7)}{rng.randint(0, 9999999):07d}",
            email=f"u{number:06d}@gen.example.go.th",
            opening_hours="จันทร์–ศุกร์ 08.30–16.30 น.",
        )
        unit.search_text = unit_search_text(code, name, "", organization_parts[org_code])
        batch.append(unit)
    ServiceUnit.objects.bulk_create(batch, batch_size=2000)
    result.units = len(batch)
    analyze(Organization, ServiceUnit)
    return result
