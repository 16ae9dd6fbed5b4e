"""The day's visit pack: what a member's tablet downloads before going where the network may
not reach (``field:api.pack``), as JSON-ready data.

For each application the member may score now (``sheets.scoring_refusals``: a scoring member
of its confirmed sub-committee, no conflict of interest in force, the round in its site
visits, the application accepted), the sheets still to score first and the submitted ones
after, each group in visit order (confirmed itinerary: day, start time, stop number;
applications without a placed visit last, by unit name):

- the unit and the visit (date, times, stop number) when a confirmed itinerary places it;
- the criteria items that apply to the unit (``sheets.applicable_items``) with their
  category and criterion, the scale's points with their labels, N/A allowed or not,
  mandatory, guidance and the evidence expected;
- the unit's self-assessment answers and its current evidence files (name, type, size, the
  download address, and for pictures the in-page preview address the service worker keeps
  for offline use);
- the member's OWN sheet (``sheets.sheet_snapshots``), never another member's.

A constant number of queries whatever the number of applications (``build_pack``).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import get_language

from gecc.applications.models import Answer
from gecc.criteria.enums import NodeKind
from gecc.criteria.models import Node
from gecc.evidence.enums import EvidenceKind
from gecc.evidence.models import EvidenceFile
from gecc.scoring.domain.sheets import applicable_items, scoring_refusals, sheet_snapshots
from gecc.scoring.enums import SheetState
from gecc.scoring.models import ScoreSheet
from gecc.visits.enums import ItineraryState
from gecc.visits.models import Visit

PACK_FORMAT = 1
EMPTY_SHEET = {"state": "draft", "items": {}}
# Evidence shown as a picture on the tablet (and kept by the service worker for offline use).
PICTURE_KINDS = frozenset({EvidenceKind.JPEG, EvidenceKind.PNG})


def _english() -> bool:
    return (get_language() or "th").startswith("en")


def _text(thai: str, english: str) -> str:
    """The English text when the interface is English and there is one, else the Thai."""
    return english if _english() and english else thai


def candidate_application_ids(user) -> list[int]:
    """The applications the member may see that could be scored now (accepted, round in its
    site visits); ``scoring_refusals`` then decides each one."""
    from gecc.applications.enums import ApplicationState
    from gecc.applications.models import Application
    from gecc.rounds.enums import RoundPhase

    return list(Application.objects.visible_to(user)
                .filter(state=ApplicationState.ACCEPTED, round__phase=RoundPhase.SITE_VISITS)
                .values_list("pk", flat=True))


def _scales(version) -> dict[str, list[dict]]:
    return {scale.get("code"): [
        {"value": point["value"], "label": _text(point.get("label_th", ""),
                                                 point.get("label_en", ""))}
        for point in sorted(scale.get("points", []), key=lambda point: point["value"])]
        for scale in version.scales or []}


def _node_names(version_ids) -> dict[int, Node]:
    """Every category and criterion of the versions, by pk (one query)."""
    return {node.pk: node for node in
            Node.objects.filter(version_id__in=version_ids)
            .exclude(kind=NodeKind.ITEM)
            .only("pk", "parent_id", "kind", "ref", "text_th", "text_en")}


def _item(node, scales, default_scale, names) -> dict:
    criterion = names.get(node.parent_id)
    category = names.get(criterion.parent_id) if criterion is not None else None
    return {
        "ref": node.ref,
        "text": _text(node.text_th, node.text_en),
        "guidance": _text(node.guidance_th, node.guidance_en),
        "evidence_hint": _text(node.evidence_th, node.evidence_en),
        "mandatory": node.mandatory,
        "na_allowed": node.na_allowed,
        "scale": scales.get(node.scale or default_scale, []),
        "criterion": ({"ref": criterion.ref, "name": _text(criterion.text_th,
                                                           criterion.text_en)}
                      if criterion is not None else None),
        "category": ({"ref": category.ref, "name": _text(category.text_th, category.text_en)}
                     if category is not None else None),
    }


def _evidence(evidence) -> dict:
    picture = evidence.kind in PICTURE_KINDS
    return {"name": evidence.original_name, "kind": evidence.kind, "size": evidence.size,
            "url": evidence.get_download_url(),
            "thumbnail_url": evidence.get_preview_url() if picture else None}


def _answers(user, application_ids) -> dict[int, dict[str, dict]]:
    """``{application id: {item ref: answer}}`` with each answer's current evidence files
    the member may see (two queries)."""
    evidence_by_answer: dict[int, list[dict]] = {}
    for evidence in (EvidenceFile.objects.visible_to(user).current()
                     .filter(answer__application_id__in=application_ids)
                     .order_by("uploaded_at", "pk")):
        evidence_by_answer.setdefault(evidence.answer_id, []).append(_evidence(evidence))
    answers: dict[int, dict[str, dict]] = {pk: {} for pk in application_ids}
    for answer in (Answer.objects.visible_to(user)
                   .filter(application_id__in=application_ids)
                   .select_related("item").only("pk", "application_id", "item__ref",
                                                "self_score", "not_applicable",
                                                "explanation")):
        answers[answer.application_id][answer.item.ref] = {
            "self_score": answer.self_score, "not_applicable": answer.not_applicable,
            "explanation": answer.explanation,
            "evidence": evidence_by_answer.get(answer.pk, [])}
    return answers


def _visits(application_ids) -> dict[int, Visit]:
    """The placed visits of a confirmed itinerary, by application (one query)."""
    return {visit.application_id: visit for visit in
            Visit.objects.filter(application_id__in=application_ids,
                                 itinerary__state=ItineraryState.CONFIRMED,
                                 day__isnull=False).select_related("day")}


def _visit(visit) -> dict | None:
    if visit is None:
        return None
    return {"date": visit.day.date.isoformat(), "number": visit.number,
            "start": visit.start_at.strftime("%H:%M") if visit.start_at else None,
            "end": visit.end_at.strftime("%H:%M") if visit.end_at else None}


def _visit_order(entry):
    """Sheets still to score first, then the submitted ones; each group in visit order
    (day, start, stop number), applications without a visit last."""
    done = entry["sheet"].get("state") == SheetState.SUBMITTED
    visit = entry["visit"]
    if visit is None:
        return (done, 1, "", "", 0, entry["unit"]["name"])
    return (done, 0, visit["date"], visit["start"] or "", visit["number"] or 0,
            entry["unit"]["name"])


def build_pack(user) -> dict:
    """The member's visit pack (module docstring). Never another member's scores."""
    from gecc.committees.models import SubCommittee

    allowed, _refused = scoring_refusals(user, candidate_application_ids(user))
    applications = [scorable.application for scorable in allowed.values()]
    ids = [application.pk for application in applications]
    teams = {team.pk: team for team in
             SubCommittee.objects.filter(pk__in={s.subcommittee_id for s in allowed.values()})}
    versions = {application.round.edition_id: application.round.edition
                for application in applications}
    if ids:
        # ``scoring_refusals`` reads the round, not its edition: one query for the editions.
        from gecc.criteria.models import EditionVersion

        versions = EditionVersion.objects.in_bulk(list(versions))
    names = _node_names(list(versions)) if ids else {}
    answers = _answers(user, ids) if ids else {}
    visits = _visits(ids) if ids else {}
    sheets = list(ScoreSheet.objects.filter(assessor=user, application_id__in=ids))
    snapshots = sheet_snapshots(sheets)
    sheet_of = {sheet.application_id: snapshots[sheet.pk] for sheet in sheets}
    items_by_kind: dict[tuple, list[dict]] = {}
    entries = []
    for application in applications:
        version = versions[application.round.edition_id]
        application.round.edition = version
        key = (version.pk, application.unit.unit_type)
        if key not in items_by_kind:
            scales = _scales(version)
            items_by_kind[key] = [_item(node, scales, version.default_scale, names)
                                  for node in applicable_items(application)]
        unit = application.unit
        team = teams[allowed[application.pk].subcommittee_id]
        entries.append({
            "id": application.pk,
            "round": {"year": application.round.year, "name": str(application.round)},
            "team": {"id": team.pk, "name": team.display_name},
            "unit": {"code": unit.code, "name": _text(unit.name_th, unit.name_en),
                     "type": unit.unit_type, "address": unit.address},
            "visit": _visit(visits.get(application.pk)),
            "items": items_by_kind[key],
            "answers": answers.get(application.pk, {}),
            "sheet": sheet_of.get(application.pk, EMPTY_SHEET),
        })
    entries.sort(key=_visit_order)
    return {
        "format": PACK_FORMAT,
        "generated_at": timezone.now().isoformat(),
        "language": "en" if _english() else "th",
        "member": {"id": user.pk, "name": user.full_name or user.email},
        "applications": entries,
    }
