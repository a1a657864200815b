"""Worker processes, started one way for every command that has them (``update``,
``check``, ``build`` and its PDFs).

* A worker is forked where the platform can (it inherits what the command read), and
  starts by :func:`start_worker`: it ignores Ctrl-C (the command stops its workers
  itself), dies with the command (Linux: even when the command is killed), and closes
  the project's locks it inherited, so no worker keeps a lock or writes after its
  command is gone. Ctrl-C is held back while a worker is forked, never lost.
* :func:`pool`: a process pool of such workers; leaving it by an exception (Ctrl-C
  included) cancels what has not begun and kills the workers before it goes on.
* A user error met in a worker comes back whole, with its file and line:
  :func:`carried` and :func:`unpacked` (a value, not a raised exception, so one
  locale's broken catalog does not stop the others).
* :func:`talking`: workers the command talks to over a pipe each (``update``: read,
  report, then merge only if every catalog could be read); leaving by an exception kills
  them, a worker's bug is raised in the command.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import ForkContext, SpawnContext
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

from .errors import HandoutError
from .files import close_inherited_locks

T = TypeVar("T")


def can_fork() -> bool:
    """Whether workers can be forked here."""
    return "fork" in multiprocessing.get_all_start_methods()


def start_context() -> ForkContext | SpawnContext:
    """Fork where the platform can (workers inherit what the command read), else spawn."""
    if can_fork():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


@contextlib.contextmanager
def interrupts_held() -> Iterator[None]:
    """Ctrl-C held back (blocked, not lost) while a worker is forked: the worker is born
    with it blocked and ignores it before unblocking; the command gets it right after."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def start_worker(parent: int) -> None:
    """First thing in a worker of the command ``parent``: ignore Ctrl-C, die with the
    command, close the locks it inherited."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the command stops its workers itself
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the command died before that took effect
        os._exit(1)
    close_inherited_locks()  # a forked copy would keep a lock after the command died


def _initialize(
    parent: int, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]
) -> None:
    start_worker(parent)
    if initializer is not None:
        initializer(*initargs)


class Pool:
    """Worker processes running tasks (see :func:`pool`)."""

    def __init__(self, executor: ProcessPoolExecutor):
        self.executor = executor

    def submit_all(
        self, function: Callable[..., T], tasks: Iterable[tuple[Any, ...]]
    ) -> list[Future[T]]:
        """Submit ``function(*args)`` for every ``args`` of ``tasks`` (the workers are
        forked by the first, with Ctrl-C held back)."""
        with interrupts_held():
            return [self.executor.submit(function, *args) for args in tasks]

    def stop(self) -> None:
        """Cancel what has not begun and kill the workers (Ctrl-C, or a task failed)."""
        # (the standard library offers no public way to end running tasks; shutdown
        # forgets the processes, so they are taken first)
        processes: dict[int, BaseProcess] = dict(getattr(self.executor, "_processes", None) or {})
        self.executor.shutdown(wait=False, cancel_futures=True)
        for process in list(processes.values()):
            with contextlib.suppress(OSError, ValueError, AttributeError):
                process.kill()
        for process in list(processes.values()):
            with contextlib.suppress(OSError, ValueError, AttributeError, AssertionError):
                process.join(timeout=10)


@contextlib.contextmanager
def pool(
    workers: int, initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = ()
) -> Iterator[Pool]:
    """``workers`` worker processes, each started by :func:`start_worker` then
    ``initializer(*initargs)``. Leaving the block normally waits for the tasks; by an
    exception (Ctrl-C, a failed task) stops the workers first."""
    executor = ProcessPoolExecutor(
        workers,
        mp_context=start_context(),
        initializer=_initialize,
        initargs=(os.getpid(), initializer, initargs),
    )
    running = Pool(executor)
    try:
        yield running
    except BaseException:
        running.stop()
        raise
    executor.shutdown(wait=True)


def start_process(target: Callable[..., None], args: tuple[Any, ...]) -> BaseProcess:
    """Start one worker process running ``target(*args)`` (after :func:`start_worker`)."""
    worker = start_context().Process(
        target=_run_process, daemon=True, args=(os.getpid(), target, args)
    )
    with interrupts_held():  # born unable to take Ctrl-C, known to the caller before it
        worker.start()
    return worker


def _run_process(parent: int, target: Callable[..., None], args: tuple[Any, ...]) -> None:
    start_worker(parent)
    target(*args)


# --- user errors across the process boundary --------------------------------------------------


@dataclass(frozen=True)
class Failure:
    """A user error met in a worker process, carried back whole (path and line)."""

    kind: type[HandoutError]
    message: str
    path: str | None
    line: int | None

    @classmethod
    def of(cls, error: HandoutError) -> Failure:
        return cls(type(error), error.message, error.path, error.line)

    def error(self) -> HandoutError:
        return self.kind(self.message, self.path, self.line)


def carried(function: Callable[..., T], *args: object) -> T | Failure:
    """``function(*args)``, or the user error it raised as a :class:`Failure`."""
    try:
        return function(*args)
    except HandoutError as error:
        return Failure.of(error)


def unpacked(value: T | Failure) -> T | HandoutError:
    """A worker's value; a user error it met, rebuilt whole (with its path and line)."""
    return value.error() if isinstance(value, Failure) else value


