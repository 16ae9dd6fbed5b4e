"""Leaving the site visits with applications accepted for a visit: the visit and scoring
features are not built yet, so the confirmation page says what is pending, and the round
moves on only once the secretariat has ticked that it read it."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from gecc.applications.models import Application
from gecc.audit.models import AuditEntry
from gecc.committees.models import Assignment, SubCommittee
from gecc.rounds.domain import RoundError, advance_phase, phase_reasons
from gecc.rounds.domain.rounds import PhaseWarning
from gecc.rounds.models import Round
from tests.applications.factories import make_application
from tests.conftest import sign_in
from tests.registry.factories import ServiceUnitFactory

pytestmark = pytest.mark.django_db

PENDING_TH = ("ใบสมัครที่รับเข้าตรวจประเมินในพื้นที่ 2 รายการยังไม่มีผลการตรวจประเมินในพื้นที่ "
              "เนื่องจากระบบยังไม่มีส่วนการตรวจประเมินในพื้นที่และการให้คะแนน")


def in_site_visits(round_obj, accepted=2):
    """The round in its site-visit phase with ``accepted`` applications accepted (set
    directly: test setup, not the domain path), each with a confirmed assignment so the
    committees app's own check (every accepted application assigned) holds."""
    team = SubCommittee.objects.create(round=round_obj, number=1) if accepted else None
    for _ in range(accepted):
        application = make_application(round_obj, ServiceUnitFactory())
        Application.objects.filter(pk=application.pk).update(state="accepted")
        Assignment.objects.create(round=round_obj, application=application, subcommittee=team,
                                  state="confirmed")
    Round.objects.filter(pk=round_obj.pk).update(phase="site_visits")
    round_obj.refresh_from_db()
    return round_obj


def test_moving_to_decision_names_the_pending_visits_as_a_warning(round_obj):
    in_site_visits(round_obj)
    blockers, warnings = phase_reasons(round_obj, "decision")
    assert blockers == []
    assert [type(w) for w in warnings] == [PhaseWarning]
    assert warnings[0].startswith(PENDING_TH)


def test_the_warning_holds_the_round_until_acknowledged(round_obj, secretariat):
    in_site_visits(round_obj)
    with pytest.raises(RoundError) as error:
        advance_phase(round_obj, secretariat)
    assert error.value.messages[0].startswith(PENDING_TH)
    assert error.value.messages[1] == ("โปรดยืนยันว่าได้อ่านรายการที่ยังค้างอยู่แล้ว "
                                       "ก่อนเลื่อนรอบการประเมินไปขั้นถัดไป")
    round_obj.refresh_from_db()
    assert round_obj.phase == "site_visits"

    advance_phase(round_obj, secretariat, acknowledged=True)
    round_obj.refresh_from_db()
    assert round_obj.phase == "decision"
    entry = AuditEntry.objects.get(action="round.phase_changed")
    assert entry.data["acknowledged"][0].startswith(PENDING_TH)


def test_no_warning_without_accepted_applications(round_obj, secretariat):
    in_site_visits(round_obj, accepted=0)
    assert phase_reasons(round_obj, "decision") == ([], [])
    advance_phase(round_obj, secretariat)
    round_obj.refresh_from_db()
    assert round_obj.phase == "decision"


def test_confirmation_page_says_what_is_pending_and_asks_to_acknowledge(
        client, round_obj, secretariat):
    in_site_visits(round_obj)
    TOTPDevice.objects.create(user=secretariat, name="test", confirmed=True)
    sign_in(client, secretariat)
    url = reverse("rounds:round.advance", kwargs={"year": round_obj.year})
    html = client.get(url).content.decode()
    warnings = html.split('data-testid="phase-warnings"')[1].split("</div>")[0]
    assert "<h2>รายการที่ยังค้างอยู่</h2>" in warnings
    assert PENDING_TH in warnings
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
