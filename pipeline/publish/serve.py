"""``handouts serve``: a local preview that rebuilds what a save touches and reloads the page.

The server builds ``output/`` once (the incremental build), then keeps the build's
inputs in memory: the monographs' index, the glossary, each catalog as last read and
checked, the manifest. A saved catalog is read again and compared entry by entry with
the last reading; only the handouts whose entries changed are rendered (the content
fingerprint of :mod:`.incremental` decides, the same one ``handouts build`` uses, so a
later build finds them current), then written in place, each file atomically, under
the build lock. A marker file (:data:`~.build.PENDING`) stands in ``output/`` while
files change, so a server killed midway makes the next build render everything again.
Any other change (a monograph, the glossary, a new catalog) goes through
:func:`~.build.build` itself.

Pages are served from ``output/`` on 127.0.0.1 only. HTML pages get a small script
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
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from ..catalogs.locales import catalog_path, discover_locales
from ..catalogs.pofile import render_key, write_atomic
from ..errors import HandoutError
from ..model import Key, Monograph
from ..source.glossary import GLOSSARY_PATH
from ..source.monographs import monograph_files
from . import build as builder
from .facts import translated_on
from .incremental import UI_KEYS, WHOLE_CATALOG, dependent_keys
from .localize import ENGLISH
from .render import DRAFTS
from .sources import SourceIndex

EVENTS = "/__handouts/changed"
POLL_SECONDS = 0.25  # how often saved files are looked for
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
    ".catch(function(){}).then(function(){setTimeout(poll,400);});}poll();})();")
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
    policy = preview_policy(match.group(2) if match else "default-src 'none'; "
                            "script-src 'none'; connect-src 'none'")
    if match:
        text = text[:match.start(2)] + policy + text[match.end(2):]
    script = f"<script>{RELOAD_SCRIPT}</script>"
    index = text.rfind("</body>")
    text = text[:index] + script + text[index:] if index >= 0 else text + script
    return text.encode("utf-8"), policy


# --- the state a preview keeps between saves ------------------------------------------

class _Monographs(Mapping[str, Monograph]):
    """The parsed monographs of an index, read on first use."""

    def __init__(self, index: SourceIndex):
        self.index = index

    def __getitem__(self, drug: str) -> Monograph:
        return self.index.monograph(drug)

    def __iter__(self) -> Iterator[str]:
        return iter(self.index.infos)

    def __len__(self) -> int:
        return len(self.index.infos)


@dataclass
class Update:
    """What one rebuild did."""

    rendered: list[str] = field(default_factory=list)  # handouts (locale/drug)
    written: list[str] = field(default_factory=list)  # output files
    full: bool = False  # went through `handouts build`
    seconds: float = 0.0


class Preview:
    """The preview's knowledge of the project and its output, kept between saves."""

    def __init__(self, root: Path, output: Path, locale: str | None = None, jobs: int = 0):
        self.root, self.output = root.resolve(), output.resolve()
        self.locale = locale
        self.jobs = jobs
        self.known: dict[str, Reading] = {}  # each catalog as last read
        self.versions: dict[str, int] = {}  # output file -> times rewritten in place
        self.generation = 0  # full rebuilds (any page may have changed)
        self.error: str | None = None
        self.lock = threading.Lock()  # one rebuild at a time; requests read versions

    # - full refresh: the build itself, then what it read
    def refresh(self) -> Update:
        started = time.perf_counter()
        locales = [ENGLISH, self.locale] if self.locale else None
        builder.build(self.root, self.output, locales, jobs=self.jobs, pdf=False)  # a preview
        self._load()
        self.generation += 1
        return Update(full=True, seconds=time.perf_counter() - started)

    def _load(self) -> None:
        catalogs = discover_locales(self.root)
        self.catalogs = [self.locale] if self.locale else catalogs
        self.raw = builder.raw_inputs(self.root, catalogs)
        self.loaded = builder.load_inputs(self.root, [ENGLISH, *self.catalogs], None,
                                          self.raw, self.output)
        self.manifest = builder._read_manifest(self.output)
        self.manifest_stamp = _stamp(self.output / builder.MANIFEST)
        self.known = {code: _reading(builder.open_locale(
            self.root, code, self.loaded.glossary, self.loaded.safety, self.loaded.policy))
            for code in self.catalogs}
        self.key_drugs: dict[Key, set[str]] = {}
        for drug, info in self.loaded.index.infos.items():
            for key in info.keys:
                self.key_drugs.setdefault(key, set()).add(drug)
        self.shared = builder.Shared(
            str(self.root), _Monographs(self.loaded.index),  # type: ignore[arg-type]
            self.loaded.glossary, self.loaded.safety,
            {d: self.raw.monographs[p][:12] for d, p in self.loaded.paths.items()},
            str(self.output), None, self.loaded.policy, base_url=self.loaded.policy.base_url,
            published_guess=builder._guess_published(self.manifest.get("entries", {}),
                                                     self.loaded))  # no PDFs in a preview
        self.watched = self._signatures()

    # - watching
    def _signatures(self) -> dict[str, tuple[int, int, int]]:
        paths = [catalog_path(self.root, code) for code in self.catalogs]
        paths += [self.root / GLOSSARY_PATH, *monograph_files(self.root)]
        paths.append(self.root / "locales")  # a new catalog folder
        return {str(path): _stamp(path) for path in paths}

    def changes(self) -> list[str]:
        """The watched files whose stamps changed since the last rebuild."""
        try:
            now = self._signatures()
        except HandoutError:
            return ["source/monographs"]
        return sorted(name for name in now.keys() | self.watched.keys()
                      if now.get(name) != self.watched.get(name))

    def rebuild(self, changed: list[str]) -> Update:
        """Bring the output up to date with the saved files (``changed``)."""
        with self.lock:
            catalogs = {str(catalog_path(self.root, code)): code for code in self.catalogs}
            try:
                if changed and all(name in catalogs for name in changed) and \
                        _stamp(self.output / builder.MANIFEST) == self.manifest_stamp:
                    update = self._catalogs_saved([catalogs[name] for name in changed])
                else:
                    update = self.refresh()
                self.error = None
                return update
            except HandoutError as error:
                self.error = str(error)
                self.watched = {**self.watched, **{n: _stamp(Path(n)) for n in changed}}
                raise

    def _catalogs_saved(self, locales: list[str]) -> Update:
        started = time.perf_counter()
        update = Update()
        with builder.build_lock(self.output):
            entries = dict(self.manifest.get("entries", {}))
            todo: dict[str, list[str]] = {}
            readings: dict[str, builder.LocaleState] = {}
            known: dict[str, Reading] = {}
            catalogs = dict(self.raw.catalogs)
            for locale in locales:
                catalogs[locale] = builder._file_digest(catalog_path(self.root, locale))
                new = builder.open_locale(self.root, locale, self.loaded.glossary,
                                          self.loaded.safety, self.loaded.policy)  # may raise
                readings[locale] = new
                known[locale] = _reading(new)
                todo[locale] = self._touched(self.known[locale], known[locale])
            raw = replace(self.raw, catalogs=catalogs)
            files: dict[str, bytes] = {}
            gone: set[str] = set()
            staging = builder._sibling(self.output, f"new-serve-{os.getpid()}")
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir()  # (a killed server's is removed by the next build)
            shared = replace(self.shared, staging=str(staging), previous=str(self.output))
            try:
                for locale, drugs in todo.items():
                    builder._per_locale[locale] = readings[locale]
                    part = builder._locale_part(raw, self.loaded, locale)
                    for drug in self.loaded.drugs:
                        key = f"{locale}/{drug}"
                        fingerprint = builder.quick_fingerprint(raw, self.loaded, locale, drug,
                                                                part)
                        if drug not in drugs and key in entries:
                            entries[key] = {**entries[key], "fingerprint": fingerprint}
                            continue
                        entry, _ = builder.render_handout(shared, locale, drug)
                        base = builder.content_base(raw, self.loaded, locale, drug)
                        entry["fingerprint"], entry["base"] = fingerprint, base
                        entry["content"] = readings[locale].content(
                            base, dependent_keys(self.shared.monographs[drug]))
                        names = builder.entry_files(entry)
                        files.update({name: (staging / name).read_bytes() for name in names})
                        old = entries.get(key)
                        if old is not None:
                            gone.update(set(builder.entry_files(old)) - set(names))
                        entries[key] = entry
                        update.rendered.append(key)
                for name in builder.relink_stale(shared, entries, self.loaded):
                    files[name] = (staging / name).read_bytes()  # links to languages
            finally:
                builder._per_locale.clear()
                shutil.rmtree(staging, ignore_errors=True)
            self._write(files, gone, entries, raw, update)
            self.raw = raw
            self.known.update(known)
        for locale in locales:  # (the rest was not touched)
            path = str(catalog_path(self.root, locale))
            self.watched[path] = _stamp(Path(path))
        update.seconds = time.perf_counter() - started
        return update

    def _touched(self, old: Reading, new: Reading) -> set[str]:
        """The drugs whose handouts may differ between two readings of a catalog."""
        if WHOLE_CATALOG or old[0] != new[0]:
            return set(self.loaded.drugs)
        changed = {key for key in old[1].keys() | new[1].keys()
                   if old[1].get(key) != new[1].get(key)}
        if changed & set(UI_KEYS):
            return set(self.loaded.drugs)
        return {drug for key in changed for drug in self.key_drugs.get(key, ())}

    def _write(self, files: dict[str, bytes], gone: set[str], entries: dict[str, Any],
               raw: builder.RawInputs, update: Update) -> None:
        """Write changed files in place (each atomically), then the pages and the
        manifest, with the pending marker standing while they change."""
        changed = {name: data for name, data in files.items()
                   if not builder._same(self.output / name, data)}
        pages_same = builder.pages_unchanged(self.manifest.get("entries", {}), entries)
        manifest = {"format": builder.MANIFEST_FORMAT,
                    "inputs": None if self.locale else raw.overall(),
                    "code": self.raw.code, "formats": raw.formats,
                    "entries": dict(sorted(entries.items()))}
        if not changed and not gone and pages_same and manifest == self.manifest:
            return
        marker = self.output / builder.PENDING
        marker.write_text("a preview server is writing this output\n", encoding="utf-8")
        for name, data in changed.items():
            _write_bytes(self.output / name, data)
        for name in changed:  # the handouts are fresh: their pages may reload now
            self.versions[name] = self.versions.get(name, 0) + 1
        if not pages_same:
            for name, data in builder._pages(entries).items():
                if not builder._same(self.output / name, data):
                    _write_bytes(self.output / name, data)
                    changed[name] = data
                    self.versions[name] = self.versions.get(name, 0) + 1
        for name in sorted(gone):  # a handout that became a draft, or was published
            (self.output / name).unlink(missing_ok=True)
        write_atomic(self.output / builder.MANIFEST,
                     builder._json(manifest).decode("utf-8"))
        marker.unlink()
        self.manifest = manifest
        self.manifest_stamp = _stamp(self.output / builder.MANIFEST)
        for name in gone:
            self.versions[name] = self.versions.get(name, 0) + 1
        update.written = sorted(changed)

    # - what the pages ask
    def version(self, name: str) -> dict[str, Any]:
        return {"version": f"{self.generation}.{self.versions.get(name, 0)}",
                "error": self.error}


