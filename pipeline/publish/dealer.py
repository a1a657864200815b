"""Which worker renders what next: a build's handouts dealt to its workers a chunk at a
time, each worker kept on the locale whose catalog it has open.

Opening a translation in a worker (reading and checking its catalog, compiling its
quantity reader) costs about as much as rendering :data:`OPEN_COST` of its handouts, and
every worker that renders any of them pays it. Handing each worker whole locales wastes
no opening but leaves workers idle at the end: with three translations and English on
two cores, one worker rendered two translations while the other rendered one and
English, then waited. So a worker asks for work whenever it is free, and gets:

1. more of the locale it has open;
2. else a translation no worker has open, the one with the most handouts left;
3. else English handouts (no catalog to open);
4. else a share of the translation with the most left, when what is left is worth
   opening its catalog again (more than twice :data:`OPEN_COST` handouts); from then
   on the worker has that locale open too;
5. else nothing: the worker is done.

A chunk is what is left of the whole build shared among twice the workers (guided
self-scheduling: large chunks first, small ones at the end, at least :data:`SMALLEST`
handouts), so that no worker is still busy with a large chunk when the others are done.

Pages to relink (:attr:`Task.relink`) go, whole, to whoever asks first. The output does
not depend on the deal: each handout is rendered alone (the manifest is written sorted).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from .localize import ENGLISH
from .plan import Task

OPEN_COST = 30  # handouts of a translation that cost what opening its catalog costs
ENGLISH_COST = 0.35  # an English handout (three formats, no checks) against a translated one
SMALLEST = 8  # handouts: a smaller chunk costs more in round trips than it balances

Item = tuple[str, str, str]  # (drug, fingerprint, base): one handout of a Task


class Dealer:
    """Deals the handouts of ``tasks`` to ``workers`` workers numbered 0, 1, ... as
    they ask."""

    def __init__(self, tasks: Iterable[Task], workers: int):
        self._workers = workers
        self._left: dict[str, list[Item]] = {}  # locale -> its handouts not dealt yet
        self._relink: list[Task] = []
        self._open: dict[int, str] = {}  # worker -> the locale it renders
        for task in tasks:
            if task.relink:
                self._relink.append(task)
            else:
                items = zip(task.drugs, task.fingerprints, task.bases, strict=True)
                self._left.setdefault(task.locale, []).extend(items)

    def next(self, worker: int) -> Task | None:
        """The next task for ``worker`` (None: nothing left for it)."""
        if self._relink:
            return self._relink.pop(0)
        own = self._open.get(worker)
        if own is not None and self._left.get(own):
            return self._deal(worker, own)
        unopened = [
            code
            for code, items in self._left.items()
            if items and code != ENGLISH and code not in self._open.values()
        ]
        if unopened:
            return self._deal(worker, max(unopened, key=lambda c: len(self._left[c])))
        if self._left.get(ENGLISH):
            return self._deal(worker, ENGLISH)
        shared = [code for code, items in self._left.items() if len(items) > 2 * OPEN_COST]
        if shared:
            return self._deal(worker, max(shared, key=lambda c: len(self._left[c])))
        return None

    def _guided(self, locale: str) -> int:
        """Handouts of ``locale`` worth a share of what is left of the build."""
        left = sum(len(items) * _cost(code) for code, items in self._left.items())
        return math.ceil(left / (2 * self._workers) / _cost(locale))

    def _deal(self, worker: int, locale: str) -> Task:
        left = self._left[locale]
        count = min(len(left), max(SMALLEST, self._guided(locale)))
        items, self._left[locale] = left[:count], left[count:]
        self._open[worker] = locale
        drugs, fingerprints, bases = zip(*items, strict=True)
        return Task(locale, drugs, fingerprints, bases)


def _cost(locale: str) -> float:
    return ENGLISH_COST if locale == ENGLISH else 1.0
