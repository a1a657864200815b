"""``make bench``: time the real commands on a synthetic corpus of N monographs in L locales.

The corpus is generated deterministically in a temporary folder: monographs shaped
like the shipped one (its sections and block kinds, safety flags, a list with items),
about 40% of the paragraphs drawn from a pool shared across monographs, the rest
synthesised with the drug's name and numbers with units; one glossary term per drug;
complete pseudo-translations that keep numbers, units, drug names and placeholders.

Each stage runs ``python -m pipeline -C <corpus> ...`` as a fresh subprocess and is
measured from outside: wall time, peak memory (the larger of the biggest process's
``ru_maxrss``, from ``wait4``, and the sum of proportional set sizes over the process
tree sampled every 50 ms, so parallel workers count together and pages they share
count once) and files written (new, or changed inode/mtime/size). A stage whose
command is not implemented yet is reported as unavailable. Generation is not timed.
Results are printed as a table and written to ``output/bench.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import as_installed
from .corpus import (
    EDIT_SHARE,
    LOCALES,
    edit_one_msgstr,
    edit_paragraphs,
    edit_review_date,
    fill_catalog,
    generate_sources,
)

STAGES = (
    "extract",
    "update",
    "update_5pct",
    "check",
    "build_full",
    "build_noop",
    "build_one_catalog",
    "build_one_msgstr",
    "serve_one_msgstr",
    "build_one_monograph",
)
PDF_MONOGRAPHS = 50  # monographs of the PDF stages (in at most 3 locales)
REQUIRES = {"check": "pipeline.checks.report", "build": "pipeline.publish.build"}


# --- measuring --------------------------------------------------------------------------


@dataclass
class Stage:
    """What one stage cost; ``status`` is ok, failed, or unavailable."""

    name: str
    status: str = "ok"
    wall_s: float | None = None
    peak_rss_mb: float | None = None
    files_written: int | None = None
    detail: str = ""
    runs: list[tuple[float, float]] = field(default_factory=list)
    extra: dict[str, object] = field(default_factory=dict)  # a PDF stage's rate and split

    def as_dict(self) -> dict[str, object]:
        result: dict[str, object] = {
            "wall_s": self.wall_s,
            "peak_rss_mb": self.peak_rss_mb,
            "files_written": self.files_written,
            **self.extra,
        }
        if self.status != "ok":
            result["status"] = self.status
        return result


def snapshot(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Every file under ``folder``: (inode, mtime in ns, size)."""
    found = {}
    for base, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(base, name)
            with contextlib.suppress(FileNotFoundError):
                info = os.stat(path)
                found[path] = (info.st_ino, info.st_mtime_ns, info.st_size)
    return found


def _tree_memory_kb(pid: int) -> int:
    """Memory of ``pid`` and its descendants (kB): the sum of their proportional set
    sizes (pages shared after a fork counted once), from /proc."""
    return sum(_pss_kb(member) for member in _tree(pid))


def _tree(pid: int) -> set[int]:
    """``pid`` and its descendants: from each thread's ``children`` list (cheap), or
    from the parent of every process in /proc where the kernel has no such list."""
    tree, pending = {pid}, [pid]
    if not _CHILDREN_LISTS:
        return _tree_from_parents(pid)
    try:
        while pending:
            member = pending.pop()
            for task in os.scandir(f"/proc/{member}/task"):
                with open(f"{task.path}/children", "rb") as stream:
                    children = {int(child) for child in stream.read().split()} - tree
                tree |= children
                pending += children
        return tree
    except FileNotFoundError:  # a process ended meanwhile: the next sample counts it
        return tree
    except OSError:
        return _tree_from_parents(pid)


_CHILDREN_LISTS = os.path.exists(f"/proc/self/task/{os.getpid()}/children")


def _tree_from_parents(pid: int) -> set[int]:
    """``pid`` and its descendants, from the parent of every process in /proc."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as stream:
                    parents[int(entry.name)] = int(stream.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, grew = {pid}, True
    while grew:  # add children of members until nothing changes
        grew = False
        for child, parent in parents.items():
            if parent in tree and child not in tree:
                tree.add(child)
                grew = True
    return tree


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as stream:
            for line in stream:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_command(
    argv: list[str], sample_every: float = 0.1, env: dict[str, str] | None = None
) -> tuple[int, float, float, str]:
    """Run ``argv``; return (exit code, wall seconds, peak RSS in MB, stderr).

    Each memory sample costs a few milliseconds of CPU (the kernel walks the page
    tables for PSS): every 0.1 s that is about 3% of one core, taken from the run."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=errors, env=env)
        peak_kb = 0
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            peak_kb = max(peak_kb, _tree_memory_kb(process.pid))
            time.sleep(sample_every)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        message = errors.read().decode("utf-8", "replace")
    return process.returncode, wall, max(peak_kb, usage.ru_maxrss) / 1024, message


