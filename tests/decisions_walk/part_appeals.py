"""URL-walk expectations of appeals and complaints.

An appeal (with one PDF attached) is made on ``assigned``'s decision and on
``other_team``'s, each decision on a closed meeting of the world's round (the decision and
the meeting are reused when another part made them first). Staff pages: the secretariat
and the steering committee read, only the secretariat acts (the step pages answer GET with
their confirmation page); members and coordinators are not for them (403). Portal pages:
``assigned``'s appeal is its coordinator's; ``other_team``'s is another unit's (404). The
complaint pages are the secretariat's alone.
"""

LOGIN, OK, DENIED, HIDDEN = "LOGIN", "OK", "DENIED", "HIDDEN"

SECRETARIAT = (LOGIN, OK, DENIED, DENIED, DENIED, DENIED)
READERS = (LOGIN, OK, DENIED, DENIED, DENIED, OK)  # the secretariat and the steering committee
OWN_UNIT = (LOGIN, DENIED, DENIED, DENIED, OK, DENIED)
OTHER_UNIT = (LOGIN, DENIED, DENIED, DENIED, HIDDEN, DENIED)

EXPECTED = {
    "decisions:appeal.list": READERS,
    "decisions:appeal.export": READERS,
    "decisions:appeal.detail": READERS,
    "decisions:appeal.attachment": READERS,
    "decisions:appeal.receive": SECRETARIAT,
    "decisions:appeal.assign": SECRETARIAT,
    "decisions:appeal.outcome": SECRETARIAT,
    "decisions:complaint.list": SECRETARIAT,
    "decisions:complaint.detail": SECRETARIAT,
    "decisions:complaint.triage": SECRETARIAT,
    "portal:appeal.create@assigned": OWN_UNIT,
    "portal:appeal.create@other_team": OTHER_UNIT,
    "portal:appeal.detail@assigned": OWN_UNIT,
    "portal:appeal.detail@other_team": OTHER_UNIT,
    "portal:appeal.attachment@assigned": OWN_UNIT,
    "portal:appeal.attachment@other_team": OTHER_UNIT,
}


def _closed_meeting(world):
    from django.utils import timezone

    from gecc.decisions.enums import MeetingState
    from gecc.decisions.models import Meeting

    meeting = Meeting.objects.filter(round=world.round, state=MeetingState.CLOSED).first()
    if meeting is None:
        number = (Meeting.objects.filter(round=world.round).order_by("-number")
                  .values_list("number", flat=True).first() or 0) + 1
        meeting = Meeting.objects.create(round=world.round, number=number,
                                         held_on=timezone.localdate(),
                                         state=MeetingState.CLOSED, closed_at=timezone.now())
    return meeting


def _decision(world, target):
    from django.utils import timezone

    from gecc.decisions.enums import DecisionOutcome
    from gecc.decisions.models import Decision

    decision = Decision.objects.filter(application=target.application).first()
    if decision is None:
        decision = Decision.objects.create(
            application=target.application, meeting=_closed_meeting(world),
            outcome=DecisionOutcome.NOT_CERTIFY, reason="ไม่ผ่านเกณฑ์บังคับ",
            decided_at=timezone.now())
    return decision


def _appeal(world, target):
    import datetime

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from gecc.decisions.models import Appeal, AppealAttachment
    from tests.evidence import samples

    decision = _decision(world, target)
    appeal = Appeal.objects.filter(decision=decision).first()
    if appeal is None:
        coordinator = target.application.unit.coordinators.get()
        appeal = Appeal.objects.create(
            decision=decision, application=target.application, reasons="ขออุทธรณ์ผลการตัดสิน",
            filed_by=coordinator, filed_at=timezone.now(),
            deadline=timezone.now() + datetime.timedelta(days=30))
        attachment = AppealAttachment(appeal=appeal, original_name="อุทธรณ์.pdf",
                                      content_type="application/pdf",
                                      size=len(samples.pdf_bytes()), sha256="0" * 64,
                                      uploaded_by=coordinator)
        attachment.file.save("appeal.pdf", ContentFile(samples.pdf_bytes()), save=False)
        attachment.save()
    return appeal


def _attachment(world, target):
    return _appeal(world, target).attachments.first()


def _complaint(world, target):
    from gecc.decisions.models import Complaint

    complaint = Complaint.objects.filter(unit=target.application.unit).first()
    return complaint or Complaint.objects.create(
        reference=f"CPL-2569-{Complaint.objects.count() + 1:06d}",
        unit=target.application.unit, text="รอคิวนานเกินไป")


PK_OWNERS = {
    "decisions:appeal.": _appeal,
    "decisions:appeal.attachment": _attachment,
    "decisions:complaint.": _complaint,
    "portal:appeal.create": lambda world, target: target.application,
    "portal:appeal.": _appeal,
    "portal:appeal.attachment": _attachment,
}
