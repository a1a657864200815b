"""The gate's commands and its reviewers': ``status``, ``check``, ``review``, ``confirm``
and ``lexicon`` (the work each orchestrates is in :mod:`.check`, :mod:`.review`,
:mod:`.confirm` and the checks stage, imported when the command runs)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import HandoutError
from ..escaping import terminal
from .shared import EXIT_OK, add, output, project_root, short, warn_unread
from .shared import date as date_option


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``status``, ``check``, ``review``, ``confirm`` and ``lexicon``, in that order."""
    _register_status(commands)
    _register_check(commands)
    _register_review(commands)
    _register_confirm(commands)
    _register_lexicon(commands)


def cmd_status(args: argparse.Namespace) -> int:
    from ..checks.status import status_report

    print(status_report(project_root(args), args.locale, args.url), end="")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from ..catalogs.pofile import write_atomic
    from ..checks.report.junit import render_junit
    from .check import RENDERERS, build_report

    if args.junit:
        output(project_root(args), args.junit, "check --junit")
    warn_unread(args)
    report = build_report(project_root(args), args.locale)
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
    from .review import review

    result = review(
        project_root(args),
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
            f"    {terminal(short(decision.msgid))}"
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
    from .confirm import confirm

    result = confirm(
        project_root(args),
        args.locale,
        args.line,
        args.reviewer,
        args.reason,
        args.date,
        args.dry_run,
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
    print(f"    {short(result.msgid)}")
    for finding in result.blocking:
        print(
            f"{where}: still blocking (not a quantity finding): [{finding.check}] {finding.message}"
        )
    return EXIT_OK


def cmd_lexicon(args: argparse.Namespace) -> int:
    from ..checks.lexiconreport import lexicon_report, render_json, render_text

    report = lexicon_report(project_root(args), args.locale)
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
        "--date",
        type=date_option,
        metavar="YYYY-MM-DD",
        help="the day of the review (default: today)",
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
        type=date_option,
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
