"""The stable file columns of the registry import and export (docs/import-format.md)."""

from django.utils.translation import gettext_lazy as _

from gecc.registry.enums import ImportKind

# New columns go at the end, so files written for an older version still line up.
ORGANIZATION_COLUMNS = ["organization_code", "name_th", "name_en", "parent_code",
                        "abbreviation"]
UNIT_COLUMNS = ["unit_code", "name_th", "name_en", "organization_code", "unit_type",
                "subdistrict_code", "postcode", "latitude", "longitude", "phone", "email"]
COLUMNS = {ImportKind.ORGANIZATIONS: ORGANIZATION_COLUMNS, ImportKind.UNITS: UNIT_COLUMNS}
REQUIRED = {
    ImportKind.ORGANIZATIONS: ["organization_code", "name_th"],
    ImportKind.UNITS: ["unit_code", "name_th", "organization_code", "subdistrict_code",
                       "postcode"],
}

# Thai header names accepted in place of the English ones.
ALIASES = {
    ImportKind.ORGANIZATIONS: {
        "รหัสหน่วยงาน": "organization_code",
        "ชื่อภาษาไทย": "name_th",
        "ชื่อหน่วยงาน": "name_th",
        "ชื่อภาษาอังกฤษ": "name_en",
        "รหัสหน่วยงานต้นสังกัด": "parent_code",
        "รหัสต้นสังกัด": "parent_code",
        "ชื่อย่อ": "abbreviation",
        "อักษรย่อ": "abbreviation",
    },
    ImportKind.UNITS: {
        "รหัสหน่วยบริการ": "unit_code",
        "ชื่อภาษาไทย": "name_th",
        "ชื่อหน่วยบริการ": "name_th",
        "ชื่อภาษาอังกฤษ": "name_en",
        "รหัสหน่วยงาน": "organization_code",
        "รหัสหน่วยงานต้นสังกัด": "organization_code",
        "ประเภทหน่วยบริการ": "unit_type",
        "รหัสตำบล": "subdistrict_code",
        "รหัสแขวง": "subdistrict_code",
        "รหัสไปรษณีย์": "postcode",
        "ละติจูด": "latitude",
        "ลองจิจูด": "longitude",
        "โทรศัพท์": "phone",
        "เบอร์โทรศัพท์": "phone",
        "อีเมล": "email",
        "อีเมล์": "email",
    },
}

DESCRIPTIONS = {
    "organization_code": _("Stable unique code of the organisation (letters, digits, . - _)."),
    "unit_code": _("Stable unique code of the service unit (letters, digits, . - _)."),
    "name_th": _("Name in Thai (required)."),
    "name_en": _("Name in English (may be empty)."),
    "parent_code": _("Code of the parent organisation; empty for a ministry or independent "
                     "body."),
    "abbreviation": _("Short name people search by, such as ธ.ก.ส. (may be empty)."),
    "unit_type": _("Unit type code or its Thai name; empty means “other”."),
    "subdistrict_code": _("Six-digit DOPA subdistrict code; it fixes district and province."),
    "postcode": _("Five-digit postcode of that subdistrict."),
    "latitude": _("Latitude in decimal degrees (5.5–20.5), or empty."),
    "longitude": _("Longitude in decimal degrees (97.3–105.7), or empty."),
    "phone": _("Thai phone number(s), comma separated, or empty."),
    "email": _("Email address, or empty."),
}


# What each column is called on screen (the preview's headers, the error table), in the
# interface language; the file itself keeps the stable English names above.
COLUMN_LABELS = {
    "organization_code": _("Organisation code"),
    "unit_code": _("Unit code"),
    "name_th": _("Thai name"),
    "name_en": _("English name"),
    "parent_code": _("Parent organisation code"),
    "abbreviation": _("Abbreviation"),
    "unit_type": _("Unit type"),
    "subdistrict_code": _("Subdistrict code"),
    "postcode": _("Postcode"),
    "latitude": _("Latitude"),
    "longitude": _("Longitude"),
    "phone": _("Phone"),
    "email": _("Email"),
}


def column_label(column) -> str:
    """The on-screen name of a file column; an unknown name is shown as it is."""
    return str(COLUMN_LABELS.get(column, column))


def header_key(text) -> str:
    return str(text or "").strip().lstrip("\ufeff").strip().lower().replace(" ", "_")


def canonical_column(kind, header) -> str | None:
    key = header_key(header)
    if key in COLUMNS[kind]:
        return key
    return ALIASES[kind].get(str(header or "").strip().lstrip("\ufeff").strip())
