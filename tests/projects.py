"""Helpers for tests that need a throw-away copy of the project (never the repo itself)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PROJECT_FILES = ("source", "locales", "editions", "handouts.yaml")


def copy_project(target: Path) -> Path:
    """Copy the shipped source/, locales/ and policy into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, target / name)
        elif path.is_file():
            shutil.copy2(path, target / name)
    return target


def need_tool(name: str) -> str:
    """Path of an outside tool; skip the test without it, except under CI=true."""
    found = shutil.which(name)
    if found:
        return found
    message = f"{name} is not installed"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}, and CI=true: .ci/run must install it")
    pytest.skip(message)


def run_cli(*args: str, cwd: Path, preexec_fn=None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m pipeline`` as a user would, capturing its output."""
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=preexec_fn,
    )


def file_size_limit(limit: int):
    """A ``preexec_fn``: the command can write no file beyond ``limit`` bytes (a write
    past it fails with EFBIG, as a full disk fails with ENOSPC): a real file-system
    failure inside the real write path, without privileges."""

    def apply() -> None:
        import resource
        import signal

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an error, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def without_root_override() -> None:
    """A ``preexec_fn``: as root, drop the capabilities that ignore file permissions
    (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH) from the command, so a read-only folder is
    read-only for it too; nothing to do for another user."""
    if os.geteuid() != 0:
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "cannot drop a capability")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes (to prove nothing changed), through
    symbolic links to folders too (os.walk(followlinks=True))."""
    found = {}
    for top, _, names in os.walk(folder, followlinks=True):
        for name in names:
            path = Path(top) / name
            if path.is_file():
                found[path.relative_to(folder).as_posix()] = path.read_bytes()
    return dict(sorted(found.items()))
