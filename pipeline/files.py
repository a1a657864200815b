"""File-system rules every stage that writes shares: stay inside the project, take the
project's locks, replace a file only if nobody changed it since it was read.

* :func:`inside_project`: a path is used only if it resolves inside the project root,
  so a symbolic link (a locale folder, ``output``) never leads a write elsewhere.
* :func:`project_lock`: advisory ``flock`` locks among our own commands (``update``,
  ``init``, ``extract`` and ``migrate-plurals`` hold the catalogs' lock exclusively, a
  build holds it shared while it reads them; the build also locks its output folder).
  A translator's editor knows nothing of them: :func:`replace_if_unchanged` protects
  its saves.
* :func:`read_regular_file`: an input the user names is read only if it is a regular
  file (a FIFO would block forever, a device never end).
* :func:`replace_if_unchanged`: the compare-before-replace of a file someone else may
  save at any moment: the new version replaces it only if it still holds what was read.
* :func:`output_path`: an output option (``check --junit``, ``review-sheet -o``,
  ``export-xliff --output``, ``build --output``...) never names a project input.
* :func:`write_atomic`: a file written whole or not at all (a synced temp file, then a
  rename), and not at all when it holds the content already; every atomic replace of a
  file is here (the build's swap of the output folder is in ``publish/staging.py``).
* :func:`read_regular_file`, :func:`require_regular_file`: only regular files are read;
  a FIFO (which would block forever), a device, a socket or a folder is refused at once.
"""

from __future__ import annotations

import errno
import fcntl
import glob
import hashlib
import os
import signal
import stat
import tempfile
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
    raise HandoutError(
        f"{what} leads outside the project through this symbolic link: "
        "refusing to read or write there (make it a real file or folder, or "
        "a link to one inside the project)",
        named,
    )


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


# --- output options ---------------------------------------------------------------------

INPUT_FOLDERS = ("source", "locales", "editions")  # every file under them is an input
INPUT_FILES = ("handouts.yaml",)
_INPUT_DEPTH = 4  # locales/<ll>/LC_MESSAGES/handouts.po, source/monographs/<id>.yaml


def _kind(relative: str) -> str:
    """What a project input file is, in the user's words."""
    if relative == "handouts.yaml":
        return "the policy"
    if relative == "locales/handouts.pot":
        return "the template"
    if relative.startswith("locales/") and relative.endswith(".po"):
        return "a catalog"
    if relative.startswith("source/monographs/"):
        return (
            "a monograph"
            if relative.endswith((".yaml", ".yml"))
            else "a file of source/monographs/"
        )
    if relative == "source/glossary.yaml":
        return "the glossary"
    if relative.startswith("editions/"):
        return "an editions record"
    return "a file of the project's inputs"


def _inputs(root: Path) -> tuple[dict[Path, str], dict[Path, str]]:
    """The real paths of the project's input files and folders (through any link), each
    with its path in the project."""
    files: dict[Path, str] = {}
    folders: dict[Path, str] = {}

    def visit(path: Path, relative: str, depth: int) -> None:
        real = Path(os.path.realpath(path))
        if real.is_dir():
            if real in folders or depth > _INPUT_DEPTH:
                return
            folders[real] = relative
            with suppress(OSError):
                for child in sorted(real.iterdir()):
                    visit(child, f"{relative}/{child.name}", depth + 1)
        else:
            files.setdefault(real, relative)

    for name in INPUT_FOLDERS:
        visit(root / name, name, 0)
    for name in INPUT_FILES:
        files.setdefault(Path(os.path.realpath(root / name)), name)
    return files, folders


def output_path(root: Path, path: Path, option: str) -> Path:
    """``path`` (as the command will write it: absolute, or relative to the current
    folder), given to the output option ``option``, when it names no project input.

    Refused (a HandoutError, exit 2, naming the option and the path) when it is, or
    resolves through symbolic links to, an input file (a catalog, the template, a
    monograph, the glossary, handouts.yaml, an editions record), lies under source/,
    locales/ or editions/ (or a folder of theirs, wherever a link puts it), or holds the
    project (its root or a folder above it)."""
    root = Path(os.path.realpath(root))
    real = Path(os.path.realpath(path))
    files, folders = _inputs(root)
    found = files.get(real)
    if found is not None:
        what: str | None = f"{_kind(found)} ({found}), an input of the project"
    else:
        inside = [
            relative
            for folder, relative in folders.items()
            if real == folder or real.is_relative_to(folder)
        ]
        what = (
            f"a path in {max(inside, key=len)}/, where the project's inputs are" if inside else None
        )
    if what is None and root.is_relative_to(real):
        what = "the project folder" if real == root else "a folder holding the project"
    if what is not None:
        raise HandoutError(
            f"{option} names {what}: an output option never writes over "
            "the project's inputs; choose a path outside source/, locales/ "
            "and editions/",
            shown(Path(os.path.abspath(path)), root),
        )
    return path


# --- reading only regular files ------------------------------------------------------------

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


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


def require_regular_file(path: Path, what: str = "the file", shown: str | None = None) -> Path:
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
        raise HandoutError(f"{what} is {kind}, not a regular file: refusing to read it", named)
    return path


def read_input_file(path: Path, named: str | None = None) -> bytes:
    """The bytes of the regular file ``path`` that a user named (``named``: as written);
    a HandoutError at once when it is not a regular file (a FIFO, a device, a folder) or
    cannot be read."""
    named = named or str(path)
    try:
        return read_regular_file(path)
    except NotRegularFile as error:
        raise HandoutError(f"{error.strerror}: refusing to read it", named) from None
    except OSError as error:
        raise HandoutError(f"cannot read: {error.strerror}", named) from None


# --- locks -------------------------------------------------------------------------------

CATALOGS_LOCK = ".handouts-catalogs.lock"  # at the project root (git-ignored)
_held: set[int] = set()  # descriptors of held locks: closed in forked workers


@contextmanager
def project_lock(
    path: Path, holder: str, *, shared: bool = False, kind: type[HandoutError] = HandoutError
) -> Iterator[None]:
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


# --- writing a file atomically ----------------------------------------------------------


def write_atomic(path: Path, text: str | bytes) -> bool:
    """Write ``text`` (bytes, or str as UTF-8) to ``path`` via a synced temp file and a
    rename, unless ``path`` holds it already (False then). A kill at any moment leaves
    the old or the new version, whole."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_orphans(path)
    temp = prepare_file(path, data)
    try:
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return True


def prepare_file(path: Path, data: bytes) -> Path:
    """A synced temp file beside ``path`` holding ``data``, with ``path``'s permissions:
    the first half of an atomic write (the caller renames it, or removes it)."""
    handle, name = tempfile.mkstemp(
        prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent
    )
    temp = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        try:
            os.chmod(temp, path.stat().st_mode & 0o777)
        except FileNotFoundError:
            os.chmod(temp, 0o644)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def remove_orphans(path: Path) -> None:
    """Remove the temp files of earlier writes of ``path`` that were killed between
    writing and renaming: those whose writing process (named in the file) is gone."""
    for orphan in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        pid = orphan.name[len(path.name) + 2 :].split(".", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            with suppress(OSError):  # housekeeping: a read-only folder is fine
                orphan.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie (dead, not yet reaped)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process, or no way to tell: leave its file alone
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as stream:
            return stream.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True


def read_regular(path: Path) -> bytes | None:
    """The bytes of ``path`` if it is a regular file (not through a symbolic link, never
    blocking on a FIFO); None otherwise."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as stream:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None
        return stream.read()