Reading = tuple[str, dict[Key, int]]  # a catalog's header part and entry hashes


def _reading(state: builder.LocaleState) -> Reading:
    assert state.catalog is not None and state.lookup is not None
    return (state.catalog.header.get("Plural-Forms", "") + "\n"
            + str(translated_on(state.catalog)),
            {key: hash(render_key(message)) for key, message in state.lookup.items()})


def _stamp(path: Path) -> tuple[int, int, int]:
    try:
        info = path.stat()
    except OSError:
        return (0, 0, 0)
    return (info.st_mtime_ns, info.st_size, info.st_ino)


def _write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


# --- HTTP ----------------------------------------------------------------------------

def handout_url(base: str, locale: str, drug: str) -> str:
    """Where the preview shows ``drug`` in ``locale`` (published or draft: the server
    redirects to whichever exists)."""
    return f"{base.rstrip('/')}/{locale}/{drug}.html"


class _Handler(http.server.BaseHTTPRequestHandler):
    preview: Preview
    log: Log
    server_version = "handouts-preview"

    def do_HEAD(self) -> None:  # noqa: N802 - the http.server protocol
        self.head_only = True
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802 - the http.server protocol
        parts = urlsplit(self.path)
        if parts.path == EVENTS:
            wanted = parse_qs(parts.query).get("path", ["/"])[0]
            name = self._resolve(wanted)
            body = json.dumps(self.preview.version(name or "")).encode("utf-8")
            return self._send(200, body, "application/json", {"Cache-Control": "no-store"})
        name = self._resolve(unquote(parts.path))
        if name is None:
            moved = self._moved(unquote(parts.path))
            if moved:
                return self._send(302, b"", "text/plain", {"Location": moved})
            return self._send(404, b"not found\n", "text/plain; charset=utf-8")
        data = (self.preview.output / name).read_bytes()
        if name.endswith(".html"):
            page, policy = preview_page(data)
            return self._send(200, page, "text/html; charset=utf-8",
                              {"Content-Security-Policy": policy, "Cache-Control": "no-store"})
        kind = {"txt": "text/plain; charset=utf-8", "json": "application/json"}.get(
            name.rsplit(".", 1)[-1], "application/octet-stream")
        return self._send(200, data, kind, {"Cache-Control": "no-store"})

    def _resolve(self, path: str) -> str | None:
        """The output file a URL path names (a folder: its index.html), or None."""
        relative = path.lstrip("/")
        if relative.startswith(".") or "/." in relative or "\\" in relative or "\0" in relative:
            return None
        target = (self.preview.output / relative).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file() or not target.is_relative_to(self.preview.output):
            return None
        return target.relative_to(self.preview.output).as_posix()

    def _moved(self, path: str) -> str | None:
        """A handout that is now a draft (or now published) is found where it went."""
        relative = path.lstrip("/")
        other = relative.removeprefix(f"{DRAFTS}/") if relative.startswith(f"{DRAFTS}/") \
            else f"{DRAFTS}/{relative}"
        return f"/{other}" if self._resolve(other) else None

    def _send(self, status: int, body: bytes, kind: str,
              headers: dict[str, str] | None = None) -> None:
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


