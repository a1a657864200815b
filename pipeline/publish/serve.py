"""The preview of ``handouts serve`` (a library; :mod:`pipeline.commands.serve` runs it):
its state, its HTTP server and the script that reloads a page.

The preview is built once, then after every save :class:`Preview` asks the build's public
interface, :class:`~.build.IncrementalBuild`, to bring it up to date: a saved catalog
re-renders only the handouts whose entries changed, in place (:mod:`.rebuild`); any
other change (a monograph, the glossary, a new catalog) goes through the build itself.

Pages are served from ``output/`` on 127.0.0.1 only, to requests that name the server
itself (Host ``localhost``, ``127.0.0.1`` or ``[::1]`` with its port; any other is
answered 421, so a page of another site cannot read drafts by DNS rebinding); an odd or
overlong path is 404 or 414, and no answer redirects to another host. A port that is not
one, or cannot be had, is refused before anything is built. HTML pages get a small script
that asks the server every 0.4 s whether its own file changed and reloads it; the
script exists only in the served response, never in a built file, and the response's
Content-Security-Policy allows exactly that script (by hash) and requests to this
server (``connect-src 'self'``).
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import json
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from ..errors import HandoutError
from .build import IncrementalBuild
from .formats import DRAFTS
from .localize import ENGLISH
from .rebuild import Update, stamp

EVENTS = "/__handouts/changed"
LOCAL_NAMES = ("localhost", "127.0.0.1", "[::1]")  # the Host names this server answers to
MAX_PATH = 2048  # longer request targets: 414
MAX_NAME = 255  # a longer path component names no file: 404
Log = Callable[[str], None]

RELOAD_SCRIPT = (
    "(function(){var path=location.pathname,seen=null;"
    "function show(text){var bar=document.getElementById('handouts-preview-error');"
    "if(!text){if(bar)bar.remove();return;}"
    "if(!bar){bar=document.createElement('div');bar.id='handouts-preview-error';"
    "bar.setAttribute('role','alert');bar.style.cssText='';bar.style.position='fixed';"
    "bar.style.top='0';bar.style.left='0';bar.style.right='0';bar.style.padding='0.5em';"
    "bar.style.background='#7a0000';bar.style.color='#fff';bar.style.zIndex='9999';"
    "bar.style.whiteSpace='pre-wrap';document.body.appendChild(bar);}bar.textContent=text;}"
    f"function poll(){{fetch('{EVENTS}?path='+encodeURIComponent(path),{{cache:'no-store'}})"
    ".then(function(r){return r.json();}).then(function(state){show(state.error);"
    "if(seen===null){seen=state.version;}else if(state.version!==seen){location.reload();}})"
    ".catch(function(){}).then(function(){setTimeout(poll,400);});}poll();})();"
)
SCRIPT_HASH = base64.b64encode(hashlib.sha256(RELOAD_SCRIPT.encode("utf-8")).digest()).decode()
_CSP_META = re.compile(r'(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(")')


def preview_policy(policy: str) -> str:
    """A built page's policy, allowing the reload script (by hash) and this server."""
    policy = policy.replace("script-src 'none'", f"script-src 'sha256-{SCRIPT_HASH}'")
    return policy.replace("connect-src 'none'", "connect-src 'self'")


def preview_page(html: bytes) -> tuple[bytes, str]:
    """A built HTML page as the preview serves it: with the reload script and its
    policy; (page, policy). The policy in the page itself is rewritten too, since a
    browser enforces every policy it is given."""
    text = html.decode("utf-8")
    match = _CSP_META.search(text)
    policy = preview_policy(
        match.group(2) if match else "default-src 'none'; script-src 'none'; connect-src 'none'"
    )
    if match:
        text = text[: match.start(2)] + policy + text[match.end(2) :]
    script = f"<script>{RELOAD_SCRIPT}</script>"
    index = text.rfind("</body>")
    text = text[:index] + script + text[index:] if index >= 0 else text + script
    return text.encode("utf-8"), policy


