import csv
import datetime
import zoneinfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from gecc.accounts.models import RoleGrant, User
from gecc.audit.domain import field_label
from gecc.audit.models import AuditEntry
from tests.audit.conftest import sign_in_verified
from tests.audit.factories import make_entry

pytestmark = pytest.mark.django_db

BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")
LIST_URL = "/staff/audit/"
EXPORT_URL = "/staff/audit/export.csv"


def bangkok(*args):
    return datetime.datetime(*args, tzinfo=BANGKOK)


def listed_actions(response):
    return [entry.action for entry in response.context["entries"]]


# Permissions ----------------------------------------------------------------------------

def test_audit_urls_have_the_documented_names():
    assert reverse("audit:entry.list") == LIST_URL
    assert reverse("audit:entry.export") == EXPORT_URL
    assert reverse("audit:entry.detail", kwargs={"pk": 7}) == "/staff/audit/7/"


@pytest.mark.parametrize("url_name", ["list", "detail", "export"])
def test_audit_pages_send_anonymous_visitors_to_sign_in(client, make_user, url_name):
    entry = make_entry(actor=make_user("secretariat"))
    url = entry_url(url_name, entry)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ["coordinator", "assessor", "steering", None])
@pytest.mark.parametrize("url_name", ["list", "detail", "export"])
def test_audit_pages_are_forbidden_to_everyone_but_the_secretariat(client, make_user, role,
                                                                    url_name):
    user = make_user(*([role] if role else []))
    entry = make_entry(actor=user)  # even their own entry
    client.force_login(user)
    assert client.get(entry_url(url_name, entry)).status_code == 403


@pytest.mark.parametrize("url_name", ["list", "detail", "export"])
def test_audit_pages_open_for_the_secretariat(secretariat_client, secretariat, url_name):
    entry = make_entry(actor=secretariat)
    assert secretariat_client.get(entry_url(url_name, entry)).status_code == 200


def entry_url(url_name, entry):
    if url_name == "detail":
        return entry.get_absolute_url()
    return reverse(f"audit:entry.{url_name}")


@pytest.mark.parametrize("url", [LIST_URL, "/staff/audit/{pk}/", EXPORT_URL])
def test_audit_pages_refuse_writes(secretariat_client, secretariat, url):
    entry = make_entry(actor=secretariat, after={"email": "a@b.th"})
    url = url.format(pk=entry.pk)
    assert secretariat_client.post(url, {"action": "x"}).status_code == 405
    assert secretariat_client.delete(url).status_code == 405
    assert AuditEntry.objects.get(pk=entry.pk).action == "user.updated"


@pytest.mark.parametrize("name", ["entry.update", "entry.edit", "entry.delete", "entry.create"])
def test_audit_has_no_edit_or_delete_views(name):
    with pytest.raises(NoReverseMatch):
        reverse(f"audit:{name}", kwargs={"pk": 1})
    with pytest.raises(NoReverseMatch):
        reverse(f"audit:{name}")


# List ---------------------------------------------------------------------------------

def test_entry_list_shows_time_in_buddhist_era_actor_action_object_and_summary(
        secretariat_client, secretariat):
    target = User.objects.create_user("unit@example.go.th", full_name="ผู้ประสานงาน ลำพูน")
    make_entry("user.updated", actor=secretariat, obj=target, at=bangkok(2020, 6, 8, 14, 5),
               before={"full_name": "ผู้ประสานงาน"}, after={"full_name": "ผู้ประสานงาน ลำพูน"})

    response = secretariat_client.get(LIST_URL)

    html = response.content.decode()
    assert "8 มิถุนายน 2563 14:05 น." in html
    assert "สมศรี เลขาฯ" in html
    assert "<code>user.updated</code>" in html
    assert "ผู้ประสานงาน ลำพูน" in html
    assert (f"{field_label(User, 'full_name')}: ผู้ประสานงาน → ผู้ประสานงาน ลำพูน"
            in html)


def test_entry_list_newest_first(secretariat_client):
    make_entry("a.first", at=bangkok(2020, 6, 8, 9, 0))
    make_entry("b.second", at=bangkok(2020, 6, 9, 9, 0))
    assert listed_actions(secretariat_client.get(LIST_URL)) == ["b.second", "a.first"]


def test_entry_list_empty_state_explains_the_log(secretariat_client):
    response = secretariat_client.get(LIST_URL)
    html = response.content.decode()
    assert 'data-testid="audit-empty"' in html
    assert "ยังไม่มีการบันทึก" in html
    assert 'data-testid="audit-table"' not in html


def test_entry_list_empty_state_with_filters_offers_to_clear_them(secretariat_client):
    make_entry("user.created")
    response = secretariat_client.get(LIST_URL, {"action": "round."})
    html = response.content.decode()
    assert 'data-testid="audit-empty"' in html
    assert "ไม่พบรายการที่ตรงกับเงื่อนไข" in html


