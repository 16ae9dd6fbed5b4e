"""The one table of application states and the actions that move between them.

Later capabilities (site visit, proposal, decision) add rows here and a domain function
each; nothing else needs to know the graph.
"""

from django.utils.translation import gettext as _

from gecc.applications.enums import WITHDRAWABLE_STATES, ApplicationAction, ApplicationState

from .errors import TransitionNotAllowed

S, A = ApplicationState, ApplicationAction

TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, A.SUBMIT): S.SUBMITTED,
    (S.SUBMITTED, A.RETURN): S.RETURNED,
    (S.RESUBMITTED, A.RETURN): S.RETURNED,
    (S.RETURNED, A.RESUBMIT): S.RESUBMITTED,
    (S.SUBMITTED, A.ACCEPT): S.ACCEPTED,
    (S.RESUBMITTED, A.ACCEPT): S.ACCEPTED,
    (S.SUBMITTED, A.REJECT): S.REJECTED,
    (S.RESUBMITTED, A.REJECT): S.REJECTED,
    # Corrections that never came: once the deadline has passed (``reject`` checks it).
    (S.RETURNED, A.REJECT): S.REJECTED,
    **{(state, A.WITHDRAW): S.WITHDRAWN for state in WITHDRAWABLE_STATES},
}

# The audit action code written by each action.
AUDIT_ACTIONS = {
    A.SUBMIT: "application.submitted",
    A.RETURN: "application.returned",
    A.RESUBMIT: "application.resubmitted",
    A.ACCEPT: "application.accepted",
    A.REJECT: "application.rejected",
    A.WITHDRAW: "application.withdrawn",
}


def can(state, action) -> bool:
    return (state, action) in TRANSITIONS


def allowed_actions(state) -> list[str]:
    """The actions possible from ``state``, in the order of ``ApplicationAction``."""
    return [action for action in A if (state, action) in TRANSITIONS]


def next_state(state, action) -> str:
    """The state ``action`` leads to from ``state``; raise if the table has no such move."""
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise TransitionNotAllowed(
            _("An application that is “%(state)s” cannot be “%(action)s”.")
            % {"state": S(state).label, "action": A(action).label},
            code="transition_not_allowed",
        ) from None
