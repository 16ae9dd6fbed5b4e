"""The one document renderer: Thai that copies out exactly, Sarabun embedded, the page size and
orientation, nothing fetched and no script run, clear errors, and the download's headers.

These tests print real PDFs with Debian's Chromium and read them back with Poppler
(``pdftotext``, ``pdffonts``, ``pdfinfo``, ``pdfimages``). When either is missing they fail,
saying so (``scripts/system-packages`` installs both): documents are part of the system and
their tests must not vanish quietly. Each printing test runs twice: one document through
``render_pdf`` (one ``chromium --print-to-pdf``) and through ``PdfRenderer`` (the bulk path,
one Chromium over the DevTools protocol).
"""

import io
import os
import shutil
import subprocess
import tempfile
import threading
import time
from contextlib import closing
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

import pytest
from PIL import Image

from gecc.common import documents
from gecc.common.documents import (
    DocumentJob,
    DocumentRenderError,
    PdfRenderer,
    data_uri,
    pdf_filenames,
    pdf_response,
    prepare_html,
    render_pdf,
    render_pdf_from_string,
    render_pdfs,
)

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
SAMPLE_TEMPLATE = "test_documents/thai_sample.html"
THAI = "คณะอนุกรรมการตรวจประเมิน คณะที่ 5 จังหวัดลำพูน ศูนย์ราชการสะดวก"
THAI_DOCUMENT = """{% extends "documents/base.html" %}
{% block title %}กำหนดการ{% endblock %}
{% block header %}<h1>{{ heading }}</h1>{% endblock %}
{% block content %}<p>{{ text }}</p><p><strong>ตัวหนา</strong> <em>ตัวเอียง</em></p>
<!-- more -->{% endblock %}"""
A4_SHORT, A4_LONG = 595, 842  # points, rounded


def thai_document(more="", style=""):
    """THAI_DOCUMENT with more HTML at the end of its content and more CSS."""
    document = THAI_DOCUMENT.replace("<!-- more -->", more)
    if style:
        document = document.replace("{% block title %}",
                                    f"{{% block style %}}{style}{{% endblock %}}{{% block title %}}")
    return document


# --- system programs ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium():
    try:
        return documents.chromium_path()
    except DocumentRenderError as error:
        pytest.fail(f"{error} The document tests need it and never download a browser.",
                    pytrace=False)


@pytest.fixture(scope="module")
def poppler():
    missing = [name for name in ("pdftotext", "pdffonts", "pdfinfo", "pdfimages")
               if shutil.which(name) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} not found: install the Debian package "
                    "'poppler-utils' (scripts/system-packages). The document tests read PDFs "
                    "with it.", pytrace=False)


def _poppler(tool, pdf, tmp_path, *args):
    path = tmp_path / f"document-{time.monotonic_ns()}.pdf"
    path.write_bytes(pdf)
    return subprocess.run([tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])],
                          capture_output=True, text=True, check=True, timeout=30).stdout


def pdf_text(pdf, tmp_path):
    return _poppler("pdftotext", pdf, tmp_path, "-enc", "UTF-8")


def pdf_fonts(pdf, tmp_path):
    """``{font name without subset prefix: embedded?}``."""
    lines = _poppler("pdffonts", pdf, tmp_path).splitlines()[2:]
    fonts = {}
    for line in lines:
        parts = line.split()
        name = parts[0].split("+", 1)[-1]
        fonts[name] = parts[-5] == "yes"  # columns: ... emb sub uni object ID
    return fonts


def pdf_page_size(pdf, tmp_path):
    for line in _poppler("pdfinfo", pdf, tmp_path).splitlines():
        if line.startswith("Page size:"):
            width, _, height = line.split(":", 1)[1].split()[:3]
            return round(float(width)), round(float(height))
    raise AssertionError("pdfinfo shows no page size")


def pdf_pages(pdf, tmp_path):
    for line in _poppler("pdfinfo", pdf, tmp_path).splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise AssertionError("pdfinfo shows no page count")


def pdf_image_sizes(pdf, tmp_path):
    lines = _poppler("pdfimages", pdf, tmp_path, "-list").splitlines()[2:]
    return [(int(line.split()[3]), int(line.split()[4])) for line in lines
            if line.split()[2] == "image"]


def words(text):
    return " ".join(text.split())


# --- the two ways of printing ------------------------------------------------------------------


@pytest.fixture(scope="module")
def session_renderer(chromium):
    with PdfRenderer() as renderer:
        yield renderer


@pytest.fixture(params=["render_pdf", "PdfRenderer"])
def print_string(request, chromium, poppler):
    """``print_string(template_string, context, landscape=False)`` → PDF bytes, one way each."""
    if request.param == "render_pdf":
        return render_pdf_from_string
    return request.getfixturevalue("session_renderer").render_string


