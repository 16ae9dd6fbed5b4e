"""The one CSV writer: every CSV file the system produces goes through here.

* **UTF-8 with a byte-order mark**: Excel (Thai Windows locales included) reads a CSV file as
  UTF-8 only after that mark; without it Thai text comes out as mojibake.
* **CRLF line ends**, as RFC 4180 and Excel write them.
* **Formula injection escaped as OWASP recommends** (CSV Injection page): every cell is
  wrapped in double quotes (so a ``,`` or ``;`` inside a cell cannot start a new cell in a
  spreadsheet set to another separator), double quotes are doubled, and a text cell starting
  with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading apostrophe, so a
  spreadsheet shows it as typed and never runs it (text already starting with apostrophes
  before such a character gets one more, so that reading the apostrophe back is exact).

Numbers: a cell whose *value* is a Python number (``int``, ``float``, ``Decimal``; an audit
entry's number, a completeness percentage, a spreadsheet row number) is written as it is,
negative ones included: a value the system computed as a number cannot carry a formula and
must stay a number for sorting. Any *text* starting with ``-`` is escaped, even text that
looks like a negative number (``"-12.5"``), because text comes from people and OWASP makes no
exception for it; the importer reads the apostrophe back off (``unescape_cell``), so an
exported file imported again changes nothing. Full-width look-alikes (``＝``, ``＋``) are
left alone, as OWASP lists only the six characters above.

``csv_lines(header, rows)`` yields the file line by line for a streaming response;
``write_csv(header, rows)`` returns the whole file as bytes; ``csv_response`` wraps either in
an HTTP response that downloads as an attachment.
"""

import csv
import re
from decimal import Decimal

BOM = "\ufeff"
CONTENT_TYPE = "text/csv; charset=utf-8"
# A cell starting with one of these is run as a formula by spreadsheet programs (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
# Text that escape_cell changes: a formula start, or apostrophes before one (so that text
# which really starts with "'=" survives a round trip too).
ESCAPED = re.compile(r"'*[=+\-@\t\r]")


def escape_cell(value):
    """The value to write for one cell: ``None`` as empty text, numbers as they are, any other
    value as text, with an apostrophe in front when a spreadsheet would take it for a
    formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    if ESCAPED.match(text):
        return ESCAPE + text
    return text


def unescape_cell(text: str) -> str:
    """A cell read back from a file: the apostrophe ``escape_cell`` put in front of a formula
    character is removed (Excel treats a leading apostrophe the same way when typing)."""
    if text.startswith(ESCAPE) and ESCAPED.match(text, 1):
        return text[1:]
    return text


class _Echo:
    """A file-like object whose write() hands the line back to the caller."""

    def write(self, value):
        return value


def csv_lines(header, rows):
    """The CSV text of ``header`` and ``rows``, one line at a time (each ending in CRLF), the
    byte-order mark in front of the first. ``rows`` may be any iterable, read once, so a
    streaming response never holds the whole file."""
    writer = csv.writer(_Echo(), quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    yield BOM + writer.writerow([escape_cell(value) for value in header])
    for row in rows:
        yield writer.writerow([escape_cell(value) for value in row])


def write_csv(header, rows) -> bytes:
    """The whole CSV file as UTF-8 bytes (with the byte-order mark)."""
    return "".join(csv_lines(header, rows)).encode("utf-8")


def csv_response(filename, header, rows, *, streaming=False):
    """A download of ``header`` and ``rows`` as ``filename``; ``streaming=True`` writes the
    rows as the client reads them (for exports of any length)."""
    from django.http import HttpResponse, StreamingHttpResponse

    if streaming:
        response = StreamingHttpResponse(csv_lines(header, rows), content_type=CONTENT_TYPE)
    else:
        response = HttpResponse(write_csv(header, rows), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
