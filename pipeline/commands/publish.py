"""``handouts publish``: record the editions published now in ``editions/``, reading
the monographs, the glossary, the policy and every catalog (under the catalogs' shared
lock) and judging each handout with :class:`pipeline.publish.release.EditionsRecord`."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import HandoutError
from .shared import EXIT_CHECK_FAILED, EXIT_OK, add, date, project_root

if TYPE_CHECKING:
    from ..publish.release import PublishResult


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``publish``."""
    publish_ = add(
        commands, "publish", run, "record the editions published now in editions/ (commit them)"
    )
    publish_.add_argument(
        "--locale", action="append", metavar="LOCALE", help="only this locale (repeatable)"
    )
    publish_.add_argument(
        "--drug", action="append", metavar="ID", help="only this drug (repeatable)"
    )
    publish_.add_argument(
        "--date", type=date, metavar="YYYY-MM-DD", help="the publication date (default: today)"
    )
    publish_.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if the record is out of date"
    )


def run(args: argparse.Namespace) -> int:
    """Record the editions; with ``--check`` exit 1 if the record is out of date."""
    result = publish(project_root(args), args.locale, args.drug, args.date, check=args.check)
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


def publish(
    root: Path,
    locales: Sequence[str] | None = None,
    drugs: Sequence[str] | None = None,
    day: dt.date | None = None,
    check: bool = False,
) -> PublishResult:
    """Record every handout published now; ``check``: write nothing, say what would be
    written (``handouts publish --check`` exits 1 then). The catalogs are read under the
    catalogs' shared lock; every record written stays inside the project. A date that
    could not be read back (in the future, before 1990) is refused first."""
    from ..catalogs.locales import catalogs_lock
    from ..factcheck import date_problem

    problem = date_problem(day) if day is not None else None
    if problem:
        raise HandoutError(f"--date: not a publication date: {problem}")
    with catalogs_lock(root, shared=True):
        return _publish(root, locales, drugs, day, check)


def _publish(
    root: Path,
    locales: Sequence[str] | None,
    drugs: Sequence[str] | None,
    day: dt.date | None,
    check: bool,
) -> PublishResult:
    from .. import clock
    from ..catalogs.locales import discover_locales
    from ..checks.policy import load_policy
    from ..publish.locale_state import open_locale
    from ..publish.release import EditionsRecord
    from ..source.glossary import load_glossary
    from ..source.monographs import load_monographs
    from ..source.segments import iter_segments

    record = EditionsRecord(root, day or clock.today(), check)
    monographs = {m.id: m for m in load_monographs(root)}
    glossary = load_glossary(root)
    policy = load_policy(root)
    safety = frozenset(s.key for m in monographs.values() for s in iter_segments(m) if s.safety)
    present = discover_locales(root)
    for locale in locales or ():
        if locale not in present:
            raise HandoutError(f"no catalog for locale '{locale}'")
    for drug in drugs or ():
        if drug not in monographs:
            raise HandoutError(f"unknown drug '{drug}'")
    for locale in present:
        state = open_locale(root, locale, glossary, safety, policy)
        chosen = not locales or locale in locales
        for drug, monograph in monographs.items():
            if not chosen or (drugs and drug not in drugs):
                record.keep(locale, drug)
            else:
                record.judge(state, monograph, glossary, safety)
    return record.finish(present, set(monographs))
