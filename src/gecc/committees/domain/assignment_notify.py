"""The e-mails of the assignment: each member of a team is told, in one message of their
own, which applications the team visits once the round's assignment is confirmed
(``assignment.confirmed``), and of any later move to or from the team
(``assignment.changed``)."""

from django.urls import NoReverseMatch

from gecc.applications.enums import ApplicationState
from gecc.committees.models import MEMBER_ORDER, Assignment, Membership
from gecc.notifications.domain import notify


def _team_url(team) -> str:
    try:
        return team.get_absolute_url()
    except NoReverseMatch:  # the sub-committee pages are not there yet
        return ""


def _notify_members(event, teams, actor, context_for):
    """One message per active member of ``teams`` (a member may be on one team a round)."""
    members = (Membership.objects.filter(subcommittee__in=teams)
               .select_related("user", "subcommittee")
               .order_by("subcommittee__number", *MEMBER_ORDER))
    for member in members:
        if member.user.is_active and member.user.email:
            notify(event, recipients=[member.user.email], context=context_for(member),
                   obj=member.subcommittee, actor=actor)


def notify_confirmed(round_obj, teams, actor):
    units = {}
    for assignment in (Assignment.objects.filter(round=round_obj, subcommittee__in=teams,
                                                 application__state=ApplicationState.ACCEPTED)
                       .select_related("application__unit__province")
                       .order_by("application__unit__name_th", "pk")):
        units.setdefault(assignment.subcommittee_id, []).append(assignment.application.unit)
    by_pk = {team.pk: team for team in teams}
    _notify_members("assignment.confirmed", teams, actor, lambda member: {
        "round": round_obj, "team": by_pk[member.subcommittee_id], "user": member.user,
        "units": units.get(member.subcommittee_id, []),
        "count": len(units.get(member.subcommittee_id, [])),
        "url": _team_url(by_pk[member.subcommittee_id])})


def notify_changed(assignment, before_team, actor):
    teams = [team for team in (before_team, assignment.subcommittee) if team is not None]
    application = assignment.application
    _notify_members("assignment.changed", teams, actor, lambda member: {
        "round": application.round, "unit": application.unit,
        "from_team": before_team, "to_team": assignment.subcommittee,
        "team": member.subcommittee, "user": member.user,
        "url": _team_url(member.subcommittee)})
