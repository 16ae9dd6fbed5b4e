"""Loading, reading and locking edition versions in the database."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gecc.audit.domain import log_action, person
from gecc.criteria.enums import NodeKind
from gecc.criteria.models import Edition, EditionLockedError, EditionVersion, Node

from .nesting import LevelsNotNested, nesting_warnings
from .parse import CriteriaError, Issue, edition_to_dict, parse_edition
from .search import normalise
from .spec import Edition as EditionSpec


@dataclass
class LoadOutcome:
    version: EditionVersion
    created: bool


def checksum(spec: EditionSpec) -> str:
    text = json.dumps(edition_to_dict(spec), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@transaction.atomic
def load_edition(spec_or_document, *, actor=None, source_name="", request=None,
                 accept_unnested=False) -> LoadOutcome:
    """Store an edition version. The same revision again changes nothing; a higher revision
    adds a version; a known revision with different content, or a lower one, is refused.
    Levels that are not nested (``nesting.nesting_warnings``) refuse a new version with
    ``LevelsNotNested`` unless ``accept_unnested`` (the secretariat confirmed it; audited)."""
    spec = (spec_or_document if isinstance(spec_or_document, EditionSpec)
            else parse_edition(spec_or_document))
    digest = checksum(spec)
    edition, _created = Edition.objects.get_or_create(
        standard=spec.standard, label=spec.label,
        defaults={"name_th": spec.name_th, "name_en": spec.name_en})
    existing = edition.versions.filter(revision=spec.revision).first()
    if existing is not None:
        if existing.checksum == digest:
            return LoadOutcome(existing, False)
        raise CriteriaError([Issue("edition.revision", "revision_changed", _(
            "revision %(revision)s is already loaded with different content; raise the "
            "revision to load a new version") % {"revision": spec.revision})])
    latest = edition.versions.order_by("-revision").first()
    if latest is not None and latest.revision > spec.revision:
        raise CriteriaError([Issue("edition.revision", "revision_lower", _(
            "revision %(revision)s is lower than the latest loaded revision %(latest)s")
            % {"revision": spec.revision, "latest": latest.revision})])
    document = edition_to_dict(spec)
    warnings = nesting_warnings(document["levels"])
    if warnings and not accept_unnested:
        raise LevelsNotNested(warnings)
    version = EditionVersion.objects.create(
        edition=edition, revision=spec.revision, status=spec.status, locale=spec.locale,
        name_th=spec.name_th, name_en=spec.name_en, default_scale=spec.default_scale,
        scales=document["scales"], levels=document["levels"],
        unit_types=document.get("unit_types", []), checksum=digest,
        source_name=source_name[:255], loaded_by=person(actor),
    )
    _store_tree(version, spec)
    if (edition.name_th, edition.name_en) != (spec.name_th, spec.name_en):
        edition.name_th, edition.name_en = spec.name_th, spec.name_en
        edition.save(update_fields=["name_th", "name_en"])
    log_action("criteria.version_loaded", actor=actor, obj=version, request=request,
               data={"standard": spec.standard, "label": spec.label,
                     "revision": spec.revision, "status": spec.status,
                     "checksum": digest, "source": source_name,
                     **({"levels_not_nested": [w.path for w in warnings]} if warnings else {})})
    return LoadOutcome(version, True)


def document_positions(spec) -> dict[str, int]:
    """``{ref: position}`` in document order: each category, then its criteria, each
    criterion followed by its items, as the file lists them (references are unique)."""
    positions = {}
    for category in spec.categories:
        positions[category.ref] = len(positions) + 1
        for criterion in category.criteria:
            positions[criterion.ref] = len(positions) + 1
            for item in criterion.items:
                positions[item.ref] = len(positions) + 1
    return positions


def _store_tree(version, spec):
    # Rows are created a level at a time (a parent needs its primary key first), but
    # numbered in document order, so ordering by position lists the tree as the file does.
    positions = document_positions(spec)

    def node(kind, parent, ref, **fields):
        texts = " ".join([ref, fields.get("text_th", ""), fields.get("text_en", ""),
                          fields.get("guidance_th", ""), fields.get("guidance_en", "")])
        return Node(version=version, parent=parent, kind=kind, position=positions[ref],
                    ref=ref, search_text=normalise(texts), **fields)

    categories = [node(NodeKind.CATEGORY, None, c.ref, category_kind=c.kind,
                       text_th=c.name_th, text_en=c.name_en) for c in spec.categories]
    Node.objects.bulk_create(categories)
    criteria, parents = [], []
    for category, cat_node in zip(spec.categories, categories, strict=True):
        for criterion in category.criteria:
            criteria.append(node(NodeKind.CRITERION, cat_node, criterion.ref,
                                 text_th=criterion.name_th, text_en=criterion.name_en))
            parents.append(criterion)
    Node.objects.bulk_create(criteria)
    items = []
    for criterion, crit_node in zip(parents, criteria, strict=True):
        for item in criterion.items:
            items.append(node(
                NodeKind.ITEM, crit_node, item.ref, text_th=item.text_th, text_en=item.text_en,
                guidance_th=item.guidance_th, guidance_en=item.guidance_en,
                evidence_th=item.evidence_th, evidence_en=item.evidence_en,
                mandatory=item.mandatory, met_score=item.met_score, weight=item.weight,
                na_allowed=item.na_allowed, evidence_required=item.evidence_required,
                applies_to=list(item.applies_to), scale=item.scale))
    Node.objects.bulk_create(items)


def document_from_version(version: EditionVersion) -> dict:
    """Rebuild the canonical document of a stored version from its rows."""
    nodes = list(version.nodes.order_by("position"))
    children = {}
    for n in nodes:
        children.setdefault(n.parent_id, []).append(n)

    def item_dict(n):
        out = {"ref": n.ref, "text_th": n.text_th, "text_en": n.text_en,
               "guidance_th": n.guidance_th, "guidance_en": n.guidance_en,
               "evidence_th": n.evidence_th, "evidence_en": n.evidence_en,
               "mandatory": n.mandatory, "met_score": n.met_score, "weight": str(n.weight),
               "na_allowed": n.na_allowed, "applies_to": list(n.applies_to)}
        if n.evidence_required:
            out["evidence_required"] = True
        if n.scale:
            out["scale"] = n.scale
        return out

    document = {
        "edition": {"standard": version.edition.standard, "label": version.edition.label,
                    "revision": version.revision, "locale": version.locale,
                    "name_th": version.name_th, "name_en": version.name_en,
                    "status": version.status},
        "scales": version.scales, "default_scale": version.default_scale,
        "levels": version.levels,
        "categories": [
            {"ref": c.ref, "kind": c.category_kind, "name_th": c.text_th, "name_en": c.text_en,
             "criteria": [{"ref": k.ref, "name_th": k.text_th, "name_en": k.text_en,
                           "items": [item_dict(i) for i in children.get(k.pk, [])]}
                          for k in children.get(c.pk, [])]}
            for c in children.get(None, [])
        ],
    }
    if version.unit_types:
        document["unit_types"] = version.unit_types
    return document


def spec_from_version(version: EditionVersion) -> EditionSpec:
    """The engine's :class:`Edition` for a stored version (same validation as a file)."""
    return parse_edition(document_from_version(version))


@transaction.atomic
def lock_edition(version: EditionVersion, actor, *, request=None) -> EditionVersion:
    """Mark ``version`` as used by a round: from now on it can never change or be deleted.
    Locking a locked version is a no-op."""
    version = EditionVersion.objects.select_for_update().get(pk=version.pk)
    if version.locked:
        return version
    version.locked = True
    version.locked_at = timezone.now()
    version.locked_by = person(actor)
    version.save(update_fields=["locked", "locked_at", "locked_by"])
    log_action("criteria.version_locked", actor=actor, obj=version, request=request,
               before={"locked": False}, after={"locked": True})
    return version


def delete_version(version: EditionVersion, actor, *, request=None):
    """Remove a version that no round uses (e.g. loaded by mistake)."""
    if version.is_in_use():
        raise EditionLockedError(f"{version} is in use by a round and cannot be deleted")
    label = str(version)
    with transaction.atomic():
        log_action("criteria.version_deleted", actor=actor, obj=version, request=request,
                   data={"version": label, "checksum": version.checksum})
        version.delete()

