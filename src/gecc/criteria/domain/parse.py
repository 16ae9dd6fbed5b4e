"""Turn a criteria document (a dict read from YAML or Excel) into an :class:`Edition`.

Every problem is collected with the path where it was found, written the way the file
reads (``categories[2].criteria[0].items[3].weight``), and a short reason; the caller gets
all of them at once in :class:`CriteriaError`. :func:`edition_to_dict` is the inverse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .spec import (
    COLOURS,
    KINDS,
    STATUSES,
    Category,
    Criterion,
    Edition,
    Item,
    Level,
    LevelRule,
    Scale,
    ScalePoint,
    UnitType,
)

THAI = re.compile("[\u0e00-\u0e7f]")
REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")


@dataclass(frozen=True)
class Issue:
    path: str
    code: str
    message: str

    def __str__(self):
        return f"{self.path}: {self.message}"


class CriteriaError(Exception):
    """The document is not a valid criteria edition; ``issues`` says where and why."""

    def __init__(self, issues):
        self.issues = list(issues)
        super().__init__("\n".join(str(issue) for issue in self.issues))


MESSAGES = {
    "required": lambda: _("this field is required"),
    "not_mapping": lambda: _("must be a mapping of fields"),
    "not_list": lambda: _("must be a list"),
    "empty": lambda: _("must not be empty"),
    "unknown_field": lambda: _("unknown field"),
    "not_text": lambda: _("must be text"),
    "no_thai": lambda: _("must contain Thai text"),
    "bad_ref": lambda: _("must be a reference of letters, digits, dots, dashes or underscores"),
    "duplicate": lambda: _("is already used elsewhere in this edition"),
    "not_integer": lambda: _("must be a whole number"),
    "not_positive": lambda: _("must be greater than zero"),
    "negative": lambda: _("must not be negative"),
    "not_number": lambda: _("must be a number"),
    "not_percent": lambda: _("must be a percentage between 0 and 100"),
    "not_boolean": lambda: _("must be true or false"),
    "bad_choice": lambda: _("must be one of: %(choices)s"),
    "few_points": lambda: _("a scale needs at least two points"),
    "unknown_scale": lambda: _("refers to a scale that does not exist"),
    "unknown_category": lambda: _("refers to a category that does not exist"),
    "unknown_criterion": lambda: _("refers to a criterion that does not exist"),
    "unknown_unit_type": lambda: _("refers to a unit type that does not exist"),
    "met_required": lambda: _("a mandatory item needs the score that counts as met"),
    "off_scale": lambda: _("is not a point on the item's scale"),
    "bad_locale": lambda: _("must be a language code such as th or th-TH"),
    "level_order": lambda: _("levels must be ordered from lowest to highest: the minimum "
                             "overall percentage is lower than the previous level's"),
}


class _Collector:
    def __init__(self):
        self.issues = []

    def add(self, path, code, **params):
        message = MESSAGES[code]()
        if params:
            message = message % params
        self.issues.append(Issue(path, code, message))


def _join(path, key):
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


class _Reader:
    """Reads typed fields from one mapping, reporting problems under ``path``."""

    def __init__(self, errors, data, path, allowed):
        self.errors, self.path = errors, path
        self.ok = isinstance(data, dict)
        self.data = data if self.ok else {}
        if not self.ok:
            errors.add(path or "(document)", "not_mapping")
            return
        for key in data:
            if key not in allowed:
                errors.add(_join(path, key), "unknown_field")

    def p(self, key):
        return _join(self.path, key)

    def has(self, key):
        return self.data.get(key) not in (None, "")

    def text(self, key, required=False, thai=False):
        value = self.data.get(key)
        if value is None or value == "":
            if required or thai:
                self.errors.add(self.p(key), "required")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.errors.add(self.p(key), "not_text")
            return ""
        value = str(value).strip()
        if thai and not THAI.search(value):
            self.errors.add(self.p(key), "no_thai")
        return value

    def ref(self, key):
        value = self.text(key, required=True)
        if value and not REF.match(value):
            self.errors.add(self.p(key), "bad_ref")
        return value

    def integer(self, key, required=False, default=None):
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                self.errors.add(self.p(key), "required")
            return default
        if isinstance(value, bool):
            self.errors.add(self.p(key), "not_integer")
            return default
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
            value = int(value)
        if not isinstance(value, int):
            self.errors.add(self.p(key), "not_integer")
            return default
        return value

    def number(self, key, default=None, required=False):
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                self.errors.add(self.p(key), "required")
            return default
        return _to_decimal(self.errors, self.p(key), value, default)

    def boolean(self, key, default=False):
        value = self.data.get(key)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in {"true", "yes", "1"}:
            return True
        if isinstance(value, str) and value.strip().lower() in {"false", "no", "0"}:
            return False
        self.errors.add(self.p(key), "not_boolean")
        return default

    def choice(self, key, choices):
        value = self.text(key, required=True)
        if value and value not in choices:
            self.errors.add(self.p(key), "bad_choice", choices=", ".join(choices))
        return value

    def items(self, key, required=True):
        value = self.data.get(key)
        if value is None:
            if required:
                self.errors.add(self.p(key), "required")
            return []
        if not isinstance(value, list):
            self.errors.add(self.p(key), "not_list")
            return []
        if required and not value:
            self.errors.add(self.p(key), "empty")
        return value


def _to_decimal(errors, path, value, default=None):
    if isinstance(value, bool):
        errors.add(path, "not_number")
        return default
    try:
        result = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.add(path, "not_number")
        return default
    if not result.is_finite():
        errors.add(path, "not_number")
        return default
    return result


def _percent_map(errors, data, path, known, unknown_code):
    if data in (None, ""):
        return ()
    if not isinstance(data, dict):
        errors.add(path, "not_mapping")
        return ()
    result = []
    for ref, value in data.items():
        ref = str(ref)
        sub = _join(path, ref)
        if ref not in known:
            errors.add(sub, unknown_code)
        number = _to_decimal(errors, sub, value)
        if number is not None and not Decimal(0) <= number <= Decimal(100):
            errors.add(sub, "not_percent")
            continue
        if number is not None:
            result.append((ref, number))
    return tuple(result)


ROOT_FIELDS = {"edition", "unit_types", "scales", "default_scale", "levels", "categories"}
LOCALE = re.compile(r"[a-z]{2,3}(-[A-Z]{2})?")
META_FIELDS = {"standard", "label", "revision", "locale", "name_th", "name_en", "status"}
SCALE_FIELDS = {"code", "points"}
POINT_FIELDS = {"value", "label_th", "label_en"}
UNIT_TYPE_FIELDS = {"code", "name_th", "name_en"}
LEVEL_FIELDS = {"code", "name_th", "name_en", "colour", "rule"}
RULE_FIELDS = {"all_mandatory", "min_overall", "min_category", "min_criterion"}
CATEGORY_FIELDS = {"ref", "kind", "name_th", "name_en", "criteria"}
CRITERION_FIELDS = {"ref", "name_th", "name_en", "items"}
ITEM_FIELDS = {"ref", "text_th", "text_en", "guidance_th", "guidance_en", "evidence_th",
               "evidence_en", "mandatory", "met_score", "weight", "na_allowed", "evidence_required", "applies_to",
               "scale"}


def parse_edition(data) -> Edition:
    """Validate ``data`` and build the :class:`Edition`; raise :class:`CriteriaError`."""
    errors = _Collector()
    root = _Reader(errors, data, "", ROOT_FIELDS)
    if not root.ok:
        raise CriteriaError(errors.issues)

    meta = _Reader(errors, root.data.get("edition"), "edition", META_FIELDS)
    standard = meta.text("standard", required=True)
    label = meta.text("label", required=True)
    revision = meta.integer("revision", required=True, default=0)
    if revision is not None and revision <= 0 and meta.has("revision"):
        errors.add(meta.p("revision"), "not_positive")
    locale = meta.text("locale") or "th"
    if not LOCALE.fullmatch(locale):
        errors.add(meta.p("locale"), "bad_locale")
    name_th = meta.text("name_th", thai=True)
    name_en = meta.text("name_en", required=True)
    status = meta.choice("status", STATUSES)

    unit_types, unit_codes = [], set()
    for i, raw in enumerate(root.items("unit_types", required=False)):
        r = _Reader(errors, raw, f"unit_types[{i}]", UNIT_TYPE_FIELDS)
        code = r.ref("code")
        if code in unit_codes:
            errors.add(r.p("code"), "duplicate")
        unit_codes.add(code)
        unit_types.append(UnitType(code, r.text("name_th", thai=True), r.text("name_en")))

    scales = {}
    for i, raw in enumerate(root.items("scales")):
        r = _Reader(errors, raw, f"scales[{i}]", SCALE_FIELDS)
        code = r.ref("code")
        if code in scales:
            errors.add(r.p("code"), "duplicate")
        points, seen = [], set()
        raw_points = r.items("points")
        if r.ok and isinstance(raw_points, list) and len(raw_points) == 1:
            errors.add(r.p("points"), "few_points")
        for j, raw_point in enumerate(raw_points):
            pr = _Reader(errors, raw_point, f"{r.p('points')}[{j}]", POINT_FIELDS)
            value = pr.integer("value", required=True)
            if value is not None and value < 0:
                errors.add(pr.p("value"), "negative")
            elif value is not None and value in seen:
                errors.add(pr.p("value"), "duplicate")
            elif value is not None:
                seen.add(value)
                points.append(ScalePoint(value, pr.text("label_th", thai=True),
                                         pr.text("label_en")))
        if code and code not in scales:
            scales[code] = Scale(code, tuple(sorted(points, key=lambda p: p.value)))
        if len(seen) >= 2 and max(seen) == 0:
            errors.add(r.p("points"), "few_points")

    default_scale = root.text("default_scale", required=True)
    if default_scale and default_scale not in scales:
        errors.add("default_scale", "unknown_scale")

    # The tree first, so level rules can be checked against it.
    refs = set()

    def claim(reader, key="ref"):
        ref = reader.ref(key)
        if ref and ref in refs:
            errors.add(reader.p(key), "duplicate")
        refs.add(ref)
        return ref

    categories, criterion_refs, category_refs = [], set(), set()
    for ci, raw_cat in enumerate(root.items("categories")):
        cr = _Reader(errors, raw_cat, f"categories[{ci}]", CATEGORY_FIELDS)
        cat_ref = claim(cr)
        category_refs.add(cat_ref)
        kind = cr.choice("kind", KINDS)
        criteria = []
        for ki, raw_crit in enumerate(cr.items("criteria")):
            kr = _Reader(errors, raw_crit, f"{cr.p('criteria')}[{ki}]", CRITERION_FIELDS)
            crit_ref = claim(kr)
            criterion_refs.add(crit_ref)
            items = []
            for ii, raw_item in enumerate(kr.items("items")):
                items.append(_parse_item(errors, raw_item, f"{kr.p('items')}[{ii}]", claim,
                                         scales, default_scale, unit_codes))
            criteria.append(Criterion(crit_ref, kr.text("name_th", thai=True),
                                      kr.text("name_en"), tuple(items)))
        categories.append(Category(cat_ref, kind, cr.text("name_th", thai=True),
                                   cr.text("name_en"), tuple(criteria)))

    levels, level_codes, previous_min = [], set(), None
    for i, raw in enumerate(root.items("levels")):
        r = _Reader(errors, raw, f"levels[{i}]", LEVEL_FIELDS)
        code = r.ref("code")
        if code in level_codes:
            errors.add(r.p("code"), "duplicate")
        level_codes.add(code)
        rr = _Reader(errors, r.data.get("rule"), r.p("rule"), RULE_FIELDS)
        min_overall = rr.number("min_overall", default=Decimal(0), required=True)
        if min_overall is not None and not Decimal(0) <= min_overall <= Decimal(100):
            errors.add(rr.p("min_overall"), "not_percent")
        elif previous_min is not None and min_overall is not None and min_overall < previous_min:
            errors.add(rr.p("min_overall"), "level_order")
        previous_min = min_overall if min_overall is not None else previous_min
        rule = LevelRule(
            all_mandatory=rr.boolean("all_mandatory", default=True),
            min_overall=min_overall if min_overall is not None else Decimal(0),
            min_category=_percent_map(errors, rr.data.get("min_category"),
                                      rr.p("min_category"), category_refs, "unknown_category"),
            min_criterion=_percent_map(errors, rr.data.get("min_criterion"),
                                       rr.p("min_criterion"), criterion_refs,
                                       "unknown_criterion"),
        )
        levels.append(Level(code, r.text("name_th", thai=True), r.text("name_en"),
                            r.choice("colour", COLOURS), rule))

    if errors.issues:
        raise CriteriaError(errors.issues)
    return Edition(
        standard=standard, label=label, revision=revision, locale=locale, name_th=name_th,
        name_en=name_en, status=status, default_scale=default_scale,
        scales=tuple(scales.values()), levels=tuple(levels), categories=tuple(categories),
        unit_types=tuple(unit_types),
    )


def _parse_item(errors, raw, path, claim, scales, default_scale, unit_codes):
    r = _Reader(errors, raw, path, ITEM_FIELDS)
    ref = claim(r)
    scale_code = r.text("scale")
    if scale_code and scale_code not in scales:
        errors.add(r.p("scale"), "unknown_scale")
    scale = scales.get(scale_code or default_scale)
    weight = r.number("weight", default=Decimal(1))
    if weight is not None and weight <= 0:
        errors.add(r.p("weight"), "not_positive")
    mandatory = r.boolean("mandatory")
    met_score = r.integer("met_score")
    if mandatory and met_score is None and not r.has("met_score"):
        errors.add(r.p("met_score"), "met_required")
    if met_score is not None and scale is not None and met_score not in scale.values:
        errors.add(r.p("met_score"), "off_scale")
    applies_to = []
    raw_types = r.data.get("applies_to") or []
    if isinstance(raw_types, str):
        raw_types = [part.strip() for part in raw_types.split(",") if part.strip()]
    if not isinstance(raw_types, list):
        errors.add(r.p("applies_to"), "not_list")
        raw_types = []
    for j, code in enumerate(raw_types):
        code = str(code)
        if code not in unit_codes:
            errors.add(f"{r.p('applies_to')}[{j}]", "unknown_unit_type")
        applies_to.append(code)
    return Item(
        ref=ref, text_th=r.text("text_th", thai=True), text_en=r.text("text_en"),
        guidance_th=r.text("guidance_th"), guidance_en=r.text("guidance_en"),
        evidence_th=r.text("evidence_th"), evidence_en=r.text("evidence_en"),
        mandatory=mandatory, met_score=met_score,
        weight=weight if weight is not None else Decimal(1),
        na_allowed=r.boolean("na_allowed"),
        evidence_required=r.boolean("evidence_required"), applies_to=tuple(applies_to),
        scale=scale_code,
    )


def _num(value: Decimal):
    """A Decimal as the plainest YAML/JSON number: 1 not 1.0, 0.5 stays 0.5."""
    value = value.normalize()
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def edition_to_dict(edition: Edition) -> dict:
    """The canonical document for ``edition``; ``parse_edition`` of it gives it back."""

    def rule_dict(rule):
        out = {"all_mandatory": rule.all_mandatory, "min_overall": _num(rule.min_overall)}
        if rule.min_category:
            out["min_category"] = {ref: _num(v) for ref, v in rule.min_category}
        if rule.min_criterion:
            out["min_criterion"] = {ref: _num(v) for ref, v in rule.min_criterion}
        return out

    def item_dict(item):
        out = {"ref": item.ref, "text_th": item.text_th, "text_en": item.text_en}
        for key in ("guidance_th", "guidance_en", "evidence_th", "evidence_en"):
            if getattr(item, key):
                out[key] = getattr(item, key)
        out["mandatory"] = item.mandatory
        if item.met_score is not None:
            out["met_score"] = item.met_score
        out["weight"] = _num(item.weight)
        out["na_allowed"] = item.na_allowed
        if item.evidence_required:  # written only when set: older checksums stay the same
            out["evidence_required"] = True
        if item.applies_to:
            out["applies_to"] = list(item.applies_to)
        if item.scale:
            out["scale"] = item.scale
        return out

    document = {
        "edition": {
            "standard": edition.standard, "label": edition.label, "revision": edition.revision,
            "locale": edition.locale, "name_th": edition.name_th, "name_en": edition.name_en,
            "status": edition.status,
        },
    }
    if edition.unit_types:
        document["unit_types"] = [{"code": u.code, "name_th": u.name_th, "name_en": u.name_en}
                                  for u in edition.unit_types]
    document["scales"] = [
        {"code": s.code, "points": [{"value": p.value, "label_th": p.label_th,
                                     "label_en": p.label_en} for p in s.points]}
        for s in edition.scales
    ]
    document["default_scale"] = edition.default_scale
    document["levels"] = [
        {"code": lv.code, "name_th": lv.name_th, "name_en": lv.name_en, "colour": lv.colour,
         "rule": rule_dict(lv.rule)}
        for lv in edition.levels
    ]
    document["categories"] = [
        {"ref": c.ref, "kind": c.kind, "name_th": c.name_th, "name_en": c.name_en,
         "criteria": [{"ref": k.ref, "name_th": k.name_th, "name_en": k.name_en,
                       "items": [item_dict(i) for i in k.items]} for k in c.criteria]}
        for c in edition.categories
    ]
    return document
