"""The dealer: every handout dealt once, workers kept on their locale, and the work
balanced (simulated with the costs measured on the benchmark corpus)."""

from __future__ import annotations

import heapq
import random

import pytest

from pipeline.publish.dealer import ENGLISH_COST, OPEN_COST, SMALLEST, Dealer
from pipeline.publish.plan import Task, chunks


def _tasks(locales: dict[str, int], parts: int = 1) -> list[Task]:
    tasks = []
    for locale, count in locales.items():
        drugs = [f"drug-{index:04d}" for index in range(count)]
        for chunk in chunks(drugs, parts):
            tasks.append(
                Task(
                    locale,
                    tuple(chunk),
                    tuple(f"f-{d}" for d in chunk),
                    tuple(f"b-{d}" for d in chunk),
                )
            )
    return tasks


def _simulate(tasks: list[Task], workers: int, seed: int = 0) -> tuple[list[float], list[Task]]:
    """Run the deal as the pool does (a worker asks when its task ends); each worker's
    finishing time, in translated-handout units, and every task dealt."""
    dealer = Dealer(tasks, workers)
    jitter = random.Random(seed)
    opened: dict[int, str] = {}
    clock: list[tuple[float, int]] = [(0.0, worker) for worker in range(workers)]
    finished = [0.0] * workers
    dealt: list[Task] = []
    while clock:
        now, worker = heapq.heappop(clock)
        task = dealer.next(worker)
        if task is None:
            finished[worker] = now
            continue
        dealt.append(task)
        each = ENGLISH_COST if task.locale == "en" else 1.0
        cost = sum(each * jitter.uniform(0.8, 1.2) for _ in task.drugs)
        if task.locale != "en" and opened.get(worker) != task.locale:
            cost += OPEN_COST
        opened[worker] = task.locale
        heapq.heappush(clock, (now + cost, worker))
    return finished, dealt


@pytest.mark.parametrize("workers", [1, 2, 3, 4, 8, 16])
@pytest.mark.parametrize(
    "locales",
    [
        {"en": 200, "es": 200, "zh_CN": 200, "ar": 200},
        {"en": 1000, **{f"l{i}": 1000 for i in range(10)}},
        {"en": 7, "fr": 3},
        {"es": 45},
        {"en": 120},
    ],
)
def test_every_handout_is_dealt_once_with_its_fingerprints(locales, workers):
    tasks = _tasks(locales, parts=max(1, workers // len(locales)))
    _, dealt = _simulate(tasks, workers)
    wanted = sorted(
        (t.locale, *item)
        for t in tasks
        for item in zip(t.drugs, t.fingerprints, t.bases, strict=True)
    )
    got = sorted(
        (t.locale, *item)
        for t in dealt
        for item in zip(t.drugs, t.fingerprints, t.bases, strict=True)
    )
    assert got == wanted
    assert all(len(task.drugs) >= 1 for task in dealt)


def test_relink_tasks_are_dealt_whole_first():
    relink = Task("es", (), (), (), relink=("x",))  # type: ignore[arg-type]
    dealer = Dealer([*_tasks({"es": 10}), relink], 2)
    assert dealer.next(0) is relink
    assert dealer.next(1) is not None


@pytest.mark.parametrize("workers", [2, 3, 4])
def test_the_benchmark_build_is_balanced_where_whole_locales_were_not(workers):
    """Three translations and English (the po4a comparison): dealt whole, one worker
    ends a whole locale after the other; dealt in chunks, within a few handouts."""
    locales = {"en": 200, "es": 200, "zh_CN": 200, "ar": 200}
    finished, _ = _simulate(_tasks(locales), workers)
    total = 3 * (200 + OPEN_COST) + 200 * ENGLISH_COST
    assert max(finished) - min(finished) < 2 * OPEN_COST
    assert max(finished) < total / workers + 2 * OPEN_COST


@pytest.mark.parametrize("workers", [2, 4, 8])
def test_a_worker_keeps_its_locale_and_catalogs_are_opened_rarely(workers):
    """Ten translations of 1,000 handouts: each catalog opened about once (a worker
    takes a share of another's locale only at the end), the workers end together."""
    locales = {"en": 1000, **{f"l{i}": 1000 for i in range(10)}}
    opened = _opens(_tasks(locales), workers)
    assert sum(len(each) for each in opened.values()) <= 10 + 2 * workers
    assert all(len(each) == len(set(each)) for each in opened.values())  # never reopened
    finished, dealt = _simulate(_tasks(locales), workers, seed=1)
    assert max(finished) - min(finished) < 2 * OPEN_COST
    again = _simulate(_tasks(locales), workers, seed=1)[1]
    assert [t.drugs for t in again] == [t.drugs for t in dealt]  # the deal is deterministic


def _opens(tasks: list[Task], workers: int) -> dict[int, list[str]]:
    """The translations each worker opens, in order (re-opening counted)."""
    dealer = Dealer(tasks, workers)
    clock = [(0.0, worker) for worker in range(workers)]
    current: dict[int, str] = {}
    opened: dict[int, list[str]] = {w: [] for w in range(workers)}
    while clock:
        now, worker = heapq.heappop(clock)
        task = dealer.next(worker)
        if task is None:
            continue
        if task.locale != "en" and current.get(worker) != task.locale:
            opened[worker].append(task.locale)
        current[worker] = task.locale
        heapq.heappush(clock, (now + len(task.drugs), worker))
    return opened


def test_chunks_shrink_but_not_below_the_smallest():
    dealer = Dealer(_tasks({"es": 200}), 2)
    sizes = []
    while (task := dealer.next(0)) is not None:
        sizes.append(len(task.drugs))
    assert sizes[0] == 50 and sizes == sorted(sizes, reverse=True)
    assert all(size >= SMALLEST for size in sizes[:-1]) and sum(sizes) == 200
