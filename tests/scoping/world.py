"""A small world to check who sees which application: built by the domain functions (and a
few committees rows written directly, until the committees app has its own factories).

Round 2569 (accepting applications, clock frozen at ``DURING``) and round 2568 (a draft):

==============  =====================  =========================================  ========
application     unit (province)        sub-committee                              state
==============  =====================  =========================================  ========
``assigned``    A (Lamphun), org A     team 1, confirmed                          accepted
``draft``       B (Bangkok), org B     none                                       draft
``other_team``  C (Lamphun), org B     team 2, confirmed                          accepted
``proposed``    D (Lamphun), org B     team 1, proposed (not confirmed)           accepted
``submitted``   E (Lamphun), org B     none (waiting for the desk review)         submitted
==============  =====================  =========================================  ========

Organisation A's parent is a ministry. People: the secretariat; ``assessor`` (team 1);
``conflicted`` (team 1, with a conflict in force, declared on the ministry, so on unit A
through its organisation's parent); ``other_member`` (team 2); ``coordinator`` (of unit A);
``draft_coordinator`` (of unit B); ``steering``. Each application has one evidence file
(a PDF) on its first answer, the sent ones a receipt and a review comment.
"""

from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django_otp.plugins.otp_totp.models import TOTPDevice

from gecc.accounts.enums import Role
from gecc.applications.domain import (
    accept_for_site_visit,
    add_review_comment,
    submit_application,
)
from gecc.applications.models import Answer
from gecc.audit.models import AuditEntry
from gecc.committees.enums import AssignmentState, ConflictKind, Position
from gecc.committees.models import Assignment, Conflict, Membership, SubCommittee
from gecc.evidence.domain.evidence import add_evidence
from gecc.notifications.models import OutboxMessage
from gecc.registry.enums import ImportKind, ImportStatus
from gecc.registry.models import ImportJob
from tests.applications.factories import (
    DURING,
    answer_all,
    make_application,
    make_round,
    make_version,
)
from tests.evidence import samples
from tests.factories import UserFactory
from tests.registry.factories import OrganizationFactory, ServiceUnitFactory

BANGKOK = {"subdistrict_id": "100101", "postcode": "10200"}


@dataclass
class Target:
    """One application and what hangs on it, to fill a URL's parameters."""

    application: object
    answer: object
    evidence: object
    comment: object = None
    receipt: object = None


@dataclass
class World:
    people: dict
    round: object
    old_round: object
    version: object
    units: dict
    organizations: dict
    teams: dict
    targets: dict
    conflict: object
    import_job: object
    outbox_message: object
    audit_entry: object
    extra: dict = field(default_factory=dict)

    def application(self, name):
        return self.targets[name].application


def _user(*roles, otp=False, **fields):
    user = UserFactory(roles=list(roles), **fields)
    if otp:
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return user


def _evidence(application, actor):
    answer = Answer.objects.filter(application=application).order_by("item__position").first()
    evidence = add_evidence(answer, SimpleUploadedFile("หลักฐาน.pdf", samples.pdf_bytes()),
                            actor, now=DURING)
    return answer, evidence


def _application(round_obj, unit, secretariat, *, submit=True, accept=True):
    coordinator = unit.coordinators.get()
    application = make_application(round_obj, unit, coordinator)
    answer, evidence = _evidence(application, coordinator)
    if not submit:
        return Target(application, answer, evidence)
    answer_all(application)
    submit_application(application, coordinator, now=DURING)
    comment = add_review_comment(application, secretariat, "ภาพถ่ายไม่ชัดเจน", answer=answer)
    if accept:
        accept_for_site_visit(application, secretariat, now=DURING)
    return Target(application, answer, evidence, comment=comment,
                  receipt=application.submissions.get())


def _team(round_obj, number, members):
    team = SubCommittee.objects.create(round=round_obj, number=number)
    positions = [Position.CHAIR, Position.QUALIFIED, Position.QUALIFIED]
    for user, position in zip(members, positions, strict=False):
        Membership.objects.create(subcommittee=team, user=user, position=position)
    return team


def build_world() -> World:
    """Everything in the module docstring; call with the clock frozen at ``DURING``."""
    people = {
        "secretariat": _user(Role.SECRETARIAT, otp=True),
        "assessor": _user(Role.ASSESSOR),
        "conflicted": _user(Role.ASSESSOR),
        "other_member": _user(Role.ASSESSOR),
        "coordinator": _user(Role.COORDINATOR),
        "draft_coordinator": _user(Role.COORDINATOR),
        "steering": _user(Role.STEERING),
    }
    secretariat = people["secretariat"]
    version = make_version()
    round_obj = make_round(secretariat, year=2569, version=version)
    old_round = make_round(secretariat, year=2568, version=version, opened=False)
    ministry = OrganizationFactory(name_th="กระทรวงทดสอบ")
    organizations = {"ministry": ministry, "A": OrganizationFactory(parent=ministry),
                     "B": OrganizationFactory()}
    units = {
        "A": ServiceUnitFactory(organization=organizations["A"],
                                coordinators=[people["coordinator"]]),
        "B": ServiceUnitFactory(organization=organizations["B"],
                                coordinators=[people["draft_coordinator"]], **BANGKOK),
        "C": ServiceUnitFactory(organization=organizations["B"],
                                coordinators=[_user(Role.COORDINATOR)]),
        "D": ServiceUnitFactory(organization=organizations["B"],
                                coordinators=[_user(Role.COORDINATOR)]),
        "E": ServiceUnitFactory(organization=organizations["B"],
                                coordinators=[_user(Role.COORDINATOR)]),
    }
    targets = {
        "assigned": _application(round_obj, units["A"], secretariat),
        "draft": _application(round_obj, units["B"], secretariat, submit=False),
        "other_team": _application(round_obj, units["C"], secretariat),
        "proposed": _application(round_obj, units["D"], secretariat),
        "submitted": _application(round_obj, units["E"], secretariat, accept=False),
    }
    teams = {1: _team(round_obj, 1, [people["assessor"], people["conflicted"]]),
             2: _team(round_obj, 2, [people["other_member"]])}
    for name, team, state in (("assigned", 1, AssignmentState.CONFIRMED),
                              ("other_team", 2, AssignmentState.CONFIRMED),
                              ("proposed", 1, AssignmentState.PROPOSED)):
        Assignment.objects.create(round=round_obj, application=targets[name].application,
                                  subcommittee=teams[team], state=state)
    conflict = Conflict.objects.create(round=round_obj, user=people["conflicted"],
                                       organization=ministry, kind=ConflictKind.DECLARED,
                                       reason="เคยรับราชการในกระทรวงนี้")
    import_job = ImportJob.objects.create(
        file="registry/imports/x.csv", original_name="x.csv", kind=ImportKind.UNITS,
        created_by=secretariat, status=ImportStatus.AWAITING_CONFIRMATION,
        errors=[{"row": 2, "column": "name_th", "message": "ว่าง", "value": ""}])
    return World(
        people=people, round=round_obj, old_round=old_round, version=version, units=units,
        organizations=organizations, teams=teams, targets=targets, conflict=conflict,
        import_job=import_job, outbox_message=OutboxMessage.objects.order_by("pk").first(),
        audit_entry=AuditEntry.objects.order_by("pk").first())


class FrozenClock:
    """``timezone.now()`` answers ``DURING``: the round accepts applications, whatever today."""

    def __init__(self, now=DURING):
        self.now = now

    def __call__(self):
        return self.now


def freeze_clock(monkeypatch):
    from django.utils import timezone

    clock = FrozenClock()
    monkeypatch.setattr(timezone, "now", clock)
    return clock
