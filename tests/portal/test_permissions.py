"""Who may open each portal page: the unit's coordinator only; another unit's coordinator
gets 404 (nothing says the application exists); staff roles get 403; anonymous → sign in."""

import pytest
from django.urls import reverse

from gecc.applications.models import Answer
from tests.conftest import sign_in
from tests.registry.factories import ServiceUnitFactory

pytestmark = pytest.mark.django_db

OWN, OTHER = "own", "other coordinator"
STAFF = ("secretariat", "assessor", "steering")


def pages(application, answer):
    return {
        "application.detail": reverse("portal:application.detail", kwargs={"pk": application.pk}),
        "application.assessment": reverse("portal:application.assessment",
                                          kwargs={"pk": application.pk}),
        "application.submit": reverse("portal:application.submit", kwargs={"pk": application.pk}),
        "application.withdraw": reverse("portal:application.withdraw",
                                        kwargs={"pk": application.pk}),
        "answer.detail": reverse("portal:answer.detail", kwargs={"pk": answer.pk}),
        "application.create": reverse("portal:application.create",
                                      kwargs={"unit_id": application.unit_id,
                                              "round_id": application.round_id}),
    }


PAGE_NAMES = ["application.detail", "application.assessment", "application.submit",
              "application.withdraw", "answer.detail", "application.create"]
EXPECTED = {OWN: 200, OTHER: 404, **{role: 403 for role in STAFF}}


@pytest.mark.parametrize("page", PAGE_NAMES)
@pytest.mark.parametrize("who", [OWN, OTHER, *STAFF])
def test_portal_page_permission(client, application, coordinator, make_user, login_as, page,
                                who):
    answer = Answer.objects.filter(application=application).first()
    url = pages(application, answer)[page]
    if who == OWN:
        user = coordinator
    elif who == OTHER:
        user = make_user("coordinator")
        ServiceUnitFactory(coordinators=[user])
    else:
        user = None
        login_as(who)  # staff roles with their second factor verified
    if user is not None:
        sign_in(client, user)
    response = client.get(url)
    assert response.status_code == EXPECTED[who]


@pytest.mark.parametrize("page", [*PAGE_NAMES, "home"])
def test_portal_page_anonymous_goes_to_sign_in(client, application, page):
    answer = Answer.objects.filter(application=application).first()
    url = reverse("portal:home") if page == "home" else pages(application, answer)[page]
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", ["portal:answer.save", "portal:answer.confirm"])
def test_posting_to_another_units_answer_is_404(client, application, make_user, name):
    answer = Answer.objects.filter(application=application).first()
    other = make_user("coordinator")
    ServiceUnitFactory(coordinators=[other])
    sign_in(client, other)
    response = client.post(reverse(name, kwargs={"pk": answer.pk}),
                           {"revision": 0, "score": "1", "explanation": "x"})
    assert response.status_code == 404
    answer.refresh_from_db()
    assert (answer.self_score, answer.revision) == (None, 0)


def test_home_lists_only_the_users_units_and_applications(client, application, make_user):
    other = make_user("coordinator")
    other_unit = ServiceUnitFactory(coordinators=[other])
    sign_in(client, other)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert other_unit.name_th in body
    assert application.unit.name_th not in body
    assert reverse("portal:application.detail", kwargs={"pk": application.pk}) not in body


@pytest.mark.parametrize("role", STAFF)
def test_staff_roles_cannot_post_to_an_answer(client, application, login_as, role):
    answer = Answer.objects.filter(application=application).first()
    login_as(role)
    response = client.post(reverse("portal:answer.save", kwargs={"pk": answer.pk}),
                           {"revision": 0, "score": "1", "explanation": "x"})
    assert response.status_code == 403
    answer.refresh_from_db()
    assert answer.revision == 0
