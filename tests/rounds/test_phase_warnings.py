"""A phase check may answer with a ``PhaseWarning`` (something pending the system cannot
track) instead of a blocking reason: the confirmation page says what is pending, and the round
moves on only once the secretariat has ticked that it read it. No app registers a warning
today (the site-visit results became the scoring app's blocking check,
``tests/scoring/test_phase_check.py``), so these tests register one of their own."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from gecc.audit.models import AuditEntry
from gecc.rounds.domain import RoundError, advance_phase, phase_reasons
from gecc.rounds.domain.rounds import PHASE_CHECKS, PhaseWarning
from gecc.rounds.models import Round

pytestmark = pytest.mark.django_db

PENDING = "ผลการตรวจประเมินในพื้นที่บางส่วนเก็บไว้นอกระบบ"


def pending_elsewhere(round_obj, new_phase):
    return [PhaseWarning(PENDING)] if new_phase == "decision" else []


@pytest.fixture
def warning_check():
    PHASE_CHECKS.append(pending_elsewhere)
    yield pending_elsewhere
    PHASE_CHECKS.remove(pending_elsewhere)


def in_site_visits(round_obj):
    """The round in its site-visit phase with no application (set directly: test setup)."""
    Round.objects.filter(pk=round_obj.pk).update(phase="site_visits")
    round_obj.refresh_from_db()
    return round_obj


def test_a_warning_is_not_a_blocking_reason(round_obj, warning_check):
    in_site_visits(round_obj)
    blockers, warnings = phase_reasons(round_obj, "decision")
    assert blockers == []
    assert warnings == [PENDING] and [type(w) for w in warnings] == [PhaseWarning]


def test_the_warning_holds_the_round_until_acknowledged(round_obj, secretariat, warning_check):
    in_site_visits(round_obj)
    with pytest.raises(RoundError) as error:
        advance_phase(round_obj, secretariat)
    assert error.value.messages == [PENDING, "โปรดยืนยันว่าได้อ่านรายการที่ยังค้างอยู่แล้ว "
                                             "ก่อนเลื่อนรอบการประเมินไปขั้นถัดไป"]
    round_obj.refresh_from_db()
    assert round_obj.phase == "site_visits"

    advance_phase(round_obj, secretariat, acknowledged=True)
    round_obj.refresh_from_db()
    assert round_obj.phase == "decision"
    entry = AuditEntry.objects.get(action="round.phase_changed")
    assert entry.data["acknowledged"] == [PENDING]


def test_no_warning_registered_no_acknowledgement_asked(round_obj, secretariat):
    in_site_visits(round_obj)
    assert phase_reasons(round_obj, "decision") == ([], [])
    advance_phase(round_obj, secretariat)
    round_obj.refresh_from_db()
    assert round_obj.phase == "decision"


def test_confirmation_page_says_what_is_pending_and_asks_to_acknowledge(
        client, round_obj, secretariat, warning_check):
    from tests.conftest import sign_in

    in_site_visits(round_obj)
    TOTPDevice.objects.create(user=secretariat, name="test", confirmed=True)
    sign_in(client, secretariat)
    url = reverse("rounds:round.advance", kwargs={"year": round_obj.year})
    html = client.get(url).content.decode()
    warnings = html.split('data-testid="phase-warnings"')[1].split("</div>")[0]
    assert "<h2>รายการที่ยังค้างอยู่</h2>" in warnings
    assert PENDING in warnings
    assert ('<input type="checkbox" name="acknowledge" value="1" required '
            'data-testid="acknowledge">') in html
    assert 'data-testid="confirm"' in html

    refused = client.post(url)
    assert refused.status_code == 400
    round_obj.refresh_from_db()
    assert round_obj.phase == "site_visits"

    assert client.post(url, {"acknowledge": "1"}).status_code == 302
    round_obj.refresh_from_db()
    assert round_obj.phase == "decision"
