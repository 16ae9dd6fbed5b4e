"""URL-walk expectations of team consolidation and members' sheets.

In the walk's world, ``assessor`` chairs team 1 (confirmed on ``assigned``) and has not
submitted a sheet; ``conflicted`` sits on team 1 with a conflict in force on ``assigned``
(its team sheet and sheets are hidden from them); coordinators and the steering committee
have no staff scoring page (403). The team sheet and the chair's own draft sheet of
``assigned`` are made the first time a URL needs them.
"""

LOGIN, OK, REDIRECT, DENIED, HIDDEN, POST_ONLY = (
    "LOGIN", "OK", "REDIRECT", "DENIED", "HIDDEN", "POST_ONLY")


def _team_sheet(world, target):
    from gecc.scoring.models import TeamSheet

    return TeamSheet.objects.get_or_create(application=world.application("assigned"),
                                           defaults={"subcommittee": world.teams[1]})[0]


def _sheet(world, target):
    from gecc.scoring.models import ScoreSheet

    return ScoreSheet.objects.get_or_create(application=world.application("assigned"),
                                            assessor=world.people["assessor"],
                                            defaults={"subcommittee": world.teams[1]})[0]


PK_OWNERS = {"scoring:team.": _team_sheet, "scoring:sheet.": _sheet}

#             anonymous secretariat assessor conflicted coordinator steering
STAFF = (LOGIN, OK, OK, OK, DENIED, DENIED)
TEAM_PAGE = (LOGIN, OK, OK, HIDDEN, DENIED, DENIED)  # the chair: "submit your sheet first"
POST = (LOGIN, POST_ONLY, POST_ONLY, POST_ONLY, DENIED, DENIED)

EXPECTED = {
    "scoring:team.list": STAFF,  # rows limited by visible_to
    "scoring:team.export": STAFF,
    "scoring:team.propose": (LOGIN, POST_ONLY, DENIED, DENIED, DENIED, DENIED),
    "scoring:team.open@assigned": (LOGIN, REDIRECT, REDIRECT, HIDDEN, DENIED, DENIED),
    "scoring:team.open@other_team": (LOGIN, REDIRECT, HIDDEN, HIDDEN, DENIED, DENIED),
    "scoring:team.open@submitted": (LOGIN, HIDDEN, HIDDEN, HIDDEN, DENIED, DENIED),
    "scoring:team.detail": TEAM_PAGE,
    "scoring:team.consensus": POST,
    "scoring:team.threshold": POST,
    # the chair has not submitted their own sheet: may not lock yet
    "scoring:team.lock": (LOGIN, OK, DENIED, HIDDEN, DENIED, DENIED),
    "scoring:team.unlock": (LOGIN, REDIRECT, DENIED, DENIED, DENIED, DENIED),  # not locked
    "scoring:team.recompute": (LOGIN, OK, DENIED, HIDDEN, DENIED, DENIED),
    "scoring:sheet.detail": TEAM_PAGE,  # the chair's own draft sheet
    "scoring:sheet.reopen": (LOGIN, REDIRECT, REDIRECT, HIDDEN, DENIED, DENIED),  # a draft
}
