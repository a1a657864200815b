"""``handouts export-xliff``, ``import-xliff`` and ``export-glossary``: a catalog and
the glossary exchanged with an agency's CAT tool or Weblate."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import HandoutError
from ..escaping import terminal
from .shared import (
    EXIT_CHECK_FAILED,
    EXIT_OK,
    add,
    input_file,
    inside,
    output,
    project_root,
    shown,
)


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``export-xliff``, ``import-xliff`` and ``export-glossary``."""
    export = add(
        commands,
        "export-xliff",
        run_export_xliff,
        "write a locale's catalog as XLIFF 1.2 for an agency's CAT tool",
    )
    export.add_argument("locale")
    export.add_argument(
        "--output",
        metavar="FILE",
        help="where (default: exchange/handouts-LOCALE.xlf, git-ignored)",
    )
    imported = add(
        commands,
        "import-xliff",
        run_import_xliff,
        "take the translations of an XLIFF file into its catalog, checked "
        "(exit 1 on an error finding or a reviewed translation kept)",
    )
    imported.add_argument("file")
    imported.add_argument("--locale", help="the catalog (default: the file's target-language)")
    imported.add_argument(
        "--overwrite-reviewed",
        action="store_true",
        help="take changes to reviewed translations (they become fuzzy)",
    )
    glossary = add(
        commands,
        "export-glossary",
        run_export_glossary,
        "write the glossary as TBX (CAT tools, Weblate) or CSV (Weblate)",
    )
    glossary.add_argument("--format", choices=("tbx", "csv"), default="tbx")
    glossary.add_argument("--locale", help="only this locale (required for CSV)")
    glossary.add_argument(
        "--output", metavar="FILE", help="where (default: exchange/glossary[-LOCALE].tbx|csv)"
    )


def _write_file(path: Path, data: bytes) -> None:
    from ..catalogs.pofile import write_atomic

    try:
        write_atomic(path, data.decode("utf-8"))
    except OSError as error:
        raise HandoutError(f"cannot write: {error.strerror}", str(path)) from None


def _exchange_output(root: Path, given: str | None, default: str, option: str) -> Path:
    """Where an export goes: ``given``, or ``exchange/<default>`` (git-ignored); never a
    project input (a catalog, the template, a monograph, the policy) nor a folder."""
    if given is None:
        folder = inside(root, "exchange")
        folder.mkdir(exist_ok=True)
        return folder / default
    path = output(root, inside(root, given), option)
    if path.is_dir():
        raise HandoutError(f"{option} names a folder: give a file name", given)
    return path


def run_export_xliff(args: argparse.Namespace) -> int:
    """Write a locale's catalog as XLIFF."""
    from ..catalogs.locales import discover_locales
    from ..checks.exchange import export_locale

    root = project_root(args)
    if args.locale not in discover_locales(root):
        raise HandoutError(f"no catalog for locale '{args.locale}'")
    path = _exchange_output(
        root, args.output, f"handouts-{args.locale}.xlf", "export-xliff --output"
    )
    _write_file(path, export_locale(root, args.locale))
    print(f"wrote: {shown(path)} (XLIFF 1.2)")
    return EXIT_OK


def run_import_xliff(args: argparse.Namespace) -> int:
    """Import an XLIFF file, checked; exit 1 on an error or a reviewed text kept."""
    from ..checks.exchange import import_checked

    root = project_root(args)
    result, findings = import_checked(
        root,
        input_file(root, args.file, "the XLIFF file"),
        args.locale,
        overwrite_reviewed=args.overwrite_reviewed,
    )
    for warning in result.warnings:
        print(f"handouts import-xliff: warning: {terminal(warning)}", file=sys.stderr)
    for outcome in result.outcomes:
        print(terminal(str(outcome)))
    for line, msgid in result.kept_reviewed:
        print(
            f"{result.path}:{line}: kept the reviewed translation of '{terminal(msgid[:50])}' "
            f"(the file changes it: --overwrite-reviewed takes it, as fuzzy)"
        )
    for line, msgid in result.overwritten_reviewed:
        print(
            f"{result.path}:{line}: replaced a reviewed translation of '{terminal(msgid[:50])}'; "
            f"it is fuzzy until reviewed again"
        )
    for finding in findings:
        print(terminal(str(finding)))
    fuzzy = sum(o.what == "fuzzy" for o in result.outcomes)
    verb = "updated" if result.changed else "unchanged"
    print(
        f"{verb}: {result.path} ({len(result.imported)} translation(s) imported, "
        f"{fuzzy} fuzzy, {len(result.kept_reviewed)} reviewed kept, "
        f"{len(result.skipped)} skipped)"
    )
    errors = sum(f.severity == "error" for f in findings)
    if errors:
        print(
            f"{errors} error(s) in the entries the file carries: fix them in the catalog "
            "or the file (each import reports them again)"
        )
    return EXIT_CHECK_FAILED if errors or result.kept_reviewed else EXIT_OK


def run_export_glossary(args: argparse.Namespace) -> int:
    """Write the glossary as TBX or CSV."""
    from ..catalogs.locales import discover_locales
    from ..catalogs.termbase import export_csv, export_tbx
    from ..source.glossary import load_glossary

    root = project_root(args)
    glossary = load_glossary(root)
    if args.format == "csv":
        if not args.locale:
            raise HandoutError("a CSV glossary is for one locale: give --locale")
        data = export_csv(glossary, args.locale)
    else:
        data = export_tbx(glossary, [args.locale] if args.locale else discover_locales(root))
    default = f"glossary{'-' + args.locale if args.locale else ''}.{args.format}"
    path = _exchange_output(root, args.output, default, "export-glossary --output")
    _write_file(path, data)
    print(f"wrote: {shown(path)} ({len(glossary.terms)} terms)")
    return EXIT_OK
