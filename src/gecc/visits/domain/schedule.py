"""An itinerary read back as people read it: each day a list of rows (leave, the numbered
stops, lunch, back), for the pages, the PDF and the member's schedule. Two queries for a
whole itinerary, whatever its size."""

from dataclasses import dataclass, field

from gecc.visits.models import ItineraryDay, Visit

from .places import unit_address, unit_contact

THAI_WEEKDAYS = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")
VISIT_RELATED = ("application", "application__unit", "application__unit__province",
                 "application__unit__district", "application__unit__subdistrict")


@dataclass
class Row:
    kind: str  # "leave", "visit", "lunch", "back"
    time: object = None  # datetime.time
    visit: Visit | None = None
    label: str = ""
    address: str = ""
    contact: str = ""
    travel: int = 0


@dataclass
class DaySchedule:
    day: ItineraryDay
    number: int
    visits: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    end_label: str = ""

    @property
    def date(self):
        return self.day.date

    @property
    def weekday_th(self) -> str:
        """วันจันทร์ (the day of the week in Thai, for printed documents)."""
        return "วัน" + THAI_WEEKDAYS[self.day.date.weekday()]


def _rows(day, visits, end_label, base_label):
    rows = []
    if day.leave_at:
        rows.append(Row("leave", day.leave_at, label=day.start_label or base_label))
    for visit in visits:
        rows.append(Row("visit", visit.start_at, visit=visit,
                        label=visit.application.unit.name_th,
                        address=unit_address(visit.application.unit),
                        contact=unit_contact(visit.application), travel=visit.travel_minutes))
    if day.back_at:
        back_travel = day.travel_minutes - sum(v.travel_minutes for v in visits)
        rows.append(Row("back", day.back_at, label=end_label, travel=max(0, back_travel)))
    if day.lunch_at and visits:
        rows.insert(_lunch_position(rows, day.lunch_at), Row("lunch", day.lunch_at))
    return rows


def _lunch_position(rows, lunch):
    """Where lunch goes among the rows: before the first visit that starts after it (on the
    road or waiting), before leaving if taken at the start place, after coming back if taken
    at the end place."""
    for position, row in enumerate(rows):
        if row.kind == "leave" and lunch < row.time:
            return position
        if row.kind == "visit" and row.time and lunch < row.time:
            return position
        if row.kind == "back" and lunch < row.time:
            return position
    return len(rows)


def itinerary_schedule(itinerary, base_label="") -> list[DaySchedule]:
    """The days of the itinerary in date order with their placed visits and rows."""
    days = list(itinerary.days.order_by("date"))
    visits = list(itinerary.visits.filter(day__isnull=False).select_related(*VISIT_RELATED)
                  .order_by("day__date", "order", "pk"))
    by_day = {}
    for visit in visits:
        by_day.setdefault(visit.day_id, []).append(visit)
    schedules = []
    for number, day in enumerate(days, start=1):
        day_visits = by_day.get(day.pk, [])
        end_label = day.hotel_label or base_label
        schedules.append(DaySchedule(day, number, day_visits,
                                     _rows(day, day_visits, end_label, base_label), end_label))
    return schedules


def base_label(subcommittee) -> str:
    if subcommittee.base_address:
        return subcommittee.base_address
    if subcommittee.base_province_id:
        return subcommittee.base_province.name_th
    return ""
