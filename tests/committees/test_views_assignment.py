"""The secretariat's assignment pages: who may open them, the overview (figures, filters,
empty states, moves refused for a conflict), the automatic run as a Celery task (eager here)
with its progress page, the confirmation, the CSV export, and a query count."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gecc.audit.models import AuditEntry
from gecc.committees.domain.assignment import run_assignment
from gecc.committees.enums import Position, RunState
from gecc.committees.models import Assignment, AssignmentRun
from gecc.committees.tasks import run_assignment_task, sweep_assignment_runs
from tests.applications.factories import make_round
from tests.committees.test_assignment import (
    CHIANG_MAI,
    LAMPANG,
    accept,
    declare,
    make_team,
    near,
    two_team_round,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "secretariat", "assessor", "coordinator", "steering")


@pytest.fixture
def round_obj():
    return make_round()


def sign_in_as(login_as, role):
    return None if role == "anonymous" else login_as(role)


def overview(round_obj, query=""):
    return reverse("committees:assignment.overview", args=[round_obj.pk]) + query


# -- permissions ------------------------------------------------------------------------------


def endpoints(round_obj, application, run):
    return [
        ("get", overview(round_obj), 200),
        ("get", reverse("committees:assignment.confirm", args=[round_obj.pk]), 200),
        ("get", reverse("committees:assignment.export", args=[round_obj.pk]), 200),
        ("get", reverse("committees:run.detail", args=[run.pk]), 200),
        ("post", reverse("committees:assignment.lock", args=[application.pk]), 302),
        ("post", reverse("committees:assignment.unlock", args=[application.pk]), 302),
        ("post", reverse("committees:assignment.move", args=[application.pk]), 302),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_only_the_secretariat_may_use_the_assignment_pages(client, login_as, round_obj, role):
    north, _south, apps = two_team_round(round_obj, per_team=1)
    run = AssignmentRun.objects.create(round=round_obj, state=RunState.DONE, progress=1.0)
    sign_in_as(login_as, role)
    for method, url, allowed in endpoints(round_obj, apps[0], run):
        response = getattr(client, method)(url, {"subcommittee": north.pk}
                                           if method == "post" else {})
        if role == "anonymous":
            assert (response.status_code, "/accounts/login/" in response.url) == (302, True)
        elif role == "secretariat":
            assert response.status_code == allowed, url
        else:
            assert response.status_code == 403, url
    response = client.post(reverse("committees:assignment.run", args=[round_obj.pk]))
    assert response.status_code == (302 if role in ("anonymous", "secretariat") else 403)
    if role != "secretariat":
        assert not Assignment.objects.exists()


# -- the overview -----------------------------------------------------------------------------


def test_overview_without_teams_says_to_create_them(client, login_as, round_obj):
    login_as("secretariat")
    accept(round_obj, CHIANG_MAI)
    html = client.get(overview(round_obj)).content.decode()
    assert 'data-testid="empty-teams"' in html
    assert "รอบการประเมินนี้ยังไม่มีคณะอนุกรรมการ โปรดสร้างคณะอนุกรรมการก่อน" in html
    teams = reverse("committees:subcommittee.list", args=[round_obj.pk])
    assert f'href="{teams}"' in html
    assert 'data-testid="run-assignment"' not in html


def test_overview_without_accepted_applications_says_so(client, login_as, round_obj):
    login_as("secretariat")
    make_team(round_obj, 1, CHIANG_MAI)
    html = client.get(overview(round_obj)).content.decode()
    assert "รอบการประเมินนี้ยังไม่มีใบสมัครที่รับเข้าตรวจประเมินในพื้นที่" in html


def test_overview_shows_the_figures_and_filters(client, login_as, round_obj):
    secretariat = login_as("secretariat")
    north, south, apps = two_team_round(round_obj)
    late = accept(round_obj, near(LAMPANG, 3), name_th="ศูนย์บริการยังไม่จัด")
    run_assignment(round_obj, secretariat)
    Assignment.objects.filter(application=late).delete()
    Assignment.objects.filter(application=apps[0]).update(locked=True)

    html = client.get(overview(round_obj)).content.decode()
    assert html.count('data-testid="team-row"') == 2
    assert "ใบสมัครที่รับเข้าตรวจประเมิน: 7 · จัดแล้ว: 6 · ยังไม่ได้จัด: 1" in html
    assert "ค่าเฉลี่ย ± 10 %" in html
    assert html.count('data-testid="application-row"') == 7

    unassigned = client.get(overview(round_obj, "?team=none")).content.decode()
    assert unassigned.count('data-testid="application-row"') == 1
    assert "ศูนย์บริการยังไม่จัด" in unassigned
    locked = client.get(overview(round_obj, "?locked=yes")).content.decode()
    assert locked.count('data-testid="application-row"') == 1
    team = client.get(overview(round_obj, f"?team={south.pk}")).content.decode()
    assert team.count('data-testid="application-row"') == 3
    found = client.get(overview(round_obj, "?q=ยังไม่จัด")).content.decode()
    assert found.count('data-testid="application-row"') == 1
    none = client.get(overview(round_obj, "?q=ไม่มีหน่วยนี้")).content.decode()
    assert 'data-testid="empty-state"' in none


def test_a_conflicted_team_is_marked_and_a_move_to_it_refused(client, login_as, round_obj):
    secretariat = login_as("secretariat")
    north, south, apps = two_team_round(round_obj, per_team=1)
    run_assignment(round_obj, secretariat)
    member = north.members.get(position=Position.CHAIR)
    declare(member, apps[1].unit, round_obj)

    html = client.get(overview(round_obj)).content.decode()
    assert "คณะที่ 1 — มีผลประโยชน์ทับซ้อน" in html

    url = reverse("committees:assignment.move", args=[apps[1].pk])
    response = client.post(url, {"subcommittee": north.pk, "back": overview(round_obj)},
                           follow=True)
    page = response.content.decode()
    assert f"คณะที่ 1 ตรวจเยี่ยม {apps[1].unit.name_th} ไม่ได้:" in page
    assert member.user.full_name in page
    assert Assignment.objects.get(application=apps[1]).subcommittee == south

    response = client.post(reverse("committees:assignment.move", args=[apps[0].pk]),
                           {"subcommittee": south.pk, "back": "https://evil.example/"})
    assert response.url == overview(round_obj)  # only the overview is a way back
    moved = Assignment.objects.get(application=apps[0])
    assert (moved.subcommittee, moved.locked) == (south, True)


# -- the run ----------------------------------------------------------------------------------


def test_run_starts_the_task_and_shows_its_outcome(client, login_as, round_obj,
                                                   django_capture_on_commit_callbacks):
    login_as("secretariat")
    two_team_round(round_obj)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("committees:assignment.run", args=[round_obj.pk]))
    run = AssignmentRun.objects.get()
    assert response.url == reverse("committees:run.detail", args=[run.pk])
    assert (run.state, run.progress, run.message) == (RunState.DONE, 1.0, "")
    assert run.finished_at is not None
    assert run.result["assigned"] == 6
    assert Assignment.objects.count() == 6
    html = client.get(response.url).content.decode()
    assert "จัดคณะอนุกรรมการเสร็จแล้ว บันทึกข้อเสนอการจัดเรียบร้อย" in html
    assert 'data-testid="to-overview"' in html and "hx-get" not in html

    # Again: a proposal exists, so first a page says what may move.
    page = client.post(reverse("committees:assignment.run", args=[round_obj.pk]))
    assert page.status_code == 200
    assert "ใบสมัคร 6 รายการที่ยังไม่ล็อกและยังไม่ยืนยันจะถูกคำนวณใหม่" in page.content.decode()
    assert AssignmentRun.objects.count() == 1


def test_a_failed_run_lists_what_to_fix(client, login_as, round_obj,
                                        django_capture_on_commit_callbacks):
    login_as("secretariat")
    accept(round_obj, CHIANG_MAI)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("committees:assignment.run", args=[round_obj.pk]))
    run = AssignmentRun.objects.get()
    assert run.state == RunState.FAILED
    assert run.message == "รอบการประเมินนี้ยังไม่มีคณะอนุกรรมการ โปรดสร้างคณะอนุกรรมการก่อน"
    html = client.get(response.url).content.decode()
    assert "จัดคณะอนุกรรมการไม่สำเร็จ ไม่มีการเปลี่ยนแปลงใด ๆ" in html
    assert run.message in html


def test_a_running_run_is_polled_with_a_progress_bar(client, login_as, round_obj):
    login_as("secretariat")
    run = AssignmentRun.objects.create(round=round_obj, state=RunState.RUNNING, progress=0.42)
    url = reverse("committees:run.detail", args=[run.pk])
    html = client.get(url).content.decode()
    assert '<progress id="run-progress" max="100" value="42">' in html
    assert 'aria-live="polite"' in html and 'hx-trigger="every 1s"' in html
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert partial.startswith('<div id="run-status"')
    # a second start while it runs goes to the same run
    response = client.post(reverse("committees:assignment.run", args=[round_obj.pk]),
                           {"confirm": "yes"})
    assert response.url == url
    assert AssignmentRun.objects.count() == 1


def test_the_task_runs_a_queued_run_once(round_obj, make_user):
    two_team_round(round_obj, per_team=1)
    run = AssignmentRun.objects.create(round=round_obj, started_by=make_user("secretariat"))
    assert run_assignment_task(run.pk) == RunState.DONE
    assert run_assignment_task(run.pk) == RunState.DONE  # delivered twice: nothing more
    assert AuditEntry.objects.filter(action="assignment.proposed").count() == 1
    run.refresh_from_db()
    assert run.progress == 1.0


def test_the_sweep_starts_waiting_runs_and_ends_abandoned_ones(round_obj):
    two_team_round(round_obj, per_team=1)
    waiting = AssignmentRun.objects.create(round=round_obj)
    stuck = AssignmentRun.objects.create(round=round_obj, state=RunState.RUNNING)
    AssignmentRun.objects.filter(pk=stuck.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=2))
    assert sweep_assignment_runs() == {"started": 0, "abandoned": 1}  # the new one waits
    later = timezone.now() + datetime.timedelta(minutes=5)
    assert sweep_assignment_runs(now=later) == {"started": 1, "abandoned": 0}
    waiting.refresh_from_db()
    stuck.refresh_from_db()
    assert (waiting.state, stuck.state) == (RunState.DONE, RunState.FAILED)


# -- confirmation and export ------------------------------------------------------------------


def test_confirm_page_then_confirmation(client, login_as, round_obj):
    secretariat = login_as("secretariat")
    north, _south, apps = two_team_round(round_obj, per_team=1)
    url = reverse("committees:assignment.confirm", args=[round_obj.pk])
    refused = client.post(url)
    assert refused.status_code == 400
    assert 'data-testid="confirm-errors"' in refused.content.decode()
    run_assignment(round_obj, secretariat)
    page = client.get(url).content.decode()
    assert "ใบสมัครที่รับเข้าตรวจประเมิน: 2 · จัดแล้ว: 2 · ยังไม่ได้จัด: 0" in page
    response = client.post(url)
    assert response.url == overview(round_obj)
    assert set(Assignment.objects.values_list("state", flat=True)) == {"confirmed"}
    html = client.get(overview(round_obj)).content.decode()
    assert 'data-testid="confirmed-note"' in html
    assert 'data-testid="confirm-assignment"' not in html


def test_export_is_csv_and_audited(client, login_as, round_obj):
    secretariat = login_as("secretariat")
    _north, _south, apps = two_team_round(round_obj, per_team=1)
    accept(round_obj, near(CHIANG_MAI, 9), name_th="=HYPERLINK(\"x\")")
    run_assignment(round_obj, secretariat)
    response = client.get(reverse("committees:assignment.export", args=[round_obj.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["รหัสหน่วยบริการ", "หน่วยบริการ", "จังหวัด", "คณะอนุกรรมการ"]
    assert len(rows) == 4
    assert "'=HYPERLINK(\"x\")" in [row[1] for row in rows]
    entry = AuditEntry.objects.get(action="assignment.exported")
    assert entry.data["rows"] == 3


# -- query count ------------------------------------------------------------------------------


def queries_for(client, round_obj):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(overview(round_obj))
    assert response.status_code == 200
    return len(queries)


def test_overview_query_count_does_not_grow_with_the_rows(client, login_as, round_obj):
    secretariat = login_as("secretariat")
    north = make_team(round_obj, 1, CHIANG_MAI)
    make_team(round_obj, 2, LAMPANG)
    conflicted = accept(round_obj, near(LAMPANG, 1))
    declare(north.members.first(), conflicted.unit, round_obj)  # one conflict in both counts
    run_assignment(round_obj, secretariat)
    one = queries_for(client, round_obj)
    accept(round_obj, CHIANG_MAI)
    accept(round_obj, near(LAMPANG, 2))
    run_assignment(round_obj, secretariat)
    Assignment.objects.filter(application=conflicted).update(locked=True)
    three = queries_for(client, round_obj)
    assert one == three