# --- the state a preview keeps between saves ------------------------------------------


class Preview:
    """The preview's knowledge of the project and its output, kept between saves."""

    def __init__(self, root: Path, output: Path, locale: str | None = None, jobs: int = 0):
        self.root, self.output = root.resolve(), output.resolve()
        self.locale = locale
        self.builder = IncrementalBuild(
            self.root, self.output, [ENGLISH, locale] if locale else None, jobs=jobs, preview=True
        )
        self.versions: dict[str, int] = {}  # output file -> times rewritten in place
        self.generation = 0  # full rebuilds (any page may have changed)
        self.error: str | None = None
        self.watched: dict[str, tuple[int, int, int]] = {}
        self.lock = threading.Lock()  # one rebuild at a time; requests read versions

    def refresh(self) -> Update:
        """Build (no PDFs in a preview) and remember what was read."""
        with self.lock:
            return self._noted(self.builder.rebuild([]))

    # - watching
    def signatures(self) -> dict[str, tuple[int, int, int]]:
        return {str(path): stamp(path) for path in self.builder.inputs()}

    def changes(self) -> list[str]:
        """The watched files whose stamps changed since the last rebuild."""
        try:
            now = self.signatures()
        except HandoutError:
            return ["source/monographs"]
        return sorted(
            name
            for name in now.keys() | self.watched.keys()
            if now.get(name) != self.watched.get(name)
        )

    def rebuild(self, changed: list[str]) -> Update:
        """Bring the output up to date with the saved files (``changed``)."""
        with self.lock:
            try:
                update = self._noted(self.builder.rebuild(changed))
                if not update.full:  # (the rest was not touched)
                    self.watched.update({name: stamp(Path(name)) for name in changed})
                self.error = None
                return update
            except HandoutError as error:
                self.error = str(error)
                self.watched = {**self.watched, **{n: stamp(Path(n)) for n in changed}}
                raise

    def _noted(self, update: Update) -> Update:
        """Count the update: pages whose file changed reload."""
        if update.full:
            self.generation += 1
            self.watched = self.signatures()
        else:
            for name in [*update.written, *update.removed]:
                self.versions[name] = self.versions.get(name, 0) + 1
        return update

    # - what the pages ask
    def version(self, name: str) -> dict[str, Any]:
        return {"version": f"{self.generation}.{self.versions.get(name, 0)}", "error": self.error}


# --- HTTP ----------------------------------------------------------------------------


def handout_url(base: str, locale: str, drug: str) -> str:
    """Where the preview shows ``drug`` in ``locale`` (published or draft: the server
    redirects to whichever exists)."""
    return f"{base.rstrip('/')}/{locale}/{drug}.html"


