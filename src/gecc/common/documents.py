"""The one document renderer: a Django template and its context become a PDF.

Itineraries, feedback reports, committee reports and certificates are HTML templates that
extend ``documents/base.html``; this module prints them to PDF with headless Chromium (the
Debian ``chromium`` package). Chromium shapes Thai correctly and writes a text layer that
copies out exactly as typed (ำ and า included, where WeasyPrint fails), with the Sarabun
typeface (PyPI ``fontpkg-sarabun``) embedded.

* ``render_pdf(template_name, context, landscape=, paper=, request=)`` → PDF bytes: one
  document, one short-lived ``chromium --headless --print-to-pdf`` process.
* ``PdfRenderer`` (a context manager) and ``render_pdfs(jobs)``: many documents through one
  Chromium, driven by the DevTools protocol over a pipe (standard library only), several
  times faster per document. For Celery tasks that produce documents in bulk.
* ``pdf_response(pdf_bytes, filename)``: the download response.

What the renderer guarantees, whatever the template:

* **A private workspace.** Each render (or each ``PdfRenderer``) gets its own temporary
  directory (mode 0700) holding the Chromium profile, the Sarabun files (``fonts/``, which
  ``documents/base.html`` loads by relative URL) and the HTML; it is removed afterwards.
* **Nothing remote, no script.** A Content-Security-Policy is put first in the ``<head>``:
  fonts only from local files, images only from ``data:`` URIs (embed a logo or a QR code
  as a data URI, ``data_uri()``, or as inline SVG), no script, no other request; Chromium
  also resolves no host name (``--host-resolver-rules``). A document cannot fetch
  anything, nor read another local file into the PDF.
* **The page size is the renderer's.** ``@page { size: A4 }`` (or ``A4 landscape``, or
  another paper) is added after the template's own styles; the template sets margins.

Templates are rendered in the active language (wrap a Celery task's work in
``translation.override(...)``). Template errors propagate as they are; everything that goes
wrong in Chromium (not installed, crashed, too slow: ``DOCUMENT_RENDER_TIMEOUT`` seconds,
default 60, per document) raises ``DocumentRenderError``. Chromium is found at the
``CHROMIUM_PATH`` setting or environment variable, default ``/usr/bin/chromium``, as for the
browser tests.
"""

import base64
import contextlib
import fcntl
import json
import os
import re
import select
import shutil
import signal
import subprocess
import tempfile
import time
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import fontpkg_sarabun
from django.conf import settings
from django.http import HttpResponse
from django.template import engines
from django.template.loader import render_to_string

DEFAULT_CHROMIUM_PATH = "/usr/bin/chromium"
DEFAULT_TIMEOUT = 60
SARABUN_DIR = Path(fontpkg_sarabun.ROOT) / "files"
# The faces documents/base.html declares; it loads them from fonts/ beside the document.
SARABUN_FILES = (
    "Sarabun-Regular.ttf",
    "Sarabun-Italic.ttf",
    "Sarabun-Bold.ttf",
    "Sarabun-BoldItalic.ttf",
)
FONTS_DIR = "fonts"
# CSS page-size keywords (CSS Paged Media), by lower-case name.
PAPER_SIZES = {name.lower(): name for name in (
    "A5", "A4", "A3", "B5", "B4", "JIS-B5", "JIS-B4", "letter", "legal", "ledger")}
# Local font files and data: images only; no script, no frame, no request of any other kind.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; font-src file:; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--hide-scrollbars",
    "--mute-audio",
    # Every host name resolves to nothing (IP literals and localhost included): no request
    # leaves the machine even if a document somehow asked for one.
    "--host-resolver-rules=MAP * ~NOTFOUND",
)
# Chromium's stderr lines that say nothing about a failure (no D-Bus in a container, the
# Debian launcher's own shell warnings).
STDERR_NOISE = re.compile(r"dbus|unexpected operator|Fontconfig", re.IGNORECASE)

_HEAD_OPEN = re.compile(r"<head\b[^>]*>", re.IGNORECASE)
_HEAD_CLOSE = re.compile(r"</head\s*>", re.IGNORECASE)
_DOCTYPE = re.compile(r"\s*<!doctype\b[^>]*>", re.IGNORECASE)


class DocumentRenderError(Exception):
    """Chromium could not turn a document into a PDF (the message says why)."""


@dataclass(frozen=True)
class DocumentJob:
    """One document of a bulk render (``render_pdfs``)."""

    template_name: str
    context: dict = field(default_factory=dict)
    landscape: bool = False
    paper: str = "A4"


