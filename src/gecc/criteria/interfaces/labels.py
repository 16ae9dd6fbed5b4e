"""Human words for criteria data on screen, in the interface language: the name of each
field of a criteria file (``met_score`` → "score that counts as met"), a field's value
(``True`` → "yes"), a level's name, and the rows of the version comparison page.

The files keep their stable English keys; these labels are only what people read. A key
without a label is shown as it is, so a new field is never hidden, only less friendly.
"""

from django.utils.translation import get_language, gettext_lazy, pgettext
from django.utils.translation import gettext as _

from gecc.criteria.enums import CategoryKind, LevelColour

FIELD_LABELS = {
    # edition
    "edition": gettext_lazy("edition details"),
    "standard": gettext_lazy("standard"),
    "label": gettext_lazy("edition label"),
    "revision": gettext_lazy("revision"),
    "locale": gettext_lazy("language"),
    "status": gettext_lazy("status"),
    "default_scale": gettext_lazy("default rating scale"),
    # lists
    "unit_types": gettext_lazy("unit types"),
    "scales": gettext_lazy("rating scales"),
    "points": gettext_lazy("points of the scale"),
    "levels": gettext_lazy("levels"),
    "categories": gettext_lazy("categories"),
    "criteria": gettext_lazy("criteria"),
    "items": gettext_lazy("items"),
    # common fields
    "code": gettext_lazy("code"),
    "ref": gettext_lazy("reference"),
    "name_th": gettext_lazy("name in Thai"),
    "name_en": gettext_lazy("name in English"),
    "kind": gettext_lazy("kind"),
    "category_kind": gettext_lazy("kind of category"),
    "parent": gettext_lazy("parent"),
    "value": gettext_lazy("value"),
    "label_th": gettext_lazy("label in Thai"),
    "label_en": gettext_lazy("label in English"),
    "colour": gettext_lazy("colour"),
    # items
    "text_th": gettext_lazy("text in Thai"),
    "text_en": gettext_lazy("text in English"),
    "guidance_th": gettext_lazy("guidance in Thai"),
    "guidance_en": gettext_lazy("guidance in English"),
    "evidence_th": gettext_lazy("evidence expected, in Thai"),
    "evidence_en": gettext_lazy("evidence expected, in English"),
    "mandatory": gettext_lazy("mandatory"),
    "met_score": gettext_lazy("score that counts as met"),
    "weight": gettext_lazy("weight"),
    "na_allowed": gettext_lazy("may be answered “not applicable”"),
    "evidence_required": gettext_lazy("evidence file required"),
    "applies_to": gettext_lazy("unit types it applies to"),
    "scale": gettext_lazy("rating scale"),
    "criterion": gettext_lazy("criterion"),
    "category": gettext_lazy("category"),
    # level rules
    "rule": gettext_lazy("rule"),
    "all_mandatory": gettext_lazy("every mandatory item met"),
    "min_overall": gettext_lazy("minimum overall percentage"),
    "min_category": gettext_lazy("minimum percentage per category"),
    "min_criterion": gettext_lazy("minimum percentage per criterion"),
}

PERCENT_FIELDS = {"min_overall"}
CHOICE_LABELS = {"kind": dict(CategoryKind.choices), "category_kind": dict(CategoryKind.choices),
                 "colour": dict(LevelColour.choices)}


def english() -> bool:
    return (get_language() or "").startswith("en")


def field_label(key) -> str:
    """The field's name in words ("score that counts as met"), or the key itself."""
    return str(FIELD_LABELS.get(key, key))


def field_label_with_key(key) -> str:
    """The field's name in words with the file's key after it, for someone fixing the file:
    "score that counts as met (met_score)"."""
    label = field_label(key)
    return label if label == key else f"{label} ({key})"


def display_value(key, value) -> str:
    """A field's value in words: yes/no, a percentage, a list, a rule; "—" for nothing."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return pgettext("boolean value", "yes") if value else pgettext("boolean value", "no")
    if isinstance(value, dict):
        if key in ("min_category", "min_criterion"):
            return ", ".join(f"{ref} {display_value('min_overall', v)}"
                             for ref, v in value.items())
        return "; ".join(f"{field_label(k)}: {display_value(k, v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(display_value(key, v) for v in value)
    if key in PERCENT_FIELDS:
        return f"{value}%"
    if key in CHOICE_LABELS and value in CHOICE_LABELS[key]:
        return str(CHOICE_LABELS[key][value])
    return str(value)


def localized(data, base="name") -> str:
    """``<base>_en`` in the English interface when there is one, else ``<base>_th``; works on
    a dict (a stored level) or an object (a spec dataclass, a node)."""
    def get(key):
        return (data.get(key) if isinstance(data, dict) else getattr(data, key, "")) or ""
    return (english() and get(f"{base}_en")) or get(f"{base}_th")


def level_display_name(level) -> str:
    """A level's name in the interface language (the Thai one when there is no English one),
    or its code."""
    code = level.get("code") if isinstance(level, dict) else getattr(level, "code", "")
    return localized(level) or code or ""


def rule_lines(rule) -> list[str]:
    """A level rule as lines of words ("minimum overall percentage: 60%")."""
    if not rule:
        return ["—"]
    return [f"{field_label(key)}: {display_value(key, value)}" for key, value in rule.items()]


def diff_rows(diff, old_levels=(), new_levels=()):
    """What the version comparison page shows, in words: ``added``/``removed`` items
    ``(ref, text)``, ``changed`` rows
    ``(ref, field label, before, after)``, ``rules`` rows ``(level name, before lines,
    after lines)`` and ``other`` rows ``(what, changed field labels)``."""
    changed = [(ref, field_label(name), display_value(name, before),
                display_value(name, after))
               for ref, fields in diff.changed for name, before, after in fields]
    names = {level["code"]: level_display_name(level)
             for level in [*old_levels, *new_levels] if isinstance(level, dict)}
    rules = [(names.get(code, code), rule_lines(before), rule_lines(after))
             for code, before, after in diff.rules_changed]
    other = []
    for path, before, after in diff.other_changed:
        if isinstance(before, dict) or isinstance(after, dict):
            before, after = before or {}, after or {}
            what = (_("Criterion %(ref)s") if "category" in (after or before)
                    else _("Category %(ref)s")) % {"ref": path}
            keys = [k for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)]
            if not before:
                keys = [_("added")]
            elif not after:
                keys = [_("removed")]
            other.append((what, [field_label(k) for k in keys]))
        else:
            other.append((field_label(path), []))
    added = [(item["ref"], localized(item, "text")) for item in diff.added]
    removed = [(item["ref"], localized(item, "text")) for item in diff.removed]
    return {"added": added, "removed": removed, "changed": changed, "rules": rules,
            "other": other}