def test_entry_list_filter_by_action_prefix(secretariat_client):
    for action in ("user.created", "user.role_granted", "unit.created", "users.odd"):
        make_entry(action)
    response = secretariat_client.get(LIST_URL, {"action": "user."})
    assert sorted(listed_actions(response)) == ["user.created", "user.role_granted"]


def test_entry_list_filter_by_actor_email_contains(secretariat_client, make_user):
    somchai = make_user("assessor", email="somchai@lamphun.go.th")
    make_entry("a.by_somchai", actor=somchai)
    make_entry("b.by_other", actor=make_user("assessor", email="other@example.go.th"))
    make_entry("c.anonymous", actor_label="somchai-typed@lamphun.go.th")
    response = secretariat_client.get(LIST_URL, {"actor": "LAMPHUN"})
    assert sorted(listed_actions(response)) == ["a.by_somchai", "c.anonymous"]


def test_entry_list_filter_by_object_type(secretariat_client, make_user):
    user = make_user()
    grant = RoleGrant.objects.create(user=user, role="assessor")
    make_entry("user.created", obj=user)
    make_entry("role.granted", obj=grant)
    make_entry("system.started")
    content_type = ContentType.objects.get_for_model(RoleGrant)
    response = secretariat_client.get(LIST_URL, {"content_type": content_type.pk})
    assert listed_actions(response) == ["role.granted"]


def test_entry_list_filter_by_object_type_and_id_shows_one_objects_history(secretariat_client,
                                                                            make_user):
    first, second = make_user(full_name="หน่วยแรก"), make_user(full_name="หน่วยสอง")
    make_entry("user.created", obj=first)
    make_entry("user.updated", obj=first)
    make_entry("user.created.second", obj=second)
    content_type = ContentType.objects.get_for_model(User)
    response = secretariat_client.get(LIST_URL, {"content_type": content_type.pk,
                                                 "object_id": first.pk})
    assert listed_actions(response) == ["user.updated", "user.created"]
    assert response.context["history_of"] == "หน่วยแรก"


@pytest.mark.parametrize(
    ("date_from", "date_to", "expected"),
    [
        ("08/06/2563", "08/06/2563", ["b.late_on_8th", "a.early_on_8th"]),
        ("09/06/2563", "09/06/2563", ["c.just_after_midnight_9th"]),
        ("08/06/2563", "", ["d.on_10th", "c.just_after_midnight_9th", "b.late_on_8th",
                            "a.early_on_8th"]),
        ("", "07/06/2563", ["z.on_7th"]),
        ("9/6/2563", "10/06/2563", ["d.on_10th", "c.just_after_midnight_9th"]),
    ],
)
def test_entry_list_filter_by_bangkok_dates_inclusive(secretariat_client, date_from, date_to,
                                                       expected):
    make_entry("z.on_7th", at=bangkok(2020, 6, 7, 23, 59))
    make_entry("a.early_on_8th", at=bangkok(2020, 6, 8, 0, 0))
    # 23:30 in Bangkok is 16:30 UTC; 00:30 on the 9th is still the 8th in UTC.
    make_entry("b.late_on_8th", at=bangkok(2020, 6, 8, 23, 30))
    make_entry("c.just_after_midnight_9th", at=bangkok(2020, 6, 9, 0, 30))
    make_entry("d.on_10th", at=bangkok(2020, 6, 10, 12, 0))
    response = secretariat_client.get(LIST_URL, {"date_from": date_from, "date_to": date_to})
    assert listed_actions(response) == expected


def test_entry_list_christian_era_year_is_an_error_not_a_silent_filter(secretariat_client):
    make_entry("user.created")
    response = secretariat_client.get(LIST_URL, {"date_from": "08/06/2020"})
    assert listed_actions(response) == []
    assert "date_from" in response.context["filter_form"].errors


def test_entry_list_reversed_date_range_is_an_error(secretariat_client):
    make_entry("user.created")
    response = secretariat_client.get(LIST_URL, {"date_from": "09/06/2563",
                                                 "date_to": "08/06/2563"})
    assert listed_actions(response) == []
    assert "date_to" in response.context["filter_form"].errors


def test_entry_list_search_in_object_name(secretariat_client, make_user):
    make_entry("user.created", obj=make_user(full_name="ศูนย์ราชการสะดวก อำเภอเมืองลำพูน"))
    make_entry("user.updated", obj=make_user(full_name="ที่ว่าการอำเภอป่าซาง"))
    response = secretariat_client.get(LIST_URL, {"q": "ลำพูน"})
    assert listed_actions(response) == ["user.created"]


def test_entry_list_paginates_by_50_and_keeps_filters_in_page_links(secretariat_client):
    for number in range(51):
        make_entry("user.updated", data={"n": number})
    make_entry("unit.created")

    first = secretariat_client.get(LIST_URL, {"action": "user."})
    second = secretariat_client.get(LIST_URL, {"action": "user.", "page": 2})

    assert len(first.context["entries"]) == 50
    assert first.context["paginator"].count == 51
    assert 'href="?action=user.&amp;page=2"' in first.content.decode()
    assert [entry.data for entry in second.context["entries"]] == [{"n": 0}]
    assert 'href="?action=user.&amp;page=1"' in second.content.decode()