class _Handler(http.server.BaseHTTPRequestHandler):
    server: http.server.ThreadingHTTPServer  # made by make_server
    preview: Preview
    log: Log
    server_version = "handouts-preview"

    def do_HEAD(self) -> None:  # noqa: N802 - the http.server protocol
        self.head_only = True
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802 - the http.server protocol
        """Answer only requests addressed to this server by its own name (a page of
        another site cannot reach it by DNS rebinding), for a plain path."""
        port = self.server.server_address[1]
        if not own_host(self.headers.get("Host"), port):
            return self._send(
                421,
                f"this preview answers only at http://127.0.0.1:{port}/\n".encode(),
                "text/plain; charset=utf-8",
            )
        if len(self.path) > MAX_PATH:
            return self._send(414, b"address too long\n", "text/plain; charset=utf-8")
        parts = urlsplit(self.path)
        if (
            parts.scheme
            or parts.netloc
            or not parts.path.startswith("/")
            or "//" in parts.path
            or "//" in unquote(parts.path)
        ):
            return self._send(404, b"not found\n", "text/plain; charset=utf-8")
        return self._answer(parts.path, parts.query)

    def _answer(self, path: str, query: str) -> None:
        if path == EVENTS:
            wanted = parse_qs(query).get("path", ["/"])[0]
            name = self._resolve(wanted)
            body = json.dumps(self.preview.version(name or "")).encode("utf-8")
            return self._send(200, body, "application/json", {"Cache-Control": "no-store"})
        name = self._resolve(unquote(path))
        if name is None:
            moved = self._moved(unquote(path))
            if moved:
                return self._send(302, b"", "text/plain", {"Location": moved})
            return self._send(404, b"not found\n", "text/plain; charset=utf-8")
        try:
            data = (self.preview.output / name).read_bytes()
        except OSError:  # (removed by a rebuild meanwhile)
            return self._send(404, b"not found\n", "text/plain; charset=utf-8")
        if name.endswith(".html"):
            page, policy = preview_page(data)
            return self._send(
                200,
                page,
                "text/html; charset=utf-8",
                {"Content-Security-Policy": policy, "Cache-Control": "no-store"},
            )
        kind = {"txt": "text/plain; charset=utf-8", "json": "application/json"}.get(
            name.rsplit(".", 1)[-1], "application/octet-stream"
        )
        return self._send(200, data, kind, {"Cache-Control": "no-store"})

    def _resolve(self, path: str) -> str | None:
        """The output file a URL path names (a folder: its index.html), or None."""
        relative = path.lstrip("/")
        if (
            relative.startswith(".")
            or "/." in relative
            or "\\" in relative
            or "\0" in relative
            or "//" in relative
            or any(
                len(part.encode("utf-8", "surrogatepass")) > MAX_NAME
                for part in relative.split("/")
            )
        ):
            return None
        try:
            target = (self.preview.output / relative).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file() or not target.is_relative_to(self.preview.output):
                return None
        except (OSError, ValueError, RuntimeError):  # too long, a link loop: not here
            return None
        return target.relative_to(self.preview.output).as_posix()

    def _moved(self, path: str) -> str | None:
        """A handout that is now a draft (or now published) is found where it went."""
        relative = path.lstrip("/")
        other = (
            relative.removeprefix(f"{DRAFTS}/")
            if relative.startswith(f"{DRAFTS}/")
            else f"{DRAFTS}/{relative}"
        )
        if other.startswith("/") or not self._resolve(other):
            return None  # (a Location starting "//" would name another host)
        return quote(f"/{other}")

    def _send(
        self, status: int, body: bytes, kind: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not getattr(self, "head_only", False):
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the protocol
        pass  # requests are not news; rebuilds are


def own_host(header: str | None, port: int) -> bool:
    """Whether a request's Host header names this server: localhost, 127.0.0.1 or
    [::1] with its port (any other name may be an attacker's, rebound to 127.0.0.1)."""
    if not header:
        return False
    return header.strip().lower() in {f"{name}:{port}" for name in LOCAL_NAMES} | (
        set(LOCAL_NAMES) if port == 80 else set()
    )


def check_port(port: int) -> int:
    """``port`` if a server can listen on it (0: any free one); a HandoutError if not."""
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise HandoutError(
            f"--port must be a number from 0 to 65535 (0: any free port), not {port!r}"
        )
    return port


def make_server(preview: Preview, port: int, log: Log) -> http.server.ThreadingHTTPServer:
    """An HTTP server for ``preview`` on 127.0.0.1:``port`` (0: any free port); a
    HandoutError when the port is not one or cannot be had."""
    handler = type("Handler", (_Handler,), {"preview": preview, "log": staticmethod(log)})
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", check_port(port)), handler)
    except OSError as error:
        raise HandoutError(
            f"cannot listen on 127.0.0.1:{port}: {error.strerror or error} "
            "(another server? choose another --port, or 0 for any)"
        ) from None
    server.daemon_threads = True
    return server
