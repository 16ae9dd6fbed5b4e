"""How the URL walk (``tests/test_url_walk.py``) fills a pattern's path parameters with
objects of the world of ``tests/scoping/world.py``.

Each function is ``fn(world, target) -> object or value`` (for ``pk`` the object's pk is
used); objects of the apps above ``applications`` (assessor profiles, runs, itineraries,
visits) are made the first time a URL needs them. A new parameter name goes in
``PARAMETERS``, a new group of URLs with a ``<pk>`` in ``PK_OWNERS``, a URL whose parameters
mean something of their own in ``URL_PARAMETERS``.
"""

import datetime

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


def _reset_token(world, target):
    user = world.people["coordinator"]
    return {"uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user)}


def _feed_token(world, target):
    from gecc.visits.domain import feed_token

    return {"token": feed_token(world.people["assessor"])}


def _assignment_run(world, target):
    from gecc.committees.models import AssignmentRun

    run = AssignmentRun.objects.filter(round=world.round).first()
    return run or AssignmentRun.objects.create(round=world.round,
                                               started_by=world.people["secretariat"])


def _profile(world, target):
    from gecc.committees.models import AssessorProfile

    return AssessorProfile.objects.get_or_create(user=world.people["assessor"])[0]


def _membership(world, target):
    return world.teams[1].members.get(user=world.people["assessor"])


def _itinerary(world, target):
    from gecc.visits.models import Itinerary

    return Itinerary.objects.get_or_create(subcommittee=world.teams[1])[0]


def _day(world, target):
    from gecc.visits.models import ItineraryDay

    return ItineraryDay.objects.get_or_create(itinerary=_itinerary(world, target),
                                              date=datetime.date(2026, 6, 2))[0]


def _visit(world, target):
    """The site visit of ``assigned`` (team 1's itinerary, first day, first stop)."""
    from gecc.visits.models import Visit

    return Visit.objects.get_or_create(
        application=world.application("assigned"),
        defaults={"itinerary": _itinerary(world, target), "day": _day(world, target),
                  "order": 1, "number": 1, "arrive_at": datetime.time(8, 50),
                  "start_at": datetime.time(9, 0), "end_at": datetime.time(10, 30)})[0]


# ``pk`` means a different object under each group of URL names (longest prefix wins).
PK_OWNERS = {
    "applications:review.": lambda w, t: t.application,
    "portal:application.": lambda w, t: t.application,
    "portal:answer.": lambda w, t: t.answer,
    "audit:entry.": lambda w, t: w.audit_entry,
    "registry:organization.": lambda w, t: t.application.unit.organization,
    "registry:import.": lambda w, t: w.import_job,
    "criteria:version.": lambda w, t: w.version,
    "notifications:message.": lambda w, t: w.outbox_message,
    "committees:assessor.": _profile,
    "committees:run.": _assignment_run,
    "committees:subcommittee.": lambda w, t: w.teams[1],
    "committees:member.add": lambda w, t: w.teams[1],
    "committees:member.": _membership,
    "committees:conflict.": lambda w, t: w.conflict,
    "visits:itinerary.": _itinerary,
    "visits:day.": _day,
    "visits:visit.": _visit,
    "visits:unit.window": _visit,
}

# Every other parameter, by name.
PARAMETERS = {
    "year": lambda w, t: t.application.round.year,
    "round_pk": lambda w, t: t.application.round_id,
    "round_id": lambda w, t: t.application.round_id,
    "application_pk": lambda w, t: t.application.pk,
    "team_pk": lambda w, t: w.teams[1].pk,
    "unit_id": lambda w, t: t.application.unit_id,
    "code": lambda w, t: t.application.unit.code,
    "user_id": lambda w, t: t.application.unit.coordinators.get().pk,
    "answer_id": lambda w, t: t.answer.pk,
    "public_id": lambda w, t: t.evidence.public_id,
    "comment_pk": lambda w, t: t.comment.pk,
    "sequence": lambda w, t: t.receipt.sequence,
    "fmt": lambda w, t: "csv",
    "kind": lambda w, t: "units",
}

# URLs whose parameters mean something of their own: fn(world, target) -> {name: value}.
URL_PARAMETERS = {
    "accounts:password_reset_confirm": _reset_token,
    "visits:schedule.feed": _feed_token,
}


def _merge_scoring_parts():
    """The later apps' parts bring their own entries (``tests/scoring_walk/part_*.py``,
    ``tests/decisions_walk/part_*.py``:
    optional ``PK_OWNERS``, ``PARAMETERS``, ``URL_PARAMETERS`` dicts in the same form)."""
    import importlib
    import pkgutil

    import tests.decisions_walk
    import tests.scoring_walk

    for parts in (tests.scoring_walk, tests.decisions_walk):
        for info in pkgutil.iter_modules(parts.__path__):
            if info.name.startswith("part_"):
                module = importlib.import_module(f"{parts.__name__}.{info.name}")
                PK_OWNERS.update(getattr(module, "PK_OWNERS", {}))
                PARAMETERS.update(getattr(module, "PARAMETERS", {}))
                URL_PARAMETERS.update(getattr(module, "URL_PARAMETERS", {}))


_merge_scoring_parts()


def pk_owner(name):
    matches = [prefix for prefix in PK_OWNERS if name.startswith(prefix)]
    if not matches:
        pytest.fail(f"{name}: say what its <pk> is in PK_OWNERS of tests/scoping/url_params.py")
    return PK_OWNERS[max(matches, key=len)]


def fill(world, name, parameters, target_name):
    target = world.targets[target_name]
    if name in URL_PARAMETERS:
        return URL_PARAMETERS[name](world, target)
    values = {}
    for parameter in parameters:
        if parameter == "pk":
            values["pk"] = pk_owner(name)(world, target).pk
        elif parameter in PARAMETERS:
            values[parameter] = PARAMETERS[parameter](world, target)
        else:
            pytest.fail(f"{name}: add the parameter <{parameter}> to PARAMETERS of "
                        "tests/scoping/url_params.py")
    return values
