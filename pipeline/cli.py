"""The ``handouts`` command line: the program's parser, assembled from the commands
(:mod:`pipeline.commands`), and what every command's end maps to an exit code.

Exit codes: 0 ok, 1 a check failed, 2 bad input or usage. User errors print
``path:line: message`` on stderr, never a traceback; Ctrl-C exits 130.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Sequence
from typing import NoReturn

from . import __version__
from .commands import (
    build,
    bundle,
    catalogs,
    exchange,
    gate,
    lint,
    publish,
    review_sheet,
    serve,
    update,
)
from .commands.shared import (
    EXIT_CHECK_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
)
from .errors import HandoutError
from .escaping import terminal

__all__ = ["EXIT_CHECK_FAILED", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "main", "parser"]


# --- the program ---------------------------------------------------------------------------

# in the order `handouts --help` lists them
REGISTER = (
    catalogs.register,  # extract, init, migrate-plurals
    update.register,
    lint.register,
    gate.register,  # status, check, review, confirm, lexicon
    review_sheet.register,
    publish.register,
    build.register,  # build, assemble
    serve.register,
    exchange.register,  # export-xliff, import-xliff, export-glossary
    bundle.register,
)


def parser() -> argparse.ArgumentParser:
    """The program's parser: its options, and every command's subparser."""
    main = argparse.ArgumentParser(
        prog="handouts",
        description="Multilingual patient handouts: monographs -> gettext catalogs -> "
        "checked HTML and plain-text handouts.",
    )
    main.add_argument("--version", action="version", version=f"handouts {__version__}")
    main.add_argument(
        "-C",
        "--root",
        default=".",
        metavar="DIR",
        help="project folder (default: the current folder)",
    )
    commands = main.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for register in REGISTER:
        register(commands)
    return main


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exit_:  # argparse: --help (0) or a usage error (2)
        return int(exit_.code or 0)
    except KeyboardInterrupt:
        print("handouts: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    try:
        from .clock import source_date_epoch

        source_date_epoch()  # a malformed SOURCE_DATE_EPOCH stops every command first
        return args.function(args)
    except HandoutError as error:
        print(f"handouts {args.command}: error: {terminal(str(error))}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return _interrupted(args)
    except BrokenPipeError:
        return EXIT_OK
    except OSError as error:  # a file-system failure the library did not name itself
        place = f"{error.filename}: " if error.filename else ""
        print(f"handouts {args.command}: error: {place}{error.strerror or error}", file=sys.stderr)
        return EXIT_USAGE
    except RuntimeError as error:  # Ctrl-C while a module loads may come wrapped in one
        if isinstance(error.__cause__ or error.__context__, KeyboardInterrupt):
            return _interrupted(args)
        raise


def _interrupted(args: argparse.Namespace) -> int:
    print(f"handouts {args.command}: interrupted", file=sys.stderr)
    return EXIT_INTERRUPTED


def entry_point() -> None:
    try:
        code = main()
    except KeyboardInterrupt:
        print("handouts: interrupted", file=sys.stderr)
        code = EXIT_INTERRUPTED
    if code == EXIT_INTERRUPTED:  # exit now: a Ctrl-C still pending would raise again
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _flush()
        os._exit(code)
    _exit_without_teardown(code)


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()


def _exit_without_teardown(code: int) -> NoReturn:
    """Exit as Python would, less its teardown, which frees every object one by one:
    after a check or a build of a large project (millions of cached readings) that takes
    long (figures: docs/speed.md), for memory the system takes back at once (mypy's
    ``hard_exit`` does the same). The command has closed its files; exit handlers still
    run and the output is flushed. While another thread runs, Python exits as usual and
    waits for it."""
    if threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()
    _flush()
    os._exit(code)


if __name__ == "__main__":
    entry_point()
