"""Seed the deadline-rush load scenario (``bench/load_deadline.py``) in a Django process of
the stack, and write what the load generator needs to a JSON file (no Django there).

    python bench/load_seed.py --out accounts.json [--units 200] [--submitted 60]

run with the stack's environment (``Stack.env()``). It loads:

- the demo (``manage.py setup_demo``): the example criteria edition (60 items), this year's
  round open for applications, and the Lamphun units with their certificates, so the public
  registry, the centre pages and the verification page have something to show;
- ``--units`` service units (the national generator's ``GEN-`` units), each with its own
  coordinator account (one Argon2 hash computed once and reused: every account has the
  same password) and a draft application created by ``create_application`` with its empty
  answers. A deadline rush finds most of the work done: each application has a random
  45-97 % of its items already answered and, for most of the answered items that require
  evidence, a file attached; the coordinators finish the rest under load;
- ``--submitted`` more units whose applications are complete and submitted through
  ``submit_application`` (receipt and e-mail included), so the desk-review list has rows;
- one more coordinator with a draft application, kept out of the load: the driver's
  sequential autosave probe after the run signs in with it;
- ``--secretariat`` secretariat accounts, each with a confirmed TOTP device whose key is
  written to the file (the load generator computes the codes).

The bulk rows (answers already answered, files already attached, accounts) are written with
``bulk_create``/``bulk_update``; each stored evidence file is a real file in the media
storage with its SHA-256.
"""

import argparse
import json
import random
import secrets
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_common import sha256_hex, tiny_pdf  # noqa: E402

