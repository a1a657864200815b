"""``handouts check``: the template compared with the monographs, and every chosen
locale's catalog read, checked and judged by the policy, in worker processes and this
one; the report shown as a table, JSON or Markdown (:data:`RENDERERS`), or as JUnit XML.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, as_completed
from dataclasses import dataclass
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import TypeVar

from .. import workers
from ..catalogs.extract import safety_keys, template_is_stale
from ..catalogs.pofile import Catalog, load_template
from ..checks.policy import Policy, load_policy
from ..checks.report.jsonreport import render_json
from ..checks.report.judging import broken_locale, chosen_locales, judge_locale, project_scope
from ..checks.report.markdown import render_markdown
from ..checks.report.reading import CatalogReading, read_locale
from ..checks.report.results import CheckReport, LocaleResult, Scope
from ..checks.report.table import render_table
from ..checks.trust import trust_for
from ..errors import HandoutError
from ..model import Key
from ..source.glossary import Glossary, load_glossary
from ..source.monographs import load_monographs
from ..workers import Failure, carried, unpacked

T = TypeVar("T")
PARALLEL_ENTRIES = 100  # entries in all; the 176 of the shipped catalogs are 13% faster forked
RENDERERS = {"table": render_table, "json": render_json, "markdown": render_markdown}
Reading = tuple[int, CatalogReading | Failure]  # a worker's: the locale's index, its reading


@contextlib.contextmanager
def _without_gc() -> Iterator[None]:
    """Reading and checking catalogs makes millions of acyclic objects: the cyclic
    collector would scan them again and again for nothing (reference counting frees
    them). It runs again afterwards, as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _in_worker(function: Callable[..., T], *args: object) -> T | Failure:
    with _without_gc():
        return carried(function, *args)


def _result(value: T | Failure) -> T | HandoutError:
    """A worker's value; a user error it met, rebuilt whole (with its path and line)."""
    return unpacked(value)


def _read_here(project: _Project, locale: str) -> CatalogReading | HandoutError:
    try:
        return _read_in(project, locale)
    except HandoutError as error:
        return error


def build_report(root: Path, locales: list[str] | None = None, jobs: int = 0) -> CheckReport:
    """Check the template's freshness and every chosen locale against the policy.

    Large projects are checked in ``jobs`` processes (default one per core): this one,
    which also compares the template, and ``jobs - 1`` workers, sharing the locales."""
    with _without_gc():
        return _build_report(root, locales, jobs)


@dataclass(frozen=True)
class _Project:
    """What every locale's check reads: handed to forked workers, not pickled."""

    root: Path
    glossary: Glossary
    template: Catalog
    safety: frozenset[Key]
    policy: Policy
    locales: tuple[str, ...] = ()


class _Queue:
    """The locales no process has begun, shared by the worker processes, which take
    them from the front, and the command's own process, which takes them from the back
    once it has read the monographs: no process waits while a locale is left."""

    def __init__(self, count: int, context: BaseContext) -> None:
        self._ends = context.Array("i", [0, count])  # [front, back), with its own lock

    def _take(self, front: bool) -> int | None:
        with self._ends.get_lock():
            first, end = self._ends[0], self._ends[1]
            if first >= end:
                return None
            if front:
                self._ends[0] = first + 1
                return first
            self._ends[1] = end - 1
            return end - 1

    def take_front(self) -> int | None:
        return self._take(True)

    def take_back(self) -> int | None:
        return self._take(False)

    def close(self) -> None:
        """No locale is begun any more (on an error or Ctrl-C)."""
        with self._ends.get_lock():
            self._ends[0] = self._ends[1]


_project: _Project | None = None  # in a worker: set by the pool's initializer
_queue: _Queue | None = None


def _adopt(project: _Project, queue: _Queue) -> None:
    global _project, _queue
    _project, _queue = project, queue


def _read_next() -> tuple[int, CatalogReading | Failure] | None:
    """In a worker: read the locale at the front of the queue (None: none is left)."""
    assert _project is not None and _queue is not None
    index = _queue.take_front()
    if index is None:
        return None
    return index, _in_worker(_read_in, _project, _project.locales[index])


def _read_in(project: _Project, locale: str) -> CatalogReading:
    policy = project.policy.get(locale)
    return read_locale(
        project.root,
        locale,
        project.template,
        project.glossary,
        project.safety,
        trust_for(policy),
        policy.needs_review,
    )


def _build_report(root: Path, locales: list[str] | None, jobs: int) -> CheckReport:
    """The catalogs are read and checked in ``jobs - 1`` worker processes and in this
    one: while the workers start, this process reads the monographs and compares the
    template with them, then takes the locales no worker has begun, from the last."""
    policy = load_policy(root)
    chosen = chosen_locales(root, policy, locales)
    template = load_template(root)
    glossary = load_glossary(root)
    project = _Project(root, glossary, template, safety_keys(template), policy, tuple(chosen))
    results: dict[int, LocaleResult] = {}
    with contextlib.ExitStack() as stack:
        queue, tasks = _start_workers(stack, project, jobs or os.cpu_count() or 1)
        monographs = load_monographs(root)
        stale, template_path = template_is_stale(root, template, monographs, glossary)
        scope = project_scope(root, template, monographs)
        waiting = set(tasks)

        def settle(finished: Iterable[Future[Reading | None]]) -> None:
            for task in finished:
                waiting.discard(task)
                value = task.result()
                if value is not None:
                    results[value[0]] = _judged(project, scope, value[0], _result(value[1]))

        own = iter(queue.take_back, None) if queue else iter(range(len(chosen)))
        for index in own:  # from the back, while the workers take from the front
            results[index] = _judged(project, scope, index, _read_here(project, chosen[index]))
            settle([task for task in waiting if task.done()])
        settle(as_completed(waiting))
    return CheckReport(
        template_path.relative_to(root).as_posix(),
        stale,
        tuple(results[index] for index in range(len(chosen))),
    )


def _start_workers(
    stack: contextlib.ExitStack, project: _Project, jobs: int
) -> tuple[_Queue | None, list[Future[Reading | None]]]:
    """Worker processes for a project large enough to gain from them, on ``stack`` (on an
    error: stopped at once): the queue of locales they share with this process and one
    task per locale (each reads the locale at the front when it starts)."""
    count = len(project.locales)
    if jobs <= 1 or count <= 1 or len(project.template.messages) * count < PARALLEL_ENTRIES:
        return None, []
    # forked workers inherit the project; elsewhere it is pickled once per worker
    queue = _Queue(count, workers.start_context())
    running = stack.enter_context(workers.pool(min(jobs - 1, count - 1), _adopt, (project, queue)))
    stack.callback(queue.close)  # and first: no worker begins another locale
    return queue, running.submit_all(_read_next, [() for _ in project.locales])


def _judged(
    project: _Project, scope: Scope, index: int, reading: CatalogReading | HandoutError
) -> LocaleResult:
    """The ``index``-th chosen locale's reading judged (a catalog that cannot be read: a
    broken locale, reported as that locale's failure)."""
    locale = project.locales[index]
    policy = project.policy.get(locale)
    if isinstance(reading, HandoutError):
        return broken_locale(locale, policy, project.root, reading)
    return judge_locale(reading, policy, scope)
