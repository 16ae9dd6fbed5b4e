"""Submission receipts and what changed between two sendings of an application.

The receipt's hash covers a canonical JSON document of what was sent::

    {"application": <id>, "round": <BE year>, "unit": "<unit code>",
     "target_level": "<code>",
     "items": [{"ref": "P1.1", "score": 3, "na": false, "explanation": "…",
                "evidence": ["<sha256>", …]}, …]}

items in document order, each item's evidence SHA-256s sorted; the JSON is written with
sorted keys, no spaces (``separators=(",", ":")``) and UTF-8 (``ensure_ascii=False``).
Anyone holding the same answers and files can recompute it.

The reference number is ``GECC-<round year>-<application id, 6 digits>-<sending, 2
digits>``, e.g. ``GECC-2569-000123-01`` for the first submission and ``…-02`` for the
resubmission after a return.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist

from gecc.applications.models import Answer, Submission


def _evidence_hashes(application) -> dict[int, list[str]]:
    """answer id → the SHA-256s of its current evidence files (one query; the evidence
    app sits above this one, so its rows are read through the relation)."""
    try:
        Answer._meta.get_field("evidence_files")
    except FieldDoesNotExist:
        return {}
    rows = (Answer.objects.filter(application=application, evidence_files__is_current=True)
            .values_list("pk", "evidence_files__sha256"))
    out: dict[int, list[str]] = {}
    for answer_id, sha in rows:
        out.setdefault(answer_id, []).append(sha)
    return out


def build_manifest(application) -> dict:
    """The canonical document of the application's current content (two queries)."""
    evidence = _evidence_hashes(application)
    answers = (Answer.objects.filter(application=application).order_by("item__position")
               .values_list("pk", "item__ref", "self_score", "not_applicable", "explanation"))
    items = [{"ref": ref, "score": score, "na": na, "explanation": explanation,
              "evidence": sorted(evidence.get(pk, []))}
             for pk, ref, score, na, explanation in answers]
    return {"application": application.pk, "round": application.round.year,
            "unit": application.unit.code, "target_level": application.target_level,
            "items": items}


def content_hash(manifest) -> str:
    text = json.dumps(manifest, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def reference_number(application, sequence) -> str:
    return f"GECC-{application.round.year}-{application.pk:06d}-{sequence:02d}"


def record_submission(application, actor, now, *, resubmission=False) -> Submission:
    """Store the receipt of this sending; called inside submit/resubmit's transaction."""
    manifest = build_manifest(application)
    items = manifest["items"]
    sequence = Submission.objects.filter(application=application).count() + 1
    return Submission.objects.create(
        application=application, sequence=sequence,
        number=reference_number(application, sequence), resubmission=resubmission,
        submitted_at=now, submitted_by=actor if getattr(actor, "is_authenticated", False)
        else None,
        item_count=len(items),
        answered_count=sum(1 for i in items if i["score"] is not None or i["na"]),
        evidence_count=sum(len(i["evidence"]) for i in items),
        sha256=content_hash(manifest), manifest=manifest)


# -- what changed ----------------------------------------------------------------------------

SCORE, EXPLANATION, EVIDENCE_ADDED, EVIDENCE_REMOVED = (
    "score", "explanation", "evidence_added", "evidence_removed")


@dataclass(frozen=True)
class ItemChange:
    ref: str
    before_score: str
    after_score: str
    changes: tuple[str, ...]
    evidence_added: int = 0
    evidence_removed: int = 0


def _score_text(item) -> str:
    if item is None:
        return "—"
    if item["na"]:
        return "N/A"
    return "—" if item["score"] is None else str(item["score"])


def diff_manifests(before: dict, after: dict) -> list[ItemChange]:
    """The items whose score, explanation or evidence differ, in the order of ``after``."""
    old = {item["ref"]: item for item in before.get("items", [])}
    out = []
    for item in after.get("items", []):
        prev = old.get(item["ref"])
        changes = []
        if _score_text(prev) != _score_text(item):
            changes.append(SCORE)
        if (prev or {}).get("explanation", "") != item["explanation"]:
            changes.append(EXPLANATION)
        was, now = set((prev or {}).get("evidence", [])), set(item["evidence"])
        if now - was:
            changes.append(EVIDENCE_ADDED)
        if was - now:
            changes.append(EVIDENCE_REMOVED)
        if changes:
            out.append(ItemChange(item["ref"], _score_text(prev), _score_text(item),
                                  tuple(changes), len(now - was), len(was - now)))
    return out


def changes_since_return(application) -> list[ItemChange] | None:
    """What the unit changed between the sending that was returned and its latest one
    (None when the application has been sent fewer than twice). Nothing can change while
    an application waits for review, so the earlier receipt is the state at the return."""
    last_two = list(Submission.objects.filter(application=application)
                    .order_by("-sequence").values_list("manifest", flat=True)[:2])
    if len(last_two) < 2:
        return None
    return diff_manifests(last_two[1], last_two[0])