@pytest.fixture
def sample_templates(settings):
    """The test templates folder after the project's, so that documents/base.html is ours."""
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], TEMPLATES_DIR]}]


# --- Thai text and the typeface ----------------------------------------------------------------


def test_thai_text_copies_out_exactly(print_string, tmp_path):
    pdf = print_string(THAI_DOCUMENT, {"heading": "กำหนดการตรวจประเมิน", "text": THAI})

    text = words(pdf_text(pdf, tmp_path))
    assert THAI in text
    assert "กำหนดการตรวจประเมิน" in text
    assert "ตัวหนา ตัวเอียง" in text
    # ำ (U+0E33) stays one character: never NIKHAHIT + SARA AA as it looks on paper.
    assert "\u0e4d\u0e32" not in text
    assert "ลำพูน" in text


def test_sarabun_is_embedded(print_string, tmp_path):
    pdf = print_string(THAI_DOCUMENT, {"heading": "หัวเรื่อง", "text": THAI})

    fonts = pdf_fonts(pdf, tmp_path)
    assert fonts.get("Sarabun-Regular") is True, fonts
    assert fonts.get("Sarabun-Bold") is True, fonts
    assert fonts.get("Sarabun-Italic") is True, fonts


@pytest.mark.parametrize(("landscape", "size"), [(False, (A4_SHORT, A4_LONG)),
                                                 (True, (A4_LONG, A4_SHORT))])
def test_a4_portrait_and_landscape(print_string, tmp_path, landscape, size):
    pdf = print_string(THAI_DOCUMENT, {"heading": "", "text": THAI}, landscape=landscape)

    assert pdf_page_size(pdf, tmp_path) == size


def test_the_renderer_sets_the_size_over_the_template(print_string, tmp_path):
    template = thai_document(style="@page { size: A3 portrait; }")

    pdf = print_string(template, {"heading": "", "text": THAI}, landscape=True)

    assert pdf_page_size(pdf, tmp_path) == (A4_LONG, A4_SHORT)


def test_pages_are_numbered_in_the_footer(print_string, tmp_path):
    template = thai_document('<p class="page-break">หน้าที่สอง</p>')

    pdf = print_string(template, {"heading": "", "text": THAI})

    assert pdf_pages(pdf, tmp_path) == 2
    text = words(pdf_text(pdf, tmp_path))
    assert "1 / 2" in text.replace("1/2", "1 / 2")
    assert "2 / 2" in text.replace("2/2", "2 / 2")


def test_a_named_template_and_its_context(chromium, poppler, sample_templates, tmp_path):
    pdf = render_pdf(SAMPLE_TEMPLATE, {"heading": "กำหนดการ", "text": THAI,
                                       "rows": ["สำนักงานจังหวัดลำพูน", "ที่ว่าการอำเภอป่าซาง"]})

    text = words(pdf_text(pdf, tmp_path))
    assert THAI in text
    assert "สำนักงานจังหวัดลำพูน" in text
    assert "ที่ว่าการอำเภอป่าซาง" in text


def test_a_request_gives_the_template_its_context_processors(chromium, poppler, rf, tmp_path):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/rounds/2563/itineraries/")
    request.user = AnonymousUser()
    template = thai_document("<p>{{ request.path }}</p>")

    pdf = render_pdf_from_string(template, {"heading": "", "text": THAI}, request=request)

    assert "/rounds/2563/itineraries/" in pdf_text(pdf, tmp_path)


def test_context_values_are_escaped(print_string, tmp_path):
    pdf = print_string(THAI_DOCUMENT, {"heading": "<b>ชื่อ</b>", "text": THAI})

    assert "<b>ชื่อ</b>" in pdf_text(pdf, tmp_path)


# --- bulk ------------------------------------------------------------------------------------


def test_render_pdfs_prints_each_job_in_order(chromium, poppler, sample_templates, tmp_path):
    jobs = [DocumentJob(SAMPLE_TEMPLATE, {"heading": f"ฉบับที่ {number}", "text": THAI,
                                          "rows": ["ลำพูน"]}, landscape=number == 2)
            for number in (1, 2, 3)]

    pdfs = list(render_pdfs(jobs))

    assert len(pdfs) == 3
    for number, pdf in enumerate(pdfs, start=1):
        assert f"ฉบับที่ {number}" in words(pdf_text(pdf, tmp_path))
    assert [pdf_page_size(pdf, tmp_path)[0] for pdf in pdfs] == [A4_SHORT, A4_LONG, A4_SHORT]


