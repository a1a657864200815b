"""Worker processes are started one way (pipeline.workers): they ignore Ctrl-C, keep no
lock of the command, carry a user error back whole, and are stopped at once when the
command leaves their pool by an exception."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from pipeline import files, workers
from pipeline.errors import CatalogError
from pipeline.files import project_lock


def _state(_: int) -> tuple[bool, int]:
    return signal.getsignal(signal.SIGINT) == signal.SIG_IGN, os.getpid()


def _fails(path: str) -> None:
    raise CatalogError("a broken entry", path, 7)


def _sleeps(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def _pid(_: int) -> int:
    return os.getpid()


def test_pool_workers_ignore_ctrl_c_and_run_every_task():
    with workers.pool(2) as running:
        results = [
            f.result(timeout=60) for f in running.submit_all(_state, [(n,) for n in range(4)])
        ]
    assert all(ignored for ignored, _ in results)
    assert all(pid != os.getpid() for _, pid in results)


def _open(descriptors: list[int]) -> list[int]:
    found = []
    for descriptor in descriptors:
        try:
            os.fstat(descriptor)
            found.append(descriptor)
        except OSError:
            pass
    return found


def test_a_worker_keeps_no_lock_of_the_command(tmp_path: Path):
    """A worker closes its copy of the command's locks: were the command killed, no
    worker would keep the project locked."""
    with project_lock(tmp_path / "held.lock", "a test"):
        held = sorted(files._held)
        assert held and _open(held) == held
        with workers.pool(1) as running:
            [future] = running.submit_all(_open, [(held,)])
            assert future.result(timeout=60) == []


def test_a_user_error_comes_back_whole():
    value = workers.carried(_fails, "locales/es/handouts.po")
    error = workers.unpacked(value)
    assert isinstance(error, CatalogError)
    assert (error.path, error.line, error.message) == (
        "locales/es/handouts.po",
        7,
        "a broken entry",
    )
    with workers.pool(1) as running:
        [future] = running.submit_all(workers.carried, [(_fails, "x.po")])
        back = workers.unpacked(future.result(timeout=60))
    assert isinstance(back, CatalogError) and (back.path, back.line) == ("x.po", 7)


def test_leaving_a_pool_by_an_exception_stops_its_workers_at_once():
    started = time.monotonic()
    pids: list[int] = []
    with pytest.raises(KeyboardInterrupt), workers.pool(1) as running:
        [quick] = running.submit_all(_pid, [(0,)])
        pids.append(quick.result(timeout=60))
        running.submit_all(_sleeps, [(60,), (60,)])
        time.sleep(0.3)  # the first long task has begun
        raise KeyboardInterrupt  # what Ctrl-C raises in the command
    assert time.monotonic() - started < 30
    with pytest.raises(ProcessLookupError):
        for _ in range(50):  # reaped by the pool; at most a moment
            os.kill(pids[0], 0)
            time.sleep(0.1)


def test_one_worker_process_is_born_ignoring_ctrl_c():
    reader, writer = workers.start_context().Pipe(duplex=False)
    process = workers.start_process(_report_state, (writer,))
    writer.close()
    assert reader.recv() is True
    process.join(timeout=60)
    assert process.exitcode == 0


def _report_state(connection) -> None:
    connection.send(signal.getsignal(signal.SIGINT) == signal.SIG_IGN)
    connection.close()


def _echo_twice(channel, name: str) -> None:
    """A talking worker: says its name and pid, then echoes what the command tells it."""
    channel.send({name: os.getpid()})
    channel.send({name: channel.recv()})


def _buggy(channel) -> None:
    raise ValueError("a bug in a worker")


def _dies(channel) -> None:
    os._exit(3)  # killed, out of memory: no reply


def _waits(channel) -> None:
    channel.send({os.getpid(): "waiting"})
    time.sleep(60)  # deaf to the command: only a kill ends it soon


def test_talking_workers_reply_in_the_order_they_started():
    died = CatalogError("a worker died")
    with workers.talking(_echo_twice, [("b",), ("a",)], died) as talk:
        pids = talk.gather()
        assert list(pids) == ["b", "a"] and os.getpid() not in pids.values()
        talk.tell("go")
        assert talk.gather() == {"b": "go", "a": "go"}


def test_a_talking_worker_s_bug_is_raised_in_the_command_and_its_death_named():
    died = CatalogError("a worker of the test died")
    with (
        pytest.raises(ValueError, match="a bug in a worker"),
        workers.talking(_buggy, [()], died) as talk,
    ):
        talk.gather()
    with (
        pytest.raises(CatalogError, match="a worker of the test died"),
        workers.talking(_dies, [()], died) as talk,
    ):
        talk.gather()


def test_leaving_talking_workers_by_an_exception_kills_them():
    started = time.monotonic()
    pids: list[int] = []
    with (
        pytest.raises(KeyboardInterrupt),
        workers.talking(_waits, [(), ()], CatalogError("died")) as talk,
    ):
        pids += talk.gather()
        raise KeyboardInterrupt  # what Ctrl-C raises in the command
    assert len(pids) == 2
    assert time.monotonic() - started < 30
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)  # killed and reaped before the block was left
