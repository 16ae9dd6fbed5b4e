"""The assessor pool: who can sit on a sub-committee, where they work and live, what they
know and when they cannot travel.

``create_profile`` and ``update_profile`` are the only writers of an ``AssessorProfile``;
each checks the values (a home province is required: assignment measures distances from
it), saves and writes ``assessor.created`` / ``assessor.updated`` with the before/after
values of the fields that changed. ``ensure_assessor_user`` finds or creates the person's
account with the assessor role, the way the registry invites a unit's coordinator (no
usable password yet; the invitation e-mail carries a link to choose one).
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from gecc.accounts.enums import Role
from gecc.accounts.models import RoleGrant
from gecc.audit.domain import log_action
from gecc.common.outbox import notify
from gecc.common.urls import absolute_url
from gecc.registry.domain.validation import validate_phone

# The fields assessor.created / assessor.updated record.
PROFILE_FIELDS = ("affiliation", "affiliation_text", "home_province", "expertise", "phone",
                  "max_visits_per_day", "unavailable_dates", "is_active")
MAX_VISITS_PER_DAY = 10
EXPERTISE_MAX = 100  # characters in one expertise tag
AFFILIATION_TEXT_MAX = 255
PHONE_MAX = 100


def _messages(exc):
    return " ".join(exc.messages)


def iso_dates(values) -> list[str]:
    """Dates (``date`` objects or ISO strings) as sorted ISO strings without repeats."""
    dates = set()
    for value in values or ():
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, str):
            value = datetime.date.fromisoformat(value.strip())
        dates.add(value.isoformat())
    return sorted(dates)


def clean_expertise(values) -> list[str]:
    """Expertise tags stripped, without empties or repeats (case-insensitive), in order."""
    seen, tags = set(), []
    for value in values or ():
        tag = " ".join(str(value).split())
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tags


def clean_profile_values(values: dict) -> dict:
    """The profile values checked and normalised; a ``ValidationError`` keyed by field, in
    Thai, for anything wrong. A home province is required."""
    errors = {}
    cleaned = dict(values)
    if not cleaned.get("home_province"):
        errors["home_province"] = _("The home province is required: assignment measures the "
                                    "distance to each unit from it.")
    text = (cleaned.get("affiliation_text") or "").strip()
    cleaned["affiliation_text"] = text
    if cleaned.get("affiliation") and text:
        errors["affiliation_text"] = _("Give either a registered organisation or an outside "
                                       "affiliation, not both.")
    elif len(text) > AFFILIATION_TEXT_MAX:
        errors["affiliation_text"] = _("At most %(max)s characters.") % {
            "max": AFFILIATION_TEXT_MAX}
    cleaned["expertise"] = clean_expertise(cleaned.get("expertise"))
    too_long = [tag for tag in cleaned["expertise"] if len(tag) > EXPERTISE_MAX]
    if too_long:
        errors["expertise"] = _("An expertise tag may have at most %(max)s characters.") % {
            "max": EXPERTISE_MAX}
    phone = (cleaned.get("phone") or "").strip()
    cleaned["phone"] = phone
    try:
        validate_phone(phone)
    except ValidationError as exc:
        errors["phone"] = _messages(exc)
    if len(phone) > PHONE_MAX:
        errors["phone"] = _("At most %(max)s characters.") % {"max": PHONE_MAX}
    visits = cleaned.get("max_visits_per_day")
    if visits is None or visits == "":
        visits = 4
    try:
        visits = int(visits)
    except (TypeError, ValueError):
        visits = None
    if visits is None or not 1 <= visits <= MAX_VISITS_PER_DAY:
        errors["max_visits_per_day"] = _("The maximum number of visits a day is a whole "
                                         "number from 1 to %(max)s.") % {
            "max": MAX_VISITS_PER_DAY}
    cleaned["max_visits_per_day"] = visits
    try:
        cleaned["unavailable_dates"] = iso_dates(cleaned.get("unavailable_dates"))
    except (TypeError, ValueError, AttributeError):
        errors["unavailable_dates"] = _("The dates unavailable are not valid dates.")
    cleaned["is_active"] = bool(cleaned.get("is_active", True))
    if errors:
        raise ValidationError(errors)
    return cleaned


def _snapshot(profile) -> dict:
    return {
        "affiliation": profile.affiliation_id,
        "affiliation_text": profile.affiliation_text,
        "home_province": profile.home_province_id,
        "expertise": list(profile.expertise or []),
        "phone": profile.phone,
        "max_visits_per_day": profile.max_visits_per_day,
        "unavailable_dates": list(profile.unavailable_dates or []),
        "is_active": profile.is_active,
    }


def _apply(profile, cleaned):
    for name in PROFILE_FIELDS:
        if name in cleaned:
            setattr(profile, name, cleaned[name])


@transaction.atomic
def create_profile(user, *, actor=None, request=None, audit_data=None, **values):
    """Put ``user`` in the assessor pool. ``values``: affiliation (an Organization or None),
    affiliation_text, home_province (a Province, required), expertise (list of text),
    phone, max_visits_per_day, unavailable_dates (dates or ISO strings), is_active.
    Audited ``assessor.created``."""
    from gecc.committees.models import AssessorProfile

    unknown = set(values) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown profile fields: {sorted(unknown)}")
    if AssessorProfile.objects.filter(user=user).exists():
        raise ValidationError(_("%(person)s is already in the assessor pool.")
                              % {"person": user.full_name or user.email}, code="exists")
    cleaned = clean_profile_values(values)
    profile = AssessorProfile(user=user)
    _apply(profile, cleaned)
    profile.save()
    log_action("assessor.created", actor=actor, obj=profile, after=_snapshot(profile),
               data={"email": user.email, **(audit_data or {})}, request=request)
    return profile


@transaction.atomic
def update_profile(profile, *, actor=None, request=None, audit_data=None, **values):
    """Change a profile; only the fields given in ``values`` change. Audited
    ``assessor.updated`` with the changed fields (nothing written when nothing changed).
    Returns the profile, its ``changed_fields`` naming what changed."""
    from gecc.committees.models import AssessorProfile

    unknown = set(values) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown profile fields: {sorted(unknown)}")
    profile = AssessorProfile.objects.select_for_update().get(pk=profile.pk)
    before = _snapshot(profile)
    merged = {name: getattr(profile, name) for name in PROFILE_FIELDS}
    merged.update(values)
    cleaned = clean_profile_values(merged)
    _apply(profile, cleaned)
    after = _snapshot(profile)
    changed = [name for name in PROFILE_FIELDS if before[name] != after[name]]
    profile.changed_fields = changed
    if not changed:
        return profile
    profile.save(update_fields=[*changed, "updated_at"])
    log_action("assessor.updated", actor=actor, obj=profile,
               before={name: before[name] for name in changed},
               after={name: after[name] for name in changed},
               data={"email": profile.user.email, **(audit_data or {})}, request=request)
    return profile


@transaction.atomic
def ensure_assessor_user(email, full_name="", *, actor=None, request=None):
    """The account with ``email`` (case-insensitive), created when there is none (no usable
    password yet), holding the assessor role. A new account, or an existing one newly given
    the role, gets an invitation e-mail (``assessor.invited``), sent after commit.
    Returns ``(user, created, role_granted)``."""
    user_model = get_user_model()
    email = (email or "").strip().lower()
    user = user_model.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = user_model(email=email, full_name=(full_name or "").strip()[:200])
        user.set_unusable_password()
        user.save()
    _grant, granted = RoleGrant.objects.get_or_create(user=user, role=Role.ASSESSOR,
                                                      defaults={"granted_by": actor})
    user.__dict__.pop("_roles_cache", None)
    if created or granted:
        _send_invitation(user, actor=actor, request=request)
    return user, created, granted


def _send_invitation(user, *, actor=None, request=None):
    from gecc.registry.views.coordinators import password_link

    context = {
        "user": user,
        "set_password_url": (password_link(request, user)
                             if not user.has_usable_password() else None),
        "login_url": absolute_url(reverse("accounts:login"), request),
        "conflicts_url": absolute_url(reverse("committees:conflict.mine"), request),
    }
    notify("assessor.invited", recipients=[user.email], context=context, obj=user,
           actor=actor)


def assessor_users():
    """Active users holding the assessor role (candidates for a profile)."""
    return get_user_model().objects.with_role(Role.ASSESSOR).distinct()
