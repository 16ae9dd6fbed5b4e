"""``{{ file.size|thai_filesize }}``: every file size on every page written the same way.

Django's ``filesizeformat`` writes "392 ไบต์" for a small file and "3.8 KB" for a larger
one, mixing a Thai word with English abbreviations on the same list. Here a size is always
kilobytes, megabytes or gigabytes (1 KB = 1,024 bytes), one decimal, with the
abbreviations Thai offices use for files in either language: "0.4 KB", "3.8 KB", "5.0 MB".
"""

from django import template

register = template.Library()

UNITS = ("KB", "MB", "GB", "TB")


def format_filesize(size) -> str:
    """``392`` → ``"0.4 KB"``; ``3900`` → ``"3.8 KB"``; ``5 * 1024 * 1024`` → ``"5.0 MB"``;
    anything that is not a number of bytes → ``""``."""
    try:
        size = int(size)
    except (TypeError, ValueError):
        return ""
    if size < 0:
        return ""
    if size == 0:
        return "0 KB"
    value = size / 1024
    for unit in UNITS:
        rounded = max(round(value, 1), 0.1)
        if rounded < 1024 or unit == UNITS[-1]:
            return f"{rounded:,.1f} {unit}"
        value /= 1024
    return ""  # pragma: no cover (the loop always returns)


@register.filter
def thai_filesize(size):
    return format_filesize(size)
