"""The ``handouts`` command line: parse arguments, call the library, print, exit.

Exit codes: 0 ok, 1 a check failed, 2 bad input or usage. User errors print
``path:line: message`` on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import datetime as dt
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from . import __version__
from .errors import HandoutError
from .escaping import terminal

EXIT_OK, EXIT_CHECK_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
Command = Callable[[argparse.Namespace], int]


def _root(args: argparse.Namespace) -> Path:
    root = Path(args.root).resolve()
    if not root.is_dir():
        raise HandoutError(f"project folder not found: {args.root}")
    if not (root / "source" / "monographs").is_dir():  # before any lock file is made
        raise HandoutError(
            "not a handouts project (it has no source/monographs/ folder)", args.root
        )
    return root


def _input_file(root: Path, name: str, what: str) -> Path:
    """A file the user named as a command's input (inside the project as :func:`_inside`
    says), refused at once unless it is a regular file (a FIFO would block, holding a
    lock): before any lock is taken."""
    from .files import require_regular_file

    return require_regular_file(_inside(root, name), what, name)


def _warn_unread(args: argparse.Namespace) -> None:
    """Name the files of source/monographs that look like monographs but are not read."""
    from .source.monographs import stray_files

    for finding in stray_files(_root(args)):
        shown = terminal(f"{finding.where}: {finding.message}")
        print(f"handouts {args.command}: warning: {shown}", file=sys.stderr)


def _inside(root: Path, name: str) -> Path:
    """A path the user gave: relative to the project; one inside the project stays inside
    it through any symbolic link (one outside was chosen by the user)."""
    from .files import inside_project

    path = Path(name)
    path = path if path.is_absolute() else root / path
    if Path(os.path.abspath(path)).is_relative_to(root):
        return inside_project(root, Path(os.path.abspath(path)), name)
    return path


def _output(root: Path, path: Path | str, option: str) -> Path:
    """An output option's path, refused (exit 2) when it names a project input."""
    from .files import output_path

    return output_path(root, Path(path), option)


def cmd_extract(args: argparse.Namespace) -> int:
    from .catalogs.extract import extract_template

    _warn_unread(args)
    changed, path = extract_template(_root(args), check_only=args.check)
    if args.check:
        if changed:
            print(f"{path.name} is out of date: run `handouts extract`", file=sys.stderr)
            return EXIT_CHECK_FAILED
        print(f"{path.name} is up to date")
        return EXIT_OK
    print(f"{'wrote' if changed else 'unchanged'}: {path.relative_to(_root(args))}")
    return EXIT_OK


def cmd_init(args: argparse.Namespace) -> int:
    from .catalogs.initialize import init_catalog, next_steps

    path = init_catalog(_root(args), args.locale)
    shown = path.relative_to(_root(args)).as_posix()
    print(f"created: {shown}")
    print("\n".join(next_steps(args.locale, shown)))
    return EXIT_OK


def cmd_migrate_plurals(args: argparse.Namespace) -> int:
    from .catalogs.merge import EARLIER_FORM
    from .catalogs.migrate import migrate_plural_forms

    result = migrate_plural_forms(_root(args), args.locale)
    if not result.changed:
        print(f"unchanged: {result.path} (Plural-Forms is already {terminal(result.after)})")
        return EXIT_OK
    moves = (
        ", ".join(f"form {new} <- {old}" for new, old in enumerate(result.mapping) if new != old)
        or "no form moved"
    )
    print(
        f"migrated: {result.path}\n  before: {terminal(result.before)}\n  after:  "
        f"{terminal(result.after)}\n"
        f"  {moves}; {result.entries} plural entr(y/ies) remapped"
    )
    if result.dropped:
        print(
            f"  old form(s) {', '.join(map(str, result.dropped))}: no number uses them under "
            f"the standard rule; {result.kept_as_comments} translator-written text(s) of "
            f"them kept as translator comments ('# {EARLIER_FORM} msgstr[i]: ...'), "
            "not deleted"
        )
    return EXIT_OK


def cmd_update(args: argparse.Namespace) -> int:
    from .catalogs.merge import update_catalogs

    root = _root(args)
    compendium = _input_file(root, args.compendium, "the compendium") if args.compendium else None
    if compendium is not None and not args.no_memory:
        from .catalogs.locales import discover_locales
        from .catalogs.memory import vet_compendium

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


