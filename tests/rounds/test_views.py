"""Round screens: permissions, creating a round, moving dates, phase actions."""

import zoneinfo

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from gecc.audit.models import AuditEntry
from gecc.rounds.models import Round
from tests.applications.factories import make_round, make_version
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")


def signed_in(client, make_user, role):
    user = make_user(role)
    if role == "secretariat":
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return sign_in(client, user)


@pytest.fixture
def manager(client, make_user):
    return signed_in(client, make_user, "secretariat")


@pytest.fixture
def draft_round():
    return make_round(opened=False)


READ = ["round.list", "round.detail"]
ACTIONS = ["round.create", "round.dates", "round.open", "round.advance", "round.close"]


def url_for(name, round_obj):
    if name in ("round.list", "round.create"):
        return reverse(f"rounds:{name}")
    return reverse(f"rounds:{name}", kwargs={"year": round_obj.year})


@pytest.mark.parametrize("name", READ + ACTIONS)
def test_round_pages_anonymous_goes_to_sign_in(client, draft_round, name):
    response = client.get(url_for(name, draft_round))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role,name,status", [
    *[("secretariat", name, 200) for name in READ + ACTIONS],
    *[(role, name, 200) for role in ("steering", "assessor") for name in READ],
    *[(role, name, 403) for role in ("steering", "assessor") for name in ACTIONS],
    *[("coordinator", name, 403) for name in READ + ACTIONS],
])
def test_round_pages_access_by_role(client, make_user, draft_round, role, name, status):
    signed_in(client, make_user, role)
    assert client.get(url_for(name, draft_round)).status_code == status


@pytest.mark.parametrize("role", ["steering", "assessor", "coordinator"])
def test_round_phase_post_refused_for_non_secretariat(client, make_user, draft_round, role):
    signed_in(client, make_user, role)
    assert client.post(url_for("round.open", draft_round)).status_code == 403
    draft_round.refresh_from_db()
    assert draft_round.phase == "draft"


def test_round_list_shows_year_phase_and_counts(client, manager, draft_round):
    response = client.get(reverse("rounds:round.list"))
    content = response.content.decode()
    assert "2569" in content
    assert response.context["rounds"][0].application_total == 0
    assert 'data-testid="example-badge"' in content


def test_round_detail_shows_dates_in_buddhist_era(client, manager, draft_round):
    content = client.get(url_for("round.detail", draft_round)).content.decode()
    assert "5 มกราคม 2569 08:30 น." in content
    assert 'data-testid="round-open"' in content
    assert 'data-testid="audit-history"' in content


def dates_post(**overrides):
    data = {
        "applications_open_at_0": "05/01/2570", "applications_open_at_1": "08:30",
        "applications_close_at_0": "28/02/2570", "applications_close_at_1": "16:30",
        "desk_review_end_at_0": "30/04/2570", "desk_review_end_at_1": "",
        "site_visits_start_at_0": "", "site_visits_start_at_1": "",
        "site_visits_end_at_0": "", "site_visits_end_at_1": "",
        "decision_at_0": "", "decision_at_1": "",
        "announcement_at_0": "", "announcement_at_1": "",
    }
    data.update(overrides)
    return data


def test_round_create_stores_be_dates_as_ce(client, manager):
    version = make_version(label="2600")
    response = client.post(reverse("rounds:round.create"), {
        "year": "2570", "name": "", "edition": version.pk, **dates_post()})
    assert response.status_code == 302
    round_obj = Round.objects.get(year=2570)
    assert round_obj.phase == "draft"
    opened = round_obj.applications_open_at.astimezone(
        BANGKOK)
    assert (opened.year, opened.month, opened.day, opened.hour, opened.minute) == (
        2027, 1, 5, 8, 30)
    end = round_obj.desk_review_end_at.astimezone(
        BANGKOK)
    assert (end.hour, end.minute) == (16, 30)  # the default time of that date
    assert AuditEntry.objects.filter(action="round.created").count() == 1


