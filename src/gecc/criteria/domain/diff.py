"""What changed between two versions of an edition (pure: works on :class:`Edition`)."""

from dataclasses import dataclass, field

from .parse import edition_to_dict


@dataclass
class VersionDiff:
    added: list = field(default_factory=list)  # item dicts only in the newer version
    removed: list = field(default_factory=list)  # item dicts only in the older version
    changed: list = field(default_factory=list)  # (ref, [(field, old, new), ...])
    rules_changed: list = field(default_factory=list)  # (level code, old rule, new rule)
    other_changed: list = field(default_factory=list)  # (path, old, new)

    @property
    def is_empty(self):
        return not (self.added or self.removed or self.changed or self.rules_changed
                    or self.other_changed)


def _items(document):
    out = {}
    for category in document["categories"]:
        for criterion in category["criteria"]:
            for item in criterion["items"]:
                out[item["ref"]] = {**item, "criterion": criterion["ref"]}
    return out


def _groups(document):
    out = {}
    for category in document["categories"]:
        out[category["ref"]] = {k: v for k, v in category.items() if k != "criteria"}
        for criterion in category["criteria"]:
            out[criterion["ref"]] = {**{k: v for k, v in criterion.items() if k != "items"},
                                     "category": category["ref"]}
    return out


def diff_editions(old, new) -> VersionDiff:
    a, b = edition_to_dict(old), edition_to_dict(new)
    diff = VersionDiff()
    old_items, new_items = _items(a), _items(b)
    diff.added = [item for ref, item in new_items.items() if ref not in old_items]
    diff.removed = [item for ref, item in old_items.items() if ref not in new_items]
    for ref, item in new_items.items():
        before = old_items.get(ref)
        if before is None:
            continue
        fields = [(key, before.get(key), item.get(key))
                  for key in sorted(set(before) | set(item)) if before.get(key) != item.get(key)]
        if fields:
            diff.changed.append((ref, fields))
    old_levels = {lv["code"]: lv for lv in a["levels"]}
    new_levels = {lv["code"]: lv for lv in b["levels"]}
    for code in list(old_levels) + [c for c in new_levels if c not in old_levels]:
        before, after = old_levels.get(code), new_levels.get(code)
        if (before or {}).get("rule") != (after or {}).get("rule"):
            diff.rules_changed.append((code, (before or {}).get("rule"),
                                       (after or {}).get("rule")))
    old_groups, new_groups = _groups(a), _groups(b)
    for ref in list(old_groups) + [r for r in new_groups if r not in old_groups]:
        if old_groups.get(ref) != new_groups.get(ref):
            diff.other_changed.append((ref, old_groups.get(ref), new_groups.get(ref)))
    for key in ("scales", "default_scale", "unit_types"):
        if a.get(key) != b.get(key):
            diff.other_changed.append((key, a.get(key), b.get(key)))
    return diff
