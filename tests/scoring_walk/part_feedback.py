"""URL-walk expectations of the feedback report.

The staff pages are walked on ``other_team``'s application (team 2, confirmed), whose team
sheet is made here, locked with the engine's result of the factory's scores, so that the
walk leaves ``assigned``'s team sheet to the consolidation pages: the secretariat reads,
prints and releases it; team 1's members get 404 (not their team), the steering committee
reads the page but may not print it (403), coordinators are not staff (403).

The portal pages: ``assigned``'s report is not released (404 for its coordinator: nothing
says it exists); ``other_team``'s is released, and is still a 404 for the coordinator of
another unit. Staff get 403 in the portal.
"""

LOGIN, OK, DENIED, HIDDEN = "LOGIN", "OK", "DENIED", "HIDDEN"

SECRETARIAT = (LOGIN, OK, DENIED, DENIED, DENIED, DENIED)
PORTAL_HIDDEN = (LOGIN, DENIED, DENIED, DENIED, HIDDEN, DENIED)

EXPECTED = {
    "scoring:feedback.detail@other_team": (LOGIN, OK, HIDDEN, HIDDEN, DENIED, OK),
    "scoring:feedback.pdf@other_team": (LOGIN, OK, HIDDEN, HIDDEN, DENIED, DENIED),
    "scoring:feedback.release@other_team": SECRETARIAT,  # GET: the confirmation page
    "scoring:feedback.release_round": SECRETARIAT,
    "portal:application.feedback@assigned": PORTAL_HIDDEN,  # not released
    "portal:application.feedback@other_team": PORTAL_HIDDEN,  # released, another unit
    "portal:application.feedback_pdf@assigned": PORTAL_HIDDEN,
    "portal:application.feedback_pdf@other_team": PORTAL_HIDDEN,
}


def _feedback_sheet(world, target, *, released=False):
    """The target's team sheet, locked (and released when asked), made on first use."""
    from django.utils import timezone

    from gecc.scoring.models import TeamSheet
    from tests.scoring.factories_feedback import ADVANCED, add_team_sheet, lock

    application = target.application
    sheet = TeamSheet.objects.filter(application=application).first()
    if sheet is None:
        team = world.teams[2 if application == world.application("other_team") else 1]
        sheet = add_team_sheet(application, team)
    elif not sheet.is_locked:
        lock(sheet, ADVANCED)
    if released and sheet.feedback_released_at is None:
        TeamSheet.objects.filter(pk=sheet.pk).update(feedback_released_at=timezone.now())
        sheet.refresh_from_db()
    return sheet


def _portal_application(world, target):
    if target.application == world.application("other_team"):
        _feedback_sheet(world, target, released=True)
    return target.application


PK_OWNERS = {
    "scoring:feedback.": _feedback_sheet,
    "portal:application.feedback": _portal_application,
}
