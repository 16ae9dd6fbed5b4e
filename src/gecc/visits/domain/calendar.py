"""Visits as calendar files (iCalendar, RFC 5545), and the members' subscription links.

* ``visit_ics(visit)``: one VEVENT, for the unit's coordinator and the team.
* ``member_feed(user)``: every confirmed visit of the member's teams, a calendar app
  subscribes to it.

Times are local to Asia/Bangkok (a VTIMEZONE is included). The UID is stable per visit
(``visit-<id>@<site host>``), so a calendar updates the event rather than adding another;
SEQUENCE grows whenever the visit's schedule changes: it is the number of seconds from
2020-01-01 to the visit's ``updated_at``, which the planner moves (by at least a second)
only when the visit's day, order, times or reason change (``planning.write_plan``).

The member feed is read by calendar apps, which carry no session, so its address holds a
secret token instead: ``django.core.signing.Signer`` (salt ``gecc.visits.feed``, so the
address is the same each time it is shown) over the user's id and a fingerprint of the
user's password hash and e-mail. Anyone with the address can read that member's schedule,
so it is shown only to the member. Changing the password (or the e-mail) revokes every
address given out before; a deactivated account gets nothing; a new SECRET_KEY revokes all.
"""

import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from icalendar import Calendar, Event

from gecc.visits.enums import ItineraryState

from .places import member_label, unit_address, unit_contact

BANGKOK = ZoneInfo("Asia/Bangkok")
SEQUENCE_EPOCH = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
FEED_SALT = "gecc.visits.feed"
SUMMARY_PREFIX = "ตรวจประเมินศูนย์ราชการสะดวก"


class BadFeedToken(Exception):
    """The feed address is not (or no longer) valid."""


# -- the secret feed address ----------------------------------------------------------------


def _fingerprint(user) -> str:
    return salted_hmac(FEED_SALT, f"{user.pk}|{user.password}|{user.email}").hexdigest()[:16]


def feed_token(user) -> str:
    """The secret part of ``user``'s feed address."""
    return signing.Signer(salt=FEED_SALT).sign_object([user.pk, _fingerprint(user)])


def feed_url(user) -> str:
    return reverse("visits:schedule.feed", kwargs={"token": feed_token(user)})


def user_for_token(token):
    """The active user the token was made for; ``BadFeedToken`` for a forged, damaged or
    revoked one."""
    try:
        user_id, fingerprint = signing.Signer(salt=FEED_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        raise BadFeedToken from None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not constant_time_compare(str(fingerprint), _fingerprint(user)):
        raise BadFeedToken
    return user


# -- calendars --------------------------------------------------------------------------------


def site_host() -> str:
    return urlsplit(getattr(settings, "SITE_URL", "") or "").hostname or "gecc-certify.local"


def visit_uid(visit) -> str:
    return f"visit-{visit.pk}@{site_host()}"


def visit_sequence(visit) -> int:
    if visit.updated_at is None:
        return 0
    return max(0, int((visit.updated_at - SEQUENCE_EPOCH).total_seconds()))


def _calendar(name) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//GECC Certify//Site visits//TH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Bangkok")
    return calendar


def _description(visit, members) -> str:
    team = visit.itinerary.subcommittee
    lines = [f"{team.round.name} · {team.display_name}"]
    if visit.number:
        lines.append(f"หน่วยที่ {visit.number}")
    contact = unit_contact(visit.application)
    if contact:
        lines.append(f"ผู้ประสานงาน: {contact}")
    if members:
        lines.append("คณะผู้ตรวจประเมิน:")
        lines.extend(f"- {member_label(m)}" for m in members)
    return "\n".join(lines)


def visit_event(visit, members=()) -> Event:
    """The VEVENT of a placed visit (``visit.day`` and its times set)."""
    unit = visit.application.unit
    event = Event()
    event.add("uid", visit_uid(visit))
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", datetime.datetime.combine(visit.day.date, visit.start_at,
                                                   tzinfo=BANGKOK))
    event.add("dtend", datetime.datetime.combine(visit.day.date, visit.end_at, tzinfo=BANGKOK))
    event.add("summary", f"{SUMMARY_PREFIX}: {unit.name_th}")
    event.add("location", unit_address(unit))
    event.add("description", _description(visit, members))
    event.add("sequence", visit_sequence(visit))
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def _visits_queryset():
    from gecc.visits.models import Visit

    return Visit.objects.select_related(
        "day", "itinerary", "itinerary__subcommittee", "itinerary__subcommittee__round",
        "application", "application__unit", "application__unit__province",
        "application__unit__district", "application__unit__subdistrict")


def _members_by_team(team_ids) -> dict:
    from gecc.committees.models import Membership

    by_team = {}
    for membership in Membership.objects.filter(subcommittee_id__in=team_ids) \
            .select_related("user"):
        by_team.setdefault(membership.subcommittee_id, []).append(membership)
    return by_team  # each team's members in list order (Membership's ordering)


def _to_bytes(calendar) -> bytes:
    calendar.add_missing_timezones()
    return calendar.to_ical()


def visit_ics(visit) -> bytes:
    """One visit as an ``.ics`` file."""
    visit = _visits_queryset().get(pk=visit.pk)
    members = _members_by_team([visit.itinerary.subcommittee_id]).get(
        visit.itinerary.subcommittee_id, [])
    calendar = _calendar(f"{SUMMARY_PREFIX}: {visit.application.unit.name_th}")
    calendar.add_component(visit_event(visit, members))
    return _to_bytes(calendar)


def member_visits(user):
    """The confirmed, placed visits of the teams ``user`` sits on, in time order."""
    return (_visits_queryset()
            .filter(itinerary__subcommittee__members__user=user,
                    itinerary__state=ItineraryState.CONFIRMED, day__isnull=False,
                    start_at__isnull=False, end_at__isnull=False)
            .distinct().order_by("day__date", "start_at", "pk"))


def member_feed(user) -> bytes:
    """Every confirmed visit of ``user``'s teams as one calendar."""
    visits = list(member_visits(user))
    members = _members_by_team({visit.itinerary.subcommittee_id for visit in visits})
    calendar = _calendar(f"{SUMMARY_PREFIX}: {user.full_name or user.email}")
    for visit in visits:
        calendar.add_component(visit_event(visit, members.get(visit.itinerary.subcommittee_id,
                                                              [])))
    return _to_bytes(calendar)
