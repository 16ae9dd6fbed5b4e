"""Sub-committees of a round and their members: each change guard → save → audit → notify.

A sub-committee (คณะอนุกรรมการตรวจประเมิน คณะที่ N) has exactly one chair and one
member-secretary (a second is refused; ``team_problems`` lists what is still missing), a
base (a province, whose seat coordinates are used, or an address with coordinates), visit
dates and a number of visits a day. A person sits on one sub-committee per round and needs
an assessor profile with a home province. Every change is audited
(``subcommittee.created/updated/member_added/member_removed/position_changed``); once the
visits have started (the round's ``site_visits_start_at`` has passed, or the team's
itinerary is confirmed) the team's members are also told by e-mail
(``subcommittee.changed``).
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gecc.audit.domain import log_action
from gecc.committees.domain.profiles import iso_dates
from gecc.committees.enums import SINGLE_POSITIONS, Position
from gecc.common.outbox import notify
from gecc.common.thaidate import format_be
from gecc.common.urls import absolute_url
from gecc.registry.domain.validation import COORDINATE_PLACES, validate_coordinates
from gecc.rounds.enums import RoundPhase

TEAM_FIELDS = ("number", "name", "base_province", "base_address", "base_latitude",
               "base_longitude", "visit_dates", "visits_per_day")
MAX_VISITS_PER_DAY = 10
# Phases after which a round's teams no longer change.
FROZEN_PHASES = frozenset({RoundPhase.DECISION, RoundPhase.ANNOUNCED, RoundPhase.CLOSED})
ITINERARY_CONFIRMED = "confirmed"  # gecc.visits.enums.ItineraryState.CONFIRMED


def _person(user) -> str:
    return user.full_name or user.email


def _check_round(round_obj):
    if round_obj.phase in FROZEN_PHASES:
        raise ValidationError(
            _("The round has moved past its site visits; its sub-committees can no longer "
              "change."), code="round_frozen")


def visits_started(subcommittee, now=None) -> bool:
    """True once the round's site visits have started or the team's itinerary is confirmed
    (read without importing the visits app, which sits above this one)."""
    start = subcommittee.round.site_visits_start_at
    if start is not None and (now or timezone.now()) >= start:
        return True
    return (hasattr(subcommittee, "itinerary")
            and subcommittee.itinerary.state == ITINERARY_CONFIRMED)


def _coordinate(value):
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(value) from None
    if not number.is_finite():
        raise ValueError(value)
    return number.quantize(COORDINATE_PLACES)


def clean_team_values(round_obj, values, instance=None) -> dict:
    """The sub-committee values checked and normalised; ``ValidationError`` keyed by field,
    in Thai."""
    from gecc.committees.models import SubCommittee

    errors = {}
    cleaned = dict(values)
    try:
        number = int(cleaned.get("number"))
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        errors["number"] = _("The number of a sub-committee is a whole number from 1.")
    else:
        taken = SubCommittee.objects.filter(round=round_obj, number=number)
        if instance is not None and instance.pk:
            taken = taken.exclude(pk=instance.pk)
        if taken.exists():
            errors["number"] = _("This round already has a sub-committee number %(number)s.") \
                % {"number": number}
    cleaned["number"] = number
    cleaned["name"] = (cleaned.get("name") or "").strip()
    if len(cleaned["name"]) > 255:
        errors["name"] = _("At most %(max)s characters.") % {"max": 255}
    cleaned["base_address"] = (cleaned.get("base_address") or "").strip()
    if len(cleaned["base_address"]) > 500:
        errors["base_address"] = _("At most %(max)s characters.") % {"max": 500}
    try:
        latitude = _coordinate(cleaned.get("base_latitude"))
        longitude = _coordinate(cleaned.get("base_longitude"))
        validate_coordinates(latitude, longitude)
    except ValueError:
        errors["base_latitude"] = _("Not a number in decimal degrees.")
        latitude = longitude = None
    except ValidationError as exc:
        errors["base_latitude"] = " ".join(exc.messages)
    cleaned["base_latitude"], cleaned["base_longitude"] = latitude, longitude
    if cleaned.get("base_province") is None and latitude is None:
        errors["base_province"] = _("Give the base of the sub-committee: a province, or an "
                                    "address with its coordinates.")
    try:
        cleaned["visit_dates"] = iso_dates(cleaned.get("visit_dates"))
    except (TypeError, ValueError, AttributeError):
        errors["visit_dates"] = _("The visit dates are not valid dates.")
    try:
        per_day = int(cleaned.get("visits_per_day") or 0)
    except (TypeError, ValueError):
        per_day = 0
    if not 1 <= per_day <= MAX_VISITS_PER_DAY:
        errors["visits_per_day"] = _("The number of visits a day is a whole number from 1 "
                                     "to %(max)s.") % {"max": MAX_VISITS_PER_DAY}
    cleaned["visits_per_day"] = per_day
    if errors:
        raise ValidationError(errors)
    return cleaned


def _snapshot(team) -> dict:
    return {
        "number": team.number, "name": team.name, "base_province": team.base_province_id,
        "base_address": team.base_address,
        "base_latitude": None if team.base_latitude is None else str(team.base_latitude),
        "base_longitude": None if team.base_longitude is None else str(team.base_longitude),
        "visit_dates": list(team.visit_dates or []), "visits_per_day": team.visits_per_day,
    }


def _member_emails(team) -> list[str]:
    return list(team.members.values_list("user__email", flat=True))


def _notify_change(team, change, *, actor=None, request=None, member=None, position="",
                   extra=()):
    """Tell the team's members (and ``extra`` addresses, e.g. a removed member) of a change
    made after the visits started."""
    if not visits_started(team):
        return
    recipients = _member_emails(team) + list(extra)
    context = {"subcommittee": team, "round": team.round, "change": change,
               "member_name": _person(member) if member is not None else "",
               "position": Position(position).label if position else "",
               "visit_dates": [datetime.date.fromisoformat(d) for d in team.visit_dates or []],
               "url": absolute_url(reverse("backoffice:home.assessor"), request)}
    notify("subcommittee.changed", recipients=recipients, context=context, obj=team,
           actor=actor)


@transaction.atomic
def create_subcommittee(round_obj, number, name="", base_province=None, base_address="",
                        base_latitude=None, base_longitude=None, visit_dates=(),
                        visits_per_day=4, actor=None, request=None):
    """A new sub-committee of ``round_obj``; audited ``subcommittee.created``."""
    from gecc.committees.models import SubCommittee

    _check_round(round_obj)
    cleaned = clean_team_values(round_obj, {
        "number": number, "name": name, "base_province": base_province,
        "base_address": base_address, "base_latitude": base_latitude,
        "base_longitude": base_longitude, "visit_dates": visit_dates,
        "visits_per_day": visits_per_day})
    team = SubCommittee(round=round_obj, **cleaned)
    try:
        with transaction.atomic():
            team.save()
    except IntegrityError:
        raise ValidationError({"number": _("This round already has a sub-committee number "
                                           "%(number)s.") % {"number": cleaned["number"]}}) \
            from None
    log_action("subcommittee.created", actor=actor, obj=team, after=_snapshot(team),
               data={"round": round_obj.year}, request=request)
    return team


@transaction.atomic
def update_subcommittee(subcommittee, *, actor=None, request=None, **changes):
    """Change a sub-committee's number, name, base, visit dates or visits a day (only the
    fields given). Audited ``subcommittee.updated`` with the changed fields; notified to the
    members once the visits have started."""
    from gecc.committees.models import SubCommittee

    unknown = set(changes) - set(TEAM_FIELDS)
    if unknown:
        raise TypeError(f"unknown sub-committee fields: {sorted(unknown)}")
    team = SubCommittee.objects.select_for_update(of=("self",)).select_related("round").get(
        pk=subcommittee.pk)
    _check_round(team.round)
    before = _snapshot(team)
    values = {name: getattr(team, name) for name in TEAM_FIELDS}
    values.update(changes)
    cleaned = clean_team_values(team.round, values, instance=team)
    for name in TEAM_FIELDS:
        setattr(team, name, cleaned[name])
    after = _snapshot(team)
    changed = [name for name in TEAM_FIELDS if before[name] != after[name]]
    if not changed:
        return team
    team.save(update_fields=[*changed, "updated_at"])
    log_action("subcommittee.updated", actor=actor, obj=team,
               before={name: before[name] for name in changed},
               after={name: after[name] for name in changed}, request=request)
    _notify_change(team, "updated", actor=actor, request=request)
    return team


def _lock_team(subcommittee):
    from gecc.committees.models import SubCommittee

    return SubCommittee.objects.select_for_update(of=("self",)).select_related("round").get(
        pk=subcommittee.pk)


def _check_single_position(team, position, exclude=None):
    if position not in SINGLE_POSITIONS:
        return
    holders = team.members.filter(position=position).select_related("user")
    if exclude is not None:
        holders = holders.exclude(pk=exclude.pk)
    holder = holders.first()
    if holder is not None:
        message = (_("This sub-committee already has a chair (%(person)s).")
                   if position == Position.CHAIR else
                   _("This sub-committee already has a member-secretary (%(person)s)."))
        raise ValidationError(message % {"person": _person(holder.user)},
                              code="position_taken")


def unavailable_visit_dates(subcommittee, user) -> list[datetime.date]:
    """The team's visit dates that ``user`` marked unavailable in their profile."""
    profile = _profile(user)
    if profile is None:
        return []
    away = set(profile.unavailable_dates or [])
    return [datetime.date.fromisoformat(day) for day in subcommittee.visit_dates or []
            if day in away]


