"""Building a world in which members score, for the scoring tests (and the other parts').

``scoring_world()`` → a :class:`ScoringWorld`:

* ``round``: a round of the small test edition (``tests/criteria/factories.py``) moved to
  its site visits (phase set directly: test setup);
* ``application``: an accepted application of a ``branch`` unit (so the items that apply only
  to ``local`` units are left out: ``items`` are P1.1, P1.2, Q1.1 in document order);
* ``team``: a sub-committee with a confirmed assignment of that application, and as members
  ``chair`` (CHAIR), ``qualified`` (QUALIFIED, one or more), ``secretary`` (SECRETARY) and
  ``assistant`` (ASSISTANT, who does not score);
* ``members``: the scoring users in list order ``[chair, *qualified, secretary]``;
* ``items``: the applicable item ``criteria.Node`` rows in document order;
* ``secretariat`` (with a confirmed second factor) and ``coordinator`` (of the unit).

Pass ``round_obj=`` to add another application and team to an existing round (a new team
number is taken), ``n_qualified=`` for more qualified members. Rows are written directly
(no audit entry, no e-mail); the sheets are not created: call
``gecc.scoring.domain.sheets.sheet_for(user, application)``.

``add_application(world)`` → another accepted application of a new unit, confirmed to the
same team. ``conflict(world, user)`` → a declared conflict in force of ``user`` with the
world's unit (the member loses the application from their scope).
"""

import itertools
from dataclasses import dataclass, field

from django_otp.plugins.otp_totp.models import TOTPDevice

from gecc.accounts.enums import Role
from gecc.applications.models import Application
from gecc.committees.enums import AssignmentState, ConflictKind, Position
from gecc.committees.models import Assignment, Conflict, Membership, SubCommittee
from gecc.rounds.enums import RoundPhase
from gecc.rounds.models import Round
from tests.applications.factories import make_application, make_round
from tests.factories import UserFactory
from tests.registry.factories import ServiceUnitFactory

_years = itertools.count(3100)


@dataclass
class ScoringWorld:
    round: object
    application: object
    team: object
    chair: object
    qualified: list
    secretary: object
    assistant: object
    secretariat: object
    coordinator: object
    members: list = field(default_factory=list)
    items: list = field(default_factory=list)

    @property
    def unit(self):
        return self.application.unit

    @property
    def refs(self) -> list[str]:
        return [item.ref for item in self.items]


def _user(role, **fields):
    return UserFactory(roles=[role], **fields)


def _accepted_application(round_obj, team, coordinator=None):
    coordinator = coordinator or _user(Role.COORDINATOR)
    unit = ServiceUnitFactory(coordinators=[coordinator])
    # Applications are made while the round accepts them; the round then goes (back) to its
    # site visits (phases set directly: test setup).
    Round.objects.filter(pk=round_obj.pk).update(phase=RoundPhase.APPLICATIONS)
    round_obj.refresh_from_db()
    application = make_application(round_obj, unit, coordinator)
    Round.objects.filter(pk=round_obj.pk).update(phase=RoundPhase.SITE_VISITS)
    round_obj.refresh_from_db()
    Application.objects.filter(pk=application.pk).update(state="accepted")
    application.refresh_from_db()
    Assignment.objects.create(round=round_obj, application=application, subcommittee=team,
                              state=AssignmentState.CONFIRMED)
    return application


