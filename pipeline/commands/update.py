"""``handouts update``: merge the template into every catalog, offering translation
memory and a compendium to new entries."""

from __future__ import annotations

import argparse
import sys

from ..escaping import terminal
from .shared import EXIT_OK, EXIT_USAGE, add, input_file, project_root


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``update``."""
    update = add(
        commands, "update", run, "merge the template into every catalog (like GNU msgmerge)"
    )
    update.add_argument(
        "--locale", action="append", metavar="LOCALE", help="only this locale (repeatable)"
    )
    update.add_argument(
        "--compendium",
        metavar="FILE",
        help="a PO file of known translations, offered (fuzzy) to new entries like msgmerge -C",
    )
    update.add_argument(
        "--no-memory", action="store_true", help="offer no translation memory to new entries"
    )


def run(args: argparse.Namespace) -> int:
    """Merge the template into the catalogs; exit 2 if one was saved meanwhile."""
    from ..catalogs.merge import update_catalogs

    root = project_root(args)
    compendium = input_file(root, args.compendium, "the compendium") if args.compendium else None
    if compendium is not None and not args.no_memory:
        from ..catalogs.locales import discover_locales
        from ..catalogs.memory import vet_compendium

        for warning in vet_compendium(root, compendium, args.locale or discover_locales(root)):
            print(f"handouts update: warning: {terminal(warning)}", file=sys.stderr)
    results = update_catalogs(
        root, args.locale or None, memory=not args.no_memory, compendium=compendium
    )
    for result in results:
        if result.left_alone:
            continue
        verb = "updated" if result.changed else "unchanged"
        reshaped = f", reshaped {result.reshaped}" if result.reshaped else ""
        memory = f", {result.memory} pre-filled from memory (fuzzy)" if result.memory else ""
        print(
            f"{verb}: {result.path} (kept {result.kept}, fuzzy {result.fuzzy_new}, "
            f"new {result.added}{memory}, obsoleted {result.obsoleted}{reshaped})"
        )
    if not results:
        print("no catalogs: create one with `handouts init LOCALE`")
    left = [result.path for result in results if result.left_alone]
    for path in left:
        print(
            f"handouts update: error: {path}: saved by someone else while `handouts update` "
            "ran: left as it is (nothing lost); run `handouts update` again",
            file=sys.stderr,
        )
    return EXIT_USAGE if left else EXIT_OK
