"""The unit's feedback report in the portal: nothing at all (404, no card, no hint) until the
secretariat releases it; then the page, the PDF and a card on the application page, for the
unit's own coordinators only."""

import shutil
import subprocess

import pytest
from django.urls import reverse

from gecc.scoring.domain.feedback import release_feedback
from tests.conftest import sign_in
from tests.factories import UserFactory
from tests.scoring.factories_feedback import feedback_world

pytestmark = pytest.mark.django_db

UNIT = "ศูนย์ราชการสะดวก อำเภอบ้านโฮ่ง"


@pytest.fixture
def world():
    return feedback_world()


def page_url(world):
    return reverse("portal:application.feedback", args=[world.application.pk])


def pdf_url(world):
    return reverse("portal:application.feedback_pdf", args=[world.application.pk])


def detail_url(world):
    return reverse("portal:application.detail", args=[world.application.pk])


def test_before_release_the_report_does_not_exist_for_the_unit(client, world):
    sign_in(client, world.coordinator)
    assert client.get(page_url(world)).status_code == 404
    assert client.get(pdf_url(world)).status_code == 404
    html = client.get(detail_url(world)).content.decode()
    assert 'data-testid="feedback-card"' not in html
    assert "รายงานผลการตรวจประเมิน" not in html
    assert page_url(world) not in html


def test_after_release_the_coordinator_reads_the_report(client, world):
    release_feedback(world.team_sheet, world.secretariat)
    sign_in(client, world.coordinator)
    response = client.get(page_url(world))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"รายงานผลการตรวจประเมินและข้อเสนอแนะ: {UNIT}" in html
    assert '<span data-testid="feedback-overall">75%</span>' in html
    assert "ก้าวหน้า" in html
    assert "ที่จอดรถกว้างขวาง มีช่องจอดสำหรับผู้พิการ" in html
    assert "3 / 4" not in html  # no item scores by default
    for member in world.members:
        assert member.full_name not in html
    assert pdf_url(world) in html


def test_after_release_the_application_page_links_to_the_report(client, world):
    release_feedback(world.team_sheet, world.secretariat)
    sign_in(client, world.coordinator)
    html = client.get(detail_url(world)).content.decode()
    assert 'data-testid="feedback-card"' in html
    assert f'href="{page_url(world)}"' in html


def test_the_coordinator_downloads_the_thai_pdf(client, world, tmp_path):
    release_feedback(world.team_sheet, world.secretariat)
    sign_in(client, world.coordinator)
    response = client.get(pdf_url(world))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is needed for this test"
    path = tmp_path / "feedback.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                          check=True).stdout.decode()
    assert "".join(UNIT.split()) in "".join(text.split())


def test_another_units_coordinator_gets_404_even_after_release(client, world):
    release_feedback(world.team_sheet, world.secretariat)
    sign_in(client, UserFactory(roles=["coordinator"]))
    assert client.get(page_url(world)).status_code == 404
    assert client.get(pdf_url(world)).status_code == 404


@pytest.mark.parametrize("role", ["secretariat", "assessor", "steering"])
def test_staff_get_403_in_the_portal(client, world, role):
    release_feedback(world.team_sheet, world.secretariat)
    # the secretariat's own account has its second factor; a member of the team is refused too
    user = {"secretariat": world.secretariat, "assessor": world.chair}.get(role) \
        or UserFactory(roles=[role])
    sign_in(client, user)
    assert client.get(page_url(world)).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(page_url(world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_application_without_a_team_sheet_is_404(client, world):
    world.team_sheet.delete()
    sign_in(client, world.coordinator)
    assert client.get(page_url(world)).status_code == 404
