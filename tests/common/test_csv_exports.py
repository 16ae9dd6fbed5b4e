"""Every CSV file the system produces goes through the one writer (gecc.common.csvexport) and
comes out escaped against formula injection: the walk below finds every export endpoint in
the URL configuration, fills the database with hostile cell values and checks each cell."""

import ast
import csv
import io
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from gecc.applications.domain import submit_application
from gecc.common.csvexport import FORMULA_STARTS
from gecc.registry.enums import ImportKind, ImportStatus
from gecc.registry.models import ImportJob
from tests.applications.factories import DURING, answer_all, make_application, make_round
from tests.audit.factories import make_entry
from tests.registry.factories import OrganizationFactory, ServiceUnitFactory

pytestmark = pytest.mark.django_db

SOURCE = Path(__file__).resolve().parents[2] / "src" / "gecc"
WRITER = SOURCE / "common" / "csvexport.py"

# One value for each character OWASP lists, each a working formula once unescaped.
HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+1+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
           "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


# -- discovery ---------------------------------------------------------------------------------


def url_patterns(patterns=None, prefix="", namespace=""):
    """(namespaced name, route) of every URL pattern of the project."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield namespace + (pattern.name or ""), prefix + str(pattern.pattern)


def export_like(name, route):
    """A pattern that may produce a spreadsheet file: named as an export, or answering in a
    format chosen by the URL (``fmt``) or fixed as CSV."""
    return "export" in name or "fmt" in route or ".csv" in route


# Patterns that look like exports but never answer with CSV, and why.
NOT_CSV = {
    "criteria:version.export": "a criteria edition as XLSX only (route ends in .xlsx)",
    "scoring:calibration.export": "a round's calibration as XLSX only (route ends in .xlsx)",
}


# -- hostile data for each CSV endpoint, each returning (url, query) ----------------------------


def units_with_hostile_values():
    organization = OrganizationFactory(code="EVIL", name_th=HOSTILE[0])
    first = ServiceUnitFactory(code="EVIL-1", organization=organization, name_th=HOSTILE[0],
                               name_en=HOSTILE[1], phone=HOSTILE[2], email=HOSTILE[3])
    second = ServiceUnitFactory(code="EVIL-2", organization=organization, name_th=HOSTILE[4],
                                name_en=HOSTILE[5])
    return first, second


def unit_export(user):
    units_with_hostile_values()
    return reverse("registry:unit.export"), {"fmt": "csv"}


def import_error_report(user):
    job = ImportJob.objects.create(
        file="registry/imports/x.csv", original_name="x.csv", kind=ImportKind.UNITS,
        created_by=user, status=ImportStatus.AWAITING_CONFIRMATION,
        errors=[{"row": 2 + index, "column": "name_th", "message": value, "value": value}
                for index, value in enumerate(HOSTILE)])
    return reverse("registry:import.errors", args=[job.pk, "csv"]), {}


def import_template(user):
    return reverse("registry:import.template", args=["units", "csv"]), {}


def audit_export(user):
    first, second = units_with_hostile_values()
    for index, value in enumerate(HOSTILE):
        make_entry("unit.updated", obj=first if index % 2 else second, actor_label=value,
                   before={"name_th": "x"}, after={"name_th": value})
    return reverse("audit:entry.export"), {"action": "unit."}


def review_export(user):
    first, second = units_with_hostile_values()
    round_obj = make_round()
    for unit in (first, second):
        application = make_application(round_obj, unit)
        answer_all(application)
        submit_application(application, None, now=DURING)
    return reverse("applications:review.export"), {"fmt": "csv", "round": round_obj.pk}


CSV_EXPORTS = {
    "registry:unit.export": unit_export,
    "registry:import.errors": import_error_report,
    "registry:import.template": import_template,
    "audit:entry.export": audit_export,
    "applications:review.export": review_export,
}


def assessor_pool_export(user):
    from tests.committees.factories import AssessorFactory
    for index, value in enumerate(HOSTILE):
        AssessorFactory(user__email=f"hostile{index}@example.go.th", user__full_name=value,
                        affiliation_text=value, expertise=[value])
    return reverse("committees:assessor.export"), {"fmt": "csv"}


def conflict_export(user):
    from gecc.committees.models import Conflict
    from tests.committees.factories import make_team
    round_obj = make_round()
    team = make_team(round_obj, name=HOSTILE[1])
    first, _second = units_with_hostile_values()
    for index, member in enumerate(team.members.select_related("user")):
        Conflict.objects.create(round=round_obj, user=member.user, unit=first,
                                kind="declared", reason=HOSTILE[index])
    return reverse("committees:conflict.export", args=[round_obj.pk]), {}


def assignment_export(user):
    from gecc.applications.models import Application
    from gecc.committees.domain.assignment import run_assignment
    from gecc.registry.models import ServiceUnit
    from tests.committees.test_assignment import CHIANG_MAI, make_team
    first, second = units_with_hostile_values()
    ServiceUnit.objects.filter(pk__in=[first.pk, second.pk]).update(
        latitude="18.788300", longitude="98.985300")
    round_obj = make_round()
    for unit in (first, second):
        application = make_application(round_obj, unit)
        Application.objects.filter(pk=application.pk).update(state="accepted")
    make_team(round_obj, 1, CHIANG_MAI)
    run_assignment(round_obj, user)
    return reverse("committees:assignment.export", args=[round_obj.pk]), {}


CSV_EXPORTS.update({"committees:assessor.export": assessor_pool_export,
                    "committees:conflict.export": conflict_export,
                    "committees:assignment.export": assignment_export})
# Endpoints whose file holds data (a template holds only its header).


def team_sheet_export(user):
    """The round's team sheets, with a hostile unit name."""
    from gecc.registry.models import ServiceUnit
    from tests.scoring.factories_sheets import scoring_world

    world = scoring_world()
    ServiceUnit.objects.filter(pk=world.application.unit_id).update(name_th=HOSTILE[0])
    return reverse("scoring:team.export", args=[world.round.pk]), {}


