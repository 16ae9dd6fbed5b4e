#!/usr/bin/env python
"""Compile every Thai catalogue (``django.po`` → ``django.mo``) under ``src/gecc`` with polib.

``make messages`` uses Django's ``compilemessages`` (GNU gettext's ``msgfmt``) when it is
installed, and this script on a machine without gettext, so ``make demo`` needs no system
package beyond Python.
"""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent / "src" / "gecc"


def main():
    catalogues = sorted(ROOT.glob("**/locale/*/LC_MESSAGES/django.po"))
    for po_path in catalogues:
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
    print(f"compiled {len(catalogues)} catalogues")
    return 0 if catalogues else 1


if __name__ == "__main__":
    sys.exit(main())