def test_a_renderer_starts_again_after_a_failure(chromium, poppler, tmp_path):
    with PdfRenderer() as renderer:
        renderer.timeout = 0.001
        with pytest.raises(DocumentRenderError, match="DOCUMENT_RENDER_TIMEOUT"):
            renderer.render_string(THAI_DOCUMENT, {"heading": "", "text": THAI})
        renderer.timeout = 60

        pdf = renderer.render_string(THAI_DOCUMENT, {"heading": "", "text": THAI})

    assert THAI in words(pdf_text(pdf, tmp_path))


# --- nothing fetched, nothing run, nothing left behind -----------------------------------------


@pytest.fixture
def http_server():
    """A server on 127.0.0.1 that records every request it receives."""
    requests = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()
    server.server_close()
    thread.join()


def _png(width, height):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_document_fetches_nothing_and_runs_no_script(print_string, http_server, tmp_path):
    address, requests = http_server
    port = address.rsplit(":", 1)[1]
    local_image = tmp_path / "secret.png"
    local_image.write_bytes(_png(41, 31))
    template = thai_document(f"""
        <img src="http://{address}/ip.png" alt="">
        <img src="http://localhost:{port}/name.png" alt="">
        <link rel="stylesheet" href="http://{address}/style.css">
        <iframe src="http://{address}/frame.html"></iframe>
        <img src="{local_image.as_uri()}" alt="">
        <img src="{{{{ inline_image }}}}" alt="">
        <script>document.body.textContent = "SCRIPT RAN";</script>
        <script src="http://{address}/script.js"></script>""")

    pdf = print_string(template, {"heading": "", "text": THAI,
                                  "inline_image": data_uri(_png(23, 17), "image/png")})

    assert requests == []
    text = pdf_text(pdf, tmp_path)
    assert "SCRIPT RAN" not in text
    assert THAI in words(text)
    sizes = pdf_image_sizes(pdf, tmp_path)
    assert (23, 17) in sizes  # a data: image is shown
    assert (41, 31) not in sizes  # another local file is not


@pytest.mark.parametrize("way", ["render_pdf", "PdfRenderer"])
def test_the_workspace_is_removed(chromium, poppler, monkeypatch, tmp_path, way):
    workspace_parent = tmp_path / "tmp"
    workspace_parent.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(workspace_parent))

    if way == "render_pdf":
        render_pdf_from_string(THAI_DOCUMENT, {"heading": "", "text": THAI})
    else:
        with PdfRenderer() as renderer:
            renderer.render_string(THAI_DOCUMENT, {"heading": "", "text": THAI})
            (workspace,) = workspace_parent.iterdir()
            assert oct(workspace.stat().st_mode & 0o777) == oct(0o700)
            assert sorted(path.name for path in (workspace / "fonts").iterdir()) == sorted(
                documents.SARABUN_FILES)

    assert list(workspace_parent.iterdir()) == []


# --- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize("way", ["render_pdf", "PdfRenderer"])
def test_a_missing_chromium_is_a_clear_error(settings, tmp_path, way):
    settings.CHROMIUM_PATH = str(tmp_path / "no-chromium")

    with pytest.raises(DocumentRenderError) as raised:
        if way == "render_pdf":
            render_pdf_from_string(THAI_DOCUMENT, {"heading": "", "text": THAI})
        else:
            with PdfRenderer() as renderer:
                renderer.render_string(THAI_DOCUMENT, {"heading": "", "text": THAI})

    message = str(raised.value)
    assert f"Chromium not found at {tmp_path / 'no-chromium'}" in message
    assert "'chromium'" in message and "CHROMIUM_PATH" in message


def _fake_chromium(tmp_path, body):
    script = tmp_path / "fake-chromium"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    return str(script)


@pytest.mark.parametrize("way", ["render_pdf", "PdfRenderer"])
def test_a_failing_chromium_is_a_clear_error(settings, tmp_path, way):
    settings.CHROMIUM_PATH = _fake_chromium(
        tmp_path, "echo '[1:2:ERROR:dbus/bus.cc:405] Failed to connect to the bus' >&2\n"
                  "echo 'cannot open display' >&2\nexit 3")

    with pytest.raises(DocumentRenderError) as raised:
        if way == "render_pdf":
            render_pdf_from_string(THAI_DOCUMENT, {"heading": "", "text": THAI})
        else:
            with PdfRenderer() as renderer:
                renderer.render_string(THAI_DOCUMENT, {"heading": "", "text": THAI})

    message = str(raised.value)
    assert "cannot open display" in message
    assert "dbus" not in message  # D-Bus noise is left out
    if way == "render_pdf":
        assert "exit status 3" in message
    else:
        assert "Chromium did not start" in message


def _gone(pid):
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in status  # a zombie waiting for its (new) parent is gone too