def member_warnings(subcommittee, user) -> list[str]:
    """What the secretariat should know about a member, without refusing them."""
    days = unavailable_visit_dates(subcommittee, user)
    if not days:
        return []
    return [_("%(person)s marked these visit dates as unavailable: %(dates)s.") % {
        "person": _person(user), "dates": ", ".join(format_be(day) for day in days)}]


@transaction.atomic
def add_member(subcommittee, user, position=Position.QUALIFIED, actor=None, request=None):
    """Put ``user`` on ``subcommittee`` in ``position``. Refused (Thai ``ValidationError``)
    when the person has no active assessor profile with a home province, already sits on a
    sub-committee of the round, or the position is a chair/member-secretary already held.
    Audited ``subcommittee.member_added``; conflicts of interest are detected for the person
    at once. Returns the membership, with ``warnings`` (visit dates the person marked
    unavailable)."""
    from gecc.committees.domain.conflicts import detect_conflicts
    from gecc.committees.models import AssessorProfile, Membership

    team = _lock_team(subcommittee)
    _check_round(team.round)
    if position not in Position.values:
        raise ValidationError(_("Unknown position."), code="position")
    profile = AssessorProfile.objects.filter(user=user).first()
    if profile is None:
        raise ValidationError(_("%(person)s is not in the assessor pool: add their profile "
                                "first.") % {"person": _person(user)}, code="no_profile")
    if not profile.is_active:
        raise ValidationError(_("%(person)s is marked inactive in the assessor pool.")
                              % {"person": _person(user)}, code="inactive")
    if not profile.home_province_id:
        raise ValidationError(_("%(person)s has no home province in the assessor pool; it is "
                                "needed to assign visits.") % {"person": _person(user)},
                              code="no_home_province")
    existing = (Membership.objects.filter(round_id=team.round_id, user=user)
                .select_related("subcommittee").first())
    if existing is not None:
        if existing.subcommittee_id == team.pk:
            raise ValidationError(_("%(person)s is already a member of this sub-committee.")
                                  % {"person": _person(user)}, code="duplicate")
        raise ValidationError(
            _("%(person)s already sits on %(team)s in this round; a person sits on one "
              "sub-committee per round.") % {"person": _person(user),
                                             "team": existing.subcommittee.display_name},
            code="other_team")
    _check_single_position(team, position)
    membership = Membership(subcommittee=team, user=user, position=position)
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:
        raise ValidationError(_("The sub-committee changed meanwhile; reload the page and "
                                "try again."), code="conflict") from None
    membership.warnings = member_warnings(team, user)
    log_action("subcommittee.member_added", actor=actor, obj=team,
               after={"member": user.email, "position": position},
               data={"warnings": membership.warnings} if membership.warnings else None,
               request=request)
    detect_conflicts(team.round, actor=actor, users=[user])
    _notify_change(team, "member_added", actor=actor, request=request, member=user,
                   position=position)
    return membership