# --- configuration -------------------------------------------------------------------------


def chromium_path() -> str:
    """The Chromium executable: the ``CHROMIUM_PATH`` setting, else the environment variable
    of that name, else the Debian package's ``/usr/bin/chromium``."""
    configured = (getattr(settings, "CHROMIUM_PATH", None) or os.environ.get("CHROMIUM_PATH")
                  or DEFAULT_CHROMIUM_PATH)
    found = shutil.which(configured)
    if not found:
        raise DocumentRenderError(
            f"Chromium not found at {configured}: install the Debian package 'chromium' or set "
            "CHROMIUM_PATH to its executable. Documents are printed to PDF with it.")
    return found


def render_timeout() -> float:
    """Seconds one document may take (``DOCUMENT_RENDER_TIMEOUT``, default 60)."""
    return float(getattr(settings, "DOCUMENT_RENDER_TIMEOUT", None) or DEFAULT_TIMEOUT)


def page_css(*, landscape: bool = False, paper: str = "A4") -> str:
    """The ``@page`` rule the renderer adds: the paper size and its orientation."""
    size = PAPER_SIZES.get(str(paper).lower())
    if size is None:
        raise ValueError(f"Unknown paper size {paper!r}; use one of: "
                         + ", ".join(PAPER_SIZES.values()))
    return f"@page {{ size: {size} {'landscape' if landscape else 'portrait'}; }}"


def prepare_html(html: str, *, landscape: bool = False, paper: str = "A4") -> str:
    """The document as Chromium gets it: the Content-Security-Policy first in ``<head>`` and
    the page size last (so that it wins over any size a template set)."""
    security = (f'<meta http-equiv="Content-Security-Policy" '
                f'content="{CONTENT_SECURITY_POLICY}">')
    page = f'<style id="gecc-page">{page_css(landscape=landscape, paper=paper)}</style>'
    head = _HEAD_OPEN.search(html)
    if head is None:
        # No <head>: the parser opens one for elements put before the content (after the
        # doctype, so that the document stays in standards mode).
        doctype = _DOCTYPE.match(html)
        at = doctype.end() if doctype else 0
        return html[:at] + security + page + html[at:]
    html = html[:head.end()] + security + html[head.end():]
    closing = _HEAD_CLOSE.search(html, head.end() + len(security))
    at = closing.start() if closing else head.end() + len(security)
    return html[:at] + page + html[at:]


def data_uri(content: bytes, content_type: str) -> str:
    """``data:`` URI of an image for a document (the only images a document may show)."""
    return f"data:{content_type};base64,{base64.b64encode(content).decode('ascii')}"


def _render_template(template_name, context, request=None) -> str:
    return render_to_string(template_name, context, request=request)


def _render_template_string(template_string, context, request=None) -> str:
    return engines["django"].from_string(template_string).render(context, request)


# --- the workspace -------------------------------------------------------------------------


class _Workspace:
    """A private temporary directory: Chromium's profile, the fonts, the documents."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="gecc-document-"))
        self.profile = self.root / "profile"
        self._documents = 0
        try:
            fonts = self.root / FONTS_DIR
            fonts.mkdir()
            for name in SARABUN_FILES:
                if (SARABUN_DIR / name).is_file():  # a missing face falls back to Laksaman
                    shutil.copyfile(SARABUN_DIR / name, fonts / name)
        except BaseException:
            self.remove()
            raise

    def environment(self) -> dict:
        """Chromium's environment: its configuration and cache folders (crash reports, dconf)
        inside the workspace, not in the home folder of the user the server runs as."""
        return {**os.environ, "XDG_CONFIG_HOME": str(self.root / "config"),
                "XDG_CACHE_HOME": str(self.root / "cache")}

    def write(self, html: str) -> Path:
        self._documents += 1
        path = self.root / f"document-{self._documents}.html"
        path.write_text(html, encoding="utf-8")
        return path

    def stderr_tail(self, path: Path, lines: int = 6) -> str:
        """The last lines Chromium wrote to stderr that may explain a failure."""
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        useful = [line.strip() for line in text.splitlines()
                  if line.strip() and not STDERR_NOISE.search(line)]
        return " | ".join(useful[-lines:])[-1500:]

    def remove(self):
        shutil.rmtree(self.root, ignore_errors=True)


def _check_pdf(data: bytes, what: str) -> bytes:
    if not data.startswith(b"%PDF-"):
        raise DocumentRenderError(f"Chromium produced no PDF for {what}.")
    return data


# --- one document: chromium --print-to-pdf ---------------------------------------------------


def render_pdf(template_name: str, context: dict, *, landscape: bool = False, paper: str = "A4",
               request=None) -> bytes:
    """Render ``template_name`` with ``context`` and print it to PDF (A4 portrait unless told
    otherwise); return the PDF's bytes."""
    html = _render_template(template_name, context, request)
    return print_html(html, landscape=landscape, paper=paper, name=template_name)


