import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gecc.applications.domain import (
    accept_for_site_visit,
    missing_items,
    submit_application,
)
from gecc.applications.enums import ApplicationKind
from gecc.applications.models import Answer
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
