"""Every (state, action) pair: the table's moves succeed and write one audit entry each;
every other pair is refused and changes nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from gecc.applications.domain import (
    TRANSITIONS,
    accept_for_site_visit,
    reject,
    resubmit,
    return_for_correction,
    submit_application,
    withdraw,
)
from gecc.applications.enums import ApplicationAction, ApplicationState
from gecc.applications.models import Application
from gecc.audit.models import AuditEntry
from tests.applications.factories import DURING, answer_all

pytestmark = pytest.mark.django_db

A, S = ApplicationAction, ApplicationState
DEADLINE = DURING + datetime.timedelta(days=10)


def run(action, application, actor):
    if action == A.SUBMIT:
        return submit_application(application, actor, now=DURING)
    if action == A.RESUBMIT:
        return resubmit(application, actor, now=DURING)
    if action == A.RETURN:
        return return_for_correction(application, actor, DEADLINE, ["แก้ไขข้อ P1.1"],
                                     now=DURING)
    if action == A.ACCEPT:
        return accept_for_site_visit(application, actor, now=DURING)
    if action == A.REJECT:
        # a returned application only once its correction deadline has passed
        now = DEADLINE if application.state == S.RETURNED else DURING
        return reject(application, actor, "เอกสารไม่ครบถ้วน", now=now)
    return withdraw(application, actor, "ยกเลิกการสมัคร", now=DURING)


def put_in_state(application, state):
    Application.objects.filter(pk=application.pk).update(state=state,
                                                         return_deadline=DEADLINE)
    application.refresh_from_db()
    return application


def test_the_table_covers_the_documented_flow():
    assert TRANSITIONS[(S.DRAFT, A.SUBMIT)] == S.SUBMITTED
    assert TRANSITIONS[(S.SUBMITTED, A.RETURN)] == S.RETURNED
    assert TRANSITIONS[(S.RETURNED, A.RESUBMIT)] == S.RESUBMITTED
    assert TRANSITIONS[(S.RESUBMITTED, A.ACCEPT)] == S.ACCEPTED
    assert TRANSITIONS[(S.SUBMITTED, A.REJECT)] == S.REJECTED
    assert {state for (state, action) in TRANSITIONS if action == A.WITHDRAW} == {
        S.DRAFT, S.SUBMITTED, S.RETURNED, S.RESUBMITTED, S.ACCEPTED}
    assert TRANSITIONS[(S.RETURNED, A.REJECT)] == S.REJECTED
    assert len(TRANSITIONS) == 14


@pytest.mark.parametrize(("state", "action"), sorted(TRANSITIONS))
def test_allowed_transition_moves_and_is_audited_once(state, action, application,
                                                      secretariat):
    answer_all(application)
    put_in_state(application, state)
    start = AuditEntry.objects.count()
    version = application.version
    run(action, application, secretariat)
    stored = Application.objects.get(pk=application.pk)
    assert stored.state == TRANSITIONS[(state, action)]
    assert stored.version == version + 1
    assert application.state == stored.state
    entries = list(AuditEntry.objects.order_by("pk")[start:])
    assert len(entries) == 1
    assert entries[0].data["before"] == {"state": state}
    assert entries[0].data["after"] == {"state": TRANSITIONS[(state, action)]}
    assert entries[0].object_id == str(application.pk)


REFUSED = sorted((state, action) for state in S for action in A
                 if (state, action) not in TRANSITIONS
                 # submit from "returned" is the resubmission, tested in the table above
                 and not (state == S.RETURNED and action == A.SUBMIT))


@pytest.mark.parametrize(("state", "action"), REFUSED)
def test_refused_transition_changes_nothing(state, action, application, secretariat):
    answer_all(application)
    put_in_state(application, state)
    start = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        run(action, application, secretariat)
    stored = Application.objects.get(pk=application.pk)
    assert stored.state == state
    assert stored.version == 1
    assert AuditEntry.objects.count() == start


def test_submit_on_a_returned_application_resubmits(application, coordinator):
    answer_all(application)
    put_in_state(application, S.RETURNED)
    submit_application(application, coordinator, now=DURING)
    assert application.state == S.RESUBMITTED
    assert list(AuditEntry.objects.filter(action__startswith="application.").order_by("pk")
                .values_list("action", flat=True)) == ["application.created",
                                                        "application.resubmitted"]
