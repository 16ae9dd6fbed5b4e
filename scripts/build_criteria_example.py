#!/usr/bin/env python
"""Write docs/criteria-example.xlsx: the small example edition of docs/criteria-format.md
(docs/criteria-example.yaml) as a workbook, by the project's own writer
(gecc.criteria.interfaces.excel.write_workbook), so the documented sheets and columns are
exactly what an export gives and an upload reads. tests/criteria/test_format_docs.py fails
when the checked-in workbook and this output differ; run this script, then commit both.

Usage: .venv/bin/python scripts/build_criteria_example.py
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gecc.settings")
os.environ.setdefault("DEBUG", "1")


def main():
    import django

    django.setup()
    from gecc.criteria.domain.parse import parse_edition
    from gecc.criteria.interfaces.excel import write_workbook
    from gecc.criteria.interfaces.files import read_criteria_file

    source = ROOT / "docs" / "criteria-example.yaml"
    target = source.with_suffix(".xlsx")
    target.write_bytes(write_workbook(parse_edition(read_criteria_file(source))))
    print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
