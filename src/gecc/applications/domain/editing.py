"""Whether the unit may still change its application: the one predicate behind saving an
answer, confirming one, adding or removing evidence, submitting, withdrawing a draft and
the portal's pages.

The rule follows the deadlines the submission checks:

* a draft may change while its round accepts applications (applications phase, between
  ``applications_open_at`` and ``applications_close_at``);
* a returned application may change until its correction deadline (no deadline: until it
  is resubmitted);
* any other state never changes.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from gecc.applications.enums import WITHDRAWABLE_STATES, ApplicationState
from gecc.applications.models import Application

S = ApplicationState

# Why an application cannot be changed (the ValidationError code).
NOT_EDITABLE = "not_editable"  # sent, decided or withdrawn
APPLICATIONS_CLOSED = "applications_closed"  # a draft once the round stopped accepting
CORRECTIONS_CLOSED = "corrections_closed"  # a returned application past its deadline


def editing_refusal(state, round_obj, return_deadline, now=None) -> str | None:
    """The reason code an application in ``state`` cannot be changed at ``now``, or None."""
    now = now or timezone.now()
    if state == S.DRAFT:
        return None if round_obj.accepting_applications(now) else APPLICATIONS_CLOSED
    if state == S.RETURNED:
        if return_deadline is None or now < return_deadline:
            return None
        return CORRECTIONS_CLOSED
    return NOT_EDITABLE


def locked_refusal(application_id, round_obj, now=None) -> str | None:
    """Inside a transaction: lock the application's row, then say why it may not change
    (``editing_refusal`` of its state as stored now; ``NOT_EDITABLE`` once it is gone). A
    save, an upload or a confirmation and a submission lock the same row, so none slips in
    between another's check and its write.

    Only that row is locked (``FOR UPDATE OF``, no ordering): the model's default ordering
    would join the round and the unit, and lock their rows too, so every save of a round
    would queue behind every other on the round's one row."""
    row = (Application.objects.select_for_update(of=("self",)).filter(pk=application_id)
           .order_by().values_list("state", "return_deadline").first())
    if row is None:
        return NOT_EDITABLE
    return editing_refusal(row[0], round_obj, row[1], now)


def edit_refusal(application, now=None) -> str | None:
    return editing_refusal(application.state, application.round, application.return_deadline,
                           now)


def can_edit(application, now=None) -> bool:
    """True while the unit may change (and so submit) the application."""
    return edit_refusal(application, now) is None


def refusal_message(code) -> str:
    if code == APPLICATIONS_CLOSED:
        return _("Applications for this round are closed; the application can no longer be "
                 "changed or submitted.")
    if code == CORRECTIONS_CLOSED:
        return _("The deadline for the corrections has passed; the application can no longer "
                 "be changed or resubmitted.")
    return _("The application can no longer be changed in its current state.")


def can_withdraw(application, now=None) -> bool:
    """A draft may be withdrawn only while it could still be changed (after the round
    closed it simply stays an unsent draft); a sent application may be withdrawn until a
    decision (the states of ``WITHDRAWABLE_STATES``)."""
    if application.state not in WITHDRAWABLE_STATES:
        return False
    if application.state == S.DRAFT:
        return can_edit(application, now)
    return True
