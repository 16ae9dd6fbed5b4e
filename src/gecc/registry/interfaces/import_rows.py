"""The row checks of a registry import: each row of an organisations or service-units file
checked and cleaned, every problem kept as a ``RowError`` (spreadsheet row, column, reason in
the active language). ``gecc.registry.interfaces.importers`` reads the file and applies it."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from gecc.registry.domain.units import would_create_cycle
from gecc.registry.domain.validation import (
    parse_coordinate,
    validate_code,
    validate_coordinates,
    validate_email,
    validate_phone,
)
from gecc.registry.enums import UnitType
from gecc.registry.interfaces.formats import column_label

NAME_MAX = 255
ABBREVIATION_MAX = 50
# What no code, name, phone or address holds: NUL (PostgreSQL cannot store it at all) and the
# other C0 control characters except tab, line feed and carriage return, and DEL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class RowError:
    row: int | None  # spreadsheet row, header = 1; None for the whole file
    column: str
    message: str
    value: str = ""

    def as_dict(self):
        return {"row": self.row, "column": self.column, "message": self.message,
                "value": self.value}

    @property
    def column_label(self) -> str:
        """The column's name on screen (``COLUMN_LABELS``), in the active language."""
        return column_label(self.column) if self.column else ""

    def __str__(self):
        where = _("row %(row)s") % {"row": self.row} if self.row else _("file")
        if self.column:
            where = f"{where}, {self.column}"
        return f"{where}: {self.message}"


def _unit_type_lookup():
    lookup = {}
    for choice in UnitType:
        lookup[choice.value] = choice.value
        for language in ("th", "en"):
            with translation.override(language):
                lookup[str(choice.label).strip().casefold()] = choice.value
    return lookup


def _messages(exc):
    return " ".join(exc.messages)


class _Checker:
    def __init__(self, preview):
        self.preview = preview

    def error(self, row, column, message, value=""):
        self.preview.errors.append(RowError(row, column, str(message), str(value)))


def _visible_controls(value):
    """``value`` with each control character written out (``\\x00``), for an error report."""
    return CONTROL_CHARACTERS.sub(lambda match: f"\\x{ord(match.group()):02x}", value)


def _check_control_characters(checker, row_no, raw):
    """Refuse a cell holding a control character (NUL above all); the character is then
    taken out of the value, so the other checks and the error report never carry it."""
    for column, value in raw.items():
        found = CONTROL_CHARACTERS.search(value)
        if found is None:
            continue
        checker.error(row_no, column,
                      _("The cell contains a control character (%(character)s), which no "
                        "text here may hold; remove it from the file.")
                      % {"character": f"U+{ord(found.group()):04X}"},
                      _visible_controls(value)[:50])
        raw[column] = CONTROL_CHARACTERS.sub("", value)


def _check_code(checker, row_no, column, value, seen):
    if not value:
        checker.error(row_no, column, _("This column is required."))
        return False
    try:
        validate_code(value)
    except ValidationError as exc:
        checker.error(row_no, column, _messages(exc), value)
        return False
    if value in seen:
        checker.error(row_no, column,
                      _("Code %(code)s appears more than once in the file (first on row "
                        "%(first)s).") % {"code": value, "first": seen[value]}, value)
        return False
    seen[value] = row_no
    return True


def _check_names(checker, row_no, raw, clean):
    if not raw.get("name_th"):
        checker.error(row_no, "name_th", _("This column is required."))
    for column in ("name_th", "name_en"):
        value = raw.get(column, "")
        if len(value) > NAME_MAX:
            checker.error(row_no, column, _("At most %(max)s characters.") % {"max": NAME_MAX},
                          value[:50])
        clean[column] = value


def validate_organization_rows(preview, records):
    from gecc.registry.models import Organization

    checker = _Checker(preview)
    parent_of = dict(Organization.objects.values_list("code", "parent__code"))
    seen = {}
    for row_no, raw in records:
        _check_control_characters(checker, row_no, raw)
        clean = {"_row": row_no, "code": raw.get("organization_code", "")}
        _check_code(checker, row_no, "organization_code", clean["code"], seen)
        _check_names(checker, row_no, raw, clean)
        clean["parent_code"] = raw.get("parent_code", "")
        clean["abbreviation"] = raw.get("abbreviation", "")
        if len(clean["abbreviation"]) > ABBREVIATION_MAX:
            checker.error(row_no, "abbreviation",
                          _("At most %(max)s characters.") % {"max": ABBREVIATION_MAX},
                          clean["abbreviation"][:50])
        preview.rows.append(clean)
    file_codes = {row["code"] for row in preview.rows}
    if "parent_code" in preview.present:
        for row in preview.rows:
            parent_of[row["code"]] = row["parent_code"] or None
    for row in preview.rows:
        parent = row["parent_code"]
        if not parent:
            continue
        if parent == row["code"]:
            checker.error(row["_row"], "parent_code",
                          _("An organisation cannot be its own parent."), parent)
        elif parent not in file_codes and parent not in parent_of:
            checker.error(row["_row"], "parent_code",
                          _("Unknown organisation code %(code)s.") % {"code": parent}, parent)
        elif would_create_cycle(parent_of, row["code"], parent):
            checker.error(row["_row"], "parent_code",
                          _("This parent would make the organisation its own ancestor."),
                          parent)


