"""The self-assessment page keeps each answer's card in the cache, keyed on everything the
card shows: a second view renders no card again, a change shows at once, and the forms
always carry the viewer's own CSRF token."""

import re

import pytest
from django.test import Client
from django.test.signals import template_rendered
from django.urls import reverse

from gecc.applications.domain import add_review_comment
from gecc.applications.models import Answer

pytestmark = pytest.mark.django_db

CARD = "portal/answer/card.html"


@pytest.fixture
def card_renders():
    seen = []

    def record(sender, template, context, **kwargs):
        if template.name == CARD:
            seen.append(context.get("answer").item.ref)

    template_rendered.connect(record)
    yield seen
    template_rendered.disconnect(record)


def page(client, application):
    url = reverse("portal:application.assessment", kwargs={"pk": application.pk})
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_second_view_renders_no_card(coordinator_client, application, card_renders):
    first = page(coordinator_client, application)
    assert card_renders, "the first view renders the cards"
    card_renders.clear()

    second = page(coordinator_client, application)

    assert card_renders == []
    assert second.count('class="answer-card') == first.count('class="answer-card') > 0


def test_a_saved_answer_is_the_only_card_rendered_again(coordinator_client, application,
                                                       card_renders):
    page(coordinator_client, application)
    answer = Answer.objects.get(application=application, item__ref="P1.1")
    coordinator_client.post(reverse("portal:answer.save", kwargs={"pk": answer.pk}),
                            {"revision": "0", "score": "3", "explanation": "ทางลาดใหม่"},
                            HTTP_HX_REQUEST="true")
    card_renders.clear()

    body = page(coordinator_client, application)

    assert card_renders == ["P1.1"]
    assert "ทางลาดใหม่" in body


def test_a_comment_from_the_secretariat_shows_at_once(coordinator_client, application,
                                                     secretariat):
    page(coordinator_client, application)
    answer = Answer.objects.get(application=application, item__ref="P1.1")
    add_review_comment(application, secretariat, "แนบภาพถ่ายทางลาดด้วย", answer=answer)

    assert "แนบภาพถ่ายทางลาดด้วย" in page(coordinator_client, application)


def test_each_viewer_gets_forms_with_their_own_csrf_token(application, coordinator,
                                                          make_user):
    """A second coordinator of the same unit, after the first one filled the cache: the
    token in the cached card's form must be valid for the second one's session."""
    colleague = make_user("coordinator")
    application.unit.coordinators.add(colleague)
    first = Client(enforce_csrf_checks=True)
    first.force_login(coordinator)
    page(first, application)
    second = Client(enforce_csrf_checks=True)
    second.force_login(colleague)
    body = page(second, application)
    answer = Answer.objects.get(application=application, item__ref="P1.1")
    form = body[body.index(f'id="answer-{answer.pk}"'):]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)

    response = second.post(reverse("portal:answer.save", kwargs={"pk": answer.pk}),
                           {"revision": "0", "score": "2", "explanation": "",
                            "csrfmiddlewaretoken": token}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert Answer.objects.get(pk=answer.pk).self_score == 2