CSV_EXPORTS["scoring:team.export"] = team_sheet_export



def appeal_export(user):
    """An appeal of a unit with a hostile name."""
    from gecc.decisions.domain.appeals import file_appeal
    from gecc.registry.models import ServiceUnit
    from tests.decisions.builders import decided

    decision = decided()
    unit = decision.application.unit
    ServiceUnit.objects.filter(pk=unit.pk).update(name_th=HOSTILE[0])
    file_appeal(decision, unit.coordinators.get(), reasons="คะแนนต่ำกว่าความเป็นจริง")
    return reverse("decisions:appeal.export"), {}


def certificate_export(user):
    """A certificate of a unit with a hostile name."""
    from gecc.certificates.domain.issue import issue_certificate
    from tests.certificates.factories_issue import certify_world

    world = certify_world(name_th=HOSTILE[0])
    issue_certificate(world.decision, world.secretariat)
    return reverse("certificates:certificate.export"), {}


CSV_EXPORTS["decisions:appeal.export"] = appeal_export
CSV_EXPORTS["certificates:certificate.export"] = certificate_export


WITH_DATA = set(CSV_EXPORTS) - {"registry:import.template"}


def test_every_export_endpoint_is_walked():
    found = {name for name, route in url_patterns() if export_like(name, route)}
    assert found == set(CSV_EXPORTS) | set(NOT_CSV)
    routes = dict(url_patterns())
    assert all(routes[name].endswith(".xlsx") for name in NOT_CSV)


def content_of(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.parametrize("name", sorted(CSV_EXPORTS))
def test_every_csv_export_escapes_formula_cells(client, login_as, name):
    user = login_as("secretariat")
    url, query = CSV_EXPORTS[name](user)
    response = client.get(url, query)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = content_of(response)
    assert body.startswith(b"\xef\xbb\xbf\"")  # byte-order mark, then every cell quoted
    text = body.decode("utf-8-sig")
    assert text.endswith("\r\n")
    cells = [value for row in csv.reader(io.StringIO(text, newline="")) for value in row]
    assert cells
    assert [value for value in cells if value.startswith(FORMULA_STARTS)] == []
    if name in WITH_DATA:
        escaped = {"'" + value for value in HOSTILE}
        assert escaped & set(cells), "the hostile values should be in the file, escaped"


def test_only_the_shared_writer_writes_csv():
    """No module but gecc.common.csvexport makes a csv writer or answers with text/csv."""
    offenders = []
    for path in SOURCE.rglob("*.py"):
        if path == WRITER:
            continue
        source = path.read_text(encoding="utf-8")
        if "text/csv" in source:
            offenders.append(f"{path.relative_to(SOURCE)}: text/csv")
        for node in ast.walk(ast.parse(source)):
            if (isinstance(node, ast.Attribute) and node.attr in ("writer", "DictWriter")
                    and isinstance(node.value, ast.Name) and node.value.id == "csv"):
                offenders.append(f"{path.relative_to(SOURCE)}:{node.lineno}: csv.{node.attr}")
    assert offenders == []
