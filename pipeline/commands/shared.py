"""What every command shares: exit codes, the project folder, the paths a user names,
and adding a subcommand to the program's parser."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path

from ..errors import HandoutError
from ..escaping import terminal

EXIT_OK, EXIT_CHECK_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
Command = Callable[[argparse.Namespace], int]


def add(
    commands: argparse._SubParsersAction, name: str, function: Command, help_text: str
) -> argparse.ArgumentParser:
    """A subcommand ``name`` that runs ``function``; its help is its description too."""
    sub: argparse.ArgumentParser = commands.add_parser(name, help=help_text, description=help_text)
    sub.set_defaults(function=function)
    return sub


def project_root(args: argparse.Namespace) -> Path:
    """The project folder of ``-C``: a folder with ``source/monographs/``."""
    root = Path(args.root).resolve()
    if not root.is_dir():
        raise HandoutError(f"project folder not found: {args.root}")
    if not (root / "source" / "monographs").is_dir():  # before any lock file is made
        raise HandoutError(
            "not a handouts project (it has no source/monographs/ folder)", args.root
        )
    return root


def inside(root: Path, name: str) -> Path:
    """A path the user gave: relative to the project; one inside the project stays inside
    it through any symbolic link (one outside was chosen by the user)."""
    from ..files import inside_project

    path = Path(name)
    path = path if path.is_absolute() else root / path
    if Path(os.path.abspath(path)).is_relative_to(root):
        return inside_project(root, Path(os.path.abspath(path)), name)
    return path


def input_file(root: Path, name: str, what: str) -> Path:
    """A file the user named as a command's input (inside the project as :func:`inside`
    says), refused at once unless it is a regular file (a FIFO would block, holding a
    lock): before any lock is taken."""
    from ..files import require_regular_file

    return require_regular_file(inside(root, name), what, name)


def output(root: Path, path: Path | str, option: str) -> Path:
    """An output option's path, refused (exit 2) when it names a project input."""
    from ..files import output_path

    return output_path(root, Path(path), option)


def warn_unread(args: argparse.Namespace) -> None:
    """Name the files of source/monographs that look like monographs but are not read."""
    from ..source.monographs import stray_files

    for finding in stray_files(project_root(args)):
        shown = terminal(f"{finding.where}: {finding.message}")
        print(f"handouts {args.command}: warning: {shown}", file=sys.stderr)


def date(text: str) -> dt.date:
    """A ``--date`` option: YYYY-MM-DD exactly."""
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date YYYY-MM-DD") from None


def short(text: str, width: int = 70) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def shown(path: Path) -> str:
    """``path`` as the user sees it: relative to the current folder."""
    return os.path.relpath(path, Path.cwd())
