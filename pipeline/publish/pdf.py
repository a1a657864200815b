"""PDF editions: Chromium prints each handout's HTML (docs/pdf-engines.md says why Chromium).

Chromium runs headless through Playwright's async API, one warm browser per worker
process, reused for every PDF of the worker's share, with a few pages printing at once.
The PDF is what a clinic gets printing the HTML from a browser: the same CSS (``@page``
margin boxes with the drug, language, date and page numbers on every page), fonts
embedded as subsets, tagged (structure tree and ``/Lang``), with an outline from the
headings; :mod:`.pdfclean` then makes the bytes reproducible and the extractable text true.
Pages load from a fixed address (``pdfclean.ORIGIN``, then the page's path in the output
folder; Playwright's ``route`` serves the staged files there, and nothing else), so no
path of the machine, output folder name or process id reaches a PDF.

A build prints PDFs when it can: when Playwright or Chromium is missing, or no installed
font covers a script that a handout uses (without Noto CJK a Chinese PDF would be empty
boxes), or the build was told ``--no-pdf``, it prints none of those, keeps each previous
PDF whose page did not change, removes only the out-of-date ones, and says why, naming
the command that fixes it (:func:`engine_problem`, :func:`missing_fonts`,
:func:`keep_current`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import as_completed
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .. import clock
from ..errors import BuildError
from ..workers import pool
from .formats import DRAFTS, PAPER_NAMES
from .pdfclean import ORIGIN, clean, page_address

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
FONT_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/var/cache/fontconfig",
    "~/.cache/fontconfig",
)
PER_BROWSER = 200  # PDFs per worker task (one browser each)
IN_PROCESS_BELOW = 6  # fewer PDFs than this render without worker processes
TIMEOUT_MS = 60_000
# the Debian package that brings a font for a script (Unicode name's first word)
CJK_FONTS = "fonts-noto-cjk"
FONT_PACKAGES = {
    "CJK": CJK_FONTS,
    "HIRAGANA": CJK_FONTS,
    "KATAKANA": CJK_FONTS,
    "HANGUL": CJK_FONTS,
    "BOPOMOFO": CJK_FONTS,
    "HALFWIDTH": CJK_FONTS,
    "FULLWIDTH": CJK_FONTS,
    "IDEOGRAPHIC": CJK_FONTS,
}
BASE_FONTS = "fonts-noto-core"  # Latin, Vietnamese, Arabic, Hebrew, Indic scripts...
NOT_ASKED = "not printed (--no-pdf)"  # pdf_problem of a build told --no-pdf


def find_chromium() -> str | None:
    """``CHROMIUM_PATH``, or the first Chromium or Chrome on the PATH."""
    given = os.environ.get("CHROMIUM_PATH")
    if given:
        return given if Path(given).is_file() else None
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def engine_problem() -> str | None:
    """Why no PDF can be made here, or None."""
    if find_spec("playwright") is None:
        return (
            f"Playwright is not installed in this environment: run `make setup`, or "
            f"`{sys.executable} -m pip install playwright`"
        )
    if find_chromium() is None:
        given = os.environ.get("CHROMIUM_PATH")
        if given:
            return f"CHROMIUM_PATH names no file ({given}): set it to Chromium's path"
        return "Chromium was not found: run `apt-get install chromium` (or set CHROMIUM_PATH)"
    return None


def keep_current(
    digests: dict[str, str], previous: dict[str, str], reason: str
) -> tuple[list[str], dict[str, int]]:
    """When no PDF is printed (``reason``): the PDFs kept from the previous output (the
    same print digest as the page now), and the missing ones counted by reason; an
    out-of-date previous PDF is removed, and said so."""
    kept = [name for name, found in digests.items() if previous.get(name) == found]
    skipped: dict[str, int] = {}
    stale = sum(name in previous and name not in kept for name in digests)
    if stale:
        skipped[f"{reason}; removed because their handout changed"] = stale
    missing = len(digests) - len(kept) - stale
    if missing and reason != NOT_ASKED:
        skipped[reason] = missing
    return kept, skipped


def environment_signature() -> str:
    """What the PDFs depend on outside the project, cheaply (stat only): the engine and
    the installed fonts. A build whose signature changed looks at its PDFs again."""
    parts = [engine_problem() or ""]
    chromium = find_chromium()
    for path in [chromium or "", *FONT_DIRS]:
        full = Path(path).expanduser()
        try:
            stat = full.stat()
            parts.append(f"{full}:{stat.st_size}:{stat.st_mtime_ns}")
        except OSError:
            parts.append(f"{full}:-")
    from importlib.metadata import PackageNotFoundError, version  # (10 ms: only here)

    try:
        parts.append(version("playwright"))
    except PackageNotFoundError:
        parts.append("-")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


# --- fonts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    """The characters the installed fonts have (fontconfig's view, which Chromium uses)."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def covers(self, char: str) -> bool:
        code = ord(char)
        index = bisect_right(self.starts, code) - 1
        return index >= 0 and code <= self.ends[index]


def _merge(ranges: Iterable[tuple[int, int]]) -> Coverage:
    starts: list[int] = []
    ends: list[int] = []
    for low, high in sorted(ranges):
        if ends and low <= ends[-1] + 1:
            ends[-1] = max(ends[-1], high)
        else:
            starts.append(low)
            ends.append(high)
    return Coverage(tuple(starts), tuple(ends))


@lru_cache(maxsize=1)
def font_coverage() -> Coverage | None:
    """Every character some installed font has; None when fontconfig's ``fc-list`` is
    missing (then nothing is skipped for fonts: Chromium's own fallback decides)."""
    tool = shutil.which("fc-list")
    if tool is None:
        return None
    try:
        listed = subprocess.run(
            [tool, "--format", "%{charset}\\n"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    ranges = []
    for token in listed.split():
        low, _, high = token.partition("-")
        try:
            ranges.append((int(low, 16), int(high or low, 16)))
        except ValueError:
            continue
    return _merge(ranges)


def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    return name.split()[0] if name else f"U+{ord(char):04X}"


def missing_fonts(text: str, coverage: Coverage | None) -> str | None:
    """Why ``text`` cannot be printed with the installed fonts, or None."""
    if coverage is None:
        return None
    missing = sorted(
        {
            c
            for c in set(text)
            if not c.isspace()
            and unicodedata.category(c) not in ("Cc", "Cf", "Mn")
            and not coverage.covers(c)
        }
    )
    if not missing:
        return None
    scripts = sorted({_script(c) for c in missing})
    packages = sorted({FONT_PACKAGES.get(s, BASE_FONTS) for s in scripts})
    return (
        f"no installed font has the {', '.join(s.title() for s in scripts)} characters: "
        f"run `apt-get install {' '.join(packages)}`"
    )


# --- rendering ------------------------------------------------------------------------


@dataclass(frozen=True)
class PdfJob:
    html: str  # absolute path of the HTML edition (in the staging folder)
    pdf: str  # absolute path to write
    paper: str  # letter | a4
    used: str  # the characters the handout uses (kept as they are in the text map)
    root: str = ""  # the output (staging) folder the page is in; default: found from html

    def folder(self) -> str:
        """The output folder: ``root``, else the one above the page's locale folder
        (and above ``drafts/``)."""
        if self.root:
            return self.root
        above = os.path.dirname(os.path.dirname(self.html))
        return os.path.dirname(above) if os.path.basename(above) == DRAFTS else above

    def address(self) -> str:
        """Where the page is printed from: a fixed origin, then its path in the folder
        (nothing of the machine's paths reaches the PDF: :mod:`.pdfclean`)."""
        return page_address(Path(os.path.relpath(self.html, self.folder())).as_posix())


def source_epoch() -> int | None:
    return clock.source_date_epoch()


PAGES = 2  # pages printing at once in each browser (Chromium lays one out while the
#           other's PDF is read back and post-processed here)


@dataclass
class Split:
    """Where the PDFs' time went, in seconds summed over PDFs: Chromium loading and laying
    out the page (``load``), Chromium printing it, fonts subset and embedded
    (``print``), the post-processing that makes the bytes reproducible (``clean``),
    writing the file (``write``)."""

    pdfs: int = 0
    load: float = 0.0
    print: float = 0.0
    clean: float = 0.0
    write: float = 0.0
    start: float = 0.0  # starting the browser and its pages

    def record(self) -> None:
        """Append this split as a JSON line to the file ``HANDOUTS_PDF_TIMINGS`` names
        (``make bench`` sets it); nothing when it is not set."""
        target = os.environ.get("HANDOUTS_PDF_TIMINGS")
        if target:
            with open(target, "a", encoding="utf-8") as stream:
                stream.write(json.dumps(asdict(self)) + "\n")


def _startup_error(chromium: str, error: Exception) -> BuildError:
    return BuildError(
        f"Chromium ({chromium}) did not start: {str(error).splitlines()[0]} "
        "(build with --no-pdf to skip PDFs)"
    )


def _print_error(error: Exception, job: PdfJob) -> BuildError:
    return BuildError(
        f"Chromium could not print this PDF: {str(error).splitlines()[0]} "
        "(is the disk full? build with --no-pdf to skip PDFs)",
        job.pdf,
    )


def served_file(url: str, roots: Sequence[str]) -> str | None:
    """The staged file an address on :data:`ORIGIN` stands for (in the first of
    ``roots`` that has it), or None: nothing outside those folders is served."""
    if not url.startswith(ORIGIN + "/"):
        return None
    path = unquote(urlsplit(url).path).lstrip("/")
    for root in roots:
        top = os.path.normpath(root)
        full = os.path.normpath(os.path.join(top, path))
        if full.startswith(top + os.sep) and os.path.isfile(full):
            return full
    return None


async def _serve(context: Any, jobs: Sequence[PdfJob]) -> None:
    """Serve the jobs' folders on :data:`ORIGIN` to the browser ``context``."""
    roots = list(dict.fromkeys(job.folder() for job in jobs))

    async def fulfil(route: Any) -> None:
        found = served_file(route.request.url, roots)
        if found is None:
            await route.fulfill(status=404, body="")
        else:
            await route.fulfill(path=found)

    await context.route(f"{ORIGIN}/**", fulfil)


async def _print_all(jobs: Sequence[PdfJob], epoch: int | None, pages: int, split: Split) -> None:
    """Print ``jobs`` with one warm browser, ``pages`` pages at a time."""
    import asyncio

    from playwright.async_api import Error as BrowserError
    from playwright.async_api import async_playwright

    chromium = find_chromium()
    if chromium is None:
        raise BuildError("Chromium was not found (set CHROMIUM_PATH)")
    began = time.perf_counter()
    async with async_playwright() as playwright:
        try:
            browser = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            context = await browser.new_context(java_script_enabled=False)
            await _serve(context, jobs)
            tabs = [await context.new_page() for _ in range(max(1, min(pages, len(jobs))))]
        except BrowserError as error:
            raise _startup_error(chromium, error) from None
        split.start += time.perf_counter() - began
        waiting = iter(jobs)

        async def work(tab: Any) -> None:
            for job in waiting:  # (one event loop: each job goes to one tab)
                started = time.perf_counter()
                try:
                    await tab.goto(job.address(), wait_until="load", timeout=TIMEOUT_MS)
                    loaded = time.perf_counter()
                    data = await tab.pdf(
                        format=PAPER_NAMES[job.paper],
                        print_background=True,
                        tagged=True,
                        outline=True,
                    )
                except BrowserError as error:  # (a full disk or a crashed browser)
                    raise _print_error(error, job) from None
                printed = time.perf_counter()
                cleaned = clean(data, epoch, set(job.used), job.address())
                done = time.perf_counter()
                with open(job.pdf, "xb") as stream:
                    stream.write(cleaned)
                split.pdfs += 1
                split.load += loaded - started
                split.print += printed - loaded
                split.clean += done - printed
                split.write += time.perf_counter() - done

        try:
            await asyncio.gather(*(work(tab) for tab in tabs))
        finally:
            await browser.close()


def print_jobs(jobs: Sequence[PdfJob], pages: int = PAGES) -> int:
    """Print ``jobs`` with one browser, ``pages`` at a time; return how many were
    printed."""
    if not jobs:
        return 0
    split = Split()
    try:
        import asyncio  # (imported when printing: 20 ms every build command paid)

        asyncio.run(_print_all(jobs, source_epoch(), pages, split))
    finally:
        split.record()
    return len(jobs)


def render_pdfs(
    jobs: Sequence[PdfJob], workers: int, progress: Callable[[int, int], None] | None = None
) -> None:
    """Print every job: one browser per worker process, each printing a share."""
    if not jobs:
        return
    if workers <= 1 or len(jobs) < IN_PROCESS_BELOW:
        print_jobs(jobs)
        if progress:
            progress(len(jobs), len(jobs))
        return
    parts = max(workers, -(-len(jobs) // PER_BROWSER))
    size = -(-len(jobs) // parts)
    shares = [jobs[start : start + size] for start in range(0, len(jobs), size)]
    done = 0
    with pool(min(workers, len(shares))) as running:
        for future in as_completed(running.submit_all(print_jobs, [(s,) for s in shares])):
            done += future.result()
            if progress:
                progress(done, len(jobs))