@pytest.mark.parametrize("way", ["render_pdf", "PdfRenderer"])
def test_a_hanging_chromium_is_stopped_with_its_children(settings, tmp_path, way):
    child_file = tmp_path / "child.pid"
    settings.CHROMIUM_PATH = _fake_chromium(tmp_path, f"sleep 60 &\necho $! > {child_file}\nwait")
    settings.DOCUMENT_RENDER_TIMEOUT = 1
    started = time.monotonic()

    with pytest.raises(DocumentRenderError, match="DOCUMENT_RENDER_TIMEOUT"):
        if way == "render_pdf":
            render_pdf_from_string(THAI_DOCUMENT, {"heading": "", "text": THAI})
        else:
            with PdfRenderer() as renderer:
                renderer.render_string(THAI_DOCUMENT, {"heading": "", "text": THAI})

    assert time.monotonic() - started < 10
    child = int(child_file.read_text())
    deadline = time.monotonic() + 5
    while not _gone(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _gone(child), f"the fake browser's child {child} still runs"


def test_an_unknown_paper_size_is_refused():
    with pytest.raises(ValueError, match="Unknown paper size"):
        prepare_html("<html><head></head><body></body></html>", paper="A0")


def test_render_pdfs_can_be_closed_early(chromium, sample_templates):
    jobs = (DocumentJob(SAMPLE_TEMPLATE, {"heading": str(n), "text": THAI, "rows": []})
            for n in range(100))
    with closing(render_pdfs(jobs)) as pdfs:
        first = next(pdfs)
    assert first.startswith(b"%PDF-")


# --- what Chromium gets ------------------------------------------------------------------------


def test_the_policy_comes_first_and_the_page_size_last():
    html = ('<!DOCTYPE html><html><HEAD lang="th"><meta charset="utf-8">'
            "<style>@page { size: A3 }</style></HEAD><body>x</body></html>")

    prepared = prepare_html(html, landscape=True)

    head_start = prepared.index('<HEAD lang="th">') + len('<HEAD lang="th">')
    assert prepared[head_start:].startswith('<meta http-equiv="Content-Security-Policy"')
    assert "default-src 'none'" in prepared and "img-src data:" in prepared
    assert prepared.index("size: A3") < prepared.index("size: A4 landscape")
    assert prepared.index("size: A4 landscape") < prepared.index("</HEAD>")


def test_a_document_without_head_keeps_its_doctype_first():
    prepared = prepare_html("<!doctype html><p>x</p>", paper="letter")

    assert prepared.startswith("<!doctype html><meta http-equiv=\"Content-Security-Policy\"")
    assert "size: letter portrait" in prepared


# --- the download ------------------------------------------------------------------------------


def test_pdf_response_headers_for_a_thai_name():
    response = pdf_response(b"%PDF-1.4 test", "กำหนดการ ลำพูน 2563.pdf")

    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Length"] == str(len(b"%PDF-1.4 test"))
    assert response.content == b"%PDF-1.4 test"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="2563.pdf"; filename*=UTF-8\'\'')
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    assert encoded.isascii() and " " not in encoded
    assert unquote(encoded) == "กำหนดการ ลำพูน 2563.pdf"


@pytest.mark.parametrize(("given", "ascii_name", "full_name"), [
    ("itinerary-2563", "itinerary-2563.pdf", "itinerary-2563.pdf"),
    ("ใบรับรอง", "document.pdf", "ใบรับรอง.pdf"),
    ('../../etc/"passwd".PDF', "etc_passwd.pdf", '_.._etc_"passwd".pdf'),
    ("report\r\nSet-Cookie: x=1.pdf", "report_Set-Cookie_x_1.pdf", "report_Set-Cookie: x=1.pdf"),
    ("", "document.pdf", "document.pdf"),
])
def test_pdf_file_names_are_safe(given, ascii_name, full_name):
    assert pdf_filenames(given) == (ascii_name, full_name)


def test_pdf_response_names_survive_hostile_input():
    response = pdf_response(b"%PDF-", 'a"b\r\nc.pdf')

    disposition = response["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    assert disposition.count('"') == 2


def test_the_chromium_path_follows_the_setting_then_the_environment(settings, monkeypatch,
                                                                   tmp_path):
    fake = _fake_chromium(tmp_path, "exit 0")
    settings.CHROMIUM_PATH = None
    monkeypatch.setenv("CHROMIUM_PATH", fake)
    assert documents.chromium_path() == fake

    settings.CHROMIUM_PATH = str(tmp_path / "elsewhere")
    with pytest.raises(DocumentRenderError, match="elsewhere"):
        documents.chromium_path()
    assert os.environ["CHROMIUM_PATH"] == fake
