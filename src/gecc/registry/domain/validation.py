"""Field rules shared by the models, the forms and the importer."""

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email as django_validate_email
from django.utils.translation import gettext_lazy as _

# Thailand's extent with a small margin (mainland and islands).
LATITUDE_RANGE = (Decimal("5.5"), Decimal("20.5"))
LONGITUDE_RANGE = (Decimal("97.3"), Decimal("105.7"))
COORDINATE_PLACES = Decimal("0.000001")

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,29}$")
_PHONE_SEPARATORS = re.compile(r"[\s\-().]")
_PHONE_NUMBER = re.compile(r"^(0\d{8,9}|1\d{3})$")  # landline/mobile, or a 4-digit hotline
_EXTENSION = re.compile(r"\s*(ต่อ|ext\.?|x)\s*\d{1,5}$", re.IGNORECASE)


def validate_code(value):
    if not CODE_RE.match(value or ""):
        raise ValidationError(
            _("Use 1–30 letters, digits, dots, hyphens or underscores, starting with a letter "
              "or digit."), code="invalid_code")


def validate_phone(value):
    """One or more Thai phone numbers separated by commas, e.g. ``053 511 234, 1690``."""
    if not value:
        return
    for part in str(value).split(","):
        number = _EXTENSION.sub("", part.strip())
        number = _PHONE_SEPARATORS.sub("", number)
        if number.startswith("+66"):
            number = "0" + number[3:]
        if not _PHONE_NUMBER.match(number):
            raise ValidationError(
                _("“%(value)s” is not a Thai phone number (e.g. 053 511 234 or 1690)."),
                code="invalid_phone", params={"value": part.strip()})


def validate_email(value):
    if value:
        try:
            django_validate_email(value)
        except ValidationError:
            raise ValidationError(_("“%(value)s” is not a valid email address."),
                                  code="invalid_email", params={"value": value}) from None


def parse_coordinate(value):
    """A Decimal with six places, or None for empty; ValueError for anything else."""
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(value) from None
    if not number.is_finite():
        raise ValueError(value)
    return number.quantize(COORDINATE_PLACES)


def validate_coordinates(latitude, longitude):
    if latitude is None and longitude is None:
        return
    if latitude is None or longitude is None:
        raise ValidationError(_("Give both latitude and longitude, or neither."),
                              code="half_coordinates")
    if not (LATITUDE_RANGE[0] <= latitude <= LATITUDE_RANGE[1]
            and LONGITUDE_RANGE[0] <= longitude <= LONGITUDE_RANGE[1]):
        raise ValidationError(
            _("The point %(lat)s, %(lon)s is outside Thailand (latitude 5.5–20.5, "
              "longitude 97.3–105.7)."),
            code="outside_thailand", params={"lat": latitude, "lon": longitude})


def validate_postcode(postcode, subdistrict):
    if not re.fullmatch(r"\d{5}", postcode or ""):
        raise ValidationError(_("A postcode has five digits."), code="invalid_postcode")
    if subdistrict is not None and not subdistrict.has_postcode(postcode):
        raise ValidationError(
            _("Postcode %(postcode)s does not belong to subdistrict %(name)s (%(code)s); "
              "use %(expected)s."),
            code="postcode_mismatch",
            params={"postcode": postcode, "name": subdistrict.name_th, "code": subdistrict.code,
                    "expected": ", ".join(subdistrict.postcode_list)})