@transaction.atomic
def remove_member(membership, actor=None, request=None):
    """Take a member off their sub-committee; audited ``subcommittee.member_removed``."""
    team = _lock_team(membership.subcommittee)
    _check_round(team.round)
    user = membership.user
    position = membership.position
    log_action("subcommittee.member_removed", actor=actor, obj=team,
               before={"member": user.email, "position": position}, request=request)
    membership.delete()
    _notify_change(team, "member_removed", actor=actor, request=request, member=user,
                   position=position, extra=[user.email])


@transaction.atomic
def change_position(membership, position, actor=None, request=None):
    """Give a member another position on the same team; a chair or member-secretary already
    held by someone else is refused. Audited ``subcommittee.position_changed``."""
    from gecc.committees.models import Membership

    team = _lock_team(membership.subcommittee)
    _check_round(team.round)
    if position not in Position.values:
        raise ValidationError(_("Unknown position."), code="position")
    membership = Membership.objects.select_related("user").get(pk=membership.pk)
    if membership.position == position:
        return membership
    _check_single_position(team, position, exclude=membership)
    before = membership.position
    membership.position = position
    try:
        with transaction.atomic():
            membership.save(update_fields=["position", "round"])
    except IntegrityError:
        raise ValidationError(_("The sub-committee changed meanwhile; reload the page and "
                                "try again."), code="conflict") from None
    log_action("subcommittee.position_changed", actor=actor, obj=team,
               before={"member": membership.user.email, "position": before},
               after={"member": membership.user.email, "position": position},
               request=request)
    _notify_change(team, "position_changed", actor=actor, request=request,
                   member=membership.user, position=position)
    return membership


