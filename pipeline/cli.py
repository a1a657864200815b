"""The ``handouts`` command line: the program's parser, assembled from the commands
(:mod:`pipeline.commands`), and what every command's end maps to an exit code.

Exit codes: 0 ok, 1 a check failed, 2 bad input or usage. User errors print
``path:line: message`` on stderr, never a traceback; Ctrl-C exits 130.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from . import __version__
from .commands import build, bundle, catalogs, exchange, lint, publish, review_sheet, serve, update
from .commands.shared import (
    EXIT_CHECK_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    add,
)
from .commands.shared import date as _date
from .commands.shared import output as _output
from .commands.shared import project_root as _root
from .commands.shared import short as _short
from .commands.shared import warn_unread as _warn_unread
from .errors import HandoutError
from .escaping import terminal

__all__ = ["EXIT_CHECK_FAILED", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "main", "parser"]


# --- the checks-area commands, here until pipeline/commands/ has their modules -----------


def cmd_status(args: argparse.Namespace) -> int:
    from .checks.status import status_report

    print(status_report(_root(args), args.locale, args.url), end="")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from .catalogs.pofile import write_atomic
    from .checks.report import RENDERERS, build_report, render_junit

    if args.junit:
        _output(_root(args), args.junit, "check --junit")
    _warn_unread(args)
    report = build_report(_root(args), args.locale)
    sys.stdout.write(RENDERERS[args.format](report))
    if args.junit:
        try:
            write_atomic(Path(args.junit), render_junit(report))
        except OSError as error:
            raise HandoutError(
                f"cannot write the JUnit report: {error.strerror}", args.junit
            ) from None
    for item in report.broken:  # reported above as that locale's failure
        print(f"handouts check: error: {terminal(str(item.broken))}", file=sys.stderr)
    return report.exit_code


def cmd_review(args: argparse.Namespace) -> int:
    from .checks.review import review

    result = review(
        _root(args),
        args.locale,
        args.reviewer,
        args.drug or (),
        args.line or (),
        args.date,
        args.dry_run,
    )
    verb = "would mark" if args.dry_run else "marked"
    for decision in result.decisions:
        detail = f": {decision.reason}" if decision.reason else ""
        outcome = verb if decision.outcome == "marked" else decision.outcome
        print(
            f"{result.path}:{decision.line}: {outcome}{terminal(detail)}\n"
            f"    {terminal(_short(decision.msgid))}"
        )
    marked = len(result.having("marked"))
    refused = result.having("refused")
    print(
        f"{result.locale}: {verb} {marked} entr{'y' if marked == 1 else 'ies'} reviewed by "
        f"{terminal(result.reviewer)} on {result.date.isoformat()}; "
        f"{len(result.having('already reviewed'))} already reviewed by them; "
        f"{len(refused)} refused (untranslated, fuzzy or failing a check)"
        + (f"; removed {result.removed} void mark(s)" if result.removed else "")
    )
    if not result.written and marked and not args.dry_run:
        print(f"{result.path}: unchanged")
    return result.exit_code


def cmd_confirm(args: argparse.Namespace) -> int:
    from .checks.confirm import confirm

    result = confirm(
        _root(args), args.locale, args.line, args.reviewer, args.reason, args.date, args.dry_run
    )
    where = f"{result.path}:{result.line}"
    if result.already:
        print(f"{where}: already confirmed by {result.reviewer} for this reason")
    else:
        verb = "would confirm" if args.dry_run else "confirmed"
        print(
            f"{where}: {verb} {len(result.findings)} quantity finding(s) by "
            f"{result.reviewer} on {result.date.isoformat()}: {result.reason}"
            + (f"; removed {result.removed} void confirmation(s)" if result.removed else "")
        )
    for finding in result.findings:
        print(f"    [{finding.check}] {finding.message}")
    print(f"    {_short(result.msgid)}")
    for finding in result.blocking:
        print(
            f"{where}: still blocking (not a quantity finding): [{finding.check}] {finding.message}"
        )
    return EXIT_OK


def cmd_lexicon(args: argparse.Namespace) -> int:
    from .checks.lexiconreport import lexicon_report, render_json, render_text

    report = lexicon_report(_root(args), args.locale)
    sys.stdout.write(render_json(report) if args.format == "json" else render_text(report))
    return EXIT_OK


def _register_status(commands: argparse._SubParsersAction) -> None:
    status = add(
        commands,
        "status",
        cmd_status,
        "translation progress per locale; with LOCALE, what is left to do",
    )
    status.add_argument("locale", nargs="?", help="list the open work of this locale")
    status.add_argument(
        "--url",
        metavar="BASE",
        help="name each entry's handout at this preview server (`handouts serve` prints it)",
    )


def _register_check(commands: argparse._SubParsersAction) -> None:
    check = add(
        commands, "check", cmd_check, "coverage and quality gate for CI (exit 1 on failure)"
    )
    check.add_argument("--format", choices=("table", "json", "markdown"), default="table")
    check.add_argument("--junit", metavar="FILE", help="also write a JUnit XML report")
    check.add_argument(
        "--locale", action="append", metavar="LOCALE", help="only this locale (repeatable)"
    )


def _register_review(commands: argparse._SubParsersAction) -> None:
    review = add(
        commands,
        "review",
        cmd_review,
        "mark entries reviewed (translated, not fuzzy, free of errors) for a reviewer",
    )
    review.add_argument("locale", help="the catalog's locale, e.g. es")
    review.add_argument(
        "--reviewer",
        required=True,
        metavar='"NAME, CREDENTIAL"',
        help="who reviewed, as the handouts will name them",
    )
    review.add_argument(
        "--drug",
        action="append",
        metavar="ID",
        help="every text of this drug's handout (repeatable)",
    )
    review.add_argument(
        "--line",
        action="append",
        type=int,
        metavar="N",
        help="the entry at this line of the catalog (repeatable)",
    )
    review.add_argument(
        "--date", type=_date, metavar="YYYY-MM-DD", help="the day of the review (default: today)"
    )
    review.add_argument("--dry-run", action="store_true", help="say what would be marked")


def _register_confirm(commands: argparse._SubParsersAction) -> None:
    confirm = add(
        commands,
        "confirm",
        cmd_confirm,
        "a listed reviewer confirms an entry's quantity findings (numbers-*): "
        "they stop blocking and stay reported",
    )
    confirm.add_argument("locale", help="the catalog's locale, e.g. es")
    confirm.add_argument(
        "--line",
        required=True,
        type=int,
        metavar="N",
        help="the entry at this line of the catalog (as check prints it)",
    )
    confirm.add_argument(
        "--reviewer",
        required=True,
        metavar='"NAME, CREDENTIAL"',
        help="who confirms: a name in the locale's reviewers: list",
    )
    confirm.add_argument("--reason", required=True, help="what the reviewer checked")
    confirm.add_argument(
        "--date",
        type=_date,
        metavar="YYYY-MM-DD",
        help="the day of the confirmation (default: today)",
    )
    confirm.add_argument("--dry-run", action="store_true", help="say what would be written")


def _register_lexicon(commands: argparse._SubParsersAction) -> None:
    lexicon = add(
        commands,
        "lexicon",
        cmd_lexicon,
        "what the quantity reader knows of a locale, and how many of the "
        "template's quantities it reads in that locale's catalog",
    )
    lexicon.add_argument("locale", help="a locale code, e.g. es, so, am")
    lexicon.add_argument("--format", choices=("text", "json"), default="text")


# --- the program ---------------------------------------------------------------------------

# in the order `handouts --help` lists them
REGISTER = (
    catalogs.register,  # extract, init, migrate-plurals
    update.register,
    lint.register,
    _register_status,
    _register_check,
    _register_review,
    _register_confirm,
    _register_lexicon,
    review_sheet.register,
    publish.register,
    build.register,  # build, assemble
    serve.register,
    exchange.register,  # export-xliff, import-xliff, export-glossary
    bundle.register,
)


def parser() -> argparse.ArgumentParser:
    """The program's parser: its options, and every command's subparser."""
    main = argparse.ArgumentParser(
        prog="handouts",
        description="Multilingual patient handouts: monographs -> gettext catalogs -> "
        "checked HTML and plain-text handouts.",
    )
    main.add_argument("--version", action="version", version=f"handouts {__version__}")
    main.add_argument(
        "-C",
        "--root",
        default=".",
        metavar="DIR",
        help="project folder (default: the current folder)",
    )
    commands = main.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for register in REGISTER:
        register(commands)
    return main


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exit_:  # argparse: --help (0) or a usage error (2)
        return int(exit_.code or 0)
    except KeyboardInterrupt:
        print("handouts: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    try:
        from .clock import source_date_epoch

        source_date_epoch()  # a malformed SOURCE_DATE_EPOCH stops every command first
        return args.function(args)
    except HandoutError as error:
        print(f"handouts {args.command}: error: {terminal(str(error))}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return _interrupted(args)
    except BrokenPipeError:
        return EXIT_OK
    except OSError as error:  # a file-system failure the library did not name itself
        place = f"{error.filename}: " if error.filename else ""
        print(f"handouts {args.command}: error: {place}{error.strerror or error}", file=sys.stderr)
        return EXIT_USAGE
    except RuntimeError as error:  # Ctrl-C while a module loads may come wrapped in one
        if isinstance(error.__cause__ or error.__context__, KeyboardInterrupt):
            return _interrupted(args)
        raise


def _interrupted(args: argparse.Namespace) -> int:
    print(f"handouts {args.command}: interrupted", file=sys.stderr)
    return EXIT_INTERRUPTED


def entry_point() -> None:
    try:
        code = main()
    except KeyboardInterrupt:
        print("handouts: interrupted", file=sys.stderr)
        code = EXIT_INTERRUPTED
    if code == EXIT_INTERRUPTED:  # exit now: a Ctrl-C still pending would raise again
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _flush()
        os._exit(code)
    _exit_without_teardown(code)


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()


def _exit_without_teardown(code: int) -> NoReturn:
    """Exit as Python would, less its teardown, which frees every object one by one:
    after a check or a build of a large project (millions of cached readings) that takes
    long (figures: docs/speed.md), for memory the system takes back at once (mypy's
    ``hard_exit`` does the same). The command has closed its files; exit handlers still
    run and the output is flushed. While another thread runs, Python exits as usual and
    waits for it."""
    if threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()
    _flush()
    os._exit(code)


if __name__ == "__main__":
    entry_point()
