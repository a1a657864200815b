"""``make bench``'s PDF stages, on their own corpus (N monographs in at most 3 locales):
the first build with PDFs, the build after one saved msgstr (only the PDFs whose printed
HTML changed are printed again), and the rate the PDFs are compared with: the same HTML
printed by one Chromium per file, two at a time. Each build stage records its PDFs, PDFs
per second (of the whole build's wall time) and where the printing time went
(:class:`pipeline.publish.pdf.Split`, summed over the workers)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..publish.pdf import CHROMIUM_ARGS, engine_problem, find_chromium
from .corpus import edit_one_msgstr, fill_catalog, generate_sources
from .run import Bench, Stage, run_command, snapshot

NAMES = ("pdf_full", "pdf_one_msgstr", "pdf_per_file_chromium")
PER_FILE_SAMPLE = 12  # HTML files printed one Chromium each for the comparison
SPLIT = ("start", "load", "print", "clean", "write")


def pdf_stages(
    root: Path, count: int, locales: list[str], seed: int, repo: Path, verbose: bool = True
) -> dict[str, dict[str, object]]:
    """Generate the PDF corpus in ``root`` (made here) and run the PDF stages."""
    problem = engine_problem()
    if problem:
        return {name: Stage(name, "unavailable", detail=problem).as_dict() for name in NAMES}
    root.mkdir(parents=True)
    drugs = generate_sources(root, count, locales, seed, repo)
    bench = Bench(root, verbose)
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "check": True}
    subprocess.run(bench.command("extract"), **quiet)  # type: ignore[call-overload]
    for locale in locales:
        subprocess.run(bench.command("init", locale), **quiet)  # type: ignore[call-overload]
    keep = {drug.lower() for drug in drugs}
    for locale in locales:
        fill_catalog(root, locale, keep)
    subprocess.run(bench.command("update"), **quiet)  # type: ignore[call-overload]
    timings = root / "pdf-timings.jsonl"
    env = {**os.environ, "HANDOUTS_PDF_TIMINGS": str(timings)}
    full = _build(bench, "pdf_full", env, timings)
    edit_one_msgstr(root, locales[0], drugs[0])
    _build(bench, "pdf_one_msgstr", env, timings)
    cold = _per_file(bench, root)
    warm, per_file = full.extra.get("pdfs_per_s"), cold.extra.get("pdfs_per_s")
    if (
        full.status == cold.status == "ok"
        and isinstance(warm, int | float)
        and isinstance(per_file, int | float)
        and per_file
    ):
        full.extra["times_per_file_rate"] = round(warm / per_file, 2)
    return {name: bench.stages[name].as_dict() for name in NAMES}


def _build(bench: Bench, name: str, env: dict[str, str], timings: Path) -> Stage:
    """``handouts build`` with PDFs, timed; its PDFs, rate and split."""
    timings.unlink(missing_ok=True)
    output = bench.root / "output"
    before = snapshot(output)
    stage = bench.run(name, [bench.command("build")], "output", env=env)
    pdfs = sum(
        before.get(path) != state
        for path, state in snapshot(output).items()
        if path.endswith(".pdf")
    )
    split = dict.fromkeys(SPLIT, 0.0)
    if timings.is_file():
        for line in timings.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            for key in SPLIT:
                split[key] += record.get(key, 0.0)
    stage.extra = {"pdfs": pdfs, "split_s": {key: round(value, 3) for key, value in split.items()}}
    if stage.wall_s:
        stage.extra["pdfs_per_s"] = round(pdfs / stage.wall_s, 3)
    _say(
        bench,
        f"    {pdfs} PDFs; split (s, all workers): "
        + ", ".join(f"{k} {v:.2f}" for k, v in split.items()),
    )
    return stage


def _per_file(bench: Bench, root: Path) -> Stage:
    """The first PDFs' HTML printed again with one Chromium process per file, two at a
    time (``--print-to-pdf``): the rate a warm browser is compared with."""
    output, target = root / "output", root / "per-file"
    target.mkdir()
    pages = [
        pdf.with_suffix(".html")
        for pdf in sorted(output.rglob("*.pdf"))
        if pdf.with_suffix(".html").is_file()
    ][:PER_FILE_SAMPLE]
    chromium = find_chromium() or "chromium"
    commands = [
        [
            chromium,
            "--headless",
            *CHROMIUM_ARGS,
            "--no-pdf-header-footer",
            f"--print-to-pdf={target / f'{index}.pdf'}",
            page.as_uri(),
        ]
        for index, page in enumerate(pages)
    ]
    stage = Stage("pdf_per_file_chromium")
    start = time.perf_counter()
    with ThreadPoolExecutor(2) as running:
        results = list(running.map(run_command, commands))
    wall = time.perf_counter() - start
    printed = sum(1 for index in range(len(pages)) if (target / f"{index}.pdf").is_file())
    stage.wall_s, stage.files_written = round(wall, 3), printed
    stage.peak_rss_mb = round(max((rss for _, _, rss, _ in results), default=0.0), 1)
    stage.extra = {"pdfs": printed, "pdfs_per_s": round(printed / wall, 3) if wall else None}
    if printed < len(pages):
        stage.status = "failed"
        stage.detail = next(
            (
                errors.strip().splitlines()[-1]
                for code, _, _, errors in results
                if code and errors.strip()
            ),
            "no PDF",
        )
    return bench.record(stage)


def _say(bench: Bench, text: str) -> None:
    if bench.verbose:
        print(text, file=sys.stderr)