def make_server(preview: Preview, port: int, log: Log) -> http.server.ThreadingHTTPServer:
    """An HTTP server for ``preview`` on 127.0.0.1:``port`` (0: any free port)."""
    handler = type("Handler", (_Handler,), {"preview": preview, "log": staticmethod(log)})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    return server


def watch(preview: Preview, stop: threading.Event, log: Log) -> None:
    """Rebuild after every save until ``stop`` is set."""
    while not stop.wait(POLL_SECONDS):
        changed = preview.changes()
        if not changed:
            continue
        time.sleep(0.05)  # an editor writing in several steps: let it finish
        changed = preview.changes() or changed
        try:
            update = preview.rebuild(changed)
        except HandoutError as error:
            log(f"error: {error} (the preview shows the last good build)")
            continue
        except Exception as error:  # noqa: BLE001 - a bug or a full disk: say so, keep serving
            preview.error = f"the preview could not rebuild: {error!r}"
            preview.watched = preview._signatures()
            log(f"error: {preview.error} (run `handouts build` to see it)")
            continue
        shown = ", ".join(update.rendered[:5]) + (" ..." if len(update.rendered) > 5 else "")
        how = "build" if update.full else f"{len(update.rendered)} handout(s) rendered"
        log(f"rebuilt in {update.seconds:.2f} s ({how}){': ' + shown if shown else ''}")


def serve(root: Path, output: Path, locale: str | None, port: int, log: Log,
          ready: Callable[[str], None] | None = None, jobs: int = 0) -> None:
    """Build, then serve ``output`` and rebuild after every save until interrupted
    (KeyboardInterrupt reaches the caller once the watcher has stopped cleanly)."""
    if locale is not None and locale not in discover_locales(root):
        raise HandoutError(f"no catalog for locale '{locale}' (available: "
                           f"{', '.join(discover_locales(root))})")
    preview = Preview(root, output, locale, jobs)
    preview.refresh()
    server = make_server(preview, port, log)
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(preview, stop, log), daemon=True)
    watcher.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    if ready:
        ready(base)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        stop.set()
        server.server_close()
        watcher.join(timeout=30)
