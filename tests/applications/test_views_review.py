"""Desk-review screens: permissions, filters, query counts, bulk accept, decisions, export."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from gecc.applications.domain import add_review_comment, submit_application
from gecc.applications.models import Application, ReviewComment
from gecc.audit.models import AuditEntry
from gecc.committees.enums import AssignmentState
from gecc.committees.models import Assignment, Membership, SubCommittee
from gecc.rounds.domain import update_round_dates
from tests.applications.factories import CLOSE_AT, DURING, answer_all, make_application, make_round
from tests.conftest import sign_in
from tests.registry.factories import OrganizationFactory, ServiceUnitFactory

pytestmark = pytest.mark.django_db


def signed_in(client, make_user, role):
    user = make_user(role)
    if role == "secretariat":
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return sign_in(client, user)


@pytest.fixture
def reviewer(client, make_user):
    return signed_in(client, make_user, "secretariat")


def submitted(round_obj, unit=None, *, answered=True, **unit_fields):
    coordinator = None
    unit = unit or ServiceUnitFactory(**unit_fields)
    application = make_application(round_obj, unit, coordinator)
    if answered:
        answer_all(application)
        submit_application(application, None, now=DURING)
    return application


@pytest.fixture
def round_obj():
    return make_round()


@pytest.fixture
def app1(round_obj):
    return submitted(round_obj)


# -- permissions -----------------------------------------------------------------------------

READ_URLS = ["list", "detail", "export"]
ACTION_URLS = ["return", "accept", "reject"]


def url_for(name, application):
    if name == "list":
        return reverse("applications:review.list")
    if name == "export":
        return reverse("applications:review.export") + "?fmt=csv"
    return reverse(f"applications:review.{name}", kwargs={"pk": application.pk})


@pytest.mark.parametrize("name", READ_URLS + ACTION_URLS)
def test_review_pages_anonymous_goes_to_sign_in(client, app1, name):
    response = client.get(url_for(name, app1))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role,name,status", [
    *[("secretariat", name, 200) for name in READ_URLS + ACTION_URLS],
    # A member reads the list and the export (only their team's applications: none here)
    # and not an application their team was not assigned (404, nothing says it exists).
    ("assessor", "list", 200), ("assessor", "export", 200), ("assessor", "detail", 404),
    *[("assessor", name, 403) for name in ACTION_URLS],
    # The steering committee has its own pages (decisions), not the desk review.
    *[("steering", name, 403) for name in READ_URLS + ACTION_URLS],
    *[("coordinator", name, 403) for name in READ_URLS + ACTION_URLS],
])
def test_review_pages_access_by_role(client, make_user, app1, role, name, status):
    signed_in(client, make_user, role)
    assert client.get(url_for(name, app1)).status_code == status


@pytest.mark.parametrize("name,kwargs", [
    ("review.bulk_accept", {}), ("review.screening", {"pk": True}),
    ("review.comment_add", {"pk": True}),
])
@pytest.mark.parametrize("role", ["steering", "assessor", "coordinator"])
def test_review_posts_refused_for_non_reviewers(client, make_user, app1, name, kwargs, role):
    signed_in(client, make_user, role)
    url = reverse(f"applications:{name}", kwargs={"pk": app1.pk} if kwargs else None)
    response = client.post(url, {"ids": [app1.pk], "confirm": "yes", "text": "x"})
    assert response.status_code == 403
    app1.refresh_from_db()
    assert app1.state == "submitted"
    assert ReviewComment.objects.count() == 0


def assign_to_team_of(member, application, state=AssignmentState.CONFIRMED):
    team = SubCommittee.objects.create(round=application.round, number=1)
    Membership.objects.create(subcommittee=team, user=member)
    Assignment.objects.create(round=application.round, application=application,
                              subcommittee=team, state=state)
    return team


def test_review_detail_read_only_for_a_member_of_the_assigned_team(client, make_user, app1,
                                                                   round_obj):
    member = signed_in(client, make_user, "assessor")
    assign_to_team_of(member, app1)
    other = submitted(round_obj)  # not assigned to their team
    content = client.get(url_for("detail", app1)).content.decode()
    assert 'data-testid="screening-readonly"' in content
    assert 'data-testid="decision-actions"' not in content
    assert 'data-testid="comment-add"' not in content
    assert listed(client.get(reverse("applications:review.list"))) == [app1.pk]
    assert client.get(url_for("detail", other)).status_code == 404
    rows = list(csv.reader(io.StringIO(
        client.get(url_for("export", app1)).content.decode("utf-8-sig"))))
    assert len(rows) == 2  # the header and their team's one application


def test_review_detail_of_a_proposed_assignment_is_404_for_the_member(client, make_user, app1):
    member = signed_in(client, make_user, "assessor")
    assign_to_team_of(member, app1, state=AssignmentState.PROPOSED)
    assert client.get(url_for("detail", app1)).status_code == 404


def test_review_detail_unknown_application_is_404(client, reviewer):
    response = client.get(reverse("applications:review.detail", kwargs={"pk": 999999}))
    assert response.status_code == 404


# -- list, filters and query count ------------------------------------------------------------


def listed(response):
    return [application.pk for application in response.context["applications"]]


def test_review_list_defaults_to_newest_round_without_drafts(client, reviewer, round_obj, app1):
    submitted(make_round(year=2568, version=round_obj.edition))  # an older round
    draft = submitted(round_obj, answered=False)
    response = client.get(reverse("applications:review.list"))
    assert response.context["round"] == round_obj
    assert listed(response) == [app1.pk]
    response = client.get(reverse("applications:review.list"), {"state": ["draft"]})
    assert listed(response) == [draft.pk]


def test_review_list_filters_by_province_organisation_and_text(client, reviewer, round_obj):
    organization = OrganizationFactory()
    in_lamphun = submitted(round_obj, name_th="ศูนย์บริการร่วมบ้านโฮ่ง",
                           organization=organization)
    elsewhere = submitted(round_obj, subdistrict_id="100101", postcode="10200")
    url = reverse("applications:review.list")
    assert listed(client.get(url, {"province": "51"})) == [in_lamphun.pk]
    assert listed(client.get(url, {"province": "10"})) == [elsewhere.pk]
    assert listed(client.get(url, {"organization": organization.pk})) == [in_lamphun.pk]
    # Thai text is matched the way the registry's search matches it (spaces ignored).
    assert listed(client.get(url, {"q": "บ้าน โฮ่ง"})) == [in_lamphun.pk]
    assert listed(client.get(url, {"q": in_lamphun.unit.code.lower()})) == [in_lamphun.pk]
    assert listed(client.get(url, {"q": "ไม่มีชื่อนี้"})) == []


def test_review_list_filters_by_several_states(client, reviewer, round_obj, app1):
    from gecc.applications.domain import accept_for_site_visit

    accepted = submitted(round_obj)
    accept_for_site_visit(accepted, None)
    url = reverse("applications:review.list")
    assert listed(client.get(url, {"state": ["accepted"]})) == [accepted.pk]
    assert sorted(listed(client.get(url, {"state": ["accepted", "submitted"]}))) == sorted(
        [app1.pk, accepted.pk])


def test_review_list_shows_completeness_percent(client, reviewer, round_obj, app1):
    partial = submitted(round_obj, answered=False)
    answer = partial.answers.order_by("item__position").first()
    answer.self_score = 2
    answer.save()
    response = client.get(reverse("applications:review.list"),
                          {"state": ["draft", "submitted"]})
    percents = {a.pk: a.completeness for a in response.context["applications"]}
    assert percents == {app1.pk: 100, partial.pk: 33}


def test_review_list_pagination_keeps_filters(client, reviewer, round_obj, app1):
    response = client.get(reverse("applications:review.list"),
                          {"province": "51", "state": ["submitted"]})
    assert response.context["paginator"].per_page == 50
    content = response.content.decode()
    assert "province=51" in content.split('data-testid="export-csv"')[0].rsplit("href=", 1)[1]


def count_list_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("applications:review.list"), {"province": "51"})
    assert response.status_code == 200
    return len(queries)


def test_review_list_query_count_does_not_grow_with_rows(client, reviewer, round_obj, app1):
    one = count_list_queries(client)
    submitted(round_obj)
    submitted(round_obj)
    assert len(client.get(reverse("applications:review.list")).context["applications"]) == 3
    assert count_list_queries(client) == one


# -- bulk accept -----------------------------------------------------------------------------


def test_bulk_accept_confirmation_lists_selection_without_changing(client, reviewer,
                                                                    round_obj, app1):
    other = submitted(round_obj)
    response = client.post(reverse("applications:review.bulk_accept"),
                           {"ids": [app1.pk, other.pk]})
    assert response.status_code == 200
    assert [a.pk for a in response.context["applications"]] == sorted([app1.pk, other.pk])
    assert response.context["acceptable_count"] == 2
    assert Application.objects.filter(state="accepted").count() == 0


def test_bulk_accept_reports_the_one_not_acceptable(client, reviewer, round_obj, app1):
    draft = submitted(round_obj, answered=False)
    response = client.post(reverse("applications:review.bulk_accept"),
                           {"ids": [app1.pk, draft.pk], "confirm": "yes"})
    assert response.status_code == 200
    outcome = response.context["outcome"]
    assert [a.pk for a in outcome.accepted] == [app1.pk]
    assert [a.pk for a, _reason in outcome.refused] == [draft.pk]
    assert outcome.refused[0][1]
    app1.refresh_from_db()
    draft.refresh_from_db()
    assert (app1.state, draft.state) == ("accepted", "draft")
    content = response.content.decode()
    assert 'data-testid="bulk-refused"' in content
    assert outcome.refused[0][1] in content


# -- detail: screening and comments ----------------------------------------------------------


def test_review_detail_shows_answers_grouped_with_scores(client, reviewer, app1):
    response = client.get(url_for("detail", app1))
    categories = response.context["categories"]
    assert [c.node.ref for c in categories] == ["P", "Q"]
    assert [a.item.ref for a in categories[0].criteria[0].answers] == ["P1.1", "P1.2"]
    assert categories[0].percent == 100
    assert "มีการดำเนินการตามเกณฑ์" in response.content.decode()


def test_screening_is_recorded(client, reviewer, app1):
    codes = app1.round.checklist_codes()
    data = {f"check_{codes[0]}": "on", f"note_{codes[0]}": "ครบ", f"note_{codes[1]}": "ขาด"}
    response = client.post(reverse("applications:review.screening", kwargs={"pk": app1.pk}),
                           data)
    assert response.status_code == 302
    app1.refresh_from_db()
    assert app1.screening[codes[0]] == {"checked": True, "note": "ครบ"}
    assert app1.screening[codes[1]] == {"checked": False, "note": "ขาด"}
    assert AuditEntry.objects.filter(action="application.screened").count() == 1


def test_comment_added_on_answer_with_htmx_returns_block(client, reviewer, app1):
    answer = app1.answers.order_by("item__position").first()
    response = client.post(reverse("applications:review.comment_add", kwargs={"pk": app1.pk}),
                           {"text": "ขอภาพถ่ายเพิ่มเติม", "answer": answer.pk},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "ขอภาพถ่ายเพิ่มเติม" in response.content.decode()
    comment = ReviewComment.objects.get()
    assert (comment.answer_id, comment.text) == (answer.pk, "ขอภาพถ่ายเพิ่มเติม")


def test_empty_comment_is_refused(client, reviewer, app1):
    response = client.post(reverse("applications:review.comment_add", kwargs={"pk": app1.pk}),
                           {"text": "  "}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert ReviewComment.objects.count() == 0


def test_comment_resolved(client, reviewer, app1):
    comment = add_review_comment(app1, reviewer, "แก้ไขข้อ P1.1")
    response = client.post(reverse("applications:review.comment_resolve",
                                   kwargs={"pk": app1.pk, "comment_pk": comment.pk}))
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.resolved_by == reviewer


# -- decisions -------------------------------------------------------------------------------


def be(day: datetime.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


def test_return_with_past_deadline_is_refused(client, reviewer, app1):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(url_for("return", app1), {
        "version": app1.version, "return_deadline": be(yesterday), "comments": "แก้ไข"})
    assert response.status_code == 400
    assert response.context["form"].errors["return_deadline"]
    app1.refresh_from_db()
    assert app1.state == "submitted"


def extend_desk_review(round_obj, days=30):
    """The fixture round's dates are fixed; move its desk review (and what follows) to end
    ``days`` from today, so a deadline two weeks ahead falls inside it."""
    now = timezone.now()
    update_round_dates(round_obj, None, **{
        name: now + datetime.timedelta(days=days + 10 * i) for i, name in enumerate(
            ["desk_review_end_at", "site_visits_start_at", "site_visits_end_at",
             "decision_at", "announcement_at"])})


def test_return_for_correction_with_deadline_and_comments(client, reviewer, app1, mailoutbox,
                                                          django_capture_on_commit_callbacks,
                                                          clock):
    clock.now = CLOSE_AT + datetime.timedelta(days=1)  # the desk review, after the close
    sign_in(client, reviewer)  # a fresh session at the new time
    item_ref = app1.answers.first().item.ref
    add_review_comment(app1, reviewer, "ขอภาพถ่าย", answer=app1.answers.first())
    page = client.get(url_for("return", app1))
    assert page.context["form"].initial.get("comments") is None  # listed, not copied
    assert "ขอภาพถ่าย" in page.content.decode()
    extend_desk_review(app1.round)
    deadline = timezone.localdate() + datetime.timedelta(days=14)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url_for("return", app1), {
            "version": app1.version, "return_deadline": be(deadline),
            "comments": "แก้ไขผู้ติดต่อ"})
    assert response.status_code == 302
    app1.refresh_from_db()
    assert app1.state == "returned"
    # a date-only deadline is the end of that very day in Bangkok, not midnight of the next
    assert timezone.localtime(app1.return_deadline) == timezone.make_aware(
        datetime.datetime.combine(deadline, datetime.time(23, 59, 59, 999999)))
    # the item comment is stored once; the new line becomes one whole-application comment
    assert list(ReviewComment.objects.values_list("text", flat=True).order_by("pk")) == [
        "ขอภาพถ่าย", "แก้ไขผู้ติดต่อ"]
    [email] = mailoutbox
    assert f"{item_ref}: ขอภาพถ่าย" in email.body
    assert "แก้ไขผู้ติดต่อ" in email.body


def test_reject_without_reason_is_refused(client, reviewer, app1):
    response = client.post(url_for("reject", app1), {"version": app1.version,
                                                     "rejection_reason": "   "})
    assert response.status_code == 400
    assert response.context["form"].errors["rejection_reason"]
    app1.refresh_from_db()
    assert app1.state == "submitted"


def test_reject_with_reason(client, reviewer, app1):
    response = client.post(url_for("reject", app1), {"version": app1.version,
                                                     "rejection_reason": "ไม่ผ่านเกณฑ์"})
    assert response.status_code == 302
    app1.refresh_from_db()
    assert (app1.state, app1.rejection_reason) == ("rejected", "ไม่ผ่านเกณฑ์")


def test_accept_confirmation_then_accept(client, reviewer, app1):
    page = client.get(url_for("accept", app1))
    assert page.context["target_state"] == "accepted"
    assert 'data-testid="screening-incomplete"' in page.content.decode()
    response = client.post(url_for("accept", app1), {"version": app1.version})
    assert response.status_code == 302
    app1.refresh_from_db()
    assert app1.state == "accepted"


def test_accept_from_an_outdated_page_is_refused(client, reviewer, app1):
    response = client.post(url_for("accept", app1), {"version": app1.version - 1})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    app1.refresh_from_db()
    assert app1.state == "submitted"


def test_accept_after_the_desk_review_shows_why_and_changes_nothing(client, reviewer, app1):
    from gecc.rounds.models import Round

    Round.objects.filter(pk=app1.round_id).update(phase="site_visits")
    response = client.post(url_for("accept", app1), {"version": app1.version})
    assert response.status_code == 400
    assert "การตรวจเอกสารของรอบนี้สิ้นสุดแล้ว" in response.content.decode()
    app1.refresh_from_db()
    assert app1.state == "submitted"


def test_decision_page_for_a_state_that_does_not_allow_it_is_404(client, reviewer, round_obj):
    draft = submitted(round_obj, answered=False)
    assert client.get(url_for("accept", draft)).status_code == 404


# -- export ----------------------------------------------------------------------------------

def test_export_csv_has_bom_columns_and_filtered_rows(client, reviewer, round_obj, app1):
    submitted(round_obj, subdistrict_id="100101", postcode="10200")
    response = client.get(reverse("applications:review.export"),
                          {"fmt": "csv", "province": "51"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows[0]) == 10
    assert len(rows) == 2
    assert rows[1][0] == app1.unit.code
    assert rows[1][8] == ""  # no correction deadline
    assert rows[1][9] == "100"


def test_export_xlsx_has_the_list_columns(client, reviewer, app1):
    response = client.get(reverse("applications:review.export"), {"fmt": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows[0]) == 10
    assert rows[1][0] == app1.unit.code
    assert rows[1][9] == 100


def test_export_unknown_format_is_404(client, reviewer, app1):
    response = client.get(reverse("applications:review.export"), {"fmt": "pdf"})
    assert response.status_code == 404


def test_review_list_bulk_button_in_thai(client, reviewer, app1):
    content = client.get(reverse("applications:review.list")).content.decode()
    assert "รับเข้าตรวจประเมินในพื้นที่ (<span data-selected-count>0</span> รายการ)" in content


def test_export_csv_keeps_a_formula_like_unit_name_as_text(client, reviewer, round_obj):
    application = submitted(round_obj, name_th='=HYPERLINK("http://evil.example","คลิก")')
    response = client.get(reverse("applications:review.export"), {"fmt": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][0] == application.unit.code
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example","คลิก")'


def test_export_xlsx_stores_a_formula_like_unit_name_as_text(client, reviewer, round_obj):
    submitted(round_obj, name_th="=1+1")
    response = client.get(reverse("applications:review.export"), {"fmt": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    name_cell = sheet.cell(row=2, column=2)
    assert (name_cell.value, name_cell.data_type) == ("=1+1", "s")


@pytest.mark.parametrize("back", ["//evil.example/", "/\\evil.example/",
                                  "https://evil.example/"])
def test_bulk_accept_never_sends_back_to_another_site(client, reviewer, app1, back):
    response = client.post(reverse("applications:review.bulk_accept"),
                           {"ids": [app1.pk], "back": back})
    assert response.status_code == 200
    assert response.context["back"] == ""
    assert "evil.example" not in response.content.decode()


def test_bulk_accept_keeps_a_local_back_address(client, reviewer, app1):
    back = reverse("applications:review.list") + "?state=submitted"
    response = client.post(reverse("applications:review.bulk_accept"),
                           {"ids": [app1.pk], "back": back})
    assert response.context["back"] == back


def test_round_advance_page_names_undecided_applications_and_offers_no_confirm(
        client, reviewer, app1):
    from gecc.rounds.domain import advance_phase

    advance_phase(app1.round, reviewer)  # to the desk review
    url = reverse("rounds:round.advance", kwargs={"year": app1.round.year})
    page = client.get(url)
    html = page.content.decode()
    assert "ยังมีใบสมัคร 1 รายการที่รอผลการตรวจเอกสาร (ยื่นแล้ว 1)" in html
    assert 'data-testid="confirm"' not in html
    assert client.post(url).status_code == 400
    app1.round.refresh_from_db()
    assert app1.round.phase == "desk_review"
