"""The pool, sub-committee and conflict pages: the permission table for every role, the
number of queries of each list (1 and 3 rows), and the forms' happy and bad paths in Thai."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gecc.audit.models import AuditEntry
from gecc.committees.domain.conflicts import declare_conflict
from gecc.committees.enums import ConflictKind, Position
from gecc.committees.models import AssessorProfile, Conflict, Membership, SubCommittee
from gecc.registry.models import ServiceUnit
from tests.applications.factories import make_application, make_round
from tests.committees.factories import (
    AssessorFactory,
    SubCommitteeFactory,
    make_assessor,
    make_team,
)
from tests.registry.factories import OrganizationFactory, ServiceUnitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

ROLES = ("anonymous", "secretariat", "assessor", "coordinator", "steering")
OK, DENIED, LOGIN, GONE, MOVED = 200, 403, "login", 404, "moved"
STAFF_ONLY = (LOGIN, OK, DENIED, DENIED, DENIED)
STAFF_MOVED = (LOGIN, MOVED, DENIED, DENIED, DENIED)
MEMBER_ONLY = (LOGIN, DENIED, OK, DENIED, DENIED)

PAGES = {
    "assessor.list": (lambda o: reverse("committees:assessor.list"), STAFF_ONLY),
    "assessor.create": (lambda o: reverse("committees:assessor.create"), STAFF_ONLY),
    "assessor.edit": (lambda o: reverse("committees:assessor.edit", args=[o["profile"].pk]),
                      STAFF_ONLY),
    "assessor.import": (lambda o: reverse("committees:assessor.import"), STAFF_ONLY),
    "assessor.export": (lambda o: reverse("committees:assessor.export") + "?fmt=csv",
                        STAFF_ONLY),
    "lookup.organizations": (lambda o: reverse("committees:lookup.organizations") + "?q=ทด",
                             (LOGIN, OK, OK, DENIED, DENIED)),
    "lookup.units": (lambda o: reverse("committees:lookup.units") + "?q=ศูนย์",
                     (LOGIN, OK, OK, DENIED, DENIED)),
    "subcommittee.index": (lambda o: reverse("committees:subcommittee.index"), STAFF_MOVED),
    "subcommittee.list": (
        lambda o: reverse("committees:subcommittee.list", args=[o["round"].pk]), STAFF_ONLY),
    "subcommittee.create": (
        lambda o: reverse("committees:subcommittee.create", args=[o["round"].pk]), STAFF_ONLY),
    "subcommittee.detail": (
        lambda o: reverse("committees:subcommittee.detail", args=[o["team"].pk]), STAFF_ONLY),
    "subcommittee.edit": (
        lambda o: reverse("committees:subcommittee.edit", args=[o["team"].pk]), STAFF_ONLY),
    "member.add": (lambda o: reverse("committees:member.add", args=[o["team"].pk]),
                   STAFF_MOVED),
    "member.position": (lambda o: reverse("committees:member.position",
                                          args=[o["membership"].pk]), STAFF_MOVED),
    "member.remove": (lambda o: reverse("committees:member.remove", args=[o["membership"].pk]),
                      STAFF_ONLY),
    "conflict.list": (lambda o: reverse("committees:conflict.list", args=[o["round"].pk]),
                      STAFF_ONLY),
    "conflict.export": (lambda o: reverse("committees:conflict.export", args=[o["round"].pk]),
                        STAFF_ONLY),
    "conflict.detect": (lambda o: reverse("committees:conflict.detect", args=[o["round"].pk]),
                        STAFF_ONLY),
    "conflict.override": (lambda o: reverse("committees:conflict.override",
                                            args=[o["conflict"].pk]), STAFF_ONLY),
    "conflict.mine": (lambda o: reverse("committees:conflict.mine"), MEMBER_ONLY),
    "conflict.declare": (lambda o: reverse("committees:conflict.declare"), MEMBER_ONLY),
    # another member's declaration: an assessor may not even learn it exists
    "conflict.withdraw (someone else's)": (
        lambda o: reverse("committees:conflict.withdraw", args=[o["conflict"].pk]),
        (LOGIN, DENIED, GONE, DENIED, DENIED)),
}
CASES = [(name, role, expected[i]) for name, (_url, expected) in PAGES.items()
         for i, role in enumerate(ROLES)]


@pytest.fixture
def round_obj():
    return make_round()


@pytest.fixture
def objects(round_obj):
    team = make_team(round_obj)
    membership = team.members.first()
    conflict = declare_conflict(membership.user, round_obj, unit=ServiceUnitFactory(),
                                reason="ญาติทำงานที่นี่", actor=membership.user)
    return {"round": round_obj, "team": team, "membership": membership,
            "profile": membership.user.assessor_profile, "conflict": conflict}


@pytest.mark.parametrize(("name", "role", "expected"), CASES)
def test_page_permission(client, login_as, objects, name, role, expected):
    if role != "anonymous":
        login_as(role)
    response = client.get(PAGES[name][0](objects))
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
    elif expected == MOVED:
        assert response.status_code == 302
        assert not response.url.startswith(reverse("accounts:login"))
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("name", ["conflict.detect", "member.remove", "conflict.override"])
def test_posts_are_refused_to_an_assessor(client, login_as, objects, name):
    login_as("assessor")
    assert client.post(PAGES[name][0](objects), {"reason": "x", "confirm": "on"}) \
        .status_code == DENIED
    assert Membership.objects.count() == 3
    assert Conflict.objects.in_force().count() == 1


def test_an_assessor_withdraws_only_their_own_declaration(client, login_as, round_obj):
    member = login_as("assessor")
    mine = declare_conflict(member, round_obj, unit=ServiceUnitFactory(), reason="ญาติ",
                            actor=member)
    url = reverse("committees:conflict.withdraw", args=[mine.pk])
    assert client.get(url).status_code == OK
    response = client.post(url)
    assert response.status_code == 302
    assert not Conflict.objects.exists()
    assert AuditEntry.objects.filter(action="conflict.withdrawn", actor=member).exists()


# -- query counts -------------------------------------------------------------------------------

def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_pool_list_query_count_does_not_grow(client, login_as):
    login_as("secretariat")
    url = reverse("committees:assessor.list")
    AssessorFactory(affiliation=OrganizationFactory())
    one = count_queries(client, url)
    AssessorFactory(affiliation_text="มหาวิทยาลัย")
    AssessorFactory(expertise=["ไอที", "บริการ"])
    three = count_queries(client, url)
    assert len(client.get(url).context["profiles"]) == 3
    assert one == three


def test_the_subcommittee_list_query_count_does_not_grow(client, login_as, round_obj):
    login_as("secretariat")
    url = reverse("committees:subcommittee.list", args=[round_obj.pk])
    make_team(round_obj)
    one = count_queries(client, url)
    make_team(round_obj, n_members=4)
    SubCommitteeFactory(round=round_obj)  # no members: problems listed
    three = count_queries(client, url)
    assert len(client.get(url).context["teams"]) == 3
    assert one == three


def test_the_conflict_list_query_count_does_not_grow(client, login_as, round_obj):
    secretariat = login_as("secretariat")
    url = reverse("committees:conflict.list", args=[round_obj.pk])
    team = make_team(round_obj)
    members = [m.user for m in team.members.all()]
    declare_conflict(members[0], round_obj, unit=ServiceUnitFactory(), reason="ญาติ")
    one = count_queries(client, url)
    declare_conflict(members[1], round_obj, organization=OrganizationFactory(), reason="อดีต")
    conflict = declare_conflict(members[2], round_obj, unit=ServiceUnitFactory(), reason="ญาติ")
    from gecc.committees.domain.conflicts import override_conflict

    override_conflict(conflict, secretariat, "เหตุผล")
    three = count_queries(client, url)
    assert len(client.get(url).context["conflicts"]) == 3
    assert one == three


def test_my_conflicts_query_count_does_not_grow(client, login_as, round_obj):
    member = login_as("assessor")
    AssessorFactory(user=member)
    url = reverse("committees:conflict.mine")
    declare_conflict(member, round_obj, unit=ServiceUnitFactory(), reason="ญาติ")
    one = count_queries(client, url)
    declare_conflict(member, round_obj, unit=ServiceUnitFactory(), reason="ญาติ")
    declare_conflict(member, round_obj, organization=OrganizationFactory(), reason="อดีต")
    three = count_queries(client, url)
    assert one == three


# -- the pool pages ------------------------------------------------------------------------------

@pytest.fixture
def staff(client, login_as):
    return login_as("secretariat")


def test_the_pool_list_searches_filters_and_shows_an_empty_state(client, staff):
    AssessorFactory(user__full_name="นายสมชาย ใจดี", expertise=["ไอที"])
    AssessorFactory(user__full_name="นางสุดา", home_province_id="50", expertise=["บริการ"])
    url = reverse("committees:assessor.list")
    assert len(client.get(url, {"q": "สมชาย"}).context["profiles"]) == 1
    assert len(client.get(url, {"province": "50"}).context["profiles"]) == 1
    assert len(client.get(url, {"expertise": "ไอที"}).context["profiles"]) == 1
    html = client.get(url, {"q": "ไม่มีใคร"}).content.decode()
    assert 'data-testid="empty-state"' in html
    assert "ไม่มีผู้ใดในบัญชีรายชื่อตรงกับเงื่อนไขนี้" in html


def test_create_a_new_person_from_the_form(client, staff):
    response = client.post(reverse("committees:assessor.create"), {
        "email": "new@example.go.th", "full_name": "นายใหม่ ใจงาม", "home_province": "51",
        "expertise": "ไอที, บริการ", "max_visits_per_day": "3",
        "unavailable_dates": "08/06/2569\n9/6/2569", "affiliation_code": ""})
    assert response.status_code == 302
    profile = AssessorProfile.objects.get(user__email="new@example.go.th")
    assert profile.unavailable_dates == ["2026-06-08", "2026-06-09"]
    assert profile.expertise == ["ไอที", "บริการ"]
    assert AuditEntry.objects.get(action="assessor.created").data["new_account"] is True


def test_an_organisation_is_found_by_its_name(client, staff):
    org = OrganizationFactory(name_th="กรมการปกครอง", code="DOPA")
    user = make_assessor()
    AssessorProfile.objects.filter(user=user).delete()
    response = client.post(reverse("committees:assessor.create"), {
        "user": user.pk, "home_province": "51", "max_visits_per_day": "4",
        "affiliation_code": "กรมการปกครอง"})
    assert response.status_code == 302
    assert AssessorProfile.objects.get(user=user).affiliation == org


@pytest.mark.parametrize(("data", "thai"), [
    ({"email": "x@example.go.th", "full_name": "นายเอกซ์"}, "จังหวัดที่พักอาศัย"),
    ({"email": "x@example.go.th", "home_province": "51", "unavailable_dates": "08/06/2026"},
     "คริสต์ศักราช"),
    ({"home_province": "51"}, "เลือกบุคคล"),
    ({"email": "x@example.go.th", "home_province": "51"}, "ชื่อ-นามสกุลของบุคคลใหม่"),
    ({"email": "x@example.go.th", "full_name": "เอ", "home_province": "51",
      "affiliation_code": "ไม่มีหน่วยงานนี้"}, "ไม่พบหน่วยงานในทะเบียน"),
])
def test_the_profile_form_refuses_bad_input_in_thai(client, staff, data, thai):
    response = client.post(reverse("committees:assessor.create"),
                           {"max_visits_per_day": "4", **data})
    assert response.status_code == 400
    assert thai in response.content.decode()
    assert not AssessorProfile.objects.exists()


def test_edit_a_profile(client, staff):
    profile = AssessorFactory()
    response = client.post(reverse("committees:assessor.edit", args=[profile.pk]), {
        "home_province": "50", "max_visits_per_day": "2", "is_active": "on",
        "unavailable_dates": profile.unavailable_dates})
    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.home_province_id, profile.max_visits_per_day) == ("50", 2)
    assert client.get(reverse("committees:assessor.edit", args=[profile.pk])).status_code == 200


def test_the_import_page_refuses_a_wrong_file_type(client, staff):
    upload = SimpleUploadedFile("pool.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = client.post(reverse("committees:assessor.import"), {"file": upload})
    assert response.status_code == 400
    assert "XLSX" in response.content.decode()


def test_the_import_page_lists_the_errors_and_imports_nothing(client, staff):
    data = ("email,full_name,home_province\ngood@example.go.th,นายดี,51\n"
            "bad@example.go.th,นายเสีย,\n").encode()
    response = client.post(reverse("committees:assessor.import"),
                           {"file": SimpleUploadedFile("pool.csv", data)})
    html = response.content.decode()
    assert response.status_code == 400
    assert "ข้อผิดพลาด 1 รายการ" in html and "<code>home_province</code>" in html
    assert not AssessorProfile.objects.exists()


def test_the_import_page_imports_a_good_file(client, staff):
    data = "email,full_name,home_province\ngood@example.go.th,นายดี,ลำพูน\n".encode()
    response = client.post(reverse("committees:assessor.import"),
                           {"file": SimpleUploadedFile("pool.csv", data)}, follow=True)
    assert "นำเข้าแฟ้มบัญชีรายชื่อแล้ว" in response.content.decode()
    assert AssessorProfile.objects.get().user.email == "good@example.go.th"


def test_the_pool_export_is_logged(client, staff):
    AssessorFactory(user__email="one@example.go.th")
    response = client.get(reverse("committees:assessor.export"), {"fmt": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "email" and rows[1][0] == "one@example.go.th"
    entry = AuditEntry.objects.get(action="assessors.exported")
    assert entry.data["rows"] == 1 and entry.data["format"] == "csv"


def test_the_lookup_suggests_organisations(client, staff):
    OrganizationFactory(name_th="กรมการปกครอง", code="DOPA")
    html = client.get(reverse("committees:lookup.organizations"),
                      {"affiliation_code": "ปกครอง"}).content.decode()
    assert '<option value="DOPA">กรมการปกครอง (DOPA)</option>' in html


# -- the sub-committee pages ----------------------------------------------------------------------

def test_create_a_subcommittee_with_buddhist_era_dates(client, staff, round_obj):
    response = client.post(reverse("committees:subcommittee.create", args=[round_obj.pk]), {
        "number": "5", "base_province": "51", "visit_dates": "08/06/2569\n09/06/2569",
        "visits_per_day": "4"})
    team = SubCommittee.objects.get()
    assert response.status_code == 302 and response.url == team.get_absolute_url()
    assert team.visit_dates == ["2026-06-08", "2026-06-09"]
    html = client.get(team.get_absolute_url()).content.decode()
    assert "8 มิถุนายน 2569" in html and "ยังไม่มีประธาน" in html


def test_the_subcommittee_form_refuses_a_team_without_base(client, staff, round_obj):
    response = client.post(reverse("committees:subcommittee.create", args=[round_obj.pk]), {
        "number": "5", "visits_per_day": "4"})
    assert response.status_code == 400
    assert "ระบุที่ตั้งของคณะ" in response.content.decode()
    assert not SubCommittee.objects.exists()


def test_add_and_remove_members_from_the_detail_page(client, staff, round_obj):
    team = SubCommitteeFactory(round=round_obj)
    chair = make_assessor(full_name="นายประธาน", unavailable_dates=["2026-06-08"])
    response = client.post(reverse("committees:member.add", args=[team.pk]), {
        "profile": chair.assessor_profile.pk, "position": Position.CHAIR}, follow=True)
    html = response.content.decode()
    assert "ไม่สะดวกในวันลงพื้นที่" in html  # the warning
    second = make_assessor()
    response = client.post(reverse("committees:member.add", args=[team.pk]), {
        "profile": second.assessor_profile.pk, "position": Position.CHAIR})
    assert response.status_code == 400
    assert "คณะนี้มีประธานแล้ว (นายประธาน)" in response.content.decode()
    membership = Membership.objects.get(user=chair)
    remove = reverse("committees:member.remove", args=[membership.pk])
    assert "นายประธาน" in client.get(remove).content.decode()
    assert client.post(remove).status_code == 302
    assert not team.members.exists()


def test_change_a_position_from_the_detail_page(client, staff, round_obj):
    team = make_team(round_obj)
    qualified = team.members.get(position=Position.QUALIFIED)
    url = reverse("committees:member.position", args=[qualified.pk])
    response = client.post(url, {f"m{qualified.pk}-position": Position.CHAIR}, follow=True)
    assert "คณะนี้มีประธานแล้ว" in response.content.decode()
    client.post(url, {f"m{qualified.pk}-position": Position.ASSISTANT})
    qualified.refresh_from_db()
    assert qualified.position == Position.ASSISTANT


# -- the conflict pages ---------------------------------------------------------------------------

def test_detect_override_and_export(client, staff, round_obj):
    team = make_team(round_obj)
    member = team.members.get(position=Position.CHAIR).user
    unit = ServiceUnitFactory(coordinators=[member])
    make_application(round_obj, unit)
    response = client.post(reverse("committees:conflict.detect", args=[round_obj.pk]),
                           follow=True)
    assert "พบผลประโยชน์ทับซ้อนใหม่ 1 รายการ" in response.content.decode()
    conflict = Conflict.objects.get()
    assert conflict.kind == ConflictKind.COORDINATOR
    url = reverse("committees:conflict.override", args=[conflict.pk])
    response = client.post(url, {"reason": "พ้นตำแหน่งแล้ว"})
    assert response.status_code == 400 and "ทำเครื่องหมาย" in response.content.decode()
    response = client.post(url, {"reason": "", "confirm": "on"})
    assert response.status_code == 400 and "ระบุเหตุผล" in response.content.decode()
    client.post(url, {"reason": "พ้นตำแหน่งแล้ว", "confirm": "on"})
    conflict.refresh_from_db()
    assert not conflict.in_force
    listed = client.get(reverse("committees:conflict.list", args=[round_obj.pk]),
                        {"state": "overridden", "team": str(team.pk)})
    assert list(listed.context["conflicts"]) == [conflict]
    export = client.get(reverse("committees:conflict.export", args=[round_obj.pk]))
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][1] == member.email and rows[1][2] == team.display_name
    assert AuditEntry.objects.filter(action="conflicts.exported").exists()


def test_a_member_declares_a_conflict_by_unit_code(client, login_as, round_obj):
    member = login_as("assessor")
    unit = ServiceUnitFactory(code="LPN-01", name_th="ศูนย์ราชการสะดวกลำพูน")
    response = client.post(reverse("committees:conflict.declare"), {
        "round": round_obj.pk, "unit": "ศูนย์ราชการสะดวกลำพูน (LPN-01)", "reason": "ญาติ"},
        follow=True)
    assert "บันทึกการแจ้งผลประโยชน์ทับซ้อนของท่านแล้ว" in response.content.decode()
    conflict = Conflict.objects.get()
    assert (conflict.user, conflict.unit, conflict.kind) == (member, unit,
                                                             ConflictKind.DECLARED)
    html = client.get(reverse("committees:conflict.mine")).content.decode()
    assert "ศูนย์ราชการสะดวกลำพูน" in html and "ถอนการแจ้ง" in html
    assert reverse("committees:conflict.withdraw", args=[conflict.pk]) in html


@pytest.mark.parametrize(("data", "thai"), [
    ({"reason": "ญาติ"}, "เลือกหน่วยบริการหรือหน่วยงานอย่างใดอย่างหนึ่ง"),
    ({"unit": "LPN-01"}, "ระบุเหตุผลของผลประโยชน์ทับซ้อน"),
    ({"unit": "NOPE-99", "reason": "ญาติ"}, "ไม่พบหน่วยบริการในทะเบียน"),
])
def test_the_declaration_form_refuses_bad_input(client, login_as, round_obj, data, thai):
    login_as("assessor")
    ServiceUnitFactory(code="LPN-01")
    response = client.post(reverse("committees:conflict.declare"),
                           {"round": round_obj.pk, **data})
    assert response.status_code == 400
    assert thai in response.content.decode()
    assert not Conflict.objects.exists()
    assert ServiceUnit.objects.count() == 1
