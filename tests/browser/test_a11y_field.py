"""The field app's shell passes axe-core's WCAG 2.1 A/AA rules with data in it: the list of
applications and an application's scoring form (scored items, a photo waiting to be sent,
the unit's self-assessment and an evidence picture), at desktop and at phone width."""

import io

import pytest
from PIL import Image

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_accessibility import axe_violations, describe
from tests.scoring.factories_field import evidence, self_assess
from tests.scoring.factories_sheets import scoring_world

READY = "#field-app[data-ready=true][data-offline-ready=true]"


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = scoring_world()
    self_assess(world.application, "P1.1", score=3, explanation="มีที่จอดรถ 40 คัน")
    evidence(world.application, "P1.1", name="ลานจอดรถ.png")
    evidence(world.application, "P1.1", name="แผนผัง.pdf", kind="pdf")
    return world


def assert_no_violations(page, where):
    violations = axe_violations(page)
    assert violations == [], f"axe-core on the field app ({where}):\n{describe(violations)}"


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_field_shell_with_data_is_accessible(world, browser_page_factory, live_server, sign_in,
                                             size):
    options = {"is_mobile": True, "has_touch": True} if size is PHONE else {}
    page = browser_page_factory(viewport=size, base_url=live_server.url, **options)
    sign_in(page, world.qualified[0])
    page.goto("/field/")
    page.wait_for_selector(READY)
    assert_no_violations(page, "empty, before the pack")

    page.get_by_test_id("download-pack").click()
    page.wait_for_selector("[data-testid=application-card]")
    assert_no_violations(page, "the list of applications")

    page.get_by_role("link", name=world.application.unit.name_th).click()
    page.wait_for_selector("article[data-ref='P1.1'] .field-evidence img")
    page.get_by_test_id("submit-open").click()  # the confirmation step shown
    page.context.set_offline(True)
    page.locator("article[data-ref='P1.1'] label.field-point", has_text="3 · ดี").click()
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, format="PNG")
    page.locator("article[data-ref='P1.1'] [data-testid=photo]").set_input_files(
        files=[{"name": "photo.png", "mimeType": "image/png", "buffer": buffer.getvalue()}])
    page.wait_for_selector("article[data-ref='P1.1'] [data-testid=photos] img")
    assert_no_violations(page, "an application's scoring form, offline, with changes waiting")
