"""Read and write criteria documents as YAML."""

from pathlib import Path

import yaml

from gecc.criteria.domain.parse import CriteriaError, Issue, edition_to_dict


def read_yaml_text(text: str):
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(document)"
        raise CriteriaError([Issue(where, "yaml", f"not valid YAML: "
                                   f"{getattr(exc, 'problem', None) or exc}")]) from exc


def read_yaml_file(path) -> dict:
    return read_yaml_text(Path(path).read_text(encoding="utf-8"))


def dump_yaml(edition) -> str:
    return yaml.safe_dump(edition_to_dict(edition), allow_unicode=True, sort_keys=False,
                          width=100)