def render_pdf_from_string(template_string: str, context: dict, *, landscape: bool = False,
                           paper: str = "A4", request=None) -> bytes:
    """``render_pdf`` for a template given as text (it may extend ``documents/base.html``)."""
    html = _render_template_string(template_string, context, request)
    return print_html(html, landscape=landscape, paper=paper, name="a template string")


def print_html(html: str, *, landscape: bool = False, paper: str = "A4",
               name: str = "the document") -> bytes:
    """Print ready HTML to PDF with one ``chromium --headless --print-to-pdf`` process."""
    prepared = prepare_html(html, landscape=landscape, paper=paper)
    executable = chromium_path()
    timeout = render_timeout()
    workspace = _Workspace()
    try:
        document = workspace.write(prepared)
        output = workspace.root / "document.pdf"
        stderr_path = workspace.root / "chromium.log"
        command = [executable, *CHROMIUM_FLAGS, f"--user-data-dir={workspace.profile}",
                   "--no-pdf-header-footer", f"--print-to-pdf={output}", document.as_uri()]
        with open(stderr_path, "wb") as stderr:
            # Its own process group, so that a timeout stops the renderer and GPU processes
            # Chromium started too.
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL,
                                       stdout=subprocess.DEVNULL, stderr=stderr,
                                       env=workspace.environment(), start_new_session=True)
        try:
            status = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process.pid)
            process.wait()
            raise DocumentRenderError(
                f"Chromium did not print {name} within {timeout:g} s "
                "(DOCUMENT_RENDER_TIMEOUT).") from None
        if status != 0 or not output.is_file():
            detail = workspace.stderr_tail(stderr_path)
            raise DocumentRenderError(
                f"Chromium could not print {name} (exit status {status})"
                + (f": {detail}" if detail else "."))
        return _check_pdf(output.read_bytes(), name)
    finally:
        workspace.remove()


