"""``handouts build`` (the whole site, or one shard of it) and ``handouts assemble``
(the shards joined into the site one build makes)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import HandoutError
from ..escaping import terminal
from .shared import (
    EXIT_CHECK_FAILED,
    EXIT_OK,
    add,
    inside,
    output,
    project_root,
    shown,
    warn_unread,
)

if TYPE_CHECKING:
    from ..publish.build import BuildResult

Progress = Callable[[int, int], None]
JOBS = "worker processes (default: one per core)"


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``build`` and ``assemble``."""
    build = add(
        commands,
        "build",
        run_build,
        "render the handouts' editions (HTML, text, large print, bilingual, PDF) into output/",
    )
    build.add_argument(
        "--output", default="output", metavar="DIR", help="output folder (default: output)"
    )
    build.add_argument(
        "--locale", action="append", metavar="LOCALE", help="only this locale (repeatable)"
    )
    build.add_argument("--drug", action="append", metavar="ID", help="only this drug (repeatable)")
    build.add_argument("--jobs", type=int, default=0, metavar="N", help=JOBS)
    build.add_argument(
        "--quiet",
        action="store_true",
        help="no progress display or summary (warnings are still printed)",
    )
    build.add_argument(
        "--no-pdf",
        action="store_true",
        help="print no PDF (they need Chromium and fonts); the PDFs of unchanged handouts are kept",
    )
    build.add_argument(
        "--require-pdf",
        action="store_true",
        help="exit 1 when any PDF could not be printed (for CI)",
    )
    build.add_argument(
        "--shard",
        metavar="K/N",
        help="build only the K-th of N shards (a CI matrix job; join them "
        "with `handouts assemble`)",
    )
    build.add_argument(
        "--timings",
        metavar="FILE",
        help="with --shard: balance the shards by these seconds per locale "
        "(written by `assemble --timings`; by handout counts if absent)",
    )
    _register_assemble(commands)


def _register_assemble(commands: argparse._SubParsersAction) -> None:
    assembled = add(
        commands,
        "assemble",
        run_assemble,
        "join the folders of `build --shard` into the site one build makes",
    )
    assembled.add_argument("shards", nargs="+", metavar="DIR", help="a shard's folder")
    assembled.add_argument(
        "--output", default="output", metavar="DIR", help="output folder (default: output)"
    )
    assembled.add_argument("--jobs", type=int, default=0, metavar="N", help=JOBS)
    assembled.add_argument(
        "--timings",
        metavar="FILE",
        help="also write each locale's seconds per handout here, for "
        "`build --shard --timings` next time",
    )


def _progress(done: int, total: int) -> None:
    end = "\n" if done == total else ""
    print(f"\rrendering handouts: {done}/{total}", end=end, file=sys.stderr, flush=True)


def _output_folder(root: Path, given: str, option: str) -> Path:
    folder = Path(given)
    return output(root, folder if folder.is_absolute() else root / folder, option)


def run_build(args: argparse.Namespace) -> int:
    """Build the site (or a shard), print its summary and warnings."""
    from ..publish.build import build

    root = project_root(args)
    warn_unread(args)
    folder = _output_folder(root, args.output, "build --output")
    if args.require_pdf and args.no_pdf:
        raise HandoutError("--require-pdf and --no-pdf contradict each other: choose one")
    progress = _progress if sys.stderr.isatty() and not args.quiet else None
    if args.shard or args.timings:
        return _build_shard(args, root, folder, progress)
    result = build(root, folder, args.locale, args.drug, args.jobs, progress, pdf=not args.no_pdf)
    if not args.quiet:
        state = "updated" if result.changed else "unchanged"
        print(
            f"{shown(result.output)}: {state}; {result.published} published, "
            f"{result.drafts} draft(s); {result.rendered} rendered, {result.pdfs} PDF(s) "
            f"printed, {result.files_written} file(s) written"
        )
    for reason, count in sorted(result.skipped.items()):  # warnings, even with --quiet
        print(f"warning: {count} PDF(s) skipped: {reason}", file=sys.stderr)
    if args.require_pdf and result.skipped:
        print(
            f"handouts build: error: {sum(result.skipped.values())} PDF(s) could not be "
            "printed (--require-pdf)",
            file=sys.stderr,
        )
        return EXIT_CHECK_FAILED
    _warn_drafts(root, result)
    return EXIT_OK


def _warn_drafts(root: Path, result: BuildResult) -> None:
    """Name the required locales built as drafts, and the recorded facts not shown."""
    from ..checks.policy import load_policy

    for locale in load_policy(root).required():
        reasons = result.draft_reasons(locale)
        if reasons:  # the build succeeded; `handouts check` is the gate that fails
            print(
                f"{locale}: required, built as a draft: {reasons}; run `handouts check "
                f"--locale {locale}`",
                file=sys.stderr,
            )
    for entry in result.draft_entries:  # an editions record's facts that fail validation
        for problem in (entry.edition or {}).get("facts_not_shown", ()):
            print(
                f"handouts build: warning: editions/{entry.locale}/{entry.drug}.json: "
                f"not printed (a dash): {terminal(problem)}",
                file=sys.stderr,
            )


def _build_shard(
    args: argparse.Namespace, root: Path, folder: Path, progress: Progress | None
) -> int:
    from ..errors import BuildError
    from ..publish.shard import build_shard, parse_shard, read_timings

    if args.timings and not args.shard:
        raise BuildError("--timings balances shards: give --shard K/N too")
    if args.locale or args.drug:
        raise BuildError("--shard builds its part of every locale and drug: drop --locale/--drug")
    weights = read_timings(inside(root, args.timings)) if args.timings else None
    result = build_shard(
        root,
        folder,
        parse_shard(args.shard),
        args.jobs,
        progress,
        pdf=not args.no_pdf,
        weights=weights,
    )
    if not args.quiet:
        part = result.part
        print(
            f"{shown(result.output)}: shard {part.number}/"
            f"{part.count} ({', '.join(part.locales)}; {len(part.drugs)} drug(s)): "
            f"{result.published} published, {result.drafts} draft(s), {result.pdfs} "
            f"PDF(s) printed in {result.seconds:.1f} s"
        )
    return EXIT_OK


def run_assemble(args: argparse.Namespace) -> int:
    """Join the shards' folders into one site."""
    from ..publish.assemble import assemble

    root = project_root(args)
    folder = _output_folder(root, args.output, "assemble --output")
    timings = (
        output(root, inside(root, args.timings), "assemble --timings") if args.timings else None
    )
    result = assemble(
        root, [inside(root, name) for name in args.shards], folder, args.jobs, timings
    )
    print(
        f"{shown(result.output)}: assembled from {result.shards} "
        f"shard(s); {result.published} published, {result.drafts} draft(s); "
        f"{result.relinked} relinked"
    )
    return EXIT_OK
