"""``handouts extract``, ``init`` and ``migrate-plurals``: the template and a catalog's
creation and plural forms."""

from __future__ import annotations

import argparse
import sys

from ..escaping import terminal
from .shared import EXIT_CHECK_FAILED, EXIT_OK, add, project_root, warn_unread


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``extract``, ``init`` and ``migrate-plurals``."""
    extract = add(
        commands,
        "extract",
        run_extract,
        "write locales/handouts.pot from the monographs and the templates",
    )
    extract.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if the template is out of date"
    )
    init = add(commands, "init", run_init, "create the catalog of a new locale from the template")
    init.add_argument("locale", help="gettext locale code, e.g. es, zh_CN, pt_BR")
    migrate = add(
        commands,
        "migrate-plurals",
        run_migrate_plurals,
        "rewrite a catalog with the standard Plural-Forms, moving every plural "
        "entry's forms so each number keeps its text",
    )
    migrate.add_argument("locale", help="the catalog's locale")


def run_extract(args: argparse.Namespace) -> int:
    """Write (or with ``--check`` compare) the template."""
    from ..catalogs.extract import extract_template

    warn_unread(args)
    changed, path = extract_template(project_root(args), check_only=args.check)
    if args.check:
        if changed:
            print(f"{path.name} is out of date: run `handouts extract`", file=sys.stderr)
            return EXIT_CHECK_FAILED
        print(f"{path.name} is up to date")
        return EXIT_OK
    print(f"{'wrote' if changed else 'unchanged'}: {path.relative_to(project_root(args))}")
    return EXIT_OK


def run_init(args: argparse.Namespace) -> int:
    """Create a locale's catalog and say what to do next."""
    from ..catalogs.initialize import init_catalog, next_steps

    path = init_catalog(project_root(args), args.locale)
    shown = path.relative_to(project_root(args)).as_posix()
    print(f"created: {shown}")
    print("\n".join(next_steps(args.locale, shown)))
    return EXIT_OK


def run_migrate_plurals(args: argparse.Namespace) -> int:
    """Move a catalog's plural forms to the standard Plural-Forms."""
    from ..catalogs.migrate import migrate_plural_forms
    from ..catalogs.msgmerge import EARLIER_FORM

    result = migrate_plural_forms(project_root(args), args.locale)
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
