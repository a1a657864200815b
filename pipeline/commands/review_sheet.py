"""``handouts review-sheet``: the HTML sheet a reviewer reads before ``handouts review``,
on stdout or into a file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import HandoutError
from .shared import EXIT_OK, add, output, project_root


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``review-sheet``."""
    sheet = add(
        commands,
        "review-sheet",
        run,
        "an HTML sheet for a reviewer: English and translation side by side",
    )
    sheet.add_argument("locale")
    sheet.add_argument("--drug", required=True, metavar="ID")
    sheet.add_argument("-o", "--output", metavar="FILE", help="write it here (default: stdout)")


def run(args: argparse.Namespace) -> int:
    """Write the review sheet to stdout or ``-o``."""
    from ..catalogs.pofile import write_atomic
    from ..publish.reviewsheet import render_review_sheet

    if args.output not in (None, "-"):
        output(project_root(args), args.output, "review-sheet -o")
    page = render_review_sheet(project_root(args), args.locale, args.drug)
    if args.output in (None, "-"):
        sys.stdout.write(page)
        return EXIT_OK
    try:
        write_atomic(Path(args.output), page)
    except OSError as error:
        raise HandoutError(
            f"cannot write the review sheet: {error.strerror}", args.output
        ) from None
    print(f"wrote: {args.output}")
    return EXIT_OK
