"""The URL-walk expectations (``tests/test_url_walk.py``) of the decisions and certificates apps and the public registry's pages, one
module per part (``part_*.py``, each with an ``EXPECTED`` dict in the walk's format: a url
name[@target] → outcomes for (anonymous, secretariat, assessor, conflicted, coordinator,
steering), written with the strings "OK", "REDIRECT", "LOGIN", "DENIED", "HIDDEN",
"POST_ONLY")."""

import importlib
import pkgutil


def decisions_expectations() -> dict:
    merged = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("part_"):
            merged.update(importlib.import_module(f"{__name__}.{info.name}").EXPECTED)
    return merged