def test_round_create_dates_out_of_order_keep_input(client, manager):
    version = make_version(label="2600")
    response = client.post(reverse("rounds:round.create"), {
        "year": "2570", "name": "รอบทดสอบ", "edition": version.pk,
        **dates_post(applications_close_at_0="01/01/2570")})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["applications_close_at"]
    content = response.content.decode()
    assert 'value="01/01/2570"' in content
    assert 'value="รอบทดสอบ"' in content
    assert not Round.objects.filter(year=2570).exists()


def test_round_create_refuses_christian_era_year(client, manager):
    version = make_version(label="2600")
    response = client.post(reverse("rounds:round.create"), {
        "year": "2027", "edition": version.pk, **dates_post()})
    assert response.status_code == 200
    assert "2570" in response.context["form"].errors["year"][0]


def test_round_create_refuses_a_second_round_for_the_year(client, manager, draft_round):
    response = client.post(reverse("rounds:round.create"), {
        "year": "2569", "edition": draft_round.edition.pk, **dates_post()})
    assert response.status_code == 200
    assert response.context["form"].errors["year"]


def test_round_dates_change_and_invalid_keep_input(client, manager, draft_round):
    url = url_for("round.dates", draft_round)
    response = client.post(url, dates_post(applications_open_at_0="01/03/2570",
                                           applications_close_at_0="01/02/2570"))
    assert response.status_code == 200
    assert response.context["form"].errors["applications_close_at"]
    assert 'value="01/03/2570"' in response.content.decode()
    response = client.post(url, dates_post())
    assert response.status_code == 302
    draft_round.refresh_from_db()
    assert draft_round.applications_open_at.year == 2027


def test_round_dates_of_a_past_phase_are_not_editable(client, manager):
    round_obj = make_round()  # opened: applications phase
    from gecc.rounds.domain import advance_phase

    advance_phase(round_obj, None)  # desk review: the application dates are history
    form = client.get(url_for("round.dates", round_obj)).context["form"]
    assert form.fields["applications_open_at"].disabled
    assert not form.fields["desk_review_end_at"].disabled


def test_round_open_confirmation_then_open(client, manager, draft_round):
    page = client.get(url_for("round.open", draft_round))
    assert page.context["possible"]
    assert page.context["target_label"] == page.context["action"].target(
        draft_round).label
    response = client.post(url_for("round.open", draft_round))
    assert response.status_code == 302
    draft_round.refresh_from_db()
    assert draft_round.phase == "applications"
    draft_round.edition.refresh_from_db()
    assert draft_round.edition.locked


def test_round_open_without_dates_shows_domain_error(client, manager):
    round_obj = make_round(opened=False, applications_open_at=None,
                           applications_close_at=None)
    page = client.get(url_for("round.open", round_obj))
    assert page.context["missing_dates"]
    response = client.post(url_for("round.open", round_obj))
    assert response.status_code == 400
    assert response.context["errors"]
    round_obj.refresh_from_db()
    assert round_obj.phase == "draft"


def test_round_advance_and_close(client, manager):
    round_obj = make_round()
    for expected in ("desk_review", "site_visits", "decision", "announced"):
        assert client.post(url_for("round.advance", round_obj)).status_code == 302
        round_obj.refresh_from_db()
        assert round_obj.phase == expected
    assert client.post(url_for("round.close", round_obj)).status_code == 302
    round_obj.refresh_from_db()
    assert round_obj.phase == "closed"
    page = client.get(url_for("round.advance", round_obj))
    assert not page.context["possible"]


def test_round_close_before_announcement_is_refused(client, manager):
    round_obj = make_round()
    assert not client.get(url_for("round.close", round_obj)).context["possible"]
    response = client.post(url_for("round.close", round_obj))
    assert response.status_code == 400
    round_obj.refresh_from_db()
    assert round_obj.phase == "applications"