def validate_unit_rows(preview, records):
    from gecc.geography.models import Subdistrict
    from gecc.registry.models import Organization

    checker = _Checker(preview)
    organizations = dict(Organization.objects.values_list("code", "id"))
    subdistricts = {
        code: (district_id, province_id, postcodes.split(","), name)
        for code, district_id, province_id, postcodes, name in Subdistrict.objects.values_list(
            "code", "district_id", "province_id", "postcodes", "name_th")
    }
    unit_types = _unit_type_lookup()
    seen = {}
    for row_no, raw in records:
        _check_control_characters(checker, row_no, raw)
        clean = {"_row": row_no, "code": raw.get("unit_code", "")}
        _check_code(checker, row_no, "unit_code", clean["code"], seen)
        _check_names(checker, row_no, raw, clean)

        org_code = raw.get("organization_code", "")
        if not org_code:
            checker.error(row_no, "organization_code", _("This column is required."))
        elif org_code not in organizations:
            checker.error(row_no, "organization_code",
                          _("Unknown organisation code %(code)s.") % {"code": org_code},
                          org_code)
        clean["organization_code"] = org_code

        unit_type = raw.get("unit_type", "")
        clean["unit_type"] = unit_types.get(unit_type.casefold()) if unit_type else UnitType.OTHER
        if clean["unit_type"] is None:
            checker.error(row_no, "unit_type",
                          _("Unknown unit type; use one of: %(types)s.")
                          % {"types": ", ".join(UnitType.values)}, unit_type)

        sub_code = raw.get("subdistrict_code", "")
        postcode = raw.get("postcode", "")
        subdistrict = subdistricts.get(sub_code)
        if not sub_code:
            checker.error(row_no, "subdistrict_code", _("This column is required."))
        elif subdistrict is None:
            checker.error(row_no, "subdistrict_code",
                          _("Unknown DOPA subdistrict code %(code)s (six digits).")
                          % {"code": sub_code}, sub_code)
        if not postcode:
            checker.error(row_no, "postcode", _("This column is required."))
        elif not re.fullmatch(r"\d{5}", postcode):
            checker.error(row_no, "postcode", _("A postcode has five digits."), postcode)
        elif subdistrict is not None and postcode not in subdistrict[2]:
            checker.error(row_no, "postcode",
                          _("Postcode %(postcode)s does not belong to subdistrict %(name)s "
                            "(%(code)s); use %(expected)s.")
                          % {"postcode": postcode, "name": subdistrict[3], "code": sub_code,
                             "expected": ", ".join(subdistrict[2])}, postcode)
        clean["subdistrict_code"] = sub_code
        clean["postcode"] = postcode

        coordinates_ok = True
        for column in ("latitude", "longitude"):
            try:
                clean[column] = parse_coordinate(raw.get(column, ""))
            except ValueError:
                clean[column] = None
                coordinates_ok = False
                checker.error(row_no, column, _("Not a number in decimal degrees."),
                              raw.get(column, ""))
        if coordinates_ok:
            try:
                validate_coordinates(clean["latitude"], clean["longitude"])
            except ValidationError as exc:
                column = "longitude" if exc.code == "outside_thailand" and (
                    clean["latitude"] is not None
                    and 5.5 <= clean["latitude"] <= 20.5) else "latitude"
                checker.error(row_no, column, _messages(exc),
                              f"{raw.get('latitude', '')}, {raw.get('longitude', '')}")

        for column, validator in (("phone", validate_phone), ("email", validate_email)):
            value = raw.get(column, "")
            try:
                validator(value)
            except ValidationError as exc:
                checker.error(row_no, column, _messages(exc), value)
            clean[column] = value
        preview.rows.append(clean)
