"""Every URL of the project, opened with GET by every role: the permission table.

The walk enumerates ``get_resolver().url_patterns`` recursively, fills each pattern's path
parameters with objects of the world of ``tests/scoping/world.py`` (two rounds, units in two
provinces, a draft, a submitted and accepted applications, evidence files on each, two
sub-committees with a confirmed, a proposed and no assignment, a member with a conflict of
interest) and compares what each role gets with ``EXPECTED``. Every request is a fresh
signed-in client; a server error shows as ``500`` in the list of differences.

Adding a URL? Add its line to ``EXPECTED`` (the walk fails on a URL without one, and on a
line whose URL no longer exists). A line is ``"<url name>"`` or ``"<url name>@<target>"``,
where the target (``assigned``, ``draft``, ``other_team``, ``proposed``, ``submitted``: see
the world) is the application whose objects fill the parameters (``assigned`` when not
said). A new parameter name, or a new ``pk`` owner, goes in ``tests/scoping/url_params.py``.

Outcomes: ``OK`` 200, or a redirect to the same URL name (a password-reset link moves its
token into the session); ``REDIRECT`` a redirect elsewhere (not the sign-in page);
``LOGIN`` the sign-in page; ``DENIED`` 403; ``HIDDEN`` 404 (nothing says the object
exists); ``POST_ONLY`` 405 (an action that only answers POST).

Not walked, on purpose: Django's admin (``django-admin/``: its own staff-flag permission
system, covered by ``tests/accounts/test_admin.py``, and dozens of generated model pages
that are not this project's screens) and the static files (``static/``: mounted only with
DEBUG, public files by design).
"""

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404

from tests.conftest import sign_in
from tests.decisions_walk import decisions_expectations
from tests.scoping.url_params import fill
from tests.scoping.world import build_world, freeze_clock
from tests.scoring_walk import scoring_expectations

ROLES = ("anonymous", "secretariat", "assessor", "conflicted", "coordinator", "steering")
# "assessor": on team 1, which has the confirmed assignment of ``assigned``.
# "conflicted": on team 1 too, with a conflict of interest in force on ``assigned``'s unit.
# "coordinator": coordinates the unit of ``assigned`` (not the draft's).

OK, REDIRECT, LOGIN = "OK", "REDIRECT", "LOGIN"
DENIED, HIDDEN, POST_ONLY = "DENIED", "HIDDEN", "POST_ONLY"
EXCLUDED_PREFIXES = ("django-admin/", "static/", "^static/")


def everyone(outcome):
    return (outcome,) * len(ROLES)


#                anonymous secretariat assessor conflicted coordinator steering
PUBLIC = everyone(OK)
SIGNED_IN = (LOGIN, OK, OK, OK, OK, OK)
SECRETARIAT = (LOGIN, OK, DENIED, DENIED, DENIED, DENIED)
SECRETARIAT_POST = (LOGIN, POST_ONLY, DENIED, DENIED, DENIED, DENIED)
SECRETARIAT_REDIRECT = (LOGIN, REDIRECT, DENIED, DENIED, DENIED, DENIED)
MEMBERS = (LOGIN, DENIED, OK, OK, DENIED, DENIED)
STAFF = (LOGIN, OK, OK, OK, DENIED, OK)
DESK_REVIEW = (LOGIN, OK, OK, OK, DENIED, DENIED)  # rows then limited by visible_to
OWN_UNIT = (LOGIN, DENIED, DENIED, DENIED, OK, DENIED)  # the portal: the unit's coordinator
OTHER_UNIT = (LOGIN, DENIED, DENIED, DENIED, HIDDEN, DENIED)
OWN_UNIT_POST = (LOGIN, DENIED, DENIED, DENIED, POST_ONLY, DENIED)
SIGNED_IN_POST = (LOGIN, *everyone(POST_ONLY)[1:])
# The desk review of one application: the secretariat; a member only on their team's
# confirmed, conflict-free application; nothing for coordinators and the steering committee.
REVIEW_OWN_TEAM = (LOGIN, OK, OK, HIDDEN, DENIED, DENIED)
REVIEW_NOT_THEIRS = (LOGIN, OK, HIDDEN, HIDDEN, DENIED, DENIED)
# An evidence file: the secretariat, the unit's coordinator, a member of the team (no
# conflict); never the steering committee.
FILE_OWN_TEAM = (LOGIN, OK, OK, HIDDEN, OK, HIDDEN)
FILE_NOT_THEIRS = (LOGIN, OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN)

