"""Demo evidence: a small picture for each mandatory item of the Lamphun 2563 applications,
uploaded by the demo coordinator through the evidence domain (type check, SHA-256, audit),
so the desk-review pages show files to open. The pictures are drawn here; they show the
unit code and the item reference, and say they are demo files."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import timezone
from PIL import Image, ImageDraw

from gecc.accounts.models import User
from gecc.evidence.domain import add_evidence
from gecc.registry.demo import DEMO_COORDINATOR_EMAIL

COLOURS = {"physical": (31, 78, 140), "quality": (27, 110, 83), "outcome": (140, 84, 24)}


def demo_picture(unit_code, item_ref, kind) -> bytes:
    image = Image.new("RGB", (320, 200), (245, 247, 250))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 319, 39), fill=COLOURS.get(kind, (60, 60, 60)))
    draw.text((12, 14), "GECC demo evidence (not a real photo)", fill=(255, 255, 255))
    draw.text((12, 70), f"Unit: {unit_code}", fill=(20, 20, 20))
    draw.text((12, 95), f"Item: {item_ref}", fill=(20, 20, 20))
    draw.rectangle((12, 125, 307, 187), outline=(150, 150, 150), width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def upload_time(round_obj):
    """When the demo uploads happen: now while the round accepts applications, else the
    middle of its application period (the historical 2563 round's files are dated then,
    and the evidence domain accepts them as it would have at the time)."""
    if round_obj.accepting_applications(timezone.now()):
        return None
    opened, closed = round_obj.applications_open_at, round_obj.applications_close_at
    return opened + (closed - opened) / 2


def attach_demo_evidence(application):
    """Before submission: one picture per mandatory answer and per answer whose item needs
    evidence (nothing when the demo coordinator is missing)."""
    coordinator = User.objects.filter(email=DEMO_COORDINATOR_EMAIL).first()
    if coordinator is None:
        return 0
    now = upload_time(application.round)
    answers = (application.answers.filter(Q(item__mandatory=True)
                                          | Q(item__evidence_required=True))
               .select_related("item", "item__parent__parent", "application__unit"))
    for answer in answers:
        category = answer.item.parent.parent if answer.item.parent else None
        content = demo_picture(application.unit.code, answer.item.ref,
                               getattr(category, "category_kind", ""))
        upload = SimpleUploadedFile(f"ภาพประกอบ {answer.item.ref}.png", content,
                                    content_type="image/png")
        add_evidence(answer, upload, coordinator, now=now)
    return len(answers)