# --- workers the command talks to, one pipe each ----------------------------------------------

Channel = Connection  # a worker's end of its pipe: send() and recv() picklable values


class Talk:
    """Worker processes the command talks to over a pipe each (see :func:`talking`)."""

    def __init__(self, died: HandoutError):
        self.died = died
        self.workers: list[tuple[BaseProcess, Connection]] = []

    def start(self, target: Callable[..., None], args: tuple[Any, ...]) -> None:
        """Start a worker running ``target(channel, *args)``. Ctrl-C is held back until
        the worker's end of the pipe is gone here: arriving in that object's ``__del__``,
        it would be ignored (Python cannot raise from there) and the command go on."""
        with interrupts_held():
            mine, theirs = start_context().Pipe()  # (forked: the worker inherits the reading)
            self.workers.append((start_process(_answer, (target, theirs, args)), mine))
            theirs.close()
            del theirs

    def gather(self) -> dict[Any, Any]:
        """Every worker's next reply (a dict), merged in the order the workers started; a
        bug a worker met is raised here, a worker that died raises ``died``."""
        found: dict[Any, Any] = {}
        for _, connection in self.workers:
            try:
                reply = connection.recv()
            except EOFError:  # the worker died (killed, out of memory)
                raise self.died from None
            if isinstance(reply, BaseException):
                raise reply
            found.update(reply)
        return found

    def tell(self, value: object) -> None:
        """Send ``value`` to every worker."""
        for _, connection in self.workers:
            connection.send(value)


@contextlib.contextmanager
def talking(
    target: Callable[..., None], groups: Iterable[tuple[Any, ...]], died: HandoutError
) -> Iterator[Talk]:
    """A worker running ``target(channel, *args)`` for each ``args`` of ``groups``.
    Leaving the block normally waits for the workers to end; by an exception (Ctrl-C,
    a problem) kills them first. Workers ignore Ctrl-C (:func:`start_worker`)."""
    talk = Talk(died)
    complete = False
    try:
        for args in groups:
            talk.start(target, args)
        yield talk
        complete = True
    finally:
        for process, connection in talk.workers:
            connection.close()
            if not complete:
                process.kill()
            process.join()


def _answer(target: Callable[..., None], channel: Connection, args: tuple[Any, ...]) -> None:
    """In a worker: ``target(channel, *args)``; a bug is sent to the command, which raises
    it; a command gone or stopping hears nothing."""
    try:
        target(channel, *args)
    except (EOFError, BrokenPipeError, ConnectionResetError):
        pass  # the command is gone or stopping: nothing to say
    except Exception as error:  # noqa: BLE001 - a bug: let the command raise it
        with contextlib.suppress(OSError):
            channel.send(error)
    finally:
        channel.close()