def team_members(subcommittee):
    """The members with their users and profiles: the prefetched list when the caller
    prefetched ``members`` (``with_members``), else one query."""
    cache = getattr(subcommittee, "_prefetched_objects_cache", {})
    if "members" in cache:
        return list(cache["members"])
    return list(subcommittee.members.select_related("user", "user__assessor_profile"))


def with_members(queryset):
    """Sub-committees with what ``team_problems`` and the lists read, in a fixed number of
    queries."""
    from django.db.models import Prefetch

    from gecc.committees.models import MEMBER_ORDER, Membership

    return queryset.select_related("round", "base_province").prefetch_related(
        Prefetch("members", queryset=Membership.objects.select_related(
            "user", "user__assessor_profile").order_by(*MEMBER_ORDER)))


def _profile(user):
    try:
        return user.assessor_profile
    except ObjectDoesNotExist:
        return None


def team_problems(subcommittee) -> list[str]:
    """What keeps a team from being assigned visits, in Thai (empty when ready): no chair,
    no member-secretary, no visit dates, no base, a member without a home province, more
    visits a day than a member accepts."""
    members = team_members(subcommittee)
    positions = {member.position for member in members}
    problems = []
    if Position.CHAIR not in positions:
        problems.append(_("No chair yet"))
    if Position.SECRETARY not in positions:
        problems.append(_("No member-secretary yet"))
    if not subcommittee.visit_dates:
        problems.append(_("No visit dates yet"))
    if subcommittee.base_point() is None:
        problems.append(_("No base with coordinates (a province or an address with its "
                          "coordinates)"))
    for member in members:
        profile = _profile(member.user)
        if profile is None or not profile.home_province_id:
            problems.append(_("%(person)s has no home province") % {
                "person": _person(member.user)})
        elif profile.max_visits_per_day < subcommittee.visits_per_day:
            problems.append(_("%(person)s accepts at most %(max)s visits a day; the team "
                              "plans %(planned)s") % {
                "person": _person(member.user), "max": profile.max_visits_per_day,
                "planned": subcommittee.visits_per_day})
    return problems
