"""Where a problem in a criteria file is, in words a person can follow.

The parser reports each problem at a machine path written the way the document reads
(``categories[0].criteria[0].items[2].met_score``); the command line keeps printing it.
On screen ``describe_issues`` turns it into

* for a YAML file, the nodes by their references and the field by its name:
  "หมวด P › เกณฑ์ P1 › ข้อ P1.1 › คะแนนที่ถือว่าผ่าน (met_score)";
* for an XLSX workbook, the sheet, row and column to open:
  "แผ่นงาน tree แถว 5, คอลัมน์ met_score", using the row of each node that
  ``read_workbook(..., rows=...)`` noted while it read the sheets.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from gecc.criteria.interfaces.labels import field_label, field_label_with_key

_TOKEN = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")
_YAML_MARK = re.compile(r"^line (\d+), column (\d+)$")
_SHEET_ROW = re.compile(r"^(\w+) row (\d+)\.(\w+)$")
_SHEET = re.compile(r"^sheet (\w+)$")
# The ``min_category``/``min_criterion`` maps are keyed by references, which may hold dots.
_REF_MAPS = ("min_category", "min_criterion")
SEPARATOR = " › "

# The workbook columns that hold a document field under another name.
WORKBOOK_COLUMNS = {
    "tree": {"name_th": "text_th", "name_en": "text_en", "kind": "category_kind"},
    "scales": {"code": "scale"},
}

# Messages of the workbook reader (which writes English for the command line), by code.
WORKBOOK_MESSAGES = {
    "missing_sheet": lambda: _("the sheet is missing"),
    "unknown_parent": lambda: _("the parent is not a node of the right kind above this row"),
    "bad_kind": lambda: _("must be one of: category, criterion, item"),
    "bad_workbook": lambda: _("the file is not a readable XLSX workbook"),
    "yaml": lambda: _("the file is not valid YAML"),
}

# Codes whose English message ends with the library's own detail, kept after the words.
DETAILED = {"bad_workbook", "yaml"}


@dataclass(frozen=True)
class LocatedIssue:
    path: str  # the machine path, as the parser wrote it
    code: str
    where: str  # the place in words
    message: str

    def __str__(self):
        return f"{self.where}: {self.message}"


def tokens(path):
    """``categories[0].criteria[1].met_score`` → ``["categories", 0, "criteria", 1,
    "met_score"]``; the key after ``min_category``/``min_criterion`` is kept whole."""
    out = []
    for index, key in _TOKEN.findall(path):
        if index:
            out.append(int(index))
        elif out and out[-1] in _REF_MAPS:
            out.append(path.split(f"{out[-1]}.", 1)[1])
            break
        else:
            out.append(key)
    return out


def _at(data, key):
    if isinstance(data, dict) and isinstance(key, str):
        return data.get(key)
    if isinstance(data, list) and isinstance(key, int) and 0 <= key < len(data):
        return data[key]
    return None


def _named(kind, node, index):
    """"หมวด P", or "หมวดที่ 2" when the node has no reference."""
    ref = None
    if isinstance(node, dict):
        ref = node.get("ref") if kind in ("category", "criterion", "item") else node.get("code")
        if kind == "point":
            ref = node.get("value")
    if ref not in (None, ""):
        return {
            "category": _("Category %(ref)s"), "criterion": _("Criterion %(ref)s"),
            "item": _("Item %(ref)s"), "level": _("Level %(ref)s"),
            "scale": _("Scale %(ref)s"), "point": _("Point %(ref)s"),
            "unit_type": _("Unit type %(ref)s"),
        }[kind] % {"ref": ref}
    return {
        "category": _("Category no. %(number)s"), "criterion": _("Criterion no. %(number)s"),
        "item": _("Item no. %(number)s"), "level": _("Level no. %(number)s"),
        "scale": _("Scale no. %(number)s"), "point": _("Point no. %(number)s"),
        "unit_type": _("Unit type no. %(number)s"),
    }[kind] % {"number": index + 1}


LIST_KINDS = {"categories": "category", "criteria": "criterion", "items": "item",
              "levels": "level", "scales": "scale", "points": "point",
              "unit_types": "unit_type"}


def document_location(path, document) -> str:
    """The place of ``path`` in a YAML document, in words (see the module docstring)."""
    parts, node = [], document
    steps = tokens(path)
    i = 0
    while i < len(steps):
        step = steps[i]
        following = steps[i + 1] if i + 1 < len(steps) else None
        if isinstance(step, str) and step in LIST_KINDS and isinstance(following, int):
            node = _at(_at(node, step), following)
            parts.append(_named(LIST_KINDS[step], node, following))
            i += 2
            continue
        if step == "edition" and following is not None:
            parts.append(field_label("edition").capitalize())
        elif step == "rule":
            pass  # "ระดับ basic › คะแนนรวมขั้นต่ำ (min_overall)" reads well without it
        elif isinstance(step, int):
            parts.append(_("no. %(number)s") % {"number": step + 1})
        elif i > 0 and steps[i - 1] in _REF_MAPS:
            parts.append(step)
        else:
            parts.append(field_label_with_key(step))
        node = _at(node, step)
        i += 1
    return SEPARATOR.join(parts) or _("the whole file")


def workbook_location(path, rows) -> str | None:
    """The sheet, row and column of ``path`` in a workbook, from the rows noted while it was
    read (``{path prefix: (sheet, row)}``); None when the path is not in a noted row."""
    steps = tokens(path)
    for end in range(len(steps), 0, -1):
        prefix = _join(steps[:end])
        if prefix in rows:
            sheet, row = rows[prefix]
            rest = [s for s in steps[end:] if s != "rule"]
            column = rest[0] if rest and isinstance(rest[0], str) else ""
            column = WORKBOOK_COLUMNS.get(sheet, {}).get(column, column)
            if sheet == "edition":
                column = "value"
            if column:
                return _("Sheet %(sheet)s, row %(row)s, column %(column)s") % {
                    "sheet": sheet, "row": row, "column": column}
            return _("Sheet %(sheet)s, row %(row)s") % {"sheet": sheet, "row": row}
    return None


def _join(steps):
    out = ""
    for step in steps:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


def special_location(path) -> str | None:
    """Places the readers write themselves: a YAML line, a workbook row or sheet, the file."""
    if path in ("(document)", "(workbook)", "(file)", ""):
        return _("the whole file")
    if match := _YAML_MARK.match(path):
        return _("line %(line)s, column %(column)s") % {"line": match[1], "column": match[2]}
    if match := _SHEET_ROW.match(path):
        return _("Sheet %(sheet)s, row %(row)s, column %(column)s") % {
            "sheet": match[1], "row": match[2], "column": match[3]}
    if match := _SHEET.match(path):
        return _("Sheet %(sheet)s") % {"sheet": match[1]}
    return None


def describe_issue(issue, document=None, rows=None) -> LocatedIssue:
    where = special_location(issue.path)
    if where is None and rows:
        where = workbook_location(issue.path, rows)
    if where is None:
        where = document_location(issue.path, document)
    message = str(issue.message)
    if issue.code in WORKBOOK_MESSAGES:
        # The reader's English words, with the library's detail (if any) after them.
        detail = message.split(": ", 1)[1] if issue.code in DETAILED and ": " in message \
            else ""
        message = WORKBOOK_MESSAGES[issue.code]() + (f" ({detail})" if detail else "")
    return LocatedIssue(issue.path, issue.code, where, message)


def describe_issues(issues, document=None, rows=None) -> list[LocatedIssue]:
    """Each issue with its place in words: the workbook's sheet/row/column when ``rows`` (from
    ``read_workbook(..., rows=rows)``) has it, else the document's nodes by reference."""
    return [describe_issue(issue, document, rows) for issue in issues]
