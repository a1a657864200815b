"""One error base class for every mistake a user can fix.

Every user error names the file and, where known, the 1-based line, so the CLI
can print ``path:line: message`` and exit 2 without a traceback.
"""

from __future__ import annotations

from pathlib import Path


class HandoutError(Exception):
    """A problem in the user's input (source, catalog, config, arguments)."""

    exit_code = 2

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __reduce__(self) -> tuple:
        """Keep path and line when the error crosses a process boundary."""
        return (self.__class__, (self.message, self.path, self.line))

    def __str__(self) -> str:
        if self.path and self.line:
            return f"{self.path}:{self.line}: {self.message}"
        if self.path:
            return f"{self.path}: {self.message}"
        return self.message


class SourceError(HandoutError):
    """A monograph, glossary or config file is malformed."""


class CatalogError(HandoutError):
    """A PO/POT file cannot be read or written."""


class LocaleError(HandoutError):
    """A locale code is not valid."""


class BuildError(HandoutError):
    """The build cannot proceed (locked, unwritable output, ...)."""


def fail(
    message: str,
    path: str | Path | None = None,
    line: int | None = None,
    kind: type[HandoutError] = SourceError,
) -> HandoutError:
    """Return an error of ``kind`` naming ``path:line``; use as ``raise fail(...)``."""
    return kind(message, path, line)