def cmd_lint(args: argparse.Namespace) -> int:
    from .source.designations import lint as designations
    from .source.monographs import lint, load_monographs, stray_files
    from .source.readability import grade_line

    monographs = load_monographs(_root(args))
    findings = stray_files(_root(args))
    findings += [
        finding for monograph in monographs for finding in lint(monograph) + designations(monograph)
    ]
    for finding in findings:
        print(terminal(str(finding)))
    for monograph in monographs:
        print(grade_line(monograph))
    errors = sum(f.severity == "error" for f in findings)
    print(f"{len(monographs)} monograph(s): {errors} error(s), {len(findings) - errors} warning(s)")
    return EXIT_CHECK_FAILED if errors else EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    from .checks.status import status_report

    print(status_report(_root(args), args.locale, args.url), end="")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from .publish.serve import serve

    root = _root(args)
    started = []

    def ready(base: str) -> None:
        started.append(base)
        print(
            f"serving {base}/ (drafts: {base}/drafts/); saving a catalog or a monograph "
            f"rebuilds what it touches; Ctrl-C stops",
            flush=True,
        )
        locale = args.locale or "LOCALE"
        print(f"the work left, with links: handouts status {locale} --url {base}", flush=True)

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt  # a `kill` stops the server as Ctrl-C does

    signal.signal(signal.SIGTERM, interrupted)
    try:
        output = _output(root, _inside(root, args.output), "serve --output")
        if output.resolve() == (root / "output").resolve():
            raise HandoutError(
                "serve never writes the build's output/ (its preview has "
                "its own folder: leave out --output)",
                args.output,
            )
        serve(
            root,
            output,
            args.locale,
            args.port,
            lambda text: print(text, flush=True),
            ready,
            args.jobs,
        )
    except KeyboardInterrupt:
        if not started:
            raise
        print("stopped", flush=True)
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from .catalogs.pofile import write_atomic
    from .checks.report.junit import render_junit
    from .commands.check import RENDERERS, build_report

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


def _progress(done: int, total: int) -> None:
    end = "\n" if done == total else ""
    print(f"\rrendering handouts: {done}/{total}", end=end, file=sys.stderr, flush=True)


