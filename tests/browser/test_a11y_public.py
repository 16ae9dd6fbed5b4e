"""The public registry, verification and complaint pages pass axe-core's WCAG 2.1 A/AA
rules, at desktop width and on a phone (390 px), where nothing may scroll sideways."""

import datetime

import pytest

from gecc.certificates.enums import CertificateState
from tests.applications.factories import make_round, make_version
from tests.browser.test_accessibility import assert_accessible
from tests.public.factories_public import certified_centre

pytestmark = pytest.mark.django_db(transaction=True)


def world():
    round_obj = make_round(year=2569, version=make_version())
    valid = certified_centre(round_obj, name_th="ศูนย์บริการประชาชนเทศบาลตำบลบ้านโฮ่ง จังหวัดลำพูน",
                             level="excellence", address="99 หมู่ 1 ถนนลำพูน-ลี้",
                             latitude="18.312345", longitude="98.812345")
    suspended = certified_centre(round_obj, name_th="ศูนย์ที่ถูกพัก", level="basic",
                                 state=CertificateState.SUSPENDED)
    expired = certified_centre(round_obj, name_th="ศูนย์ที่หมดอายุ", level="advanced",
                               valid_from=datetime.date(2019, 1, 1))
    return {"valid": valid, "suspended": suspended, "expired": expired}


def pages(made):
    valid = made["valid"]
    return {
        "search": ("/registry/?status=all", 200, ["[data-testid=centre-list]"]),
        "search-province": ("/registry/?province=51&status=all", 200,
                            ["[data-testid=centre-list]"]),
        "search-empty": ("/registry/?q=ไม่มีแน่นอน", 200, ["[data-testid=empty-state]"]),
        "provinces": ("/registry/provinces/", 200, ["[data-testid=province-table]"]),
        "centre": (f"/registry/centre/{valid.unit.code}/", 200, ["[data-testid=map-link]"]),
        "verify-form": ("/verify/", 200, ["[data-testid=verify-form]"]),
        "verify-valid": (f"/verify/{valid.number}/", 200, ["[data-testid=verdict]"]),
        "verify-suspended": (f"/verify/{made['suspended'].number}/", 200,
                             ["[data-testid=verdict]"]),
        "verify-expired": (f"/verify/{made['expired'].number}/", 200,
                           ["[data-testid=verdict]"]),
        "verify-not-found": ("/verify/GECC-2568-000999/", 404, ["[data-testid=not-found]"]),
        "complaint": (f"/complaint/{valid.unit.code}/", 200, ["[data-testid=complaint-form]"]),
    }


NAMES = ["search", "search-province", "search-empty", "provinces", "centre", "verify-form",
         "verify-valid", "verify-suspended", "verify-expired", "verify-not-found", "complaint"]


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_public_pages_are_accessible(page, phone_page, live_server, size):
    target = page if size == "desktop" else phone_page
    made = world()
    for name in NAMES:
        path, status, shows = pages(made)[name]
        assert_accessible(target, path, status=status, shows=shows)
        if size == "phone":
            overflow = target.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{name} scrolls sideways on a phone by {overflow}px"


def test_complaint_refused_without_text_is_accessible(phone_page, live_server):
    made = world()
    code = made["valid"].unit.code
    phone_page.goto(f"/complaint/{code}/")
    phone_page.fill("#id_name", "สมชาย")
    phone_page.wait_for_timeout(3200)
    phone_page.click("[data-testid=complaint-form] button[type=submit]")
    phone_page.locator(".errorlist").first.wait_for()
    assert phone_page.input_value("#id_name") == "สมชาย"
    assert "กรุณาเขียนเรื่องที่ต้องการร้องเรียน" in phone_page.content()
    from tests.browser.test_accessibility import axe_violations, describe

    violations = axe_violations(phone_page)
    assert violations == [], describe(violations)
