"""Demo: the steering committee decides the 2563 round, and the certificates live on.

Once sub-committee 5 has locked the eight Lamphun team sheets and the round is in its
decision phase, the secretariat records steering-committee meeting ครั้งที่ 1/2563
(held ten days ago, so that the certificates are valid today and an appeal is still
within its period), the demo steering-committee member approves every proposed result
as it is (four basic, three advanced, one excellence: what the demo scores give), and the
secretariat closes the meeting. Closing it makes the decisions final, which issues the
eight certificates (through the certificates app's decision listener) and releases the
units' feedback reports. Then, through the same domain functions people use:

* one appeal in progress: the coordinator of a basic-level unit (ศูนย์บริการลูกค้า ทีโอที
  สาขาลำพูน) asks for the advanced level; the secretariat records its receipt and assigns
  the steering-committee member to review it;
* one suspended certificate: a member of the public complains about another unit
  (สำนักงานสรรพสามิตพื้นที่ลำพูน สาขาบ้านโฮ่ง); the secretariat triages the complaint and
  suspends the unit's certificate, citing it;
* one expired certificate: สำนักงานขนส่งจังหวัดลำพูน was certified at the basic level in an
  earlier round (2559, kept as history, see :func:`load_history_certificate`); its
  validity ended in 2562 and the daily expiry job marks it expired.

Idempotent: the meeting, the appeal, the complaint and the historical round are looked up
first; what exists is left as it is.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from gecc.accounts.models import User
from gecc.applications.enums import ApplicationState
from gecc.applications.models import Application
from gecc.certificates.domain.issue import certificate_number, level_of, next_sequence, validity
from gecc.certificates.domain.lifecycle import expire_certificates, suspend_certificate
from gecc.certificates.enums import CertificateState
from gecc.certificates.models import Certificate
from gecc.decisions.domain.appeals import assign_reviewer, file_appeal, receive_appeal
from gecc.decisions.domain.complaints import file_complaint, triage_complaint
from gecc.decisions.domain.decisions import approve_as_proposed
from gecc.decisions.domain.meetings import close_meeting, create_meeting
from gecc.decisions.enums import DecisionOutcome, MeetingState
from gecc.decisions.models import Appeal, Complaint, Decision, Meeting
from gecc.registry.models import ServiceUnit
from gecc.rounds.enums import RoundPhase
from gecc.rounds.models import Round

SECRETARIAT_EMAIL = "secretariat@demo.gecc.local"
STEERING_EMAIL = "steering@demo.gecc.local"
COORDINATOR_EMAIL = "coordinator@demo.gecc.local"

MEETING_NUMBER = 1
MEETING_DAYS_AGO = 10
ATTENDEES = (
    "ประธานกรรมการอำนวยการศูนย์ราชการสะดวก (ตัวอย่าง) — ประธานกรรมการ\n"
    "กรรมการอำนวยการ (ตัวอย่าง) — กรรมการ\n"
    "ผู้แทนสำนักงาน ก.พ.ร. (ตัวอย่าง) — กรรมการ\n"
    "เจ้าหน้าที่สำนักงานเลขานุการ (ตัวอย่าง) — กรรมการและเลขานุการ"
)
RESOLUTION = (
    "ที่ประชุมพิจารณาผลการตรวจประเมินศูนย์ราชการสะดวก ประจำปี พ.ศ. 2563 ของหน่วยบริการ "
    "ในจังหวัดลำพูนจำนวน 8 แห่ง ตามที่คณะอนุกรรมการตรวจประเมิน คณะที่ 5 เสนอ "
    "มีมติรับรองมาตรฐานทั้ง 8 แห่งตามระดับที่เสนอ ได้แก่ ระดับพื้นฐาน 4 แห่ง "
    "ระดับก้าวหน้า 3 แห่ง และระดับเป็นเลิศ 1 แห่ง และมอบหมายสำนักงานเลขานุการ"
    "ออกใบรับรองและแจ้งผลแก่หน่วยบริการ"
)

APPEAL_UNIT = "LPN-TOT-01"
APPEAL_LEVEL = "advanced"
APPEAL_REASONS = (
    "หน่วยบริการขอให้ทบทวนผลการรับรองเป็นระดับก้าวหน้า เนื่องจากในวันตรวจประเมิน "
    "คณะอนุกรรมการยังไม่ได้พิจารณารายงานผลการสำรวจความพึงพอใจไตรมาสที่ 2 "
    "ซึ่งหน่วยบริการได้จัดทำแล้วและนำผลไปปรับปรุงขั้นตอนการให้บริการ "
    "หน่วยบริการจึงขอส่งหลักฐานเพิ่มเติมประกอบการพิจารณา"
)
APPEAL_REVIEW_DAYS = 14

SUSPENDED_UNIT = "LPN-EXCISE-BANHONG"
COMPLAINT_TEXT = (
    "ไปใช้บริการเมื่อสัปดาห์ที่แล้ว ศูนย์ปิดให้บริการช่วงพักกลางวันโดยไม่มีประกาศแจ้ง "
    "ไม่มีช่องทางบริการสำหรับผู้สูงอายุตามที่ประกาศไว้ และไม่มีแบบประเมินความพึงพอใจให้กรอก "
    "จึงขอให้ตรวจสอบว่ายังเป็นไปตามมาตรฐานศูนย์ราชการสะดวกหรือไม่"
)
COMPLAINT_NOTE = ("ตรวจสอบเบื้องต้นแล้วพบว่ามีมูล หน่วยบริการยืนยันว่าปิดช่องบริการผู้สูงอายุ"
                  "ระหว่างปรับปรุงสถานที่ จะพักใช้ใบรับรองจนกว่าจะแก้ไขแล้วเสร็จ")
SUSPEND_REASON = ("พักใช้ใบรับรองตามเรื่องร้องเรียนของประชาชน: ช่องบริการผู้สูงอายุและการให้บริการ"
                  "ช่วงพักกลางวันไม่เป็นไปตามมาตรฐาน จนกว่าหน่วยบริการจะแก้ไขและสำนักงานเลขานุการ"
                  "ตรวจสอบแล้ว")

HISTORY_YEAR = 2559
HISTORY_UNIT = "LPN-DLT-01"
HISTORY_LEVEL = "basic"
HISTORY_DECIDED = datetime.date(2016, 8, 25)  # 25 สิงหาคม 2559
HISTORY_NAME = "การตรวจประเมินศูนย์ราชการสะดวก ประจำปี พ.ศ. 2559 (ข้อมูลย้อนหลัง)"


@dataclass
class DemoDecisions:
    meeting: Meeting
    certificates: list
    appeal: Appeal | None
    suspended: Certificate | None
    expired: Certificate | None


def _user(email):
    return User.objects.filter(email=email).first()


def _at(day, hour=10, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@transaction.atomic
def load_lamphun_2563_decisions(round_obj, today=None) -> DemoDecisions:
    """Decide the round (meeting 1/2563), then the appeal, the suspension and the expired
    historical certificate. Returns what the demo shows."""
    today = today or timezone.localdate()
    secretariat, steering = _user(SECRETARIAT_EMAIL), _user(STEERING_EMAIL)
    meeting = decide_round(round_obj, secretariat, steering, today)
    appeal = ensure_appeal(round_obj, secretariat, steering, today)
    suspended = ensure_suspended(round_obj, secretariat)
    expired = load_history_certificate(round_obj.edition, secretariat)
    expire_certificates(today=today)
    if expired is not None:
        expired.refresh_from_db()
    certificates = list(Certificate.objects.filter(round=round_obj).order_by("sequence"))
    return DemoDecisions(meeting=meeting, certificates=certificates, appeal=appeal,
                         suspended=suspended, expired=expired)


def decide_round(round_obj, secretariat, steering, today):
    """Meeting 1 of the round: every proposed result approved as it is, the meeting closed
    (certificates issued, feedback released). Left alone once closed."""
    meeting = Meeting.objects.filter(round=round_obj, number=MEETING_NUMBER).first()
    if meeting is None:
        if round_obj.phase != RoundPhase.DECISION:
            raise ValueError(f"round {round_obj.year} is not in its decision phase")
        meeting = create_meeting(
            round_obj, secretariat, number=MEETING_NUMBER,
            held_on=today - datetime.timedelta(days=MEETING_DAYS_AGO),
            attendees=ATTENDEES, resolution=RESOLUTION)
    if meeting.state == MeetingState.OPEN:
        if not meeting.decisions.exists():
            approve_as_proposed(meeting, steering)
        meeting = close_meeting(meeting, secretariat)
    return meeting


def _decision_of(round_obj, unit_code):
    return (Decision.objects.filter(application__round=round_obj,
                                    application__unit__code=unit_code)
            .select_related("meeting", "application__unit").first())


def ensure_appeal(round_obj, secretariat, steering, today):
    """The coordinator of a basic-level unit appeals for the advanced level; the
    secretariat records its receipt and assigns the steering-committee member."""
    decision = _decision_of(round_obj, APPEAL_UNIT)
    if decision is None:
        return None
    appeal = Appeal.objects.filter(decision=decision).first()
    if appeal is not None:
        return appeal
    appeal = file_appeal(decision, _user(COORDINATOR_EMAIL), reasons=APPEAL_REASONS,
                         requested_level=APPEAL_LEVEL)
    receive_appeal(appeal, secretariat)
    assign_reviewer(appeal, secretariat, reviewer=steering,
                    review_due=today + datetime.timedelta(days=APPEAL_REVIEW_DAYS))
    appeal.refresh_from_db()
    return appeal


def ensure_suspended(round_obj, secretariat):
    """A public complaint about one certified unit, triaged; its certificate suspended."""
    certificate = (Certificate.objects.filter(round=round_obj, unit__code=SUSPENDED_UNIT)
                   .select_related("unit").first())
    if certificate is None:
        return None
    # Done once: a later run leaves the certificate as people left it (reinstated, say).
    if (certificate.state != CertificateState.ISSUED
            or Complaint.objects.filter(unit=certificate.unit).exists()):
        return certificate
    complaint = file_complaint(unit=certificate.unit, text=COMPLAINT_TEXT,
                               certificate_number=certificate.number)
    triage_complaint(complaint, secretariat, state="under_review", note=COMPLAINT_NOTE)
    complaint.refresh_from_db()
    suspend_certificate(certificate, secretariat, reason=SUSPEND_REASON, complaint=complaint)
    certificate.refresh_from_db()
    return certificate


def load_history_certificate(edition, actor):
    """HISTORY, written directly with the ORM (no audit entries, no e-mails): the 2559
    round, closed long ago, in which สำนักงานขนส่งจังหวัดลำพูน was certified at the basic
    level on 25 สิงหาคม 2559 (meeting 1/2559), its certificate valid until 24 สิงหาคม 2562.
    A decision through ``record_decision`` needs a locked team sheet, and rebuilding a whole
    past site visit for one row of history is not worth it; so the round, the accepted
    application, the closed meeting, the decision and the certificate (its number from the
    2559 sequence, its validity as ``issue.validity`` computes it) are created here as they
    would stand today, and the certificate is left *issued*:
    :func:`gecc.certificates.domain.lifecycle.expire_certificates` (run by the loader right
    after) marks it expired through the lifecycle, as the daily job does.
    Returns the certificate; nothing is created when the 2559 round exists."""
    existing = Round.objects.filter(year=HISTORY_YEAR).first()
    if existing is not None:
        return Certificate.objects.filter(round=existing).order_by("sequence").first()
    unit = ServiceUnit.objects.select_related("organization").get(code=HISTORY_UNIT)
    decided_on = HISTORY_DECIDED
    round_obj = Round.objects.create(
        year=HISTORY_YEAR, name=HISTORY_NAME, edition=edition, phase=RoundPhase.CLOSED,
        applications_open_at=_at(datetime.date(2016, 1, 5), 8, 30),
        applications_close_at=_at(datetime.date(2016, 2, 29), 16, 30),
        desk_review_end_at=_at(datetime.date(2016, 4, 29), 16, 30),
        site_visits_start_at=_at(datetime.date(2016, 6, 1), 8, 30),
        site_visits_end_at=_at(datetime.date(2016, 7, 29), 16, 30),
        decision_at=_at(decided_on, 9, 0),
        announcement_at=_at(datetime.date(2016, 9, 22), 9, 0))
    application = Application.objects.create(
        round=round_obj, unit=unit, kind="new", target_level=HISTORY_LEVEL,
        contact_name="ผู้ประสานงาน (ข้อมูลย้อนหลัง)",
        contact_email=f"gecc.{unit.code.lower()}@demo.gecc.local",
        state=ApplicationState.ACCEPTED, submitted_at=_at(datetime.date(2016, 2, 15)),
        accepted_at=_at(datetime.date(2016, 3, 21), 14, 0), created_by=actor)
    meeting = Meeting.objects.create(
        round=round_obj, number=1, held_on=decided_on,
        attendees="คณะกรรมการอำนวยการศูนย์ราชการสะดวก (ข้อมูลย้อนหลัง)",
        resolution="รับรองมาตรฐานศูนย์ราชการสะดวกตามผลการตรวจประเมิน (ข้อมูลย้อนหลัง)",
        state=MeetingState.CLOSED, closed_at=_at(decided_on, 12, 0), closed_by=actor,
        created_by=actor)
    decision = Decision.objects.create(
        application=application, meeting=meeting, outcome=DecisionOutcome.CERTIFY,
        level=HISTORY_LEVEL, proposed_level=HISTORY_LEVEL, on_behalf=True,
        decided_by=actor, decided_at=_at(decided_on, 11, 0))
    rank, level = level_of(edition, HISTORY_LEVEL)
    valid_from, valid_until = validity(decided_on)
    sequence = next_sequence(HISTORY_YEAR)
    return Certificate.objects.create(
        number=certificate_number(HISTORY_YEAR, sequence), year=HISTORY_YEAR,
        sequence=sequence, application=application, decision=decision, unit=unit,
        organization=unit.organization, round=round_obj, level=HISTORY_LEVEL,
        level_rank=rank, level_name_th=level.get("name_th", ""),
        level_name_en=level.get("name_en", ""), colour=level.get("colour", ""),
        valid_from=valid_from, valid_until=valid_until, state=CertificateState.ISSUED,
        issued_at=_at(decided_on, 14, 0), issued_by=actor)