def test_entry_list_export_link_keeps_the_filters(secretariat_client):
    response = secretariat_client.get(LIST_URL, {"action": "user.", "page": 1})
    assert f'href="{EXPORT_URL}?action=user."' in response.content.decode()


def test_entry_list_query_count_does_not_grow_with_rows(secretariat_client, make_user):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = secretariat_client.get(LIST_URL, {"actor": "example"})
        assert response.status_code == 200
        return len(queries), len(response.context["entries"])

    actor = make_user("assessor", email="a1@example.go.th")
    make_entry("user.created", actor=actor, obj=make_user())
    one = count_queries()
    for _ in range(2):
        other = make_user("coordinator", email=f"x{_}@example.go.th")
        make_entry("user.updated", actor=other, obj=make_user(), after={"full_name": "x"})
    three = count_queries()

    assert (one[1], three[1]) == (1, 3)
    assert one[0] == three[0]


# Detail -------------------------------------------------------------------------------

def test_entry_detail_shows_changed_fields_table_and_raw_json(secretariat_client, secretariat):
    target = User.objects.create_user("unit@example.go.th", full_name="ใหม่")
    entry = make_entry("user.updated", actor=secretariat, obj=target,
                       before={"full_name": "เก่า", "phone": "053-000000"},
                       after={"full_name": "ใหม่", "phone": "053-000000", "is_active": False},
                       data={"reason": "ย้ายหน่วยงาน"})

    response = secretariat_client.get(entry.get_absolute_url())

    changes = response.context["changes"]
    assert [(c.field, c.before_text, c.after_text, c.changed) for c in changes] == [
        ("full_name", "เก่า", "ใหม่", True),
        ("is_active", "—", "ไม่ใช่", True),
        ("phone", "053-000000", "053-000000", False),
    ]
    html = response.content.decode()
    assert 'data-testid="audit-changes"' in html
    assert "<td class=\"audit-before\">เก่า</td>" in html
    assert "<td class=\"audit-after\">ใหม่</td>" in html
    assert "ย้ายหน่วยงาน" in html
    assert "&quot;reason&quot;: &quot;ย้ายหน่วยงาน&quot;" in html  # raw JSON, unescaped Thai
    content_type = ContentType.objects.get_for_model(User)
    assert f"?content_type={content_type.pk}&amp;object_id={target.pk}" in html


def test_entry_detail_of_unknown_entry_is_404(secretariat_client):
    assert secretariat_client.get("/staff/audit/999999/").status_code == 404


# Export -------------------------------------------------------------------------------

def test_entry_export_streams_utf8_csv_with_bom_of_the_filtered_list(secretariat_client,
                                                                      secretariat):
    target = User.objects.create_user("unit@example.go.th", full_name="ศูนย์ลำพูน")
    make_entry("user.updated", actor=secretariat, obj=target, at=bangkok(2020, 6, 8, 14, 5),
               after={"full_name": "ศูนย์ลำพูน", "password": "secret"})
    make_entry("unit.created", actor=secretariat)

    response = secretariat_client.get(EXPORT_URL, {"action": "user."})

    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    lines = body.decode("utf-8-sig").splitlines()
    assert len(lines) == 2
    assert next(csv.reader([lines[1]]))[1:7] == [
        "8 มิถุนายน 2563 14:05 น.", "2020-06-08T14:05:00+07:00", "sec@example.go.th",
        "user.updated", "user.updated", "ผู้ใช้"]  # a code without a title shows as itself
    assert "ศูนย์ลำพูน" in lines[1]
    assert "secret" not in lines[1]


def test_entry_export_is_itself_recorded_in_the_log(secretariat_client, secretariat):
    b"".join(secretariat_client.get(EXPORT_URL, {"action": "user."}).streaming_content)
    entry = AuditEntry.objects.get(action="audit.exported")
    assert entry.actor == secretariat
    assert entry.data == {"filters": {"action": ["user."]}}


def test_entry_export_with_invalid_filters_exports_no_rows(secretariat_client):
    make_entry("user.created")
    body = b"".join(secretariat_client.get(EXPORT_URL, {"date_from": "xx"}).streaming_content)
    assert len(body.decode("utf-8-sig").splitlines()) == 1


def test_secretariat_without_second_factor_is_sent_to_verify(client, secretariat):
    client.force_login(secretariat)
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert "/accounts/otp/" in response.url


def test_superuser_can_read_the_audit_log(client):
    admin = User.objects.create_superuser("root@example.go.th", "x")
    make_entry("user.created")
    sign_in_verified(client, admin)
    assert listed_actions(client.get(LIST_URL)) == ["user.created"]
