"""Whether an edition's levels are nested, as the scheme's levels are cumulative.

A unit is judged at the highest level whose rule holds, so each level's rule should imply
the one below it; otherwise a unit can reach the top level while failing the middle one.
The validator cannot refuse such an edition outright (an official edition may do it on
purpose), so loading it is a deliberate choice: ``load_edition(..., accept_unnested=True)``
after the secretariat has read these warnings, which the edition's page shows too.

``nesting_warnings(levels)`` takes the levels as stored (``EditionVersion.levels``, or
``edition_to_dict(spec)["levels"]``) and compares each level with the one just below it
(implication is transitive, so neighbours are enough). A higher rule implies a lower one
when it asks at least as much on each count:

* ``mandatory``: the lower level requires every mandatory item met, the higher does not;
* ``min_overall``: the higher minimum is lower (the validator refuses it already; kept so
  that the check stands alone);
* ``min_category`` / ``min_criterion``: a category or criterion minimum of the lower level
  that the higher level leaves out or sets lower.

Each warning is an ``Issue`` (code ``level_not_nested``) at the higher level's path, so it
is shown like a validation problem (``interfaces.locations``).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .parse import CriteriaError, Issue

CODE = "level_not_nested"


class LevelsNotNested(CriteriaError):
    """Loading was refused only because the levels are not nested (``issues`` are the
    warnings); loading again with ``accept_unnested=True`` stores the edition."""


def _name(level) -> str:
    return level.get("name_th") or level.get("code", "")


def nesting_warnings(levels) -> list[Issue]:
    warnings = []
    for index in range(1, len(levels or [])):
        lower, higher = levels[index - 1], levels[index]
        low, high = lower.get("rule") or {}, higher.get("rule") or {}
        names = {"higher": _name(higher), "lower": _name(lower)}
        path = f"levels[{index}].rule"
        if low.get("all_mandatory", True) and not high.get("all_mandatory", True):
            warnings.append(Issue(f"{path}.all_mandatory", CODE, _(
                "%(higher)s does not require every mandatory item while %(lower)s does: a "
                "unit could reach %(higher)s with a mandatory item not met") % names))
        if float(high.get("min_overall", 0)) < float(low.get("min_overall", 0)):
            warnings.append(Issue(f"{path}.min_overall", CODE, _(
                "%(higher)s asks a lower overall score than %(lower)s") % names))
        for key, word in (("min_category", _("category")), ("min_criterion", _("criterion"))):
            high_minimums = high.get(key) or {}
            for ref, minimum in (low.get(key) or {}).items():
                asked = high_minimums.get(ref)
                if asked is None or float(asked) < float(minimum):
                    warnings.append(Issue(f"{path}.{key}.{ref}", CODE, _(
                        "%(higher)s asks %(asked)s for %(kind)s %(ref)s, less than the "
                        "%(minimum)s%% of %(lower)s: a unit could reach %(higher)s without "
                        "reaching %(lower)s") % {
                        **names, "kind": word, "ref": ref, "minimum": minimum,
                        "asked": (_("nothing") if asked is None else f"{asked}%")}))
    return warnings
