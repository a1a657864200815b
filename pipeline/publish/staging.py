"""The output folder: its lock, the staging folder a build fills beside it, the swap
that puts it in place with two renames, and the recovery from an interrupted build.
Unchanged files are hard links to the previous output's (same inode and mtime)."""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import BuildError, HandoutError
from ..files import digest, inside_project, project_lock, shown
from . import editions
from .manifest import MANIFEST

PREFIX = ".handouts-build-"  # staging, previous-output and lock names (git-ignored)


MOUNT_POINT = (
    "the output folder is a mount point, which the build cannot replace (it "
    "builds beside the folder and renames): build into a folder inside it "
    "(--output output/site) or mount its parent"
)


def sibling(output: Path, suffix: str) -> Path:
    """A name beside ``output`` for the build's own use (git-ignored)."""
    return output.parent / f"{PREFIX}{output.name}.{suffix}"


@contextmanager
def build_lock(output: Path) -> Iterator[None]:
    """Hold an exclusive lock beside ``output`` (released by the kernel if we die)."""
    path = sibling(output, "lock")
    output.parent.mkdir(parents=True, exist_ok=True)
    with project_lock(path, "another build is running", kind=BuildError):
        yield


def recover(output: Path) -> None:
    """Undo an interrupted build: drop staging folders; restore a previous output."""
    for stale in output.parent.glob(f"{PREFIX}{output.name}.new-*"):
        shutil.rmtree(stale, ignore_errors=True)
    previous = sorted(
        output.parent.glob(f"{PREFIX}{output.name}.old-*"), key=lambda p: p.stat().st_mtime
    )
    if previous and not output.exists():
        os.rename(previous.pop(), output)
    for stale in previous:
        shutil.rmtree(stale, ignore_errors=True)


def swap(staging: Path, output: Path) -> None:
    """Put ``staging`` in the place of ``output`` (two renames; the old one put back
    when the second fails)."""
    old = sibling(output, f"old-{os.getpid()}")
    if output.exists():
        try:
            os.rename(output, old)
        except OSError as error:
            if error.errno in (errno.EBUSY, errno.EXDEV, errno.EPERM, errno.EACCES):
                raise BuildError(
                    f"{MOUNT_POINT} ({error.strerror}); the previous output is unchanged",
                    output.name,
                ) from None
            raise
    try:
        os.rename(staging, output)
    except BaseException:
        if old.exists() and not output.exists():
            os.rename(old, output)  # put the previous output back
        raise
    shutil.rmtree(old, ignore_errors=True)