def scoring_world(round_obj=None, *, n_qualified=1, secretariat=None) -> ScoringWorld:
    """Everything in the module docstring."""
    if secretariat is None:
        secretariat = _user(Role.SECRETARIAT)
        TOTPDevice.objects.create(user=secretariat, name="test", confirmed=True)
    if round_obj is None:
        from gecc.criteria.models import EditionVersion

        round_obj = make_round(secretariat, year=next(_years),
                               version=EditionVersion.objects.first())
    number = (SubCommittee.objects.filter(round=round_obj).count()) + 1
    team = SubCommittee.objects.create(round=round_obj, number=number,
                                       base_address="ศาลากลางจังหวัดลำพูน")

    def member(position, name):
        user = _user(Role.ASSESSOR, full_name=f"{name} คณะที่ {number}")
        Membership.objects.create(subcommittee=team, user=user, position=position)
        return user

    chair = member(Position.CHAIR, "นายประธาน")
    qualified = [member(Position.QUALIFIED, f"นางสาวผู้ทรงคุณวุฒิ{index + 1}")
                 for index in range(n_qualified)]
    secretary = member(Position.SECRETARY, "นายเลขานุการ")
    assistant = member(Position.ASSISTANT, "นางผู้ช่วยเลขานุการ")
    coordinator = _user(Role.COORDINATOR)
    application = _accepted_application(round_obj, team, coordinator)

    from gecc.scoring.domain.sheets import applicable_items

    return ScoringWorld(round=round_obj, application=application, team=team, chair=chair,
                        qualified=qualified, secretary=secretary, assistant=assistant,
                        secretariat=secretariat, coordinator=coordinator,
                        members=[chair, *qualified, secretary],
                        items=applicable_items(application))


def add_application(world: ScoringWorld):
    """Another accepted application (a new unit), confirmed to the world's team."""
    return _accepted_application(world.round, world.team)


def conflict(world: ScoringWorld, user, application=None):
    """A declared conflict in force of ``user`` with the (world's) application's unit."""
    application = application or world.application
    return Conflict.objects.create(round=world.round, user=user, unit=application.unit,
                                   kind=ConflictKind.DECLARED, reason="เป็นญาติกับหัวหน้าหน่วย")


# -- sync batches and photos -------------------------------------------------------------------

T0 = "2026-06-15T09:00:00+07:00"


def at(minutes: int) -> str:
    """A device time ``minutes`` after 09:00 (Bangkok) on 15 June 2026, ISO-8601."""
    import datetime

    moment = datetime.datetime(2026, 6, 15, 9, 0, tzinfo=datetime.timezone(
        datetime.timedelta(hours=7))) + datetime.timedelta(minutes=minutes)
    return moment.isoformat()


def score(application, item, value=2, *, minute=0, not_applicable=False, note="",
          change_id=None) -> dict:
    """A ``score`` change of the sync API (``item``: a Node or a reference)."""
    import uuid

    return {"change_id": str(change_id or uuid.uuid4()), "kind": "score",
            "application": application.pk, "item": getattr(item, "ref", item),
            "value": value, "not_applicable": not_applicable, "note": note,
            "client_time": at(minute)}


def photo_change(application, item, sha256, *, kind="photo_add", minute=0, caption="",
                 change_id=None) -> dict:
    import uuid

    change = {"change_id": str(change_id or uuid.uuid4()), "kind": kind,
              "application": application.pk, "item": getattr(item, "ref", item),
              "sha256": sha256, "client_time": at(minute)}
    if kind == "photo_add":
        change["caption"] = caption
    return change


def batch(*changes, device_id="tablet-1", batch_id=None) -> dict:
    import uuid

    return {"batch_id": str(batch_id or uuid.uuid4()), "device_id": device_id,
            "changes": list(changes)}


def image_bytes(fmt="PNG", size=(8, 6), colour=(200, 30, 30)) -> bytes:
    """A small real image made with Pillow."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=fmt)
    return buffer.getvalue()


def digest(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def uploaded_photo(user, data=None):
    """A photo completely uploaded by ``user`` through the domain (one chunk); its digest."""
    from gecc.scoring.domain.photos import receive_chunk, start_upload

    data = data or image_bytes()
    sha256 = digest(data)
    upload = start_upload(user, sha256, len(data), "image/png")
    if upload.completed_at is None:
        receive_chunk(user, sha256, 0, data)
    return sha256
