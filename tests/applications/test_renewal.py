import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gecc.applications.domain import (
    ConcurrentEditError,
    accept_for_site_visit,
    certified_application_for,
    confirm_all_unchanged,
    missing_items,
    previous_application_for,
    submit_application,
)
from gecc.applications.domain.renewal import parse_expected
from gecc.applications.enums import ApplicationKind
from gecc.applications.models import Answer, Application
from gecc.audit.models import AuditEntry
from gecc.evidence.domain import add_evidence
from gecc.evidence.models import EvidenceFile
from tests.applications.factories import (
    DURING,
    answer_all,
    make_application,
    make_round,
    make_version,
    round_dates,
)
from tests.certificates.lifecycle_factories import certify

pytestmark = pytest.mark.django_db
YEAR = datetime.timedelta(days=365)


@pytest.fixture
def next_round(secretariat):
    dates = {name: value + YEAR for name, value in round_dates().items()}
    return make_round(secretariat, year=2570, version=make_version(label="2600"), **dates)


def png_upload():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return SimpleUploadedFile("parking.png", buffer.getvalue(), content_type="image/png")


def test_renewal_carries_forward_answers_to_confirm(application, coordinator, secretariat,
                                                   next_round, unit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    answer_all(application, score=3)
    add_evidence(application.answers.get(item__ref="P1.1"), png_upload(), coordinator)
    submit_application(application, coordinator, now=DURING)
    accept_for_site_visit(application, secretariat)
    certify(application)  # a unit renews a certification it holds
    renewal = make_application(next_round, unit, coordinator, now=DURING + YEAR,
                               kind=ApplicationKind.RENEWAL)
    assert renewal.previous == application
    carried = list(Answer.objects.filter(application=renewal).order_by("item__position")
                   .values_list("item__ref", "self_score", "explanation", "needs_confirmation"))
    assert carried == [("P1.1", 3, "มีการดำเนินการตามเกณฑ์", True),
                       ("P1.2", 1, "มีการดำเนินการตามเกณฑ์", True),
                       ("Q1.1", 3, "มีการดำเนินการตามเกณฑ์", True)]
    assert [m.reason for m in missing_items(renewal)] == ["to_confirm"] * 3
    assert Answer.objects.filter(application=application, needs_confirmation=True).count() == 0
    new_files = EvidenceFile.objects.filter(answer__application=renewal)
    assert list(new_files.values_list("answer__item__ref", "original_name")) == [
        ("P1.1", "parking.png")]


def test_renewal_without_a_previous_application_is_refused(round_obj, unit, coordinator):
    with pytest.raises(ValidationError) as exc:
        make_application(round_obj, unit, coordinator, kind=ApplicationKind.RENEWAL)
    assert exc.value.code == "nothing_to_renew"


@pytest.mark.parametrize("state", ["submitted", "returned", "rejected", "withdrawn"])
def test_renewal_after_an_application_that_was_never_certified_is_refused(
        application, coordinator, next_round, unit, state):
    Application.objects.filter(pk=application.pk).update(state=state)
    assert previous_application_for(unit, next_round) is None
    with pytest.raises(ValidationError) as exc:
        make_application(next_round, unit, coordinator, now=DURING + YEAR,
                         kind=ApplicationKind.RENEWAL)
    assert exc.value.code == "nothing_to_renew"
    # Naming the uncertified application explicitly does not get round the rule.
    application.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        make_application(next_round, unit, coordinator, now=DURING + YEAR,
                         kind=ApplicationKind.RENEWAL, previous=application)
    assert exc.value.code == "nothing_to_renew"
    assert not Application.objects.filter(round=next_round).exists()


def test_the_latest_certified_application_is_the_one_renewed(application, coordinator,
                                                             next_round, unit):
    Application.objects.filter(pk=application.pk).update(state="accepted")
    certify(application)
    assert previous_application_for(unit, next_round) == application
    assert certified_application_for(unit, next_round) == application


@pytest.fixture
def renewal(application, coordinator, next_round, unit, clock):
    answer_all(application, score=3)
    Application.objects.filter(pk=application.pk).update(state="accepted")
    certify(application)
    clock.now = DURING + YEAR
    return make_application(next_round, unit, coordinator, now=DURING + YEAR,
                            kind=ApplicationKind.RENEWAL)


def expected_of(application):
    return dict(Answer.objects.filter(application=application, needs_confirmation=True)
                .values_list("item__ref", "revision"))


def test_confirm_all_unchanged_confirms_the_listed_answers_in_one_audit_entry(renewal,
                                                                            coordinator):
    refs = confirm_all_unchanged(renewal, coordinator, expected=expected_of(renewal))
    assert refs == ["P1.1", "P1.2", "Q1.1"]
    stored = list(Answer.objects.filter(application=renewal).order_by("item__position")
                  .values_list("item__ref", "self_score", "needs_confirmation", "revision",
                               "updated_by"))
    assert stored == [("P1.1", 3, False, 1, coordinator.pk), ("P1.2", 1, False, 1, coordinator.pk),
                      ("Q1.1", 3, False, 1, coordinator.pk)]
    entries = AuditEntry.objects.filter(action="application.answers_confirmed")
    assert [(e.object_id, e.data) for e in entries] == [
        (str(renewal.pk), {"before": {"needs_confirmation": True},
                           "after": {"needs_confirmation": False},
                           "items": ["P1.1", "P1.2", "Q1.1"], "count": 3})]
    assert missing_items(renewal) == []


def test_confirm_all_unchanged_leaves_unlisted_answers_to_confirm(renewal, coordinator):
    expected = expected_of(renewal)
    del expected["Q1.1"]
    assert confirm_all_unchanged(renewal, coordinator, expected=expected) == ["P1.1", "P1.2"]
    assert [m.ref for m in missing_items(renewal)] == ["Q1.1"]


def test_confirm_all_unchanged_after_an_answer_changed_writes_nothing(renewal, coordinator):
    from gecc.applications.domain import save_answer

    expected = expected_of(renewal)
    answer = Answer.objects.select_related("item", "application__round__edition").get(
        application=renewal, item__ref="P1.2")
    save_answer(answer, self_score=0, explanation="เปลี่ยนแล้ว", expected_revision=0,
                actor=coordinator)
    with pytest.raises(ConcurrentEditError):
        confirm_all_unchanged(renewal, coordinator, expected=expected)
    assert expected_of(renewal) == {"P1.1": 0, "Q1.1": 0}
    assert not AuditEntry.objects.filter(action="application.answers_confirmed").exists()


def test_confirm_all_unchanged_is_refused_once_the_application_is_sent(renewal, coordinator,
                                                                      clock):
    expected = expected_of(renewal)
    clock.now = DURING + 2 * YEAR  # the round stopped accepting applications
    with pytest.raises(ValidationError) as exc:
        confirm_all_unchanged(renewal, coordinator, expected=expected)
    assert exc.value.code == "applications_closed"
    assert expected_of(renewal) == expected
    with pytest.raises(ValidationError) as exc:
        confirm_all_unchanged(renewal, coordinator, expected={})
    assert exc.value.code == "nothing_to_confirm"


def test_parse_expected_skips_what_does_not_parse():
    assert parse_expected(["P1.1:0", "P1.2:12", "Q1.1", ":3", "Q1.2:x", "O1.1:2"]) == {
        "P1.1": 0, "P1.2": 12, "O1.1": 2}
