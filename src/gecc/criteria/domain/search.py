"""Normalised text for lenient Thai/English search.

Thai is searched without its tone marks and above/below vowels' variants getting in the
way: text is NFC-normalised, case-folded, stripped of zero-width characters and Thai tone
marks/diacritics (mai ek … thanthakhat, nikhahit, yamakkan), and whitespace is collapsed.
"""

import re
import unicodedata

_DROP = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c"
                                "\u0e4d\u0e4e"))
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text or "").casefold().translate(_DROP)
    return _SPACE.sub(" ", text).strip()