def _kill_group(pid: int):
    """SIGKILL the process group led by ``pid``, a child of ours not yet reaped (so that its
    id cannot have been reused)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


# --- many documents: one Chromium over the DevTools protocol ---------------------------------


class PdfRenderer:
    """One headless Chromium that prints many documents, for bulk work::

        with PdfRenderer() as renderer:
            for certificate in certificates:
                pdf = renderer.render("certificates/certificate.html", {...}, landscape=True)

    Chromium is started on first use and talks the DevTools protocol over a pipe
    (``--remote-debugging-pipe``: no port is opened). Each document is written to the
    renderer's private workspace, loaded into the one page, printed with
    ``Page.printToPDF`` and deleted. A document that fails raises ``DocumentRenderError``;
    after a timeout or a crash Chromium is stopped and the next document starts a new one,
    so a bulk job can note the failure and go on. Not thread-safe: one per thread or task.
    """

    def __init__(self, *, timeout: float | None = None):
        self.timeout = float(timeout) if timeout is not None else render_timeout()
        self._workspace = None
        self._browser = None
        self._session = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def render(self, template_name: str, context: dict, *, landscape: bool = False,
               paper: str = "A4", request=None) -> bytes:
        html = _render_template(template_name, context, request)
        return self.print_html(html, landscape=landscape, paper=paper, name=template_name)

    def render_string(self, template_string: str, context: dict, *, landscape: bool = False,
                      paper: str = "A4", request=None) -> bytes:
        html = _render_template_string(template_string, context, request)
        return self.print_html(html, landscape=landscape, paper=paper,
                               name="a template string")

    def print_html(self, html: str, *, landscape: bool = False, paper: str = "A4",
                   name: str = "the document") -> bytes:
        prepared = prepare_html(html, landscape=landscape, paper=paper)
        self._start()
        deadline = time.monotonic() + self.timeout
        document = self._workspace.write(prepared)
        try:
            return _check_pdf(self._print(document, deadline, name), name)
        except DocumentRenderError:
            self._stop_browser(grace=0)  # its state is unknown: the next one starts afresh
            raise
        except (OSError, ValueError, KeyError) as error:  # a garbled protocol message
            self._stop_browser(grace=0)
            raise DocumentRenderError(f"Chromium failed while printing {name}: {error!r}") \
                from error
        finally:
            document.unlink(missing_ok=True)

    def close(self):
        """Stop Chromium and remove the workspace (also done by ``with``)."""
        self._stop_browser()
        if self._workspace is not None:
            self._workspace.remove()
            self._workspace = None

    # -- inside

    def _start(self):
        if self._browser is not None:
            return
        if self._workspace is None:
            self._workspace = _Workspace()
        deadline = time.monotonic() + self.timeout
        command = [chromium_path(), *CHROMIUM_FLAGS,
                   f"--user-data-dir={self._workspace.profile}", "--remote-debugging-pipe",
                   "about:blank"]
        self._browser = _DevToolsPipe(command, self._workspace.root / "chromium.log",
                                      self._workspace.environment())
        try:
            target = self._browser.call("Target.createTarget", {"url": "about:blank"},
                                        deadline=deadline)
            attached = self._browser.call(
                "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True},
                deadline=deadline)
            self._session = attached["sessionId"]
            self._browser.call("Page.enable", session=self._session, deadline=deadline)
        except DocumentRenderError as error:
            detail = self._workspace.stderr_tail(self._browser.stderr_path)
            self._stop_browser(grace=0)
            raise DocumentRenderError(f"Chromium did not start: {error}"
                                      + (f" ({detail})" if detail else "")) from None

    def _print(self, document: Path, deadline: float, name: str) -> bytes:
        browser, session = self._browser, self._session
        browser.events.clear()
        navigation = browser.call("Page.navigate", {"url": document.as_uri()}, session=session,
                                  deadline=deadline, name=name)
        if navigation.get("errorText"):
            raise DocumentRenderError(f"Chromium could not open {name}: "
                                      f"{navigation['errorText']}.")
        browser.wait_event("Page.loadEventFired", session, deadline, name)
        # The load event may come before a web font finished loading: wait for the fonts.
        fonts = browser.call("Runtime.evaluate", {
            "expression": "document.fonts.ready.then(() => document.fonts.status)",
            "awaitPromise": True, "returnByValue": True,
        }, session=session, deadline=deadline, name=name)
        if "exceptionDetails" in fonts:
            raise DocumentRenderError(f"Chromium could not wait for the fonts of {name}.")
        printed = browser.call("Page.printToPDF", {
            "printBackground": True, "preferCSSPageSize": True, "displayHeaderFooter": False,
        }, session=session, deadline=deadline, name=name)
        return base64.b64decode(printed["data"])

    def _stop_browser(self, grace: float = 5.0):
        if self._browser is not None:
            self._browser.close(grace=grace)
            self._browser = None
            self._session = None


class _DevToolsPipe:
    """Chromium started with ``--remote-debugging-pipe``: it reads protocol messages
    (JSON, each ended by a NUL byte) on its file descriptor 3 and writes on 4."""

    def __init__(self, command: list[str], stderr_path: Path, environment: dict):
        self.stderr_path = stderr_path
        self.events = []
        self._next_id = 0
        self._buffer = bytearray()
        self._reaped = False
        self.pid, self._to_browser, self._from_browser = self._spawn(
            command, stderr_path, environment)

    @staticmethod
    def _spawn(command, stderr_path, environment):
        to_child, to_browser = os.pipe()
        from_browser, from_child = os.pipe()
        # The child's ends moved above 9, so that placing them at 3 and 4 never overwrites
        # one with the other; posix_spawn (not fork + preexec_fn) is safe in a threaded server.
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (to_child, from_child)]
        os.close(to_child)
        os.close(from_child)
        try:
            pid = os.posix_spawn(command[0], command, environment, file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                (os.POSIX_SPAWN_OPEN, 2, str(stderr_path),
                 os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
                (os.POSIX_SPAWN_DUP2, high[0], 3),
                (os.POSIX_SPAWN_DUP2, high[1], 4),
            ], setsid=True)
        except OSError as error:
            os.close(to_browser)
            os.close(from_browser)
            raise DocumentRenderError(f"Chromium could not be started: {error}") from None
        finally:
            for fd in high:
                os.close(fd)
        return pid, to_browser, from_browser

    def call(self, method, params=None, *, session=None, deadline, name="the document"):
        """Send one command and return its result; events read meanwhile are kept."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._write(json.dumps(message).encode() + b"\0", deadline, name)
        while True:
            reply = self._read(deadline, name)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise DocumentRenderError(
                        f"Chromium refused {method} for {name}: "
                        f"{reply['error'].get('message', reply['error'])}.")
                return reply.get("result", {})
            self._note(reply, name)

    def wait_event(self, method, session, deadline, name):
        while True:
            for event in self.events:
                if event.get("method") == method and event.get("sessionId") == session:
                    self.events.remove(event)
                    return event
            self._note(self._read(deadline, name), name)

    def _note(self, message, name):
        method = message.get("method", "")
        if method in ("Inspector.targetCrashed", "Target.targetCrashed",
                      "Target.detachedFromTarget"):
            raise DocumentRenderError(f"Chromium's page crashed while printing {name}.")
        if method:
            self.events.append(message)

    def _write(self, data, deadline, name):
        view = memoryview(data)
        while view:
            self._wait(select_write=True, deadline=deadline, name=name)
            try:
                written = os.write(self._to_browser, view)
            except BrokenPipeError:
                raise DocumentRenderError(f"Chromium stopped before printing {name}.") from None
            view = view[written:]

    def _read(self, deadline, name) -> dict:
        while True:
            end = self._buffer.find(b"\0")
            if end >= 0:
                message = bytes(self._buffer[:end])
                del self._buffer[:end + 1]
                return json.loads(message)
            self._wait(select_write=False, deadline=deadline, name=name)
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise DocumentRenderError(f"Chromium stopped before printing {name}.")
            self._buffer += chunk

    def _wait(self, *, select_write, deadline, name):
        remaining = deadline - time.monotonic()
        if remaining > 0:
            fds = [self._to_browser] if select_write else [self._from_browser]
            ready = select.select([], fds, [], remaining) if select_write else \
                select.select(fds, [], [], remaining)
            if any(ready):
                return
        raise DocumentRenderError(
            f"Chromium did not print {name} within the time allowed "
            "(DOCUMENT_RENDER_TIMEOUT).")

    def close(self, grace: float = 5.0):
        """Ask Chromium to quit, give it ``grace`` seconds, then kill its process group."""
        if self._reaped:
            return
        if grace > 0:
            self._next_id += 1
            close = json.dumps({"id": self._next_id, "method": "Browser.close"}).encode()
            try:
                if select.select([], [self._to_browser], [], 0)[1]:  # never block here
                    os.write(self._to_browser, close + b"\0")
            except OSError:
                grace = 0
        end = time.monotonic() + grace
        while time.monotonic() < end and not self._exited():
            time.sleep(0.02)
        _kill_group(self.pid)  # the leader is not reaped yet: its group id is still ours
        os.waitpid(self.pid, 0)
        self._reaped = True
        for fd in (self._to_browser, self._from_browser):
            os.close(fd)

    def _exited(self) -> bool:
        # WNOWAIT: look without reaping, so that the group can still be killed safely.
        return os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None


