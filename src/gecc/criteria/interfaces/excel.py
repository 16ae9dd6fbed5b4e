"""Excel authoring: an edition as a workbook with one row per node, and back.

Sheets: ``edition`` (field/value pairs), ``unit_types``, ``scales`` (one row per scale
point), ``levels`` (one row per level; per-node minimums written ``P=50; Q=60``) and
``tree`` (one row per category, criterion and item, in order; ``parent`` names the
enclosing node). Reading builds the same document as the YAML format and runs the same
validation, so errors carry the same paths.
"""

import zipfile
from io import BytesIO

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from gecc.common.files import ArchiveTooLarge, check_zip_unpacked_size
from gecc.criteria.domain.parse import CriteriaError, Issue, edition_to_dict

META_KEYS = ("standard", "label", "revision", "locale", "name_th", "name_en", "status",
             "default_scale")
UNIT_TYPE_COLUMNS = ("code", "name_th", "name_en")
SCALE_COLUMNS = ("scale", "value", "label_th", "label_en")
LEVEL_COLUMNS = ("code", "name_th", "name_en", "colour", "all_mandatory", "min_overall",
                 "min_category", "min_criterion")
TREE_COLUMNS = ("kind", "ref", "parent", "category_kind", "text_th", "text_en", "guidance_th",
                "guidance_en", "evidence_th", "evidence_en", "mandatory", "met_score",
                "weight", "na_allowed", "applies_to", "scale", "evidence_required")


def _sheet(workbook, title, columns, rows):
    sheet = workbook.create_sheet(title)
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row.get(column) for column in columns])
    sheet.freeze_panes = "A2"
    return sheet


def _minimums(mapping):
    return "; ".join(f"{ref}={value}" for ref, value in (mapping or {}).items()) or None


def write_workbook(edition) -> bytes:
    document = edition_to_dict(edition)
    workbook = Workbook()
    workbook.remove(workbook.active)
    meta = {**document["edition"], "default_scale": document["default_scale"]}
    _sheet(workbook, "edition", ("field", "value"),
           [{"field": key, "value": meta[key]} for key in META_KEYS])
    _sheet(workbook, "unit_types", UNIT_TYPE_COLUMNS, document.get("unit_types", []))
    _sheet(workbook, "scales", SCALE_COLUMNS,
           [{"scale": scale["code"], **point} for scale in document["scales"]
            for point in scale["points"]])
    _sheet(workbook, "levels", LEVEL_COLUMNS, [
        {"code": lv["code"], "name_th": lv["name_th"], "name_en": lv["name_en"],
         "colour": lv["colour"], "all_mandatory": lv["rule"]["all_mandatory"],
         "min_overall": lv["rule"]["min_overall"],
         "min_category": _minimums(lv["rule"].get("min_category")),
         "min_criterion": _minimums(lv["rule"].get("min_criterion"))}
        for lv in document["levels"]])
    rows = []
    for category in document["categories"]:
        rows.append({"kind": "category", "ref": category["ref"],
                     "category_kind": category["kind"], "text_th": category["name_th"],
                     "text_en": category["name_en"]})
        for criterion in category["criteria"]:
            rows.append({"kind": "criterion", "ref": criterion["ref"],
                         "parent": category["ref"], "text_th": criterion["name_th"],
                         "text_en": criterion["name_en"]})
            for item in criterion["items"]:
                rows.append({**item, "kind": "item", "parent": criterion["ref"],
                             "applies_to": ", ".join(item.get("applies_to", [])) or None})
    _sheet(workbook, "tree", TREE_COLUMNS, rows)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rows(workbook, title, problems, required=True):
    if title not in workbook.sheetnames:
        if required:
            problems.append(Issue(f"sheet {title}", "missing_sheet", "sheet is missing"))
        return []
    sheet = workbook[title]
    values = list(sheet.iter_rows(values_only=True))
    if not values:
        return []
    header = [str(h).strip() if h is not None else "" for h in values[0]]
    out = []
    for number, row in enumerate(values[1:], start=2):
        if all(cell in (None, "") for cell in row):
            continue
        record = {h: (cell.strip() if isinstance(cell, str) else cell)
                  for h, cell in zip(header, row, strict=False) if h}
        record = {k: (None if v == "" else v) for k, v in record.items()}
        record["_row"] = number
        out.append(record)
    return out


def _parse_minimums(text):
    if text in (None, ""):
        return None
    out = {}
    for part in str(text).split(";"):
        if part.strip():
            ref, _, value = part.partition("=")
            out[ref.strip()] = value.strip()
    return out


def _clean(record, drop=("_row",)):
    return {k: v for k, v in record.items() if k not in drop and v is not None}


