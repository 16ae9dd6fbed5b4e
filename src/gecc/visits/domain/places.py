"""Small conversions the itinerary code shares: clock times and minutes, visit dates, the
team's base, a unit's address and coordinates, and who sits on a team."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

BANGKOK_NAME = "กรุงเทพมหานคร"


def to_minutes(value: datetime.time) -> int:
    """09:30 → 570."""
    return value.hour * 60 + value.minute


def to_time(minutes) -> datetime.time | None:
    """570 → 09:30 (None stays None; a value past midnight is kept within the day)."""
    if minutes is None:
        return None
    minutes = max(0, min(int(round(minutes)), 24 * 60 - 1))
    return datetime.time(minutes // 60, minutes % 60)


def visit_dates(subcommittee) -> list[datetime.date]:
    """The team's visit days, sorted, each once (``visit_dates`` holds ISO strings)."""
    dates = set()
    for value in subcommittee.visit_dates or []:
        try:
            dates.add(datetime.date.fromisoformat(str(value)))
        except ValueError:
            raise ValidationError(
                _("The visit dates of %(team)s include “%(value)s”, which is not a date. "
                  "Correct the sub-committee's visit dates.")
                % {"team": subcommittee.display_name, "value": value},
                code="bad_visit_date") from None
    return sorted(dates)


def has_point(latitude, longitude) -> bool:
    return latitude is not None and longitude is not None


def unit_point(unit):
    """(latitude, longitude) of a service unit, or None."""
    if not has_point(unit.latitude, unit.longitude):
        return None
    return float(unit.latitude), float(unit.longitude)


def unit_address(unit) -> str:
    """The unit's address in Thai, as an envelope gives it (แขวง/เขต in Bangkok)."""
    province = unit.province.name_th if unit.province_id else ""
    bangkok = province == BANGKOK_NAME
    parts = [unit.address.strip()] if unit.address else []
    if unit.subdistrict_id:
        parts.append(("แขวง" if bangkok else "ต.") + unit.subdistrict.name_th)
    if unit.district_id:
        parts.append(("เขต" if bangkok else "อ.") + unit.district.name_th)
    if province:
        parts.append(province if bangkok else "จ." + province)
    if unit.postcode:
        parts.append(unit.postcode)
    return " ".join(part for part in parts if part)


def unit_contact(application) -> str:
    """Who to call at the unit: the application's contact person and phone, else the unit's
    phone."""
    unit = application.unit
    name = (application.contact_name or "").strip()
    phone = (application.contact_phone or "").strip() or (unit.phone or "").strip()
    return " ".join(part for part in (name, phone) if part)



def member_label(membership) -> str:
    user = membership.user
    return f"{user.full_name or user.email} ({membership.get_position_display()})"
