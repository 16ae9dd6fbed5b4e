"""The UI is Thai first: every catalogue must translate every message."""

import re
from pathlib import Path

import polib
import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "gecc"
CATALOGUES = sorted(SRC.rglob("locale/th/LC_MESSAGES/django.po"))


def test_there_is_a_project_thai_catalogue():
    assert SRC / "locale/th/LC_MESSAGES/django.po" in CATALOGUES


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(SRC)))
def test_thai_catalogue_is_complete(path):
    po = polib.pofile(str(path))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(SRC)))
def test_thai_catalogue_keeps_placeholders(path):
    po = polib.pofile(str(path))
    placeholder = re.compile(r"%\((\w+)\)[sd]|\{\w*\}")
    broken = []
    for entry in po.translated_entries():
        expected = sorted(set(placeholder.findall(entry.msgid)))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        if any(sorted(set(placeholder.findall(text))) != expected for text in translations):
            broken.append(entry.msgid)
    assert broken == []


def test_catalogues_compile_without_gettext(tmp_path):
    """``make messages`` on a machine without msgfmt compiles with polib: the result must be
    a catalogue gettext reads, translating singulars and plurals."""
    import gettext

    po = polib.pofile(str(SRC / "applications/locale/th/LC_MESSAGES/django.po"))
    mo_path = tmp_path / "django.mo"
    po.save_as_mofile(str(mo_path))
    with mo_path.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    single = next(e for e in po.translated_entries() if not e.msgid_plural and e.msgid)
    plural = next(e for e in po.translated_entries() if e.msgid_plural)
    assert catalogue.gettext(single.msgid) == single.msgstr
    assert catalogue.ngettext(plural.msgid, plural.msgid_plural, 5) == plural.msgstr_plural[0]
