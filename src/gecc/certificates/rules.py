"""The certificates app's permissions (django-rules), one module per part (``rules_<part>.py``);
importing this module (django-rules autodiscovers ``rules.py``) registers them all."""

import importlib

PARTS = ("issue", "lifecycle")

for _part in PARTS:
    try:
        importlib.import_module(f"gecc.certificates.rules_{_part}")
    except ModuleNotFoundError as error:
        if error.name != f"gecc.certificates.rules_{_part}":
            raise
