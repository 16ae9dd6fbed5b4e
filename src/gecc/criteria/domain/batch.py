"""The scoring engine for a whole round at once: the rules of :mod:`.scoring` on numpy arrays.

Scores are a float array ``(applications, items, assessors)`` with items numbered as in
``CompiledEdition.refs`` and ``NaN`` for N/A (or a missing answer). Every number is the one
the scalar engine gives, bit for bit: the same N/A and consolidation rules, the same order of
floating-point operations, the same half-up rounding to two decimals and the same level
rules. Only the explanation is not built here; :meth:`BatchResult.result` produces it for
one application with the scalar engine.

    compiled = compile_edition(edition)
    batch = score_batch(compiled, scores, "median")
    batch.overall            # percent per application, NaN = nothing assessed
    batch.level_code(12)     # "advanced" or None
    batch.result(12)         # the full scoring.Result, with explanation
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .scoring import STRATEGIES, CompiledEdition, Result, ScoringError


def round_percents(values: np.ndarray) -> np.ndarray:
    """:func:`.scoring.round_percent` for an array (``NaN`` stays ``NaN``)."""
    return np.trunc(values * 100.0 + 0.5 + 1e-7) / 100.0


def consolidate_batch(scores, strategy: str = "median", chair: int | None = None):
    """Team value and spread per (application, item) from ``scores[application, item,
    assessor]`` (``NaN`` = N/A), as :meth:`CompiledEdition.consolidate_values` does it:
    N/A answers are set aside, the value is N/A only when every assessor said N/A, a median
    of an even count is the mean of the two middle values, ``chair`` is the index of the
    chair's column for the ``chair`` strategy. Spread = max − min of the numeric answers."""
    if strategy not in STRATEGIES:
        raise ScoringError([f"unknown strategy {strategy!r}"])
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim != 3:
        raise ScoringError(["scores must be an array of (applications, items, assessors)"])
    if strategy == "chair" and (chair is None or not 0 <= chair < scores.shape[2]):
        raise ScoringError(["the chair strategy needs the chair's scores"])
    numeric = ~np.isnan(scores)
    count = numeric.sum(axis=2)
    none = count == 0
    if scores.shape[2] == 3 and strategy != "mean" and numeric.all():
        # The common case, without a sort: three numbers, no N/A.
        a, b, c = scores[:, :, 0], scores[:, :, 1], scores[:, :, 2]
        low, high = np.minimum(a, b), np.maximum(a, b)
        spread = np.maximum(high, c) - np.minimum(low, c)
        if strategy == "chair":
            return scores[:, :, chair].copy(), spread
        return np.maximum(low, np.minimum(high, c)), spread
    ordered = np.sort(scores, axis=2)  # N/A (NaN) sorts last
    last = np.maximum(count - 1, 0)[:, :, None]
    spread = np.take_along_axis(ordered, last, axis=2)[:, :, 0] - ordered[:, :, 0]
    spread[none] = np.nan
    if strategy == "chair":
        return scores[:, :, chair].copy(), spread
    if strategy == "mean":
        total = np.zeros(count.shape)
        for j in range(ordered.shape[2]):  # in sorted order, as sum(sorted(...)) adds them
            column = ordered[:, :, j]
            total += np.where(np.isnan(column), 0.0, column)
        with np.errstate(invalid="ignore", divide="ignore"):
            values = total / count
    else:
        half = (count // 2)[:, :, None]
        upper = np.take_along_axis(ordered, half, axis=2)[:, :, 0]
        lower = np.take_along_axis(ordered, np.maximum(half - 1, 0), axis=2)[:, :, 0]
        values = np.where(count % 2 == 1, upper, (lower + upper) / 2)
    values[none] = np.nan
    return values, spread


@dataclass
class BatchResult:
    """Scores of many applications; row ``i`` of every array is application ``i``.

    ``categories`` and ``criteria`` have one column per ``compiled.category_refs`` /
    ``criterion_refs``; ``mandatory_failed`` one per ``compiled.mandatory``; ``level`` is an
    index into ``compiled.levels`` (-1 = no level). Percentages are ``NaN`` where the scalar
    engine gives ``None``.
    """

    compiled: CompiledEdition
    values: np.ndarray
    overall: np.ndarray
    categories: np.ndarray
    criteria: np.ndarray
    mandatory_failed: np.ndarray
    level: np.ndarray

    def __len__(self) -> int:
        return len(self.overall)

    @property
    def level_codes(self) -> list[str]:
        return [lv[0] for lv in self.compiled.levels]

    def level_code(self, i: int) -> str | None:
        index = int(self.level[i])
        return self.level_codes[index] if index >= 0 else None

    def failed_refs(self, i: int) -> list[str]:
        return [ref for (_, _, ref), failed in zip(self.compiled.mandatory,
                                                   self.mandatory_failed[i], strict=True)
                if failed]

    def summary(self, i: int) -> dict:
        """Application ``i``'s numbers as :meth:`Result.as_dict` gives them (``None`` for no
        percentage), without the explanation."""
        c = self.compiled
        return {
            "overall_percent": _number(self.overall[i]),
            "categories": {ref: _number(v) for ref, v in zip(c.category_refs,
                                                              self.categories[i], strict=True)},
            "criteria": {ref: _number(v) for ref, v in zip(c.criterion_refs, self.criteria[i],
                                                            strict=True)},
            "mandatory_failed": self.failed_refs(i),
            "level": self.level_code(i),
        }

    def value_list(self, i: int) -> list[float | None]:
        """Application ``i``'s team values as the scalar engine takes them."""
        return [_number(v) for v in self.values[i]]

    def result(self, i: int) -> Result:
        """The full result of application ``i`` (with explanation), from the scalar engine."""
        return self.compiled.score_values(self.value_list(i))


def score_values_batch(compiled: CompiledEdition, values) -> BatchResult:
    """Score team values ``values[application, item]`` (``NaN`` = N/A), as
    :meth:`CompiledEdition.score_values` scores each row."""
    values = np.asarray(values, dtype=np.float64)
    n_items = len(compiled.refs)
    if values.ndim != 2 or values.shape[1] != n_items:
        raise ScoringError([f"values must be an array of (applications, {n_items} items)"])
    n_apps = values.shape[0]
    n_crit, n_cat = len(compiled.criterion_refs), len(compiled.category_refs)
    crit_num, crit_den = np.zeros((n_crit, n_apps)), np.zeros((n_crit, n_apps))
    cat_num, cat_den = np.zeros((n_cat, n_apps)), np.zeros((n_cat, n_apps))
    assessed = ~np.isnan(values)
    # Item by item, in the scalar engine's order, so every sum is the same double.
    for index, (w, wm, ki, ci) in enumerate(compiled._rows):
        column, ok = values[:, index], assessed[:, index]
        part = np.where(ok, column * wm, 0.0)
        weight = np.where(ok, w, 0.0)
        crit_num[ki] += part
        crit_den[ki] += weight
        cat_num[ci] += part
        cat_den[ci] += weight
    num, den = np.zeros(n_apps), np.zeros(n_apps)
    for ci in range(n_cat):
        num += cat_num[ci]
        den += cat_den[ci]
    overall = _percent(num, den)
    criteria = _percent(crit_num, crit_den).T.copy()
    categories = _percent(cat_num, cat_den).T.copy()
    failed = np.zeros((n_apps, len(compiled.mandatory)), dtype=bool)
    for k, (index, met, _) in enumerate(compiled.mandatory):
        if met is not None:
            failed[:, k] = assessed[:, index] & (values[:, index] < met)
    any_failed = failed.any(axis=1)
    overall_value = np.where(np.isnan(overall), 0.0, overall)
    level = np.full(n_apps, -1, dtype=np.int64)
    for k, (_, all_mandatory, min_overall, min_cat, min_crit) in enumerate(compiled.levels):
        short = overall_value < min_overall
        if all_mandatory:
            short |= any_failed
        for _, pos, minimum in min_cat:
            short |= categories[:, pos] < minimum  # NaN (no percentage) is never short
        for _, pos, minimum in min_crit:
            short |= criteria[:, pos] < minimum
        level[~short] = k
    return BatchResult(compiled, values, overall, categories, criteria, failed, level)


def score_batch(compiled: CompiledEdition, scores, strategy: str = "median",
                chair: int | None = None) -> BatchResult:
    """Consolidate ``scores[application, item, assessor]`` (``NaN`` = N/A) per item with
    ``strategy`` and score every application."""
    values, _ = consolidate_batch(scores, strategy, chair)
    return score_values_batch(compiled, values)


def _percent(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        out = round_percents(100.0 * num / den)
    out[den == 0] = np.nan
    return out


def _number(value) -> float | None:
    return None if np.isnan(value) else float(value)
