"""File-system rules every stage that writes shares: stay inside the project, take the
project's locks, replace a file only if nobody changed it since it was read.

* :func:`inside_project`: a path is used only if it resolves inside the project root,
  so a symbolic link (a locale folder, ``output``) never leads a write elsewhere.
* :func:`project_lock`: advisory ``flock`` locks among our own commands (``update``,
  ``init``, ``extract`` and ``migrate-plurals`` hold the catalogs' lock exclusively, a
  build holds it shared while it reads them; the build also locks its output folder).
  A translator's editor knows nothing of them: :func:`replace_if_unchanged` protects
  its saves.
* :func:`replace_if_unchanged`: the compare-before-replace of a file someone else may
  save at any moment: the new version replaces it only if it still holds what was read.
* :func:`read_regular_file`, :func:`require_regular_file`: only regular files are read;
  a FIFO (which would block forever), a device, a socket or a folder is refused at once.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import signal
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from .errors import HandoutError


def shown(path: Path, root: Path) -> str:
    """``path`` as the user knows it: relative to the project when inside it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def inside_project(root: Path, path: Path, what: str = "path") -> Path:
    """``path`` (inside ``root``, as written) with its symbolic links resolved; a
    HandoutError when one of them leads outside the project root."""
    root = root.resolve()
    real = path.resolve()
    if real == root or real.is_relative_to(root):
        return real
    link = _first_link(root, path)
    named = shown(link, root) if link is not None else shown(path, root)
    raise HandoutError(f"{what} leads outside the project through this symbolic link: "
                       "refusing to read or write there (make it a real file or folder, or "
                       "a link to one inside the project)", named)


def _first_link(root: Path, path: Path) -> Path | None:
    """The first component of ``path`` below ``root`` that is a symbolic link."""
    current = path if path.is_absolute() else root / path
    parts = []
    while current != current.parent and current != root:
        parts.append(current)
        current = current.parent
    for part in reversed(parts):
        if part.is_symlink():
            return part
    return None


# --- reading only regular files ------------------------------------------------------------

_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


def _not_regular(mode: int) -> str | None:
    """What a file of ``mode`` is when it is not a regular file (None: it is one)."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


class NotRegularFile(OSError):
    """An input path names a FIFO, a device, a socket or a folder."""


def read_regular_file(path: Path) -> bytes:
    """The bytes of the regular file ``path`` (through symbolic links). Opened without
    blocking and checked on the open descriptor, so a FIFO planted where a file was
    expected never blocks and a file swapped for one after a look is still refused:
    :class:`NotRegularFile` (an OSError, so a caller's "cannot read" names it)."""
    handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        kind = _not_regular(os.fstat(handle).st_mode)
        if kind:
            raise NotRegularFile(errno.EINVAL, f"{kind}, not a regular file", str(path))
        with os.fdopen(handle, "rb") as stream:
            handle = -1
            return stream.read()
    finally:
        if handle >= 0:
            os.close(handle)


def require_regular_file(path: Path, what: str = "the file", shown: str | None = None
                         ) -> Path:
    """``path`` when it names a regular file; else a HandoutError naming it (``shown``,
    as the user wrote it), at once: before any lock is taken or anything read."""
    named = shown or str(path)
    try:
        kind = _not_regular(os.stat(path).st_mode)
    except FileNotFoundError:
        raise HandoutError(f"{what} does not exist", named) from None
    except OSError as error:
        raise HandoutError(f"cannot read {what}: {error.strerror}", named) from None
    if kind:
        raise HandoutError(f"{what} is {kind}, not a regular file: refusing to read it",
                           named)
    return path


# --- locks -------------------------------------------------------------------------------

CATALOGS_LOCK = ".handouts-catalogs.lock"  # at the project root (git-ignored)
_held: set[int] = set()  # descriptors of held locks: closed in forked workers


@contextmanager
def project_lock(path: Path, holder: str, *, shared: bool = False,
                 kind: type[HandoutError] = HandoutError) -> Iterator[None]:
    """Hold an advisory lock on the file ``path`` (created if needed; released by the
    kernel if the process dies). Never waits: a HandoutError names ``holder``, what
    holds it. A shared lock on a read-only file system is skipped (nothing can write)."""
    try:
        handle = path.open("a")
    except OSError as error:
        if shared and error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            yield
            return
        raise kind(f"cannot create the lock file: {error.strerror}", path.name) from None
    try:
        fcntl.flock(handle, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise kind(f"{holder} (lock {path.name}); try again when it ends") from None
    _held.add(handle.fileno())
    try:
        yield
    finally:
        _held.discard(handle.fileno())
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def close_inherited_locks() -> None:
    """In a forked worker: close the lock descriptors copied from the parent, so a lock
    is never kept by a worker after its command died."""
    for descriptor in list(_held):
        with suppress(OSError):
            os.close(descriptor)
    _held.clear()


# --- replacing a file someone else may be saving --------------------------------------------

def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block ends (a few renames), so an interrupted
    command has either written a file or not; in the main thread only."""
    blocked = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _identity(status: os.stat_result) -> tuple[int, int, int, int]:
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)


def replace_if_unchanged(temp: Path, path: Path, expected: str | None) -> bool:
    """Move the finished file ``temp`` to ``path`` if ``path`` still has the content of
    digest ``expected`` (None: if ``path`` still does not exist). False, and ``temp``
    removed, when someone changed ``path`` since it was read: their version stays.

    The content on disk is compared, then its identity (device, inode, size, mtime) is
    checked again just before the rename: only a save in the microseconds between that
    last look and the rename could still be replaced. ``path`` always exists, whole (a
    kill at any moment leaves the old or the new version)."""
    try:
        if expected is None:
            return _link_new(temp, path)
        try:
            with path.open("rb") as stream:
                before = _identity(os.fstat(stream.fileno()))
                if digest(stream.read()) != expected:
                    return False
            if _identity(os.stat(path)) != before:
                return False
        except FileNotFoundError:
            return False  # deleted since it was read: leave it deleted
        os.replace(temp, path)
        return True
    finally:
        temp.unlink(missing_ok=True)


def _link_new(temp: Path, path: Path) -> bool:
    """Give ``temp`` the name ``path`` unless a file has it (False then)."""
    try:
        os.link(temp, path)
        return True
    except FileExistsError:
        return False
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK):
            raise
    if path.exists():  # no hard links here: look, then rename (a narrow window)
        return False
    os.rename(temp, path)
    return True
