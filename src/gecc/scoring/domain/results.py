"""The proposed result of an application: the criteria engine applied to the team's
consensus scores. A pure recomputation from the stored raw values, so the result stored when
the team sheet was locked can be checked at any time (``compare_stored``).

* ``compiled_for(application)``: the round edition compiled for the unit's type.
* ``consensus_values(team_sheet)``: ``{item ref: value or None (N/A)}`` of the items with a
  recorded consensus (an item without one is left out: not assessed).
* ``proposed_result(team_sheet)``: ``compile_edition(spec, unit_type).score(values,
  team=True)``: overall, category and criterion percentages, mandatory items failed, level
  and the explanation of the levels not reached.
* ``result_document(result, values)``: what ``TeamSheet.result`` stores.

In words, for people (the team pages and the feedback report), in the active language:

* ``level_names(version)``: ``{level code: name}`` (Thai, or English in the English
  interface when the edition has an English name);
* ``ref_names(version)``: ``{ref: "name (ref)"}`` of the categories, criteria and items;
* ``reason_sentence(reason, names)``: one reason of the explanation as a sentence ("An
  overall score of at least 85% (now 75%, 10 points short).");
* ``next_level(levels, reached)``: the level above the one reached;
* ``explanation_by_level(explanation, levels, names)``: the explanation as
  ``[(level name, [sentences])]``, lowest level first;
* ``percent_text(value)``: a stored percentage without trailing zeros.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from gecc.criteria.domain.scoring import CompiledEdition, Result
from gecc.criteria.interfaces.labels import level_display_name, localized

# ``TeamSheet.result["basis"]``: the proposed result of a locked sheet comes from the
# consensus; ``consolidation.propose_round`` stores a provisional one, from the members'
# medians, on sheets still open.
BASIS_CONSENSUS = "consensus"
BASIS_MEDIAN = "members_median"


_SPECS: dict = {}


def edition_spec(version):
    """The engine's ``Edition`` of a criteria version, parsed once per process (a version
    used by a round is locked: its content never changes under the same checksum)."""
    from gecc.criteria.domain.editions import spec_from_version

    key = (version.pk, version.checksum, version.loaded_at)
    spec = _SPECS.get(key)
    if spec is None:
        if len(_SPECS) > 16:
            _SPECS.clear()
        spec = _SPECS[key] = spec_from_version(version)
    return spec


def compiled_for(application) -> CompiledEdition:
    """The application's round edition, compiled for its unit's type (cached per version)."""
    from gecc.scoring.domain.sheets import compiled_edition

    return compiled_edition(application)


def consensus_values(team_sheet) -> dict[str, float | None]:
    """The stored consensus of each item that has one (one query)."""
    values = {}
    for ref, value, not_applicable in team_sheet.items.values_list(
            "item__ref", "value", "not_applicable"):
        if not_applicable:
            values[ref] = None
        elif value is not None:
            values[ref] = value
    return values


def proposed_result(team_sheet, values: dict | None = None) -> Result:
    """The engine's result for the team sheet's consensus (recomputed, nothing stored).
    Raises ``criteria.domain.scoring.ScoringError`` when a stored value is not acceptable
    to the edition (off the scale, N/A where not allowed, an unknown item)."""
    compiled = compiled_for(team_sheet.application)
    if values is None:
        values = consensus_values(team_sheet)
    values = {ref: value for ref, value in values.items() if ref in compiled.index}
    return compiled.score(values, team=True)


def result_document(result: Result, values: dict, basis: str = BASIS_CONSENSUS,
                    **extra) -> dict:
    """``TeamSheet.result``: the engine's result, the values it was computed from and how
    they were obtained."""
    document = result.as_dict()
    document.update({"basis": basis, "values": dict(values)})
    document.update(extra)
    return document


COMPARED = ("overall_percent", "categories", "criteria", "mandatory_failed", "level")


def compare_stored(team_sheet) -> dict:
    """Recompute the proposed result and compare it with the stored one:
    ``{"result": Result, "matches": bool, "differences": [(field, stored, recomputed)]}``.
    Only the figures are compared (not the explanation's wording)."""
    result = proposed_result(team_sheet)
    stored = team_sheet.result or {}
    fresh = result.as_dict()
    differences = [(name, stored.get(name), fresh[name]) for name in COMPARED
                   if stored.get(name) != fresh[name]]
    return {"result": result, "matches": bool(stored) and not differences,
            "differences": differences, "stored": stored}


# -- in words ------------------------------------------------------------------------------


def percent_text(value) -> str:
    """A stored percentage for people: at most two decimals, no trailing zeros (62.5, 70);
    "–" for none."""
    if value is None:
        return "–"
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return text or "0"


def level_names(version) -> dict[str, str]:
    """``{level code: name}`` of a criteria version in the interface language (no query:
    the levels are stored on the version)."""
    return {level.get("code"): level_display_name(level)
            for level in version.levels or [] if isinstance(level, dict)}


def ref_names(version) -> dict[str, str]:
    """``{ref: "name (ref)"}`` of the version's categories, criteria and items in the
    interface language (from the parsed edition, cached per version)."""
    names = {}
    for category in edition_spec(version).categories:
        names[category.ref] = f"{localized(category)} ({category.ref})"
        for criterion in category.criteria:
            names[criterion.ref] = f"{localized(criterion)} ({criterion.ref})"
            for item in criterion.items:
                names[item.ref] = f"{localized(item, 'text')} ({item.ref})"
    return names


def reason_sentence(reason, names) -> str:
    """One reason of the engine's explanation (a level not reached) as a sentence;
    ``names``: ``{ref: name}`` for the categories, criteria and items it may name (a ref
    without a name is shown as it is)."""
    rule = reason.get("rule")
    if rule == "all_mandatory":
        failed = reason.get("failed_items") or []
        return _("Every mandatory item must be met: %(count)s not met yet (%(items)s).") % {
            "count": len(failed), "items": ", ".join(names.get(ref, ref) for ref in failed)}
    values = {"required": percent_text(reason.get("required")),
              "actual": percent_text(reason.get("actual")),
              "shortfall": percent_text(reason.get("shortfall"))}
    if rule == "min_overall":
        return _("An overall score of at least %(required)s%% (now %(actual)s%%, "
                 "%(shortfall)s points short).") % values
    values["name"] = names.get(reason.get("ref"), reason.get("ref", ""))
    if rule == "min_category":
        return _("%(name)s: at least %(required)s%% (now %(actual)s%%, %(shortfall)s points "
                 "short).") % values
    if rule == "min_criterion":
        return _("%(name)s: at least %(required)s%% (now %(actual)s%%, %(shortfall)s points "
                 "short).") % values
    return str(rule)


def next_level(levels, reached):
    """The level above the one reached (the first level when none is), or ``None`` at the
    top or for an unknown code. ``levels``: the version's level dicts, lowest first."""
    codes = [level.get("code") for level in levels]
    if reached is None:
        return levels[0] if levels else None
    if reached not in codes:
        return None
    index = codes.index(reached) + 1
    return levels[index] if index < len(levels) else None


def explanation_by_level(explanation, levels: dict[str, str], names) -> list:
    """The explanation of the levels not reached as ``[(level name, [sentences])]``, in
    the order of ``levels`` (``{code: name}``, lowest first); a level code not in
    ``levels`` is shown as it is, after the known ones."""
    groups: dict = {}
    for reason in explanation or []:
        groups.setdefault(reason.get("level"), []).append(reason_sentence(reason, names))
    order = [code for code in levels if code in groups]
    order += [code for code in groups if code not in levels]
    return [(levels.get(code) or code or "", groups[code]) for code in order]