@contextmanager
def staged(output: Path) -> Iterator[Path]:
    """The staging folder beside ``output`` (made empty), to fill in the ``with``
    block, then swapped in; on any error it is removed and ``output`` left as it was."""
    staging = sibling(output, f"new-{os.getpid()}")
    try:
        staging.mkdir()
        yield staging
        swap(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


_made: set[Path] = set()  # folders this process has made (or found) in a staging folder
_written: dict[str, str] = {}  # path -> SHA-256 of what put wrote or linked there
# a new file, as open(path, "xb") makes it, without a buffered file object around it
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
_NEW_FILE |= getattr(os, "O_BINARY", 0)


def put(staging: Path, previous: Path | None, relative: str, data: bytes) -> bool:
    """Write ``data`` at ``staging/relative``; link the previous file if it is the same.
    Return True when new content was written. The digest of ``data`` is kept for
    :func:`written`."""
    target = staging / relative
    if target.parent not in _made:  # (one mkdir per folder, not per file)
        _make_folder(staging, target.parent)
        _made.add(target.parent)
    if previous is not None:
        old = previous / relative
        try:
            status = old.lstat()  # (a link planted in the output is never followed)
            if (
                stat.S_ISREG(status.st_mode)
                and status.st_size == len(data)
                and old.read_bytes() == data
            ):
                try:
                    link(old, target)
                except FileNotFoundError:  # its folder was removed since: make it again
                    _make_folder(staging, target.parent)
                    link(old, target)
                _written[str(target)] = digest(data)
                return False
        except FileNotFoundError:
            pass
    try:
        try:
            fd = os.open(target, _NEW_FILE, 0o666)
        except FileNotFoundError:  # its folder was removed since: make it again
            _make_folder(staging, target.parent)
            fd = os.open(target, _NEW_FILE, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
    except OSError as error:  # (a failed write names no file: name it)
        raise OSError(error.errno, error.strerror, str(target)) from None
    _written[str(target)] = digest(data)
    return True


def written() -> dict[str, str]:
    """The digest of each file :func:`put` wrote or linked in this process (or a worker
    for it: :func:`add_written`) since the last call, by path; forgotten here. The
    build's manifest records them without reading the files back."""
    found = dict(_written)
    _written.clear()
    return found


def add_written(digests: dict[str, str]) -> None:
    """Count the files a worker wrote (``digests``: its :func:`written`) as this
    process's."""
    _written.update(digests)


def _make_folder(staging: Path, folder: Path) -> None:
    """Make ``folder`` inside ``staging``, which must still be there."""
    if not staging.is_dir():  # removed by a later build: this one was abandoned
        raise BuildError("the staging folder has vanished", str(staging))
    folder.mkdir(parents=True, exist_ok=True)


def link(old: Path | str, target: Path | str) -> None:
    """Hard-link ``old`` as ``target`` (a copy keeping the mtime where links fail)."""
    try:
        os.link(old, target)
    except OSError:  # no hard links on this file system: copy, keeping the mtime
        shutil.copy2(old, target)


def check_output(root: Path, output: Path) -> None:
    """Refuse an output folder the swap could destroy: the project, or foreign files."""
    protected = [root / "source", root / "locales", root / "pipeline", root / editions.EDITIONS_DIR]
    if (
        output == root
        or output in root.parents
        or any(p == output or output in p.parents or p in output.parents for p in protected)
    ):
        raise BuildError(
            "the output folder must not contain or be inside the project's sources",
            shown(output, root),
        )
    if output.exists() and not output.is_dir():
        raise BuildError("the output path exists and is not a folder", shown(output, root))
    if output.is_dir() and not (output / MANIFEST).is_file() and any(output.iterdir()):
        raise BuildError(
            f"the output folder has files not made by `handouts build` (no "
            f"{MANIFEST}); empty it or choose another --output",
            shown(output, root),
        )


def output_folder(root: Path, output: Path) -> Path:
    """The real output folder: one inside the project (as written) must stay inside it
    through any symbolic link; one outside was chosen by the user. A mount point is
    refused (the swap renames the folder)."""
    absolute = Path(os.path.abspath(output if output.is_absolute() else root / output))
    if absolute == root or absolute.is_relative_to(root):
        try:
            real = inside_project(root, absolute, "the output folder")
        except HandoutError as error:
            raise BuildError(error.message, error.path) from None
    else:
        real = absolute.resolve()
    if real.is_dir() and os.path.ismount(real):
        raise BuildError(MOUNT_POINT, shown(real, root))
    return real


def file_error(error: OSError, root: Path, output: Path) -> BuildError:
    """A file-system failure as the user sees it: the file named as in ``output``."""
    name = str(error.filename or "")
    named = as_output(name, root, output) if name else shown(output, root)
    return BuildError(
        f"cannot write: {error.strerror or error}; the previous output is unchanged", named
    )


@contextmanager
def named_as_output(root: Path, output: Path) -> Iterator[None]:
    """Errors of the work inside named as the user knows the files: a file-system
    failure as :func:`file_error`, a staging file's BuildError as its file of ``output``."""
    try:
        yield
    except OSError as error:
        raise file_error(error, root, output) from None
    except BuildError as error:
        if error.path is None or PREFIX not in error.path:
            raise
        raise BuildError(error.message, as_output(error.path, root, output), error.line) from None


def as_output(name: str, root: Path, output: Path) -> str:
    """A path in a staging folder, named as the file of ``output`` it becomes."""
    name = re.sub(re.escape(f"{PREFIX}{output.name}.") + r"(?:new|old)-\d+", output.name, name)
    return shown(Path(name), root)


def same(path: Path, data: bytes) -> bool:
    """Whether the file ``path`` holds ``data``."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except FileNotFoundError:
        return False
