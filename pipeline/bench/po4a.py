"""``make bench-po4a``: the full build against po4a's translate stage, side by side.

The reference of the field for "documents translated through PO files" is po4a. On one
corpus (``make bench``'s synthetic monographs and complete pseudo-translations), both
tools turn the same English sources and the same catalogs into translated documents:

- ours: ``handouts build --no-pdf`` from an empty output folder (every format: standard
  and large-print HTML, plain text in two widths, the bilingual edition, the index and
  language pages, the report);
- po4a: ``po4a --no-update`` (its translate stage: read the catalogs, translate every
  monograph into every language, write the documents) with one ``[type: yaml]`` entry
  per monograph, the catalogs of ``locales/`` and ``--keep 0`` (every document written,
  whatever its share of translated strings).

The two commands run alternately, each from an empty output folder, so a machine whose
load drifts slows both alike; each run's wall time and CPU time (user + system of the
process and its children) are recorded. The figure is the ratio of po4a's median time
to ours, per handout-locale (both translate the same monographs into the same locales,
so the per-handout-locale ratio is the ratio of the totals). Results are printed and
written to ``output/bench-po4a.json``. Without po4a (Debian: ``apt-get install po4a``)
the comparison is reported as unavailable and the exit code is 2.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from . import as_installed
from .corpus import LOCALES, fill_catalog, generate_sources


@dataclass(frozen=True)
class Run:
    """One timed run of one tool."""

    wall_s: float
    cpu_s: float


def timed(argv: list[str], cwd: Path) -> Run:
    """Run ``argv`` to completion; its wall time and its CPU time (itself and children)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    errors = process.stderr.read() if process.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{' '.join(argv[:4])}... exited {code}: {errors.strip()[-400:]}")
    return Run(round(wall, 3), round(usage.ru_utime + usage.ru_stime, 3))


def po4a_config(root: Path, locales: list[str], output: Path) -> Path:
    """A po4a configuration translating every monograph of ``root`` into ``locales``,
    from the project's own catalogs, into ``output/<lang>/<drug>.yaml``."""
    lines = [
        f"[po4a_langs] {' '.join(locales)}",
        "[po4a_paths] locales/handouts.pot $lang:locales/$lang/LC_MESSAGES/handouts.po",
        '[options] opt:"--keep 0 --master-charset UTF-8 --localized-charset UTF-8"',
    ]
    for source in sorted((root / "source" / "monographs").glob("*.yaml")):
        target = output / "$lang" / source.name
        lines.append(f"[type: yaml] {source.relative_to(root)} $lang:{target}")
    config = root / "po4a.cfg"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def prepare(root: Path, count: int, locales: list[str], seed: int) -> None:
    """The corpus of ``make bench``: sources, catalogs filled with pseudo-translations."""
    drugs = generate_sources(root, count, locales, seed, Path.cwd())
    handouts = [sys.executable, "-m", "pipeline", "-C", str(root)]
    subprocess.run([*handouts, "extract"], check=True, stdout=subprocess.DEVNULL)
    for locale in locales:
        subprocess.run([*handouts, "init", locale], check=True, stdout=subprocess.DEVNULL)
    keep = {drug.lower() for drug in drugs}
    for locale in locales:
        fill_catalog(root, locale, keep)
    subprocess.run([*handouts, "update"], check=True, stdout=subprocess.DEVNULL)


def compare(root: Path, locales: list[str], pairs: int, po4a: str) -> dict[str, object]:
    """``pairs`` alternating runs of both tools on the corpus in ``root``."""
    ours_out, theirs_out = root / "out-handouts", root / "out-po4a"
    config = po4a_config(root, locales, theirs_out)
    build = [sys.executable, "-m", "pipeline", "-C", str(root), "build", "--no-pdf"]
    build += ["--quiet", "--output", str(ours_out)]
    translate = [po4a, "--no-update", str(config)]
    ours: list[Run] = []
    theirs: list[Run] = []
    for index in range(pairs):
        order = [(build, ours_out, ours), (translate, theirs_out, theirs)]
        for argv, output, runs in order if index % 2 == 0 else order[::-1]:
            shutil.rmtree(output, ignore_errors=True)
            runs.append(timed(argv, root))
    documents = sorted(theirs_out.rglob("*.yaml"))
    sources = root / "source" / "monographs"
    translated = sum(path.read_bytes() != (sources / path.name).read_bytes() for path in documents)
    return {
        "handout_locales": len(documents),
        "po4a_documents_translated": translated,
        "files_written": {
            "handouts": sum(1 for path in ours_out.rglob("*") if path.is_file()),
            "po4a": len(documents),
        },
        "handouts": _summary(ours),
        "po4a": _summary(theirs),
        "ratio_wall_median": _ratio(theirs, ours, "wall_s"),
        "ratio_cpu_median": _ratio(theirs, ours, "cpu_s"),
    }


def _summary(runs: list[Run]) -> dict[str, object]:
    walls, cpus = [run.wall_s for run in runs], [run.cpu_s for run in runs]
    return {
        "wall_s": {"min": min(walls), "median": statistics.median(walls), "max": max(walls)},
        "cpu_s": {"min": min(cpus), "median": statistics.median(cpus), "max": max(cpus)},
        "runs": [[run.wall_s, run.cpu_s] for run in runs],
    }


def _ratio(theirs: list[Run], ours: list[Run], field: str) -> float:
    mine = statistics.median(getattr(run, field) for run in ours)
    return round(statistics.median(getattr(run, field) for run in theirs) / mine, 2)


def table(result: dict[str, object]) -> str:
    """The comparison as a few lines of text."""
    rows = [f"{result['handout_locales']} handout-locales, {result['pairs']} alternating pairs"]
    for tool in ("handouts", "po4a"):
        summary = result[tool]
        assert isinstance(summary, dict)
        wall, cpu = summary["wall_s"], summary["cpu_s"]
        rows.append(
            f"  {tool:9} wall median {wall['median']:7.2f} s (min {wall['min']:.2f})"
            f"   cpu median {cpu['median']:7.2f} s (min {cpu['min']:.2f})"
        )
    rows.append(
        f"  po4a / handouts: {result['ratio_wall_median']}x wall, "
        f"{result['ratio_cpu_median']}x CPU (medians; higher is better for handouts)"
    )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline.bench.po4a", description=(__doc__ or "").split("\n")[0]
    )
    parser.add_argument("--monographs", type=int, default=200, metavar="N")
    parser.add_argument("--locales", default="es,zh_CN,ar", help="comma-separated")
    parser.add_argument("--pairs", type=int, default=5, help="alternating runs of each tool")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", default="output/bench-po4a.json", metavar="FILE")
    args = parser.parse_args(argv)
    as_installed()
    locales = [code for code in args.locales.split(",") if code]
    if not locales or set(locales) - set(LOCALES) or args.monographs < 1 or args.pairs < 1:
        parser.error(f"need N >= 1, pairs >= 1 and locales among: {' '.join(LOCALES)}")
    po4a = shutil.which("po4a")
    if po4a is None:
        print("po4a is not installed (Debian: apt-get install po4a): no comparison")
        return 2
    with tempfile.TemporaryDirectory(prefix="handouts-po4a-") as folder:
        root = Path(folder)
        print(f"generating {args.monographs} monographs in {', '.join(locales)}", file=sys.stderr)
        prepare(root, args.monographs, locales, args.seed)
        result = {"monographs": args.monographs, "locales": locales, "pairs": args.pairs}
        result |= compare(root, locales, args.pairs, po4a)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(table(result))
    print(f"\nwrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
