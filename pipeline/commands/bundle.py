"""``handouts bundle``: the zips of a built output's published handouts, with
``SHA256SUMS`` and the build report, written into ``dist/`` once the output is proven
to be what the project says now (:mod:`pipeline.publish.bundle` makes the zips)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BuildError
from .shared import EXIT_OK, add, inside, output, project_root, shown


@dataclass
class BundleResult:
    dist: Path
    zips: dict[str, int] = field(default_factory=dict)  # locale -> handouts in its zip
    written: list[str] = field(default_factory=list)  # file names with new content
    removed: list[str] = field(default_factory=list)  # stale zips of locales gone


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``bundle``."""
    bundle_ = add(
        commands,
        "bundle",
        run,
        "zip each locale's published handouts of a built "
        "output, with SHA256SUMS and the report (reproducible: SOURCE_DATE_EPOCH)",
    )
    bundle_.add_argument(
        "--output",
        default="output",
        metavar="DIR",
        help="the built output folder (default: output)",
    )
    bundle_.add_argument(
        "--dist", default="dist", metavar="DIR", help="where the zips go (default: dist)"
    )


def run(args: argparse.Namespace) -> int:
    """Write the bundle and name each zip."""
    root = project_root(args)
    dist = output(root, inside(root, args.dist), "bundle --dist")
    result = bundle(root, inside(root, args.output), dist)
    folder = shown(result.dist)
    for locale, count in result.zips.items():
        print(f"{folder}/handouts-{locale}.zip: {count} published handout(s)")
    for name in result.removed:
        print(f"removed: {folder}/{name} (no published handout left)")
    print(f"{folder}: {len(result.written)} file(s) written (SHA256SUMS, report.json, zips)")
    return EXIT_OK


def bundle(root: Path, built: Path, dist: Path) -> BundleResult:
    """Write the zips, ``SHA256SUMS`` and ``report.json`` of ``built`` into ``dist``."""
    from ..catalogs.locales import discover_locales
    from ..files import write_atomic
    from ..publish.bundle import PREFIX, SUMS, archives, checksums, read_manifest, verified_output
    from ..publish.fingerprints import raw_inputs
    from ..publish.pages import REPORT
    from ..publish.verify import read_verified

    root, built, dist = root.resolve(), built.resolve(), dist.resolve()
    if any(_overlap(dist, other) for other in (built, root / "source", root / "locales")):
        raise BuildError(
            "the bundle folder must be apart from the output and the project's sources", str(dist)
        )
    manifest = read_manifest(built)
    verified_output(built, manifest, raw_inputs(root, discover_locales(root)).overall())
    result = BundleResult(dist)
    zips = {}
    for locale, (count, data) in archives(built, manifest).items():
        zips[f"{PREFIX}{locale}.zip"] = data
        result.zips[locale] = count
    report = read_verified(built, REPORT, manifest)
    sums = checksums({**zips, REPORT: report})
    dist.mkdir(parents=True, exist_ok=True)
    for name, data in [*sorted(zips.items()), (REPORT, report), (SUMS, sums)]:
        if write_atomic(dist / name, data):
            result.written.append(name)
    for stale in sorted(dist.glob(f"{PREFIX}*.zip")):
        if stale.name not in zips:
            stale.unlink()
            result.removed.append(stale.name)
    return result


def _overlap(one: Path, other: Path) -> bool:
    return one == other or one in other.parents or other in one.parents
