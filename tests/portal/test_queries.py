"""The self-assessment page (one category) costs the same number of queries for 1 or 3 items
per category."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gecc.applications.domain import add_review_comment
from gecc.evidence.domain.evidence import add_evidence
from tests.applications.factories import make_application, make_round
from tests.portal.factories import pdf_upload, sized_version

pytestmark = pytest.mark.django_db


def page_queries(client, coordinator, unit, secretariat, items, year):
    round_obj = make_round(secretariat, year=year, version=sized_version(items, str(year)))
    application = make_application(round_obj, unit, coordinator)
    for answer in application.answers.select_related("item", "application"):
        add_evidence(answer, pdf_upload(), coordinator)
        add_review_comment(application, secretariat, f"ตรวจสอบ {answer.item.ref}",
                           answer=answer)
    # One category per page: the second category's items (the first is the default page).
    url = reverse("portal:application.assessment", kwargs={"pk": application.pk}) + "?category=Q"
    client.get(url)  # warm caches (session, content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.content.decode().split('class="answer-card')) - 1 == items
    return len(queries)


def test_assessment_page_query_count_is_constant(coordinator_client, coordinator, unit,
                                                 secretariat, make_user):
    one = page_queries(coordinator_client, coordinator, unit, secretariat, 1, 2570)
    # A second unit of the same coordinator, with three items per category.
    from tests.registry.factories import ServiceUnitFactory
    other_unit = ServiceUnitFactory(coordinators=[coordinator])
    three = page_queries(coordinator_client, coordinator, other_unit, secretariat, 3, 2571)
    assert one == three, (one, three)
    # 14: one of them gives each missing item's link its category (portal ``link_to_categories``).
    assert one <= 14, one
