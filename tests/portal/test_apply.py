import datetime

import pytest
from django.urls import reverse

from gecc.applications.models import Application
from tests.applications.factories import CLOSE_AT, answer_all, make_application, make_round
from tests.registry.factories import ServiceUnitFactory

pytestmark = pytest.mark.django_db


def create_url(unit, round_obj):
    return reverse("portal:application.create", kwargs={"unit_id": unit.pk,
                                                        "round_id": round_obj.pk})


def form_data(**overrides):
    data = {"kind": "new", "target_level": "advanced", "contact_name": "นายสมชาย ใจดี",
            "contact_phone": "053 123 456", "contact_email": "somchai@unit.go.th"}
    data.update(overrides)
    return data


def test_apply_form_is_prefilled_from_the_user(coordinator_client, unit, round_obj):
    response = coordinator_client.get(create_url(unit, round_obj))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["contact_name"] == "สมศรี ประสานงาน"
    assert form.initial["contact_phone"] == "053 000 111"
    assert form.initial["kind"] == "new"
    assert [code for code, _name in form.fields["target_level"].choices] == [
        "basic", "advanced", "excellence"]
    assert [code for code, _name in form.fields["kind"].choices] == ["new"]


def test_apply_creates_a_draft_and_opens_the_self_assessment(coordinator_client, unit,
                                                             round_obj):
    response = coordinator_client.post(create_url(unit, round_obj), form_data())
    application = Application.objects.get(unit=unit, round=round_obj)
    assert response.status_code == 302
    assert response.url == reverse("portal:application.assessment",
                                   kwargs={"pk": application.pk})
    assert (application.state, application.kind, application.target_level,
            application.contact_name) == ("draft", "new", "advanced", "นายสมชาย ใจดี")
    assert application.answers.count() == 3  # Q1.2 applies only to local units


def test_apply_twice_for_the_same_unit_and_round_is_refused(coordinator_client, application):
    response = coordinator_client.post(create_url(application.unit, application.round),
                                       form_data())
    assert response.status_code == 200
    assert "หน่วยบริการนี้มีใบสมัครในรอบนี้แล้ว" in response.content.decode()
    assert Application.objects.filter(unit=application.unit).count() == 1


def test_apply_after_the_close_is_refused(coordinator_client, coordinator, unit, round_obj,
                                          clock):
    clock.now = CLOSE_AT
    coordinator_client.force_login(coordinator)  # a session of the new "now"
    response = coordinator_client.get(create_url(unit, round_obj))
    assert response.status_code == 302
    assert response.url == reverse("portal:home")
    response = coordinator_client.post(create_url(unit, round_obj), form_data())
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "รอบการประเมินนี้ไม่เปิดรับสมัครในขณะนี้"]
    assert not Application.objects.filter(unit=unit).exists()


def earlier_application(unit, coordinator, secretariat, state):
    """An application of the round before, taken to ``state``; an accepted one also gets a
    certificate (the unit was certified)."""
    from gecc.applications.domain import submit_application
    from gecc.applications.models import Application as Model
    from tests.applications.factories import DURING

    day = datetime.timedelta(days=1)
    earlier = make_round(secretariat, year=2568, applications_open_at=DURING - 400 * day,
                         applications_close_at=DURING - 380 * day,
                         desk_review_end_at=DURING - 370 * day,
                         site_visits_start_at=DURING - 360 * day,
                         site_visits_end_at=DURING - 350 * day, decision_at=DURING - 340 * day,
                         announcement_at=DURING - 330 * day)
    previous = make_application(earlier, unit, coordinator, now=DURING - 390 * day)
    answer_all(previous)
    submit_application(previous, coordinator, now=DURING - 385 * day)
    if state != "submitted":
        Model.objects.filter(pk=previous.pk).update(state=state)
    if state == "accepted":
        from tests.certificates.lifecycle_factories import certify

        certify(previous)
    return previous


def test_renewal_is_preselected_when_the_unit_was_certified_before(coordinator_client,
                                                                   coordinator, unit,
                                                                   secretariat):
    previous = earlier_application(unit, coordinator, secretariat, "accepted")
    current = make_round(secretariat, year=2569)
    response = coordinator_client.get(create_url(unit, current))
    assert response.context["form"].initial["kind"] == "renewal"
    assert [code for code, _name in response.context["form"].fields["kind"].choices] == [
        "new", "renewal"]
    response = coordinator_client.post(create_url(unit, current), form_data(kind="renewal"))
    renewal = Application.objects.get(round=current, unit=unit)
    assert (renewal.kind, renewal.previous_id) == ("renewal", previous.pk)
    assert renewal.answers.filter(needs_confirmation=True).count() == 3


@pytest.mark.parametrize("state", ["submitted", "returned", "rejected"])
def test_a_unit_never_certified_is_offered_new_only_and_a_renewal_is_refused(
        coordinator_client, coordinator, unit, secretariat, state):
    earlier_application(unit, coordinator, secretariat, state)
    current = make_round(secretariat, year=2569)
    response = coordinator_client.get(create_url(unit, current))
    form = response.context["form"]
    assert form.initial["kind"] == "new"
    assert [code for code, _name in form.fields["kind"].choices] == ["new"]
    assert form.fields["kind"].help_text == ("การต่ออายุใช้สำหรับหน่วยบริการที่เคยได้รับการรับรอง"
                                             "ในรอบก่อน หน่วยบริการนี้จึงสมัครเป็นใบสมัครใหม่")
    response = coordinator_client.post(create_url(unit, current), form_data(kind="renewal"))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["kind"]
    assert not Application.objects.filter(round=current, unit=unit).exists()


def test_home_shows_apply_then_continue(coordinator_client, unit, round_obj):
    body = coordinator_client.get(reverse("portal:home")).content.decode()
    assert create_url(unit, round_obj) in body
    coordinator_client.post(create_url(unit, round_obj), form_data())
    application = Application.objects.get(unit=unit)
    body = coordinator_client.get(reverse("portal:home")).content.decode()
    assert create_url(unit, round_obj) not in body
    assert reverse("portal:application.assessment", kwargs={"pk": application.pk}) in body
    assert "0%" in body


def test_home_without_units_explains_what_to_do(client, make_user):
    client.force_login(make_user("coordinator"))
    response = client.get(reverse("portal:home"))
    assert 'data-testid="no-units"' in response.content.decode()


def test_other_units_cannot_be_applied_for(coordinator_client, round_obj):
    stranger = ServiceUnitFactory()
    response = coordinator_client.post(create_url(stranger, round_obj), form_data())
    assert response.status_code == 404
    assert not Application.objects.filter(unit=stranger).exists()
