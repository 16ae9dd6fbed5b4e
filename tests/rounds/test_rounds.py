import datetime

import pytest
from django.core.exceptions import ValidationError

from gecc.audit.models import AuditEntry
from gecc.criteria.domain.editions import delete_version
from gecc.criteria.models import EditionLockedError
from gecc.rounds.domain import (
    advance_phase,
    close_round,
    create_round,
    open_round,
    update_round_dates,
)
from gecc.rounds.enums import RoundPhase, default_screening_checklist
from gecc.rounds.models import Round
from tests.applications.factories import (
    CLOSE_AT,
    DURING,
    OPEN_AT,
    make_round,
    make_version,
    round_dates,
)

pytestmark = pytest.mark.django_db
SECOND = datetime.timedelta(seconds=1)


def actions(obj):
    return list(AuditEntry.objects.filter(object_id=str(obj.pk), action__startswith="round.")
                .order_by("pk").values_list("action", flat=True))


def test_create_round_starts_as_draft_with_default_checklist(secretariat):
    round_obj = make_round(secretariat, opened=False)
    assert round_obj.phase == RoundPhase.DRAFT
    assert round_obj.screening_checklist == default_screening_checklist()
    assert len(round_obj.screening_checklist) == 5
    assert actions(round_obj) == ["round.created"]


def test_create_round_refuses_a_second_round_for_the_year(secretariat):
    make_round(secretariat, opened=False)
    with pytest.raises(ValidationError) as exc:
        create_round(year=2569, name="ซ้ำ", edition=make_version(revision=2), actor=secretariat)
    assert "year" in exc.value.message_dict


def test_create_round_locks_its_criteria_version(secretariat):
    version = make_version()
    assert version.is_in_use() is False
    create_round(year=2570, name="x", edition=version, actor=secretariat)
    version.refresh_from_db()
    assert version.is_in_use() is True
    with pytest.raises(EditionLockedError):
        delete_version(version, secretariat)


def test_create_round_refuses_dates_out_of_order(secretariat):
    with pytest.raises(ValidationError) as exc:
        create_round(year=2570, name="x", edition=make_version(), actor=secretariat,
                     **round_dates(applications_close_at=OPEN_AT))
    assert list(exc.value.message_dict) == ["applications_close_at"]


def test_open_round_locks_the_edition_and_is_audited(secretariat):
    round_obj = make_round(secretariat, opened=False)
    open_round(round_obj, secretariat)
    round_obj.refresh_from_db()
    assert round_obj.phase == RoundPhase.APPLICATIONS
    assert round_obj.edition.locked is True
    assert actions(round_obj) == ["round.created", "round.opened"]
    with pytest.raises(ValidationError):
        open_round(round_obj, secretariat)


def test_open_round_without_application_dates_is_refused(secretariat):
    round_obj = create_round(year=2570, name="x", edition=make_version(), actor=secretariat)
    with pytest.raises(ValidationError):
        open_round(round_obj, secretariat)
    assert Round.objects.get(pk=round_obj.pk).phase == RoundPhase.DRAFT


def test_advance_phase_walks_every_phase_in_order(secretariat):
    round_obj = make_round(secretariat, opened=False)
    seen = [round_obj.phase]
    for _step in range(6):
        advance_phase(round_obj, secretariat)
        seen.append(Round.objects.get(pk=round_obj.pk).phase)
    assert seen == ["draft", "applications", "desk_review", "site_visits", "decision",
                    "announced", "closed"]
    assert actions(round_obj) == ["round.created", "round.opened"] + [
        "round.phase_changed"] * 4 + ["round.closed"]
    entry = AuditEntry.objects.filter(action="round.phase_changed").order_by("pk").first()
    assert entry.data == {"before": {"phase": "applications"},
                          "after": {"phase": "desk_review"}}
    with pytest.raises(ValidationError):
        advance_phase(round_obj, secretariat)


def test_close_round_only_after_announcement(secretariat):
    round_obj = make_round(secretariat)
    with pytest.raises(ValidationError):
        close_round(round_obj, secretariat)
    assert Round.objects.get(pk=round_obj.pk).phase == RoundPhase.APPLICATIONS


def test_accepting_applications_until_one_second_before_the_close(secretariat):
    round_obj = make_round(secretariat)
    assert round_obj.accepting_applications(OPEN_AT) is True
    assert round_obj.accepting_applications(DURING) is True
    assert round_obj.accepting_applications(CLOSE_AT - SECOND) is True
    assert round_obj.accepting_applications(CLOSE_AT) is False
    assert round_obj.accepting_applications(CLOSE_AT + SECOND) is False
    assert round_obj.accepting_applications(OPEN_AT - SECOND) is False


def test_accepting_applications_false_outside_the_applications_phase(secretariat):
    draft = make_round(secretariat, opened=False)
    assert draft.accepting_applications(DURING) is False
    advance_phase(draft, secretariat)
    advance_phase(draft, secretariat)
    assert draft.phase == RoundPhase.DESK_REVIEW
    assert draft.accepting_applications(DURING) is False


def test_update_round_dates_extends_the_current_phase(secretariat):
    round_obj = make_round(secretariat)
    later = CLOSE_AT + datetime.timedelta(days=7)
    update_round_dates(round_obj, secretariat, applications_close_at=later)
    assert Round.objects.get(pk=round_obj.pk).applications_close_at == later
    entry = AuditEntry.objects.get(action="round.dates_changed")
    assert entry.data == {"before": {"applications_close_at": CLOSE_AT.isoformat()},
                          "after": {"applications_close_at": later.isoformat()}}


def test_update_round_dates_refuses_to_reopen_a_finished_phase(secretariat):
    round_obj = make_round(secretariat)
    advance_phase(round_obj, secretariat)  # desk review: the applications phase is over
    with pytest.raises(ValidationError) as exc:
        update_round_dates(round_obj, secretariat,
                           applications_close_at=CLOSE_AT + datetime.timedelta(days=30))
    assert list(exc.value.message_dict) == ["applications_close_at"]
    assert Round.objects.get(pk=round_obj.pk).applications_close_at == CLOSE_AT
    assert not AuditEntry.objects.filter(action="round.dates_changed").exists()


def test_update_round_dates_refuses_out_of_order(secretariat):
    round_obj = make_round(secretariat)
    with pytest.raises(ValidationError) as exc:
        update_round_dates(round_obj, secretariat,
                           site_visits_start_at=CLOSE_AT - datetime.timedelta(days=1))
    assert "site_visits_start_at" in exc.value.message_dict


def test_update_round_dates_refuses_a_closed_round(secretariat):
    round_obj = make_round(secretariat)
    for _step in range(5):
        advance_phase(round_obj, secretariat)
    assert round_obj.phase == RoundPhase.CLOSED
    with pytest.raises(ValidationError):
        update_round_dates(round_obj, secretariat, announcement_at=CLOSE_AT)


def test_round_scoping_and_permissions(make_user, secretariat):
    coordinator = make_user("coordinator")
    draft = make_round(secretariat, opened=False)
    opened = make_round(secretariat, year=2570, version=make_version(label="2600"))
    assert list(Round.objects.visible_to(coordinator)) == [opened]
    assert set(Round.objects.visible_to(secretariat)) == {draft, opened}
    assert coordinator.has_perm("rounds.view_round", opened) is True
    assert coordinator.has_perm("rounds.view_round", draft) is False
    assert coordinator.has_perm("rounds.manage_round") is False
    assert secretariat.has_perm("rounds.manage_round") is True
