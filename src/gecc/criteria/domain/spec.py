"""Plain, immutable description of one criteria edition version.

Built from a YAML/Excel document (:mod:`gecc.criteria.domain.parse`) or from the database
(:func:`gecc.criteria.domain.editions.spec_from_version`); the scoring engine only ever
sees these dataclasses, never a model or a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

STATUSES = ("example", "official")
KINDS = ("physical", "quality", "outcome")
COLOURS = ("blue", "silver", "gold")


@dataclass(frozen=True)
class ScalePoint:
    value: int
    label_th: str
    label_en: str = ""


@dataclass(frozen=True)
class Scale:
    code: str
    points: tuple[ScalePoint, ...]

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(p.value for p in self.points)

    @property
    def max(self) -> int:
        return max(self.values)


@dataclass(frozen=True)
class UnitType:
    code: str
    name_th: str
    name_en: str = ""


@dataclass(frozen=True)
class LevelRule:
    all_mandatory: bool = True
    min_overall: Decimal = Decimal("0")
    min_category: tuple[tuple[str, Decimal], ...] = ()
    min_criterion: tuple[tuple[str, Decimal], ...] = ()


@dataclass(frozen=True)
class Level:
    code: str
    name_th: str
    name_en: str
    colour: str
    rule: LevelRule


@dataclass(frozen=True)
class Item:
    ref: str
    text_th: str
    text_en: str = ""
    guidance_th: str = ""
    guidance_en: str = ""
    evidence_th: str = ""
    evidence_en: str = ""
    mandatory: bool = False
    met_score: int | None = None
    weight: Decimal = Decimal("1")
    na_allowed: bool = False
    evidence_required: bool = False  # a current evidence file is needed to submit
    applies_to: tuple[str, ...] = ()  # unit type codes; empty = every type
    scale: str = ""  # scale code; empty = the edition's default scale


@dataclass(frozen=True)
class Criterion:
    ref: str
    name_th: str
    name_en: str = ""
    items: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Category:
    ref: str
    kind: str
    name_th: str
    name_en: str = ""
    criteria: tuple[Criterion, ...] = ()


@dataclass(frozen=True)
class Edition:
    standard: str
    label: str
    revision: int
    locale: str
    name_th: str
    name_en: str
    status: str
    default_scale: str
    scales: tuple[Scale, ...]
    levels: tuple[Level, ...]
    categories: tuple[Category, ...]
    unit_types: tuple[UnitType, ...] = ()
    _cache: dict = field(default_factory=dict, compare=False, repr=False, hash=False)

    @property
    def is_example(self) -> bool:
        return self.status == "example"

    def scale_by_code(self) -> dict[str, Scale]:
        return {scale.code: scale for scale in self.scales}

    def scale_for(self, item: Item) -> Scale:
        return self.scale_by_code()[item.scale or self.default_scale]

    def iter_items(self):
        """Yield ``(category, criterion, item)`` in document order."""
        for category in self.categories:
            for criterion in category.criteria:
                for item in criterion.items:
                    yield category, criterion, item

    def items_by_ref(self) -> dict[str, Item]:
        return {item.ref: item for _, _, item in self.iter_items()}