PASSWORD = "gecc-load-2563"
EMAIL_DOMAIN = "load.gecc.local"
SEARCH_TERMS = ["ลำพูน", "สำนักงาน", "ศูนย์บริการ", "ที่ดิน", "ขนส่ง", "สรรพสามิต", "อำเภอ",
                "ทีโอที", "เชียงใหม่", "สาขา"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--submitted", type=int, default=60)
    parser.add_argument("--secretariat", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2563)
    args = parser.parse_args()

    import django

    django.setup()
    started = time.perf_counter()
    data = seed(args)
    data["seconds"] = round(time.perf_counter() - started, 1)
    Path(args.out).write_text(json.dumps(data, ensure_ascii=False))
    print(json.dumps({"seconds": data["seconds"], "coordinators": len(data["coordinators"]),
                      "submitted": len(data["submitted_applications"]),
                      "secretariat": len(data["secretariat"]), "steps": data["steps"]}))


def seed(args):
    import io

    from django.core.management import call_command
    from django.db import transaction

    from gecc.applications.models import Answer, Application
    from gecc.common.db import analyze
    from gecc.demo.rounds import ensure_open_demo_round
    from gecc.evidence.models import EvidenceFile
    from gecc.registry.generator import generate_national_data
    from gecc.registry.models import ServiceUnit

    rng = random.Random(args.seed)
    steps, began = {}, time.perf_counter()

    def step(name):
        nonlocal began
        now = time.perf_counter()
        steps[name] = round(now - began, 1)
        began = now

    call_command("setup_demo", stdout=io.StringIO())
    round_obj = ensure_open_demo_round()
    step("demo")
    total = args.units + args.submitted + 1
    generate_national_data(units=total, seed=args.seed)
    units = list(ServiceUnit.objects.filter(code__startswith="GEN-").order_by("pk")[:total])
    if len(units) < total:
        raise SystemExit(f"the generator made {len(units)} units, {total} needed")
    with transaction.atomic():
        users = make_coordinators(units)
        secretariat = make_secretariat(args.secretariat)
    step("units and accounts")
    applications = make_applications(round_obj, units, users)
    structure = item_structure(round_obj.edition)
    step("applications")

    load_units = units[:args.units]
    submitted_units = units[args.units:args.units + args.submitted]
    probe_unit = units[-1]
    with transaction.atomic():
        prefill(applications, load_units, users, structure, rng, share=(0.45, 0.97),
                evidence_share=0.7)
        prefill(applications, submitted_units, users, structure, rng, share=(1.0, 1.0),
                evidence_share=1.0)
    step("answers and files")
    submitted = submit(applications, submitted_units, users)
    step("submissions")
    coordinators = describe([(applications[unit.pk], users[unit.pk]) for unit in load_units])
    probe = describe([(applications[probe_unit.pk], users[probe_unit.pk])])[0]
    analyze(Answer, Application, EvidenceFile, ServiceUnit)
    step("describe")
    return {
        "steps": steps,
        "password": PASSWORD,
        "round": {"pk": round_obj.pk, "year": round_obj.year},
        "categories": [ref for ref, _items in structure["categories"]],
        "coordinators": coordinators,
        "probe": probe,
        "secretariat": secretariat,
        "submitted_applications": submitted,
        "public": public_targets(),
        "provinces": sorted({unit.province_id for unit in units}),
    }


def make_coordinators(units):
    """One coordinator account per unit, all with one password hashed once."""
    from django.contrib.auth.hashers import make_password

    from gecc.accounts.enums import Role
    from gecc.accounts.models import RoleGrant, User
    from gecc.registry.models import ServiceUnit

    hashed = make_password(PASSWORD)
    accounts = User.objects.bulk_create([
        User(email=f"coordinator{index:04d}@{EMAIL_DOMAIN}", password=hashed,
             full_name=f"ผู้ประสานงาน {unit.code}")
        for index, unit in enumerate(units, start=1)])
    RoleGrant.objects.bulk_create([RoleGrant(user=user, role=Role.COORDINATOR)
                                   for user in accounts])
    through = ServiceUnit.coordinators.through
    through.objects.bulk_create([through(serviceunit_id=unit.pk, user_id=user.pk)
                                 for unit, user in zip(units, accounts, strict=True)])
    return {unit.pk: user for unit, user in zip(units, accounts, strict=True)}


def make_secretariat(count):
    from django.contrib.auth.hashers import make_password
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from gecc.accounts.enums import Role
    from gecc.accounts.models import RoleGrant, User

    hashed = make_password(PASSWORD)
    out = []
    for index in range(1, count + 1):
        user = User.objects.create(email=f"secretariat{index}@{EMAIL_DOMAIN}", password=hashed,
                                   full_name=f"เจ้าหน้าที่สำนักงานเลขานุการ {index}")
        RoleGrant.objects.create(user=user, role=Role.SECRETARIAT)
        key = secrets.token_hex(20)
        TOTPDevice.objects.create(user=user, name="load", key=key, confirmed=True)
        out.append({"email": user.email, "totp_key": key})
    return out


def make_applications(round_obj, units, users):
    """A draft application per unit, through the domain function (its empty answers)."""
    from gecc.applications.domain.applications import create_application

    out = {}
    for unit in units:
        out[unit.pk] = create_application(
            round_obj, unit, target_level="basic", contact_name=users[unit.pk].full_name,
            contact_email=users[unit.pk].email, actor=users[unit.pk])
    return out


def item_structure(edition):
    """Each item's category, allowed scores and flags, in document order."""
    from gecc.applications.domain.items import scale_values
    from gecc.criteria.enums import NodeKind
    from gecc.criteria.models import Node

    items = list(Node.objects.filter(version=edition, kind=NodeKind.ITEM)
                 .select_related("parent__parent").order_by("position"))
    by_item, categories = {}, {}
    for item in items:
        category = item.parent.parent.ref
        by_item[item.pk] = {"ref": item.ref, "category": category,
                            "scores": sorted(scale_values(edition, item)),
                            "na": item.na_allowed, "evidence": item.evidence_required}
        categories.setdefault(category, []).append(item.ref)
    return {"items": by_item, "categories": list(categories.items())}


def prefill(applications, units, users, structure, rng, *, share, evidence_share):
    """Answer a random share of each application's items (revision 1, as after one save)
    and attach a stored PDF to ``evidence_share`` of the answered items that need one."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from gecc.applications.models import Answer
    from gecc.evidence.models import EvidenceFile

    now = timezone.now()
    changed, files = [], []
    for unit in units:
        application = applications[unit.pk]
        answers = list(Answer.objects.filter(application=application).order_by("pk"))
        count = round(len(answers) * rng.uniform(*share))
        for answer in rng.sample(answers, count):
            item = structure["items"][answer.item_id]
            answer.self_score = rng.choice(item["scores"])
            changed.append(answer)
            if item["evidence"] and rng.random() < evidence_share:
                public_id = uuid.uuid4()
                content = tiny_pdf(f"GECC evidence {item['ref']} {public_id.hex}")
                name = default_storage.save(
                    f"evidence/{application.pk}/{public_id.hex}.pdf", ContentFile(content))
                files.append(EvidenceFile(
                    public_id=public_id, answer=answer, file=name,
                    original_name=f"{item['ref']}-evidence.pdf", kind="pdf",
                    content_type="application/pdf", size=len(content),
                    sha256=sha256_hex(content), uploaded_by=users[unit.pk], uploaded_at=now))
    by_score = {}
    for answer in changed:
        by_score.setdefault(answer.self_score, []).append(answer.pk)
    for score, pks in by_score.items():  # one UPDATE per score value
        Answer.objects.filter(pk__in=pks).update(
            self_score=score, explanation="ดำเนินการตามเกณฑ์แล้ว มีหลักฐานประกอบ", revision=1)
    EvidenceFile.objects.bulk_create(files, batch_size=1000)


def submit(applications, units, users):
    """Submit complete applications through the domain (receipt, audit, e-mail)."""
    from gecc.applications.domain.applications import submit_application

    out = []
    for unit in units:
        application = applications[unit.pk]
        submit_application(application, users[unit.pk])
        out.append(application.pk)
    return out


def describe(pairs):
    """What the load generator needs about each (application, coordinator): the answers in
    document order with their item's category, scale and flags (two queries in all)."""
    from gecc.applications.domain.items import scale_values
    from gecc.applications.models import Answer
    from gecc.evidence.models import EvidenceFile

    ids = [application.pk for application, _user in pairs]
    with_files = set(EvidenceFile.objects.filter(answer__application_id__in=ids,
                                                 is_current=True)
                     .values_list("answer_id", flat=True))
    by_application = {pk: [] for pk in ids}
    edition = pairs[0][0].round.edition
    scales = {}
    for answer in (Answer.objects.filter(application_id__in=ids)
                   .select_related("item__parent__parent")
                   .order_by("application_id", "item__position")):
        item = answer.item
        if item.pk not in scales:
            scales[item.pk] = sorted(scale_values(edition, item))
        by_application[answer.application_id].append({
            "pk": answer.pk, "ref": item.ref, "category": item.parent.parent.ref,
            "scores": scales[item.pk], "na": item.na_allowed,
            "evidence": item.evidence_required,
            "answered": answer.self_score is not None or answer.not_applicable,
            "has_evidence": answer.pk in with_files})
    return [{"email": user.email, "application": application.pk,
             "answers": by_application[application.pk]} for application, user in pairs]


def public_targets():
    """Certificate numbers and centre codes for the anonymous visitors."""
    from gecc.certificates.models import Certificate

    certificates = list(Certificate.objects.select_related("unit").order_by("number"))
    return {"numbers": [c.number for c in certificates],
            "centres": sorted({c.unit.code for c in certificates if c.state != "withdrawn"}),
            "search_terms": SEARCH_TERMS}


if __name__ == "__main__":
    main()
