"""What the assignment registers with lower apps, once, when Django starts: importing this
module (from ``CommitteesConfig.ready()``) adds

* the phase check: a round cannot leave its site visits while an accepted application has
  no confirmed sub-committee (``rounds.domain.rounds.register_phase_check``);
* the titles of the assignment's audit codes and fields (``gecc.audit.labels``);
* the sweep that starts assignment runs a broker outage left waiting
  (``gecc.common.queue.register_sweep``).
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy

from gecc.applications.enums import ApplicationState
from gecc.applications.models import Application
from gecc.audit.labels import register_action_labels, register_field_labels
from gecc.committees.enums import AssignmentState
from gecc.committees.tasks import sweep_assignment_runs
from gecc.common.queue import register_sweep
from gecc.rounds.domain.rounds import register_phase_check
from gecc.rounds.enums import RoundPhase


def visits_assigned(round_obj, new_phase) -> list[str]:
    """Leaving the site visits (for the decision) needs every accepted application to have
    a confirmed sub-committee: an application without one was never visited."""
    if new_phase != RoundPhase.DECISION:
        return []
    missing = (Application.objects.filter(round=round_obj, state=ApplicationState.ACCEPTED)
               .exclude(assignment__state=AssignmentState.CONFIRMED).count())
    if not missing:
        return []
    return [ngettext(
        "%(count)s accepted application has no confirmed sub-committee.",
        "%(count)s accepted applications have no confirmed sub-committee.", missing)
        % {"count": missing}
        + " " + _("Assign and confirm them on the assignment page before the round leaves "
                  "the site visits.")]


register_phase_check(visits_assigned)
register_sweep(sweep_assignment_runs)
register_action_labels({
    "assignment.proposed": pgettext_lazy("audit action", "Sub-committee assignment proposed"),
    "assignment.moved": pgettext_lazy("audit action", "Application moved to another sub-committee"),
    "assignment.locked": pgettext_lazy("audit action", "Assignment locked"),
    "assignment.unlocked": pgettext_lazy("audit action", "Assignment unlocked"),
    "assignment.confirmed": pgettext_lazy("audit action", "Sub-committee assignment confirmed"),
    "assignment.exported": pgettext_lazy("audit action", "Sub-committee assignment exported"),
})
register_field_labels({
    "subcommittee": pgettext_lazy("audit field", "Sub-committee"),
    "teams": pgettext_lazy("audit field", "Applications per sub-committee"),
    "total_km": pgettext_lazy("audit field", "Total distance (km)"),
    "bounds": pgettext_lazy("audit field", "Load bounds"),
    "solve_seconds": pgettext_lazy("audit field", "Computing time (seconds)"),
    "replaced": pgettext_lazy("audit field", "Assignments proposed"),
    "removed": pgettext_lazy("audit field", "Assignments removed"),
    "confirmed": pgettext_lazy("audit field", "Confirmed"),
})
