"""URL-walk expectations of the steering-committee meetings and decisions.

The world's round (2569) gets two meetings made here on first use: an open one (its pages
are walked) and a closed one with a certify decision on ``other_team``'s application (the
decision pages). The secretariat and the steering committee read them; the decision form is
the committee's too (it shows why no decision can be recorded: the round is not in its
decision phase); creating, editing, closing and correcting are the secretariat's. Members and
coordinators are not allowed (403).
"""

LOGIN, OK, DENIED = "LOGIN", "OK", "DENIED"

COMMITTEE = (LOGIN, OK, DENIED, DENIED, DENIED, OK)
SECRETARIAT = (LOGIN, OK, DENIED, DENIED, DENIED, DENIED)

EXPECTED = {
    "decisions:meeting.list": COMMITTEE,
    "decisions:meeting.create": SECRETARIAT,
    "decisions:meeting.detail": COMMITTEE,
    "decisions:meeting.update": SECRETARIAT,
    "decisions:meeting.approve": COMMITTEE,
    "decisions:meeting.close": SECRETARIAT,  # GET: the confirmation page
    "decisions:decision.record": COMMITTEE,
    "decisions:decision.detail": COMMITTEE,
    "decisions:decision.correct": SECRETARIAT,
}


def _open_meeting(world, target):
    from django.db.models import Max

    from gecc.decisions.enums import MeetingState
    from gecc.decisions.models import Meeting

    meeting = Meeting.objects.filter(round=world.round, state=MeetingState.OPEN).first()
    if meeting is None:
        import datetime

        number = (Meeting.objects.filter(round=world.round).aggregate(n=Max("number"))["n"]
                  or 0) + 1
        meeting = Meeting.objects.create(round=world.round, number=number,
                                         held_on=datetime.date(2026, 8, 5))
    return meeting


def _final_decision(world, target):
    import datetime

    from django.db.models import Max
    from django.utils import timezone

    from gecc.decisions.enums import MeetingState
    from gecc.decisions.models import Decision, Meeting

    decision = Decision.objects.filter(meeting__round=world.round,
                                       meeting__state=MeetingState.CLOSED,
                                       outcome="certify").first()
    if decision is not None:
        return decision
    application = world.application("other_team")
    existing = Decision.objects.filter(application=application).first()
    if existing is not None:
        return existing
    number = (Meeting.objects.filter(round=world.round).aggregate(n=Max("number"))["n"]
              or 0) + 1
    meeting = Meeting.objects.create(round=world.round, number=number,
                                     held_on=datetime.date(2026, 8, 1),
                                     state=MeetingState.CLOSED, closed_at=timezone.now())
    return Decision.objects.create(application=application, meeting=meeting,
                                   outcome="certify", level="basic", proposed_level="basic",
                                   decided_at=timezone.now())


PK_OWNERS = {
    "decisions:meeting.": _open_meeting,
    "decisions:decision.record": _open_meeting,
    "decisions:decision.": _final_decision,
}