def cmd_build(args: argparse.Namespace) -> int:
    from .checks.policy import load_policy
    from .publish.build import build

    root = _root(args)
    _warn_unread(args)
    output = Path(args.output)
    output = _output(root, output if output.is_absolute() else root / output, "build --output")
    if args.require_pdf and args.no_pdf:
        raise HandoutError("--require-pdf and --no-pdf contradict each other: choose one")
    progress = _progress if sys.stderr.isatty() and not args.quiet else None
    if args.shard or args.timings:
        return _build_shard(args, root, output, progress)
    result = build(root, output, args.locale, args.drug, args.jobs, progress, pdf=not args.no_pdf)
    if not args.quiet:
        shown = os.path.relpath(result.output, Path.cwd())
        state = "updated" if result.changed else "unchanged"
        print(
            f"{shown}: {state}; {result.published} published, {result.drafts} draft(s); "
            f"{result.rendered} rendered, {result.pdfs} PDF(s) printed, "
            f"{result.files_written} file(s) written"
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
    return EXIT_OK


def _build_shard(
    args: argparse.Namespace, root: Path, output: Path, progress: Callable[[int, int], None] | None
) -> int:
    from .errors import BuildError
    from .publish.shard import build_shard, parse_shard, read_timings

    if args.timings and not args.shard:
        raise BuildError("--timings balances shards: give --shard K/N too")
    if args.locale or args.drug:
        raise BuildError("--shard builds its part of every locale and drug: drop --locale/--drug")
    weights = read_timings(_inside(root, args.timings)) if args.timings else None
    result = build_shard(
        root,
        output,
        parse_shard(args.shard),
        args.jobs,
        progress,
        pdf=not args.no_pdf,
        weights=weights,
    )
    if not args.quiet:
        part = result.part
        print(
            f"{os.path.relpath(result.output, Path.cwd())}: shard {part.number}/"
            f"{part.count} ({', '.join(part.locales)}; {len(part.drugs)} drug(s)): "
            f"{result.published} published, {result.drafts} draft(s), {result.pdfs} "
            f"PDF(s) printed in {result.seconds:.1f} s"
        )
    return EXIT_OK


def cmd_assemble(args: argparse.Namespace) -> int:
    from .publish.assemble import assemble

    root = _root(args)
    output = Path(args.output)
    output = _output(root, output if output.is_absolute() else root / output, "assemble --output")
    timings = (
        _output(root, _inside(root, args.timings), "assemble --timings") if args.timings else None
    )
    result = assemble(
        root, [_inside(root, name) for name in args.shards], output, args.jobs, timings
    )
    print(
        f"{os.path.relpath(result.output, Path.cwd())}: assembled from {result.shards} "
        f"shard(s); {result.published} published, {result.drafts} draft(s); "
        f"{result.relinked} relinked"
    )
    return EXIT_OK


def cmd_bundle(args: argparse.Namespace) -> int:
    from .publish.bundle import bundle

    root = _root(args)
    dist = _output(root, _inside(root, args.dist), "bundle --dist")
    result = bundle(root, _inside(root, args.output), dist)
    shown = os.path.relpath(result.dist, Path.cwd())
    for locale, count in result.zips.items():
        print(f"{shown}/handouts-{locale}.zip: {count} published handout(s)")
    for name in result.removed:
        print(f"removed: {shown}/{name} (no published handout left)")
    print(f"{shown}: {len(result.written)} file(s) written (SHA256SUMS, report.json, zips)")
    return EXIT_OK


def _write_file(path: Path, data: bytes) -> None:
    from .catalogs.pofile import write_atomic

    try:
        write_atomic(path, data.decode("utf-8"))
    except OSError as error:
        raise HandoutError(f"cannot write: {error.strerror}", str(path)) from None


def _exchange_output(root: Path, given: str | None, default: str, option: str) -> Path:
    """Where an export goes: ``given``, or ``exchange/<default>`` (git-ignored); never a
    project input (a catalog, the template, a monograph, the policy) nor a folder."""
    if given is None:
        folder = _inside(root, "exchange")
        folder.mkdir(exist_ok=True)
        return folder / default
    path = _output(root, _inside(root, given), option)
    if path.is_dir():
        raise HandoutError(f"{option} names a folder: give a file name", given)
    return path


def cmd_export_xliff(args: argparse.Namespace) -> int:
    from .catalogs.locales import discover_locales
    from .checks.exchange import export_locale

    root = _root(args)
    if args.locale not in discover_locales(root):
        raise HandoutError(f"no catalog for locale '{args.locale}'")
    path = _exchange_output(
        root, args.output, f"handouts-{args.locale}.xlf", "export-xliff --output"
    )
    _write_file(path, export_locale(root, args.locale))
    print(f"wrote: {os.path.relpath(path, Path.cwd())} (XLIFF 1.2)")
    return EXIT_OK


def cmd_import_xliff(args: argparse.Namespace) -> int:
    from .checks.exchange import import_checked

    root = _root(args)
    result, findings = import_checked(
        root,
        _input_file(root, args.file, "the XLIFF file"),
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


def cmd_export_glossary(args: argparse.Namespace) -> int:
    from .catalogs.locales import discover_locales
    from .catalogs.termbase import export_csv, export_tbx
    from .source.glossary import load_glossary

    root = _root(args)
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
    print(f"wrote: {os.path.relpath(path, Path.cwd())} ({len(glossary.terms)} terms)")
    return EXIT_OK


def _date(text: str) -> dt.date:
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date YYYY-MM-DD") from None


def cmd_review(args: argparse.Namespace) -> int:
    from .commands.review import review

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
    from .commands.confirm import confirm

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


def _short(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def cmd_review_sheet(args: argparse.Namespace) -> int:
    from .catalogs.pofile import write_atomic
    from .publish.reviewsheet import render_review_sheet

    if args.output not in (None, "-"):
        _output(_root(args), args.output, "review-sheet -o")
    page = render_review_sheet(_root(args), args.locale, args.drug)
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


def cmd_publish(args: argparse.Namespace) -> int:
    from .publish.release import publish

    result = publish(_root(args), args.locale, args.drug, args.date, check=args.check)
    verb = "out of date" if args.check else "recorded"
    for path in result.written:
        print(f"{verb}: {path}")
    for path in result.removed:
        print(f"{'would remove' if args.check else 'removed'}: {path}")
    for path in result.kept:
        print(f"kept (a draft now; its last edition stays): {path}")
    print(
        f"editions: {len(result.written)} {verb}, {len(result.unchanged)} unchanged, "
        f"{len(result.kept)} kept, {len(result.removed)} removed"
    )
    return EXIT_CHECK_FAILED if args.check and result.changed else EXIT_OK


def parser() -> argparse.ArgumentParser:
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

    def add(name: str, function: Command, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(function=function)
        return sub

    extract = add(
        "extract", cmd_extract, "write locales/handouts.pot from the monographs and the templates"
    )
    extract.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if the template is out of date"
    )
    init = add("init", cmd_init, "create the catalog of a new locale from the template")
    init.add_argument("locale", help="gettext locale code, e.g. es, zh_CN, pt_BR")
    migrate = add(
        "migrate-plurals",
        cmd_migrate_plurals,
        "rewrite a catalog with the standard Plural-Forms, moving every plural "
        "entry's forms so each number keeps its text",
    )
    migrate.add_argument("locale", help="the catalog's locale")
    update = add("update", cmd_update, "merge the template into every catalog (like GNU msgmerge)")
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
    add("lint", cmd_lint, "validate the monographs and report recorded gaps")
    status = add(
        "status", cmd_status, "translation progress per locale; with LOCALE, what is left to do"
    )
    status.add_argument("locale", nargs="?", help="list the open work of this locale")
    status.add_argument(
        "--url",
        metavar="BASE",
        help="name each entry's handout at this preview server (`handouts serve` prints it)",
    )
    check = add("check", cmd_check, "coverage and quality gate for CI (exit 1 on failure)")
    check.add_argument("--format", choices=("table", "json", "markdown"), default="table")
    check.add_argument("--junit", metavar="FILE", help="also write a JUnit XML report")
    check.add_argument(
        "--locale", action="append", metavar="LOCALE", help="only this locale (repeatable)"
    )
    review = add(
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
    confirm = add(
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
    lexicon = add(
        "lexicon",
        cmd_lexicon,
        "what the quantity reader knows of a locale, and how many of the "
        "template's quantities it reads in that locale's catalog",
    )
    lexicon.add_argument("locale", help="a locale code, e.g. es, so, am")
    lexicon.add_argument("--format", choices=("text", "json"), default="text")
    sheet = add(
        "review-sheet",
        cmd_review_sheet,
        "an HTML sheet for a reviewer: English and translation side by side",
    )
    sheet.add_argument("locale")
    sheet.add_argument("--drug", required=True, metavar="ID")
    sheet.add_argument("-o", "--output", metavar="FILE", help="write it here (default: stdout)")
    publish = add(
        "publish", cmd_publish, "record the editions published now in editions/ (commit them)"
    )
    publish.add_argument(
        "--locale", action="append", metavar="LOCALE", help="only this locale (repeatable)"
    )
    publish.add_argument(
        "--drug", action="append", metavar="ID", help="only this drug (repeatable)"
    )
    publish.add_argument(
        "--date", type=_date, metavar="YYYY-MM-DD", help="the publication date (default: today)"
    )
    publish.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if the record is out of date"
    )
    build = add(
        "build",
        cmd_build,
        "render the handouts' editions (HTML, text, large print, bilingual, PDF) into output/",
    )
    build.add_argument(
        "--output", default="output", metavar="DIR", help="output folder (default: output)"
    )
    build.add_argument(
        "--locale", action="append", metavar="LOCALE", help="only this locale (repeatable)"
    )
    build.add_argument("--drug", action="append", metavar="ID", help="only this drug (repeatable)")
    build.add_argument(
        "--jobs", type=int, default=0, metavar="N", help="worker processes (default: one per core)"
    )
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
    assembled = add(
        "assemble",
        cmd_assemble,
        "join the folders of `build --shard` into the site one build makes",
    )
    assembled.add_argument("shards", nargs="+", metavar="DIR", help="a shard's folder")
    assembled.add_argument(
        "--output", default="output", metavar="DIR", help="output folder (default: output)"
    )
    assembled.add_argument(
        "--jobs", type=int, default=0, metavar="N", help="worker processes (default: one per core)"
    )
    assembled.add_argument(
        "--timings",
        metavar="FILE",
        help="also write each locale's seconds per handout here, for "
        "`build --shard --timings` next time",
    )
    serve = add(
        "serve",
        cmd_serve,
        "preview the handouts on http://127.0.0.1: rebuild what a "
        "saved catalog or monograph touches and reload the open page",
    )
    serve.add_argument("locale", nargs="?", help="only this locale (and English)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000; 0: any)")
    serve.add_argument(
        "--output",
        default=".handouts-preview",
        metavar="DIR",
        help="the preview's own folder (default: .handouts-preview; never the build's output/)",
    )
    serve.add_argument(
        "--jobs",
        type=int,
        default=0,
        metavar="N",
        help="worker processes of full rebuilds (default: one per core)",
    )
    export = add(
        "export-xliff",
        cmd_export_xliff,
        "write a locale's catalog as XLIFF 1.2 for an agency's CAT tool",
    )
    export.add_argument("locale")
    export.add_argument(
        "--output",
        metavar="FILE",
        help="where (default: exchange/handouts-LOCALE.xlf, git-ignored)",
    )
    imported = add(
        "import-xliff",
        cmd_import_xliff,
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
        "export-glossary",
        cmd_export_glossary,
        "write the glossary as TBX (CAT tools, Weblate) or CSV (Weblate)",
    )
    glossary.add_argument("--format", choices=("tbx", "csv"), default="tbx")
    glossary.add_argument("--locale", help="only this locale (required for CSV)")
    glossary.add_argument(
        "--output", metavar="FILE", help="where (default: exchange/glossary[-LOCALE].tbx|csv)"
    )
    bundle = add(
        "bundle",
        cmd_bundle,
        "zip each locale's published handouts of a built "
        "output, with SHA256SUMS and the report (reproducible: SOURCE_DATE_EPOCH)",
    )
    bundle.add_argument(
        "--output",
        default="output",
        metavar="DIR",
        help="the built output folder (default: output)",
    )
    bundle.add_argument(
        "--dist", default="dist", metavar="DIR", help="where the zips go (default: dist)"
    )
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
