"""One way of writing a file size on every page: ``thai_filesize``."""

from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from gecc.common.templatetags.filesize import format_filesize


@pytest.mark.parametrize(("size", "text"), [
    (0, "0 KB"), (1, "0.1 KB"), (392, "0.4 KB"), (1024, "1.0 KB"), (3900, "3.8 KB"),
    (1024 * 1024 - 1, "1.0 MB"), (5 * 1024 * 1024, "5.0 MB"),
    (3 * 1024 ** 3 // 2, "1.5 GB"), (None, ""), ("x", ""), (-1, ""),
])
def test_sizes_are_always_kilo_mega_or_gigabytes(size, text):
    assert format_filesize(size) == text


def test_the_filter_is_the_same_in_thai_and_english():
    template = Template("{% load filesize %}{{ size|thai_filesize }}")
    for language in ("th", "en"):
        with translation.override(language):
            assert template.render(Context({"size": 392})) == "0.4 KB"


def test_no_template_uses_djangos_filesizeformat():
    """Django's filter writes "392 ไบต์" next to "3.8 KB": every size goes through
    thai_filesize instead."""
    offenders = [str(path.relative_to(settings.BASE_DIR))
                 for path in Path(settings.BASE_DIR).rglob("*.html")
                 if "filesizeformat" in path.read_text(encoding="utf-8")]
    assert offenders == []