def render_pdfs(jobs: Iterable[DocumentJob], *, request=None) -> Iterator[bytes]:
    """The PDF of each job, in order, printed by one Chromium (``PdfRenderer``). Chromium is
    stopped when the iteration ends; a caller that stops early should close the generator
    (``contextlib.closing``). A failing document raises ``DocumentRenderError`` and ends the
    iteration; use ``PdfRenderer`` directly to note failures and go on."""
    with PdfRenderer() as renderer:
        for job in jobs:
            yield renderer.render(job.template_name, job.context, landscape=job.landscape,
                                  paper=job.paper, request=request)


# --- the download ----------------------------------------------------------------------------


def pdf_filenames(filename: str) -> tuple[str, str]:
    """``(ASCII name, full name)`` for a download: both end in ``.pdf``, neither holds a path
    separator or a control character; the ASCII one keeps what survives of the name (Thai
    letters do not) or is ``document.pdf``."""
    name = unicodedata.normalize("NFC", str(filename))
    name = re.sub(r"[\x00-\x1f\x7f/\\]+", "_", name).strip(" .")
    stem = name[:-4] if name.lower().endswith(".pdf") else name
    stem = stem.strip(" .") or "document"
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    ascii_stem = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_stem)
    ascii_stem = re.sub(r"_{2,}", "_", ascii_stem).strip("._-") or "document"
    return f"{ascii_stem}.pdf", f"{stem}.pdf"


def pdf_response(pdf_bytes: bytes, filename: str) -> HttpResponse:
    """The PDF as a download: ``attachment`` with an ASCII ``filename`` for old clients and the
    full (Thai) name in ``filename*`` (RFC 6266 / RFC 5987), kept out of shared caches."""
    ascii_name, full_name = pdf_filenames(filename)
    response = HttpResponse(pdf_bytes, content_type="application/pdf")
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(full_name, safe='')}")
    response["Content-Length"] = str(len(pdf_bytes))
    response["Cache-Control"] = "private, no-store"
    return response
