"""Buddhist-era (พ.ศ.) dates: formatting and parsing.

Django and Babel know nothing of the Buddhist era, so the project formats and parses
it here. The BE year is the CE year plus 543.
"""

import datetime
import re

from django.utils import timezone
from django.utils.translation import get_language

BE_OFFSET = 543
# A BE year typed into a form must fall in this range; anything lower is almost
# certainly a CE year typed by mistake (2020 would otherwise become 1477 CE).
MIN_BE_YEAR = 2400
MAX_BE_YEAR = 2700

THAI_MONTHS = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)
THAI_MONTHS_SHORT = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)
ENGLISH_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def be_year(value: datetime.date) -> int:
    return value.year + BE_OFFSET


def as_local_date(value):
    """A date, or an aware datetime seen on the local calendar (TIME_ZONE)."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def format_be(value, short=False, language=None):
    """``8 มิถุนายน 2563`` (long) or ``8 มิ.ย. 63`` (short); English: ``8 June 2563 BE``."""
    if value in (None, ""):
        return ""
    value = as_local_date(value)
    language = language or get_language() or "th"
    year = be_year(value)
    if language.startswith("en"):
        month = ENGLISH_MONTHS[value.month - 1]
        if short:
            return f"{value.day} {month[:3]} {year % 100:02d}"
        return f"{value.day} {month} {year} BE"
    if short:
        return f"{value.day} {THAI_MONTHS_SHORT[value.month - 1]} {year % 100:02d}"
    return f"{value.day} {THAI_MONTHS[value.month - 1]} {year}"


def format_be_datetime(value, language=None):
    """``8 มิถุนายน 2563 14:05 น.``; a plain date has no time to show."""
    if value in (None, ""):
        return ""
    language = language or get_language() or "th"
    if not isinstance(value, datetime.datetime):
        return format_be(value, language=language)
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    suffix = "" if language.startswith("en") else " น."
    return f"{format_be(value, language=language)} {value:%H:%M}{suffix}"


def end_of_day(value: datetime.date) -> datetime.datetime:
    """The last instant of ``value`` on the local calendar (TIME_ZONE): what a deadline given
    as a date alone means ("until the end of 20 December"). Stored as 23:59:59.999999 so
    that ``now >= deadline`` refuses only once that day is over."""
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time.max))


def is_end_of_day(value) -> bool:
    """True for a datetime made by :func:`end_of_day`: a date-only deadline."""
    if not isinstance(value, datetime.datetime):
        return False
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.time() == datetime.time.max


def format_be_deadline(value, language=None):
    """A deadline as people read it: a date-only deadline (:func:`end_of_day`) as its date,
    ``20 ธันวาคม 2569`` (``20 December 2569 BE``); any other moment with its time."""
    if value in (None, ""):
        return ""
    if not isinstance(value, datetime.datetime) or is_end_of_day(value):
        return format_be(value, language=language)
    return format_be_datetime(value, language=language)


def format_be_stamp(value):
    """``25691220``: a local date in the Buddhist era for file names."""
    value = as_local_date(value)
    return f"{be_year(value)}{value.month:02d}{value.day:02d}"


def format_be_numeric(value):
    """``08/06/2563``: the form the date field reads back."""
    if value in (None, ""):
        return ""
    value = as_local_date(value)
    return f"{value.day:02d}/{value.month:02d}/{be_year(value)}"


_NUMERIC = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$")
_ISO_BE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


class BEDateError(ValueError):
    """A date that cannot be read as a Buddhist-era date; ``code`` says why."""

    def __init__(self, code, year=None):
        super().__init__(code)
        self.code = code
        self.year = year


def parse_be(text: str) -> datetime.date:
    """Read ``08/06/2563`` (also ``8-6-2563``, ``8.6.2563`` or ``2563-06-08``) as 2020-06-08."""
    match = _NUMERIC.match(text or "")
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        match = _ISO_BE.match(text or "")
        if not match:
            raise BEDateError("invalid")
        year, month, day = (int(part) for part in match.groups())
    if year < MIN_BE_YEAR:
        if MIN_BE_YEAR <= year + BE_OFFSET <= MAX_BE_YEAR:
            # 2020 would otherwise be stored as 1477 CE.
            raise BEDateError("ce_year", year)
        raise BEDateError("out_of_range", year)
    if year > MAX_BE_YEAR:
        raise BEDateError("out_of_range", year)
    try:
        return datetime.date(year - BE_OFFSET, month, day)
    except ValueError as exc:
        raise BEDateError("invalid") from exc