EXPECTED = {
    # url name[@target]: (anonymous, secretariat, assessor, conflicted, coordinator, steering)
    "public:home": PUBLIC,
    "home": (LOGIN, *everyone(REDIRECT)[1:]),  # to each role's home
    "route:favicon.ico": everyone(REDIRECT),  # to the static file
    "set_language": everyone(REDIRECT),  # GET changes nothing, goes back
    "api:status": PUBLIC,
    # accounts
    "accounts:login": PUBLIC,
    "accounts:logout": everyone(POST_ONLY),
    "accounts:security": SIGNED_IN,
    "accounts:otp.enrol": (LOGIN, REDIRECT, OK, OK, OK, OK),  # the secretariat has one
    "accounts:otp.verify": (LOGIN, *everyone(REDIRECT)[1:]),  # already verified / none
    "accounts:otp.remove": (LOGIN, OK, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    "accounts:password_change": SIGNED_IN,
    "accounts:password_reset": PUBLIC,
    "accounts:password_reset_done": PUBLIC,
    "accounts:password_reset_confirm": PUBLIC,  # the token moves into the session
    "accounts:password_reset_complete": PUBLIC,
    # staff homes
    "backoffice:home.secretariat": SECRETARIAT,
    "backoffice:home.assessor": MEMBERS,
    "backoffice:home.steering": (LOGIN, DENIED, DENIED, DENIED, DENIED, OK),
    "audit:entry.list": SECRETARIAT,
    "audit:entry.detail": SECRETARIAT,
    "audit:entry.export": SECRETARIAT,
    "notifications:message.list": SECRETARIAT,
    "notifications:message.detail": SECRETARIAT,
    "notifications:message.resend": SECRETARIAT,  # GET: the confirmation page
    # registry
    "registry:unit.list": SIGNED_IN,
    "registry:unit.detail": SIGNED_IN,
    "registry:unit.export": SIGNED_IN,
    "registry:unit.create": SECRETARIAT,
    "registry:unit.update": (LOGIN, OK, DENIED, DENIED, OK, DENIED),  # their own unit
    "registry:unit.deactivate": SECRETARIAT,
    "registry:unit.invite": SECRETARIAT,
    "registry:unit.coordinator_remove": SECRETARIAT,
    "registry:organization.list": SIGNED_IN,
    "registry:organization.detail": SIGNED_IN,
    "registry:organization.create": SECRETARIAT,
    "registry:organization.update": SECRETARIAT,
    "registry:organization.deactivate": SECRETARIAT,
    "registry:import.create": SECRETARIAT,
    "registry:import.detail": SECRETARIAT,
    "registry:import.check": SECRETARIAT_POST,
    "registry:import.confirm": SECRETARIAT_POST,
    "registry:import.errors": SECRETARIAT,
    "registry:import.template": SECRETARIAT,
    "registry:geo.options": SIGNED_IN,
    # criteria and rounds (counts only: no application rows)
    "criteria:version.list": STAFF,
    "criteria:version.detail": STAFF,
    "criteria:version.export": STAFF,
    "criteria:version.upload": SECRETARIAT,
    "criteria:version.diff": (LOGIN, HIDDEN, HIDDEN, HIDDEN, DENIED, HIDDEN),  # no versions
    "rounds:round.list": STAFF,
    "rounds:round.detail": STAFF,
    "rounds:round.create": SECRETARIAT,
    "rounds:round.dates": SECRETARIAT,
    "rounds:round.open": SECRETARIAT,
    "rounds:round.advance": SECRETARIAT,
    "rounds:round.close": SECRETARIAT,
    # the desk review: list and export scoped, actions the secretariat's
    "applications:review.list": DESK_REVIEW,
    "applications:review.export": DESK_REVIEW,
    "applications:review.bulk_accept": SECRETARIAT_POST,
    "applications:review.detail@assigned": REVIEW_OWN_TEAM,
    "applications:review.detail@draft": REVIEW_NOT_THEIRS,
    "applications:review.detail@other_team": REVIEW_NOT_THEIRS,
    "applications:review.detail@proposed": REVIEW_NOT_THEIRS,
    "applications:review.detail@submitted": REVIEW_NOT_THEIRS,
    "applications:review.screening": SECRETARIAT_POST,
    "applications:review.comment_add": SECRETARIAT_POST,
    "applications:review.comment_resolve": SECRETARIAT_POST,
    # a decision page is a 404 where the decision is not possible (already accepted)
    "applications:review.return@assigned": (LOGIN, HIDDEN, DENIED, DENIED, DENIED, DENIED),
    "applications:review.return@submitted": SECRETARIAT,
    "applications:review.accept@assigned": (LOGIN, HIDDEN, DENIED, DENIED, DENIED, DENIED),
    "applications:review.accept@submitted": SECRETARIAT,
    "applications:review.reject@assigned": (LOGIN, HIDDEN, DENIED, DENIED, DENIED, DENIED),
    "applications:review.reject@submitted": SECRETARIAT,
    # evidence files
    "evidence:file.download@assigned": FILE_OWN_TEAM,
    "evidence:file.download@draft": FILE_NOT_THEIRS,
    "evidence:file.download@other_team": FILE_NOT_THEIRS,
    "evidence:file.download@proposed": FILE_NOT_THEIRS,
    "evidence:file.download@submitted": FILE_NOT_THEIRS,
    "evidence:file.versions@assigned": FILE_OWN_TEAM,
    "evidence:file.versions@draft": FILE_NOT_THEIRS,
    "evidence:file.versions@other_team": FILE_NOT_THEIRS,
    "evidence:file.versions@submitted": FILE_NOT_THEIRS,
    # removing: only the unit's coordinator while it may change (sent: back with the reason)
    "evidence:file.remove@assigned": (LOGIN, DENIED, DENIED, HIDDEN, REDIRECT, HIDDEN),
    "evidence:file.remove@draft": (LOGIN, DENIED, HIDDEN, HIDDEN, HIDDEN, HIDDEN),
    "evidence:file.replace": SIGNED_IN_POST,
    "evidence:file.upload": SIGNED_IN_POST,
    # the unit portal (``coordinator`` coordinates the unit of ``assigned``)
    "portal:home": OWN_UNIT,
    "portal:application.create@assigned": OWN_UNIT,
    "portal:application.create@draft": OTHER_UNIT,
    "portal:application.detail@assigned": OWN_UNIT,
    "portal:application.detail@draft": OTHER_UNIT,
    "portal:application.assessment@assigned": OWN_UNIT,
    "portal:application.assessment@draft": OTHER_UNIT,
    "portal:application.confirm_all@assigned": (LOGIN, *everyone(DENIED)[1:]),  # not renewal
    "portal:application.confirm_all@draft": OTHER_UNIT,
    "portal:application.submit@assigned": (LOGIN, DENIED, DENIED, DENIED, REDIRECT, DENIED),
    "portal:application.submit@draft": OTHER_UNIT,
    "portal:application.receipt@assigned": OWN_UNIT,
    "portal:application.receipt@submitted": OTHER_UNIT,
    "portal:application.withdraw@assigned": OWN_UNIT,
    "portal:application.withdraw@draft": OTHER_UNIT,
    "portal:answer.detail@assigned": OWN_UNIT,
    "portal:answer.detail@draft": OTHER_UNIT,
    "portal:answer.save": OWN_UNIT_POST,
    "portal:answer.confirm": OWN_UNIT_POST,
    # committees: the assessor pool, sub-committees, conflicts, assignment
    "committees:assessor.list": SECRETARIAT,
    "committees:assessor.create": SECRETARIAT,
    "committees:assessor.edit": SECRETARIAT,
    "committees:assessor.import": SECRETARIAT,
    "committees:assessor.export": SECRETARIAT,
    "committees:lookup.organizations": (LOGIN, OK, OK, OK, DENIED, DENIED),
    "committees:lookup.units": (LOGIN, OK, OK, OK, DENIED, DENIED),
    "committees:subcommittee.index": SECRETARIAT_REDIRECT,  # to the newest round's list
    "committees:subcommittee.list": SECRETARIAT,
    "committees:subcommittee.create": SECRETARIAT,
    "committees:subcommittee.detail": SECRETARIAT,
    "committees:subcommittee.edit": SECRETARIAT,
    "committees:member.add": SECRETARIAT_REDIRECT,
    "committees:member.position": SECRETARIAT_REDIRECT,
    "committees:member.remove": SECRETARIAT,
    "committees:conflict.list": SECRETARIAT,
    "committees:conflict.export": SECRETARIAT,
    "committees:conflict.detect": SECRETARIAT,
    "committees:conflict.override": SECRETARIAT,
    "committees:conflict.mine": MEMBERS,
    "committees:conflict.declare": MEMBERS,
    "committees:conflict.withdraw": (LOGIN, DENIED, HIDDEN, OK, DENIED, DENIED),  # theirs
    "committees:assignment.overview": SECRETARIAT,
    "committees:assignment.run": SECRETARIAT_POST,
    "committees:assignment.confirm": SECRETARIAT,
    "committees:assignment.export": SECRETARIAT,
    "committees:run.detail": SECRETARIAT,
    "committees:assignment.move": SECRETARIAT_POST,
    "committees:assignment.lock": SECRETARIAT_POST,
    "committees:assignment.unlock": SECRETARIAT_POST,
    # visits (team 1's itinerary is a draft: members see it once confirmed)
    "visits:itinerary.list": SECRETARIAT,
    "visits:itinerary.plan_all": SECRETARIAT_POST,
    "visits:itinerary.plan": SECRETARIAT_POST,
    "visits:itinerary.detail": (LOGIN, OK, HIDDEN, HIDDEN, DENIED, HIDDEN),
    "visits:itinerary.parameters": SECRETARIAT_POST,
    "visits:itinerary.confirm": SECRETARIAT,
    "visits:itinerary.pdf": (LOGIN, OK, HIDDEN, HIDDEN, DENIED, HIDDEN),
    "visits:day.hotel": SECRETARIAT_POST,
    "visits:visit.edit": SECRETARIAT,
    "visits:visit.fix": SECRETARIAT,
    "visits:visit.unfix": SECRETARIAT_POST,
    "visits:visit.duration": SECRETARIAT,
    "visits:unit.window": SECRETARIAT,
    "visits:visit.ics": FILE_NOT_THEIRS,
    "visits:schedule.mine": MEMBERS,
    "visits:schedule.feed": PUBLIC,  # no session: the signed token names the member
}
# The scoring app's pages, one module per part: tests/scoring_walk/part_*.py.
EXPECTED.update(scoring_expectations())
# The decisions, certificates and public registry pages: tests/decisions_walk/part_*.py.
EXPECTED.update(decisions_expectations())


# -- the walk --------------------------------------------------------------------------------

def _parameters(pattern):
    converters = getattr(pattern.pattern, "converters", None)
    if converters is not None:
        return list(converters)
    return list(pattern.pattern.regex.groupindex)


def url_patterns(patterns=None, prefix="", namespace="", parameters=()):
    """``{key: (route, parameter names)}`` for every pattern outside ``EXCLUDED_PREFIXES``;
    the key is the namespaced URL name, or ``route:<route>`` for an unnamed pattern."""
    found = {}
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith(EXCLUDED_PREFIXES):
            continue
        names = [*parameters, *_parameters(pattern)]
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            found.update(url_patterns(pattern.url_patterns, route, inner, names))
        elif pattern.name:
            found[":".join(filter(None, [namespace, pattern.name]))] = (route, names)
        else:
            found[f"route:{route}"] = (route, names)
    return found


def split_key(key):
    name, _, target = key.partition("@")
    return name, target or "assigned"


def url_for(world, key, patterns):
    name, target = split_key(key)
    route, parameters = patterns[name]
    if name.startswith("route:"):
        return "/" + route
    return reverse(name, kwargs=fill(world, name, parameters, target) or None)


def outcome(response, name):
    status = response.status_code
    if response.streaming:  # a file download: read to the end, which closes the file
        b"".join(response.streaming_content)
    if status in (301, 302):
        path = response["Location"].split("?")[0].split("#")[0]
        if path.startswith(reverse("accounts:login")):
            return LOGIN
        try:
            return OK if resolve(path).view_name == name else REDIRECT
        except Resolver404:
            return REDIRECT
    return {200: OK, 403: DENIED, 404: HIDDEN, 405: POST_ONLY}.get(status, str(status))


def person_for(world, role):
    return None if role == "anonymous" else world.people[role]


@pytest.fixture
def world(db, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    freeze_clock(monkeypatch)
    return build_world()


def test_every_url_has_an_expectation_and_every_expectation_a_url():
    patterns = url_patterns()
    named = {split_key(key)[0] for key in EXPECTED}
    missing = sorted(set(patterns) - named)
    stale = sorted(named - set(patterns))
    assert not missing, "URLs without a line in EXPECTED (tests/test_url_walk.py): " + \
        ", ".join(missing)
    assert not stale, "Lines in EXPECTED for URLs that no longer exist: " + ", ".join(stale)
    assert all(len(row) == len(ROLES) for row in EXPECTED.values())


@pytest.mark.parametrize("role", ROLES)
def test_url_walk(world, role):
    patterns = url_patterns()
    index = ROLES.index(role)
    user = person_for(world, role)
    wrong = []
    for key, row in EXPECTED.items():
        if split_key(key)[0] not in patterns:
            continue  # reported by the test above
        url = url_for(world, key, patterns)
        client = Client(raise_request_exception=False)
        if user is not None:
            sign_in(client, user)
        got = outcome(client.get(url), split_key(key)[0])
        if got != row[index]:
            wrong.append(f"{key} ({url}): expected {row[index]}, got {got}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


APPLICATION_PAGES = ("applications:review.", "evidence:", "portal:application.",
                     "portal:answer.")


def _sees(row, role):
    return row[ROLES.index(role)] in (OK, REDIRECT)


def test_the_table_keeps_the_scoping_rules():
    """The rules of the scoping issue, checked on the table itself, so that a later change
    cannot loosen a line to make the walk pass: no evidence file for the steering committee;
    no draft for members or the steering committee; no application of another team, and none
    at all for a member with a conflict of interest."""
    for key, row in EXPECTED.items():
        name, target = split_key(key)
        if name.startswith("evidence:"):
            assert not _sees(row, "steering"), key
        if "@" not in key or not name.startswith(APPLICATION_PAGES):
            continue
        assert not _sees(row, "conflicted"), key
        if target == "draft":
            assert not any(_sees(row, role) for role in ("assessor", "steering")), key
        if target != "assigned":
            assert not _sees(row, "assessor"), key
    member, conflicted = ROLES.index("assessor"), ROLES.index("conflicted")
    for name in ("applications:review.detail", "evidence:file.download",
                 "evidence:file.versions"):
        assert EXPECTED[f"{name}@assigned"][member] == OK
        assert EXPECTED[f"{name}@assigned"][conflicted] == HIDDEN
        assert EXPECTED[f"{name}@draft"][member] == HIDDEN
        assert EXPECTED[f"{name}@other_team"][member] == HIDDEN
    assert EXPECTED["evidence:file.download@assigned"][ROLES.index("steering")] == HIDDEN
