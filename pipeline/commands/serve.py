"""``handouts serve``: build a preview, serve it, and rebuild after every save until
Ctrl-C (or a ``kill``) stops it. The preview's state, its HTTP server and its reload
script are :mod:`pipeline.publish.serve`'s; this module runs them and prints."""

from __future__ import annotations

import argparse
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import HandoutError
from .shared import EXIT_OK, add, inside, output, project_root

if TYPE_CHECKING:
    from ..publish.serve import Log, Preview

POLL_SECONDS = 0.25  # how often saved files are looked for


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``serve``."""
    serve_ = add(
        commands,
        "serve",
        run,
        "preview the handouts on http://127.0.0.1: rebuild what a "
        "saved catalog or monograph touches and reload the open page",
    )
    serve_.add_argument("locale", nargs="?", help="only this locale (and English)")
    serve_.add_argument("--port", type=int, default=8000, help="port (default 8000; 0: any)")
    serve_.add_argument(
        "--output",
        default=".handouts-preview",
        metavar="DIR",
        help="the preview's own folder (default: .handouts-preview; never the build's output/)",
    )
    serve_.add_argument(
        "--jobs",
        type=int,
        default=0,
        metavar="N",
        help="worker processes of full rebuilds (default: one per core)",
    )


def run(args: argparse.Namespace) -> int:
    """Serve the preview until Ctrl-C or a ``kill``."""
    root = project_root(args)
    started = []

    def ready(base: str) -> None:
        started.append(base)
        print(
            f"serving {base}/ (drafts: {base}/drafts/); saving a catalog or a monograph "
            f"rebuilds what it touches; Ctrl-C stops",
            flush=True,
        )
        locale = args.locale or "LOCALE"
        print(f"the work left, with links: handouts status {locale} --url {base}", flush=True)

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt  # a `kill` stops the server as Ctrl-C does

    signal.signal(signal.SIGTERM, interrupted)
    try:
        folder = output(root, inside(root, args.output), "serve --output")
        if folder.resolve() == (root / "output").resolve():
            raise HandoutError(
                "serve never writes the build's output/ (its preview has "
                "its own folder: leave out --output)",
                args.output,
            )
        serve(
            root,
            folder,
            args.locale,
            args.port,
            lambda text: print(text, flush=True),
            ready,
            args.jobs,
        )
    except KeyboardInterrupt:
        if not started:
            raise
        print("stopped", flush=True)
    return EXIT_OK


def serve(
    root: Path,
    folder: Path,
    locale: str | None,
    port: int,
    log: Log,
    ready: Callable[[str], None] | None = None,
    jobs: int = 0,
) -> None:
    """Build, then serve ``folder`` and rebuild after every save until interrupted
    (KeyboardInterrupt reaches the caller once the watcher has stopped cleanly)."""
    from ..catalogs.locales import discover_locales
    from ..publish.serve import Preview, make_server

    if locale is not None and locale not in discover_locales(root):
        raise HandoutError(
            f"no catalog for locale '{locale}' (available: {', '.join(discover_locales(root))})"
        )
    preview = Preview(root, folder, locale, jobs)
    server = make_server(preview, port, log)  # (a port that cannot be had: before building)
    try:
        preview.refresh()
    except BaseException:
        server.server_close()
        raise
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
            preview.watched = preview.signatures()
            log(f"error: {preview.error} (run `handouts build` to see it)")
            continue
        shown = ", ".join(update.rendered[:5]) + (" ..." if len(update.rendered) > 5 else "")
        how = "build" if update.full else f"{len(update.rendered)} handout(s) rendered"
        log(f"rebuilt in {update.seconds:.2f} s ({how}){': ' + shown if shown else ''}")
