"""Who may read and release the feedback report of an application (django-rules).

The report exists once the team sheet is locked (the proposed result is stored). The
secretariat and the members of the sub-committee (those whose scope holds the application:
confirmed assignment, no conflict of interest) read it and print the PDF; the steering
committee reads the web page only; the secretariat releases it. The unit's coordinators see
it in the portal only after it is released. Lookups start from
``TeamSheet.objects.visible_to(user)``, so a team sheet outside the scope is a 404.
"""

import rules

from gecc.accounts.rules import is_assessor, is_coordinator, is_secretariat, is_steering


@rules.predicate
def is_locked(user, team_sheet):
    return team_sheet is not None and team_sheet.is_locked


@rules.predicate
def is_released(user, team_sheet):
    return team_sheet is not None and team_sheet.feedback_released_at is not None


@rules.predicate
def is_team_member(user, team_sheet):
    """The user sits on the sub-committee and the application is in their scope (a member
    with a conflict of interest in force on the unit is not)."""
    if team_sheet is None or not getattr(user, "is_authenticated", False):
        return False
    from gecc.applications.models import Application

    return (team_sheet.subcommittee.members.filter(user=user).exists()
            and Application.objects.visible_to(user).filter(pk=team_sheet.application_id)
            .exists())


@rules.predicate
def coordinates_the_unit(user, team_sheet):
    if team_sheet is None or not getattr(user, "is_authenticated", False):
        return False
    return team_sheet.application.unit.coordinators.filter(pk=user.pk).exists()


team_member = is_assessor & is_team_member

rules.add_perm("scoring.view_feedback",
               is_locked & (is_secretariat | team_member | is_steering))
rules.add_perm("scoring.download_feedback", is_locked & (is_secretariat | team_member))
rules.add_perm("scoring.release_feedback", is_secretariat)
rules.add_perm("scoring.view_released_feedback",
               is_coordinator & is_locked & is_released & coordinates_the_unit)
