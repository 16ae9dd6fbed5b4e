"""The scoring engine: pure functions of (edition, scores) → result. No database, no files.

Percentages and rounding
------------------------
* item percent = score / (maximum of the item's scale); an N/A item (``None``) is left out of
  both the numerator and the denominator, and so is an item that does not apply to the unit
  type being scored.
* criterion, category and overall percent = 100 × Σ(weight × item percent) / Σ(weight) over
  the assessed items below that node. Only items carry weights.
* Arithmetic is IEEE double; every reported percentage is rounded half-up to two decimals
  (``round_percent``: a tolerance of 1e-7 hundredths absorbs binary noise, so 12.345 → 12.35).
  Level rules compare the *rounded* percentage with the threshold, so what is shown is what
  is judged. A node with no assessed item has no percentage (``None``); its own minimum is
  then not applied, and an overall ``None`` counts as 0 against ``min_overall``.
* A mandatory item is met when its score ≥ its ``met_score``; a mandatory item that is N/A
  (where N/A is allowed) is not counted as failed.
* Team scores: per item, N/A answers are set aside; ``median`` and ``mean`` use the numeric
  answers (N/A only when every assessor said N/A; a median of an even count is the mean of the
  two middle values); ``chair`` takes the chair's value. Spread = max − min of the numeric
  answers (0 for one answer, ``None`` when all are N/A).

A whole round at once (numpy arrays, the same numbers): :mod:`gecc.criteria.domain.batch`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .spec import Edition

STRATEGIES = ("median", "mean", "chair")


class ScoringError(ValueError):
    """The scores cannot be scored against this edition; ``problems`` lists why."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


def round_percent(value: float | None) -> float | None:
    """Round half-up to two decimals (see the module docstring)."""
    if value is None:
        return None
    return int(value * 100.0 + 0.5 + 1e-7) / 100.0


@dataclass
class Result:
    overall_percent: float | None
    categories: dict[str, float | None]
    criteria: dict[str, float | None]
    mandatory_failed: list[str]
    level: str | None
    explanation: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "overall_percent": self.overall_percent,
            "categories": self.categories,
            "criteria": self.criteria,
            "mandatory_failed": self.mandatory_failed,
            "level": self.level,
            "explanation": self.explanation,
        }


@dataclass
class TeamScores:
    values: dict[str, float | None]
    spread: dict[str, float | None]