def read_workbook(stream, rows=None) -> dict:
    """The criteria document held in an XLSX workbook (validated later by ``parse_edition``).

    ``rows``, a dict, is filled with ``{document path: (sheet, row)}`` for each node read, so
    a problem found later can be shown at its sheet and row
    (``gecc.criteria.interfaces.locations``)."""
    rows = {} if rows is None else rows
    data = stream.read() if hasattr(stream, "read") else stream
    if isinstance(data, bytes):
        try:
            check_zip_unpacked_size(data)
        except ArchiveTooLarge as exc:
            raise CriteriaError([Issue("(workbook)", "bad_workbook",
                                       f"not a readable XLSX workbook: {exc}")]) from exc
        except (zipfile.BadZipFile, OSError, EOFError):
            pass  # openpyxl reports it below, with its own words
        stream = BytesIO(data)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types on a bad file
        raise CriteriaError([Issue("(workbook)", "bad_workbook",
                                   f"not a readable XLSX workbook: {exc}")]) from exc
    problems = []
    edition_rows = _rows(workbook, "edition", problems)
    meta = {str(r.get("field")): r.get("value") for r in edition_rows if r.get("field")}
    for r in edition_rows:
        if r.get("field"):
            key = str(r.get("field"))
            rows[key if key == "default_scale" else f"edition.{key}"] = ("edition", r["_row"])
    default_scale = meta.pop("default_scale", None)
    document = {"edition": {k: v for k, v in meta.items() if v is not None}}
    unit_types = []
    for r in _rows(workbook, "unit_types", problems, required=False):
        rows[f"unit_types[{len(unit_types)}]"] = ("unit_types", r["_row"])
        unit_types.append(_clean(r))
    if unit_types:
        document["unit_types"] = unit_types
    scales = {}
    for r in _rows(workbook, "scales", problems):
        code = str(r.get("scale") or "")
        if code not in scales:
            rows[f"scales[{len(scales)}]"] = ("scales", r["_row"])
        points = scales.setdefault(code, [])
        rows[f"scales[{list(scales).index(code)}].points[{len(points)}]"] = ("scales", r["_row"])
        points.append(_clean(r, drop=("_row", "scale")))
    document["scales"] = [{"code": code, "points": points} for code, points in scales.items()]
    document["default_scale"] = default_scale
    document["levels"] = []
    for r in _rows(workbook, "levels", problems):
        rule = {"all_mandatory": r.get("all_mandatory"), "min_overall": r.get("min_overall")}
        for key in ("min_category", "min_criterion"):
            if r.get(key) is not None:
                rule[key] = _parse_minimums(r.get(key))
        rows[f"levels[{len(document['levels'])}]"] = ("levels", r["_row"])
        document["levels"].append({
            **_clean(r, drop=("_row", "all_mandatory", "min_overall", "min_category",
                              "min_criterion")),
            "rule": {k: v for k, v in rule.items() if v is not None}})
    categories, criteria, paths = {}, {}, {}
    document["categories"] = []
    for r in _rows(workbook, "tree", problems):
        kind, ref, parent = r.get("kind"), str(r.get("ref") or ""), r.get("parent")
        where = f"tree row {r['_row']}"
        if kind == "category":
            node = {"ref": ref, "kind": r.get("category_kind"), "name_th": r.get("text_th"),
                    "name_en": r.get("text_en"), "criteria": []}
            categories[ref] = node
            paths[id(node)] = f"categories[{len(document['categories'])}]"
            rows[paths[id(node)]] = ("tree", r["_row"])
            document["categories"].append(node)
        elif kind == "criterion":
            node = {"ref": ref, "name_th": r.get("text_th"), "name_en": r.get("text_en"),
                    "items": []}
            if parent not in categories:
                problems.append(Issue(f"{where}.parent", "unknown_parent",
                                      "parent is not a category above this row"))
                continue
            criteria[ref] = node
            siblings = categories[parent]["criteria"]
            paths[id(node)] = f"{paths[id(categories[parent])]}.criteria[{len(siblings)}]"
            rows[paths[id(node)]] = ("tree", r["_row"])
            siblings.append(node)
        elif kind == "item":
            if parent not in criteria:
                problems.append(Issue(f"{where}.parent", "unknown_parent",
                                      "parent is not a criterion above this row"))
                continue
            item = _clean(r, drop=("_row", "kind", "parent", "category_kind"))
            if "applies_to" in item:
                item["applies_to"] = [p.strip() for p in str(item["applies_to"]).split(",")
                                      if p.strip()]
            siblings = criteria[parent]["items"]
            rows[f"{paths[id(criteria[parent])]}.items[{len(siblings)}]"] = ("tree", r["_row"])
            siblings.append(item)
        else:
            problems.append(Issue(f"{where}.kind", "bad_kind",
                                  "must be one of: category, criterion, item"))
    if problems:
        raise CriteriaError(problems)
    return document
