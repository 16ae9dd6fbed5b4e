"""What the applications ask of a round before it may move on (registered with
``gecc.rounds.domain.register_phase_check`` when the app is ready). Leaving the site visits
is checked by the scoring app (every accepted application's team sheet locked:
``gecc.scoring.domain.consolidation.team_sheets_locked``)."""

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gecc.applications.enums import UNDECIDED_STATES, ApplicationState
from gecc.applications.models import Application
from gecc.rounds.enums import RoundPhase


def every_application_decided(round_obj, new_phase) -> list[str]:
    """The site visits start only once the desk review has decided every application:
    afterwards nobody may return, accept or reject, so an undecided one would be stuck."""
    if new_phase != RoundPhase.SITE_VISITS:
        return []
    counts = dict(Application.objects.filter(round=round_obj, state__in=UNDECIDED_STATES)
                  .values_list("state").annotate(n=Count("pk")).order_by())
    if not counts:
        return []
    total = sum(counts.values())
    parts = ", ".join(f"{ApplicationState(state).label} {n}"
                      for state, n in sorted(counts.items()))
    return [ngettext(
        "%(count)s application still awaits a desk-review decision (%(states)s). Accept, "
        "reject or wait for the corrections of each before the site visits begin.",
        "%(count)s applications still await a desk-review decision (%(states)s). Accept, "
        "reject or wait for the corrections of each before the site visits begin.",
        total) % {"count": total, "states": parts}
        + " " + _("A returned application whose deadline has passed can be rejected.")]