class CompiledEdition:
    """An edition flattened into parallel lists for fast, repeated scoring.

    Items are numbered in document order (``refs``); :meth:`score_values` and
    :meth:`consolidate_values` take plain lists aligned with that numbering.
    """

    def __init__(self, edition: Edition, unit_type: str | None = None):
        self.edition = edition
        scales = edition.scale_by_code()
        self.refs, self.items = [], []
        self.criterion_refs, self.category_refs = [], []
        criterion_of, category_of, w_over_max, weight = [], [], [], []
        allowed, na_allowed, mandatory = [], [], []
        for category in edition.categories:
            self.category_refs.append(category.ref)
            cat_index = len(self.category_refs) - 1
            for criterion in category.criteria:
                self.criterion_refs.append(criterion.ref)
                crit_index = len(self.criterion_refs) - 1
                for item in criterion.items:
                    if unit_type and item.applies_to and unit_type not in item.applies_to:
                        continue
                    index = len(self.refs)
                    scale = scales[item.scale or edition.default_scale]
                    self.refs.append(item.ref)
                    self.items.append(item)
                    criterion_of.append(crit_index)
                    category_of.append(cat_index)
                    weight.append(float(item.weight))
                    w_over_max.append(float(item.weight) / scale.max)
                    allowed.append(frozenset(scale.values))
                    na_allowed.append(item.na_allowed)
                    if item.mandatory:
                        mandatory.append((index, item.met_score, item.ref))
        self.index = {ref: i for i, ref in enumerate(self.refs)}
        self.allowed, self.na_allowed, self.mandatory = allowed, na_allowed, mandatory
        # One row per item for the hot loop: (weight, weight / scale max, criterion, category).
        self._rows = list(zip(weight, w_over_max, criterion_of, category_of, strict=True))
        cat_pos = {ref: i for i, ref in enumerate(self.category_refs)}
        crit_pos = {ref: i for i, ref in enumerate(self.criterion_refs)}
        self.levels = [
            (lv.code, lv.rule.all_mandatory, float(lv.rule.min_overall),
             [(ref, cat_pos[ref], float(v)) for ref, v in lv.rule.min_category],
             [(ref, crit_pos[ref], float(v)) for ref, v in lv.rule.min_criterion])
            for lv in edition.levels
        ]

    # -- validation -------------------------------------------------------------------

    def check_sheet(self, scores: Mapping[str, float | None], *, who: str = "",
                    require_mandatory: bool = True, exact: bool = True) -> list[str]:
        """Problems with one set of scores (``None`` = N/A), as readable sentences. Raw scores
        must be points of the scale (``exact``); team scores (a mean, or a median of an even
        count) need only lie between the scale's lowest and highest point."""
        prefix = f"{who}: " if who else ""
        problems = []
        for ref, value in scores.items():
            index = self.index.get(ref)
            if index is None:
                problems.append(f"{prefix}unknown item reference {ref!r}")
            elif value is None:
                if not self.na_allowed[index]:
                    problems.append(f"{prefix}item {ref}: N/A is not allowed")
            elif (value not in self.allowed[index] if exact else
                  not min(self.allowed[index]) <= value <= max(self.allowed[index])):
                points = ", ".join(str(v) for v in sorted(self.allowed[index]))
                problems.append(f"{prefix}item {ref}: score {value:g} is not on the scale "
                                f"({points})")
        if require_mandatory:
            for _, _, ref in self.mandatory:
                if ref not in scores:
                    problems.append(f"{prefix}mandatory item {ref} has no score")
        return problems

    def check_team(self, sheets: Mapping[str, Mapping[str, float | None]]) -> list[str]:
        """Items nobody scored that cannot count as N/A: left out, they would silently drop
        out of the denominator and raise the result."""
        scored = {ref for sheet in sheets.values() for ref in sheet}
        mandatory = {ref for _, _, ref in self.mandatory}
        return [f"item {ref} has no score, and N/A is not allowed for it"
                for index, ref in enumerate(self.refs)
                if ref not in scored and ref not in mandatory and not self.na_allowed[index]]

    # -- consolidation ----------------------------------------------------------------

    def consolidate_values(self, sheets: Sequence[Sequence[float | None]], strategy="median",
                           chair: Sequence[float | None] | None = None):
        """Team value and spread per item from aligned lists, one per assessor."""
        if strategy not in STRATEGIES:
            raise ScoringError([f"unknown strategy {strategy!r}"])
        if strategy == "chair" and chair is None:
            raise ScoringError(["the chair strategy needs the chair's scores"])
        values, spreads = [], []
        for column in zip(*sheets, strict=True):
            numbers = sorted(v for v in column if v is not None)
            n = len(numbers)
            if n == 0:
                values.append(None)
                spreads.append(None)
                continue
            spreads.append(numbers[-1] - numbers[0])
            if strategy == "median":
                half = n // 2
                values.append(numbers[half] if n % 2 else (numbers[half - 1] + numbers[half]) / 2)
            elif strategy == "mean":
                values.append(sum(numbers) / n)
        if strategy == "chair":
            values = list(chair)
        return values, spreads

    def median_flat(self, flat: Sequence[float | None], assessors: int) -> list[float | None]:
        """Median per item from one flat list ordered by item, then assessor — the hot path
        for scoring a whole round (same rule as :meth:`consolidate_values`)."""
        if assessors == 3 and None not in flat:
            out = []
            for i in range(0, len(flat), 3):
                a, b, c = flat[i], flat[i + 1], flat[i + 2]
                if a > b:
                    a, b = b, a
                out.append(a if c < a else (b if c > b else c))
            return out
        sheets = [flat[j::assessors] for j in range(assessors)]
        return self.consolidate_values(sheets, "median")[0]

    def consolidate(self, sheets: Mapping[str, Mapping[str, float | None]], strategy="median",
                    chair: str | None = None) -> TeamScores:
        """Team score per item from each assessor's ``{item ref: score}``; the chair's sheet
        is ``sheets[chair]``. An item nobody scored is left out."""
        scored = [ref for ref in self.refs if any(ref in s for s in sheets.values())]
        aligned = [[sheet.get(ref) for ref in scored] for sheet in sheets.values()]
        chair_values = None
        if strategy == "chair":
            if chair is None or chair not in sheets:
                raise ScoringError(["the chair strategy needs the chair's scores"])
            missing = [ref for ref in scored if ref not in sheets[chair]]
            if missing:
                raise ScoringError([f"the chair has no score for item {ref}" for ref in missing])
            chair_values = [sheets[chair][ref] for ref in scored]
        values, spreads = self.consolidate_values(aligned, strategy, chair_values)
        return TeamScores(dict(zip(scored, values, strict=True)),
                          dict(zip(scored, spreads, strict=True)))

    # -- scoring ----------------------------------------------------------------------

    def score_values(self, values: Sequence[float | None]) -> Result:
        """Score one application from a list aligned with ``refs`` (``None`` = N/A)."""
        n_crit, n_cat = len(self.criterion_refs), len(self.category_refs)
        crit_num, crit_den = [0.0] * n_crit, [0.0] * n_crit
        cat_num, cat_den = [0.0] * n_cat, [0.0] * n_cat
        for value, (w, wm, ki, ci) in zip(values, self._rows, strict=True):
            if value is None:
                continue
            part = value * wm
            crit_num[ki] += part
            crit_den[ki] += w
            cat_num[ci] += part
            cat_den[ci] += w
        num, den = sum(cat_num), sum(cat_den)
        overall = round_percent(100.0 * num / den) if den else None
        criteria = {ref: (round_percent(100.0 * crit_num[i] / crit_den[i]) if crit_den[i] else None)
                    for i, ref in enumerate(self.criterion_refs)}
        categories = {ref: (round_percent(100.0 * cat_num[i] / cat_den[i]) if cat_den[i] else None)
                      for i, ref in enumerate(self.category_refs)}
        assessed = [(ref, values[index] >= met) for index, met, ref in self.mandatory
                    if values[index] is not None]
        failed = [ref for ref, met in assessed if not met]
        level, explanation = self._level(overall, categories, criteria, failed, len(assessed))
        return Result(overall, categories, criteria, failed, level, explanation)

    def _level(self, overall, categories, criteria, failed, mandatory_assessed):
        reached, explanation = None, []
        overall_value = overall if overall is not None else 0.0
        for code, all_mandatory, min_overall, min_cat, min_crit in self.levels:
            reasons = []
            if all_mandatory and failed:
                # Counted in items: every assessed mandatory item is required, ``actual``
                # are met; ``failed_items`` names the others.
                reasons.append({"level": code, "rule": "all_mandatory",
                                "required": mandatory_assessed,
                                "actual": mandatory_assessed - len(failed),
                                "shortfall": len(failed), "failed_items": failed})
            if overall_value < min_overall:
                reasons.append(_shortfall(code, "min_overall", None, min_overall, overall))
            for ref, _, minimum in min_cat:
                actual = categories[ref]
                if actual is not None and actual < minimum:
                    reasons.append(_shortfall(code, "min_category", ref, minimum, actual))
            for ref, _, minimum in min_crit:
                actual = criteria[ref]
                if actual is not None and actual < minimum:
                    reasons.append(_shortfall(code, "min_criterion", ref, minimum, actual))
            if reasons:
                explanation.extend(reasons)
            else:
                reached = code
        # Levels above the one reached explain why; the ones below are history.
        if reached is not None:
            order = [lv[0] for lv in self.levels]
            above = set(order[order.index(reached) + 1:])
            explanation = [reason for reason in explanation if reason["level"] in above]
        return reached, explanation

    def score(self, scores: Mapping[str, float | None], *, team: bool = False) -> Result:
        """Score one application from ``{item ref: value or None}``; an item with no entry is
        treated as not assessed. ``team=True`` accepts consolidated values between scale
        points. Raises :class:`ScoringError` on invalid input."""
        problems = self.check_sheet(scores, require_mandatory=False, exact=not team)
        if problems:
            raise ScoringError(problems)
        return self.score_values([scores.get(ref) for ref in self.refs])


def _shortfall(level, rule, ref, required, actual):
    reason = {"level": level, "rule": rule}
    if ref is not None:
        reason["ref"] = ref
    reason.update({"required": required, "actual": actual,
                   "shortfall": round_percent(required - (actual or 0.0))})
    return reason


def compile_edition(edition: Edition, unit_type: str | None = None) -> CompiledEdition:
    """The compiled form of ``edition``, built once per (edition, unit type) and reused."""
    key = ("compiled", unit_type)
    compiled = edition._cache.get(key)
    if compiled is None:
        compiled = edition._cache[key] = CompiledEdition(edition, unit_type)
    return compiled


def score_application(edition: Edition, scores: Mapping[str, float | None],
                      unit_type: str | None = None, *, team: bool = False) -> Result:
    return compile_edition(edition, unit_type).score(scores, team=team)


def consolidate(edition: Edition, sheets: Mapping[str, Mapping[str, float | None]],
                strategy: str = "median", chair: str | None = None) -> TeamScores:
    return compile_edition(edition).consolidate(sheets, strategy, chair)
