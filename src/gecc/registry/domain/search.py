"""Thai-aware search normalisation.

Thai text typed by people, pasted from PDFs or keyed on different keyboards differs in ways
the eye does not see: sara am (ำ) typed as nikhahit + sara aa (ํา), a tone mark typed before
an upper vowel, a tone mark after sara am, doubled marks, zero-width spaces and spaces
between words. ``normalize_search_text`` maps all of these to one form; the registry keeps
that form in a ``search_text`` column and ``search_units`` matches a normalised query as a
substring of it (index-assisted by a pg_trgm GIN index on PostgreSQL). Punctuation is dropped,
so the abbreviation "ธ.ก.ส." and the query "ธกส" are the same text.

A unit's column holds its code and names and then its organisation's names and abbreviation
(``unit_search_text``), so searching "ธ.ก.ส." or "ธกส" finds every BAAC branch whatever the
branch is called; renaming an organisation refreshes its units' column
(``gecc.registry.domain.units.refresh_unit_search_text``).

When a query matches nothing, ``similar_units`` tries trigram matching, so a slip of the
keyboard (a missing vowel mark, one wrong letter) still finds the unit: the share of the
query's trigrams found in the record, computed in SQL on either database.
"""

import functools
import math
import re
import unicodedata

from django.db.models import Case, IntegerField, Q, Value, When

NIKHAHIT = "\u0e4d"
SARA_AA = "\u0e32"
SARA_AM = "\u0e33"
TONE_MARKS = "\u0e48\u0e49\u0e4a\u0e4b"  # ่ ้ ๊ ๋
# Upper and lower vowels and marks that belong before a tone mark on the same consonant.
INNER_MARKS = "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47"
THAI_COMBINING = INNER_MARKS + TONE_MARKS + "\u0e4c\u0e4d\u0e4e"
# Spaces, zero-width characters and punctuation that do not change what a name means.
_DROP = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff\u00ad.,\-_/()'\"]+")
_NIKHAHIT_AA = re.compile(f"{NIKHAHIT}([{TONE_MARKS}]?){SARA_AA}")
_TONE_NIKHAHIT_AA = re.compile(f"([{TONE_MARKS}]){NIKHAHIT}{SARA_AA}")
_AM_TONE = re.compile(f"{SARA_AM}([{TONE_MARKS}])")
_TONE_INNER = re.compile(f"([{TONE_MARKS}\u0e4c])([{INNER_MARKS}])")
_REPEATED_MARK = re.compile(f"([{THAI_COMBINING}])\\1+")


def normalize_search_text(text) -> str:
    """One comparable form of a name or query: see the module docstring."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", str(text))
    text = _DROP.sub("", text)
    text = _TONE_NIKHAHIT_AA.sub(lambda m: m.group(1) + SARA_AM, text)
    text = _NIKHAHIT_AA.sub(lambda m: m.group(1) + SARA_AM, text)
    text = _AM_TONE.sub(lambda m: m.group(1) + SARA_AM, text)
    # A tone mark or thanthakhat typed before an upper/lower vowel: put the vowel first.
    previous = None
    while previous != text:
        previous = text
        text = _TONE_INNER.sub(lambda m: m.group(2) + m.group(1), text)
    text = _REPEATED_MARK.sub(r"\1", text)
    return text.casefold()


def search_text_for(*parts) -> str:
    """The stored search column for a record made of ``parts`` (code, names, ...)."""
    return "|".join(filter(None, (normalize_search_text(p) for p in parts)))


@functools.lru_cache(maxsize=1024)
def _organization_search_text(organization_parts: tuple) -> str:
    # Thousands of units share a few organisations: normalise their names once.
    return search_text_for(*organization_parts)


def unit_search_text(code, name_th, name_en, organization_parts=None) -> str:
    """A unit's search column: its code and names, then its organisation's names and
    abbreviation (``organization_parts``, as ``Organization.search_parts()`` gives them)."""
    return "|".join(filter(None, (search_text_for(code, name_th, name_en),
                                  _organization_search_text(tuple(organization_parts or ())))))


def search_units(queryset, text):
    """Units whose code or names, or their organisation's names or abbreviation, contain
    ``text`` once both are normalised."""
    needle = normalize_search_text(text)
    if not needle:
        return queryset
    return queryset.filter(search_text__contains=needle)


def search_organizations(queryset, text):
    needle = normalize_search_text(text)
    if not needle:
        return queryset
    return queryset.filter(search_text__contains=needle)


# A query must share at least this share of its trigrams with a record to be "similar".
SIMILARITY_THRESHOLD = 0.5
# Shorter queries have too few trigrams for similarity to mean anything.
SIMILARITY_MIN_LENGTH = 4
# Longer queries are cut to this many characters for the similarity search.
SIMILARITY_MAX_LENGTH = 40


@functools.lru_cache(maxsize=256)
def trigrams(text) -> frozenset:
    return frozenset(text[i:i + 3] for i in range(max(len(text) - 2, 1)))


def trigram_word_similarity(needle, text):
    """The share of ``needle``'s trigrams that occur in ``text`` (0 to 1), both normalised:
    what ``similar_units`` computes in SQL, for one pair."""
    if not needle or not text:
        return 0.0
    wanted = trigrams(needle)
    return sum(1 for gram in wanted if gram in text) / len(wanted)


def similar_units(queryset, text):
    """Units whose code or names are close to ``text``: at least ``SIMILARITY_THRESHOLD`` of
    the query's trigrams occur in the record (``trigram_word_similarity``), most similar
    first; an empty queryset for queries too short to judge. The share is computed in SQL,
    the same on SQLite and PostgreSQL; on PostgreSQL the pg_trgm index serves the
    substring tests."""
    needle = normalize_search_text(text)[:SIMILARITY_MAX_LENGTH]
    if len(needle) < SIMILARITY_MIN_LENGTH:
        return queryset.none()
    grams = sorted(trigrams(needle))
    any_gram, shared = Q(), []
    for gram in grams:
        any_gram |= Q(search_text__contains=gram)
        shared.append(Case(When(search_text__contains=gram, then=Value(1)), default=Value(0),
                           output_field=IntegerField()))
    needed = math.ceil(SIMILARITY_THRESHOLD * len(grams))
    return (queryset.filter(any_gram).alias(shared_trigrams=sum(shared[1:], start=shared[0]))
            .filter(shared_trigrams__gte=needed).order_by("-shared_trigrams", "code"))
