import datetime
import zoneinfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.template import Context, Template
from django.test import RequestFactory

from gecc.accounts.models import User
from gecc.audit.domain import field_label
from tests.audit.factories import make_entry

pytestmark = pytest.mark.django_db

BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")
TEMPLATE = Template("{% load audit %}{% audit_history obj %}")


def render_history(obj, user):
    request = RequestFactory().get("/somewhere/")
    request.user = user
    return TEMPLATE.render(Context({"obj": obj, "request": request}))


@pytest.fixture
def unit(make_user):
    return make_user(full_name="ศูนย์ราชการสะดวก จังหวัดลำพูน")


def test_audit_history_shows_the_last_20_entries_newest_first(make_user, unit):
    secretariat = make_user("secretariat")
    start = datetime.datetime(2020, 6, 1, 9, 0, tzinfo=BANGKOK)
    for number in range(22):
        make_entry(f"user.step{number:02d}", actor=secretariat, obj=unit,
                   at=start + datetime.timedelta(hours=number))

    html = render_history(unit, secretariat)

    assert html.count("<li>") == 20
    assert html.index("user.step21") < html.index("user.step20")
    assert "user.step02" in html
    assert "user.step01" not in html
    assert "user.step00" not in html


def test_audit_history_shows_only_this_objects_entries(make_user, unit):
    secretariat = make_user("secretariat")
    make_entry("user.mine", actor=secretariat, obj=unit)
    make_entry("user.someone_else", actor=secretariat, obj=make_user())
    make_entry("system.nothing", actor=secretariat)
    html = render_history(unit, secretariat)
    assert "user.mine" in html
    assert "user.someone_else" not in html
    assert "system.nothing" not in html


def test_audit_history_for_secretariat_links_to_the_filtered_full_list(make_user, unit):
    secretariat = make_user("secretariat")
    entry = make_entry("user.updated", actor=secretariat, obj=unit,
                       before={"phone": "1"}, after={"phone": "2"})
    html = render_history(unit, secretariat)
    content_type = ContentType.objects.get_for_model(User)
    assert (f'href="/staff/audit/?content_type={content_type.pk}&amp;object_id={unit.pk}"'
            in html)
    assert f'href="/staff/audit/{entry.pk}/"' in html
    assert f"{field_label(User, 'phone')}: 1 → 2" in html


def test_audit_history_for_coordinator_shows_only_their_own_entries_and_no_log_link(
        make_user, unit):
    coordinator = make_user("coordinator")
    make_entry("user.by_coordinator", actor=coordinator, obj=unit)
    make_entry("user.by_secretariat", actor=make_user("secretariat"), obj=unit)
    html = render_history(unit, coordinator)
    assert "user.by_coordinator" in html
    assert "user.by_secretariat" not in html
    assert "/staff/audit/" not in html


def test_audit_history_for_anonymous_visitor_shows_nothing(make_user, unit):
    make_entry("user.updated", actor=make_user("secretariat"), obj=unit)
    html = render_history(unit, AnonymousUser())
    assert "user.updated" not in html
    assert 'data-testid="audit-history"' in html


def test_audit_history_empty_state(make_user, unit):
    html = render_history(unit, make_user("secretariat"))
    assert "<li>" not in html
    assert "ยังไม่มีประวัติการเปลี่ยนแปลง" in html


def test_audit_history_uses_the_user_from_context_without_a_request(make_user, unit):
    secretariat = make_user("secretariat")
    make_entry("user.updated", actor=secretariat, obj=unit)
    html = TEMPLATE.render(Context({"obj": unit, "user": secretariat}))
    assert "user.updated" in html