class Bench:
    """Runs and records the stages on one corpus."""

    def __init__(self, root: Path, verbose: bool = True):
        self.root = root
        self.stages: dict[str, Stage] = {}
        self.verbose = verbose

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "pipeline", "-C", str(self.root), *args]

    def run(
        self, name: str, commands: list[list[str]], watch: str, env: dict[str, str] | None = None
    ) -> Stage:
        """Time ``commands`` (one stage: walls add up, peaks take the max)."""
        stage = Stage(name)
        needed = REQUIRES.get(commands[0][5]) if len(commands[0]) > 5 else None
        if needed and importlib.util.find_spec(needed) is None:
            stage.status, stage.detail = "unavailable", f"{needed} does not exist yet"
            return self.record(stage)
        before = snapshot(self.root / watch)
        wall = peak = 0.0
        for argv in commands:
            code, seconds, rss, errors = run_command(argv, env=env)
            wall, peak = wall + seconds, max(peak, rss)
            if "No module named 'pipeline." in errors:
                stage.status, stage.detail = "unavailable", errors.strip().splitlines()[-1]
                return self.record(stage)
            if code not in (0, 1) or "Traceback" in errors:
                stage.status = "failed"
                stage.detail = f"exit {code}: " + " | ".join(errors.strip().splitlines()[-3:])
                break
        after = snapshot(self.root / watch)
        stage.wall_s, stage.peak_rss_mb = round(wall, 3), round(peak, 1)
        stage.files_written = sum(before.get(path) != state for path, state in after.items())
        return self.record(stage)

    def serve_one_msgstr(self, locale: str, drug: str) -> Stage:
        """``handouts serve``: from the save of one msgstr to the page being fresh (its
        file rewritten, as the page's reload then shows it); the server's own count of
        handouts rendered is the detail. Start-up (a no-op build, reading the catalogs)
        is not timed."""
        stage = Stage("serve_one_msgstr")
        if importlib.util.find_spec("pipeline.publish.serve") is None:
            stage.status, stage.detail = "unavailable", "pipeline.publish.serve does not exist"
            return self.record(stage)
        process = subprocess.Popen(
            [*self.command("serve", "--port", "0", "--jobs", "1")],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None  # a pipe, asked for above
        try:
            line = process.stdout.readline()
            if "serving http://127.0.0.1:" not in line:
                stage.status, stage.detail = "failed", line.strip() or "no server"
                return self.record(stage)
            process.stdout.readline()  # the status hint
            preview = self.root / ".handouts-preview"  # serve's own folder (never output/)
            html = preview / locale / f"{drug.lower()}.html"
            before_files = snapshot(preview)
            before = html.read_bytes()
            edit_one_msgstr(self.root, locale, drug)  # saved (renamed into place) on return
            start = time.perf_counter()
            deadline = start + 60
            while html.read_bytes() == before and time.perf_counter() < deadline:
                time.sleep(0.005)
            wall = time.perf_counter() - start
            report = process.stdout.readline().strip() if process.stdout and wall < 60 else ""
            peak = _tree_memory_kb(process.pid) / 1024
            after = snapshot(preview)
            stage.wall_s, stage.peak_rss_mb = round(wall, 3), round(peak, 1)
            stage.files_written = sum(before_files.get(p) != s for p, s in after.items())
            stage.detail = f"({report})"
            if wall >= 60:
                stage.status = "failed"
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()
        return self.record(stage)

    def record(self, stage: Stage) -> Stage:
        self.stages[stage.name] = stage
        if self.verbose:
            shown = f"{stage.wall_s:.2f} s" if stage.wall_s is not None else stage.status
            print(f"  {stage.name}: {shown} {stage.detail}".rstrip(), file=sys.stderr)
        return stage


def run_bench(
    root: Path,
    count: int,
    locales: list[str],
    seed: int = 1,
    repo: Path | None = None,
    verbose: bool = True,
    pdf_count: int = 0,
) -> dict[str, object]:
    """Generate the corpus in ``root`` (an empty folder), run every stage, return results."""
    repo = repo or Path.cwd()
    say: Callable[[str], None] = (
        (lambda text: print(text, file=sys.stderr)) if verbose else (lambda text: None)
    )
    say(f"generating {count} monographs, {len(locales)} locales in {root}")
    drugs = generate_sources(root, count, locales, seed, repo)
    bench = Bench(root, verbose)
    bench.run("extract", [bench.command("extract")], "locales")
    bench.run("init", [bench.command("init", locale) for locale in locales], "locales")
    say("filling the catalogs with pseudo-translations")
    keep = {drug.lower() for drug in drugs}
    for locale in locales:
        fill_catalog(root, locale, keep)
    bench.run("update", [bench.command("update")], "locales")
    bench.run("check", [bench.command("check")], "output")
    bench.run("build_full", [bench.command("build", "--no-pdf")], "output")
    bench.run("build_noop", [bench.command("build", "--no-pdf")], "output")
    edit_one_msgstr(root, locales[0], drugs[0])
    # (the first after a full build: as a translator's first save)
    bench.run("build_one_catalog", [bench.command("build", "--no-pdf")], "output")
    edit_one_msgstr(root, locales[0], drugs[1])
    bench.run("build_one_msgstr", [bench.command("build", "--no-pdf")], "output")
    bench.serve_one_msgstr(locales[0], drugs[2])
    edit_review_date(root, drugs[-1])
    bench.run("build_one_monograph", [bench.command("build", "--no-pdf")], "output")
    edited = edit_paragraphs(root, EDIT_SHARE, seed)
    say(f"edited {edited} paragraphs")
    bench.run("extract_5pct", [bench.command("extract")], "locales")
    bench.run("update_5pct", [bench.command("update")], "locales")
    stages = {name: bench.stages[name].as_dict() for name in (*STAGES, "init", "extract_5pct")}
    if pdf_count:
        from .pdfs import pdf_stages  # (it uses this module's Bench)

        say(f"PDFs: {pdf_count} monographs, {min(len(locales), 3)} locales in {root / 'pdf'}")
        stages.update(pdf_stages(root / "pdf", pdf_count, locales[:3], seed, repo, verbose))
    return {
        "n_monographs": count,
        "n_locales": len(locales),
        "handouts": count * len(locales) * 2,
        "stages": stages,
    }


def table(results: dict[str, object]) -> str:
    """The results as a Markdown table."""
    stages = results["stages"]
    assert isinstance(stages, dict)
    lines = [
        f"N={results['n_monographs']} monographs, L={results['n_locales']} locales, "
        f"{results['handouts']} handout files",
        "",
        "| stage | wall s | peak MB | files written |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, stage in stages.items():
        if stage.get("status"):
            lines.append(f"| {name} | {stage['status']} | | |")
        else:
            rate = (
                f" ({stage['pdfs']} PDFs, {stage['pdfs_per_s']:.2f}/s)"
                if stage.get("pdfs_per_s") is not None
                else ""
            )
            lines.append(
                f"| {name}{rate} | {stage['wall_s']:.2f} | "
                f"{stage['peak_rss_mb']:.0f} | {stage['files_written']} |"
            )
    return "\n".join(lines)


@contextlib.contextmanager
def workspace(keep: bool) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="handouts-bench-"))
    try:
        yield folder
    finally:
        if keep:
            print(f"corpus kept in {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline.bench", description=__doc__.split("\n")[0] if __doc__ else None
    )
    parser.add_argument("--monographs", type=int, default=200, metavar="N")
    parser.add_argument(
        "--locales", type=int, default=3, metavar="L", help=f"how many of: {' '.join(LOCALES)}"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--pdf-monographs",
        type=int,
        default=PDF_MONOGRAPHS,
        metavar="N",
        help="monographs of the PDF stages (at most 3 locales; 0: none)",
    )
    parser.add_argument("--output", default="output/bench.json", metavar="FILE")
    parser.add_argument("--keep", action="store_true", help="keep the generated corpus")
    args = parser.parse_args(argv)
    as_installed()
    if not 1 <= args.locales <= len(LOCALES) or args.monographs < 1:
        parser.error(f"need N >= 1 and 1 <= L <= {len(LOCALES)}")
    with workspace(args.keep) as root:
        results = run_bench(
            root,
            args.monographs,
            list(LOCALES[: args.locales]),
            args.seed,
            pdf_count=max(0, min(args.pdf_monographs, args.monographs)),
        )
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    print(f"\nwrote {output}")
    return 0
