"""Figures of the quantity check on corpus files (tests/corpus/quantities/*.yaml): per
locale, how many correct translations the gate flags and how many dangerous ones it misses.

Each case is run through ``pipeline.check_text`` (every entry check of the gate, as
``handouts check`` runs them). A correct row counts as flagged by ``numbers-units`` or by
``numbers-unread`` when an error-severity finding of that check is among its findings
(``other`` counts error findings of any other check); a dangerous row is missed when it
gets no error-severity finding at all.

    PYTHONPATH=$PWD python tools/quantity_corpus_figures.py                 # every file
    PYTHONPATH=$PWD python tools/quantity_corpus_figures.py tests/corpus/quantities/uk.yaml
    PYTHONPATH=$PWD python tools/quantity_corpus_figures.py --new --markdown
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus" / "quantities"
UNITS, UNREAD = "numbers-units", "numbers-unread"


@dataclass
class Figures:
    """The counts of one corpus file (or of the total)."""

    locale: str
    correct: int = 0
    dangerous: int = 0
    flagged_units: int = 0
    flagged_unread: int = 0
    flagged_other: int = 0
    missed: int = 0
    other_checks: set[str] = field(default_factory=set)

    def add(self, other: Figures) -> None:
        for name in (
            "correct",
            "dangerous",
            "flagged_units",
            "flagged_unread",
            "flagged_other",
            "missed",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.other_checks |= other.other_checks


def load(path: Path) -> dict:
    """One corpus file: ``locale``, ``cases`` and, for a file the check was not yet
    measured to pass, ``status: new``."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or "locale" not in data or "cases" not in data:
        raise ValueError(f"{path}: not a quantity corpus file (locale and cases expected)")
    return data


def measure(data: dict) -> Figures:
    """Run every case of one corpus file through the gate and count."""
    from pipeline import check_text

    figures = Figures(data["locale"])
    for case in data["cases"]:
        errors = {
            f.check
            for f in check_text(case["source"], case["translation"], data["locale"])
            if f.severity == "error"
        }
        if case["verdict"] == "correct":
            figures.correct += 1
            figures.flagged_units += UNITS in errors
            figures.flagged_unread += UNREAD in errors
            others = errors - {UNITS, UNREAD}
            figures.flagged_other += bool(others)
            figures.other_checks |= others
        else:
            figures.dangerous += 1
            figures.missed += not errors
    return figures


def rows(all_figures: list[Figures]) -> list[list[str]]:
    total = Figures("total")
    for figures in all_figures:
        total.add(figures)
    lines = []
    for f in [*all_figures, total]:
        share = f"{f.flagged_units / f.correct:.0%}" if f.correct else "-"
        lines.append(
            [
                f.locale,
                str(f.correct),
                f"{f.flagged_units} ({share})",
                str(f.flagged_unread),
                str(f.flagged_other),
                str(f.dangerous),
                str(f.missed),
            ]
        )
    return lines


HEADER = [
    "locale",
    "correct",
    f"flagged {UNITS}",
    f"flagged {UNREAD}",
    "flagged other",
    "dangerous",
    "dangerous missed",
]


def render(table: list[list[str]], markdown: bool) -> str:
    if markdown:
        out = ["| " + " | ".join(HEADER) + " |", "|" + " --- |" * len(HEADER)]
        out += ["| " + " | ".join(row) + " |" for row in table]
        return "\n".join(out)
    widths = [max(len(r[i]) for r in [HEADER, *table]) for i in range(len(HEADER))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
        for r in [HEADER, *table]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "files",
        nargs="*",
        type=Path,
        help="corpus files (default: every file of tests/corpus/quantities)",
    )
    parser.add_argument("--new", action="store_true", help="only the files marked 'status: new'")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args(argv)
    paths = args.files or sorted(CORPUS.glob("*.yaml"))
    try:
        corpora = [load(path) for path in paths]
    except (OSError, ValueError, yaml.YAMLError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.new:
        corpora = [data for data in corpora if data.get("status") == "new"]
    all_figures = [measure(data) for data in corpora]
    print(render(rows(all_figures), args.markdown))
    others = set().union(*(f.other_checks for f in all_figures)) if all_figures else set()
    if others:
        print(f"\nother checks on correct rows: {', '.join(sorted(others))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
