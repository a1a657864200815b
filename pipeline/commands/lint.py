"""``handouts lint``: the monographs validated, their recorded gaps and readability."""

from __future__ import annotations

import argparse

from ..escaping import terminal
from .shared import EXIT_CHECK_FAILED, EXIT_OK, add, project_root


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``lint``."""
    add(commands, "lint", run, "validate the monographs and report recorded gaps")


def run(args: argparse.Namespace) -> int:
    """Print every finding and grade; exit 1 on an error."""
    from ..source.designations import lint as designations
    from ..source.monographs import lint, load_monographs, stray_files
    from ..source.readability import grade_line

    monographs = load_monographs(project_root(args))
    findings = stray_files(project_root(args))
    findings += [
        finding for monograph in monographs for finding in lint(monograph) + designations(monograph)
    ]
    for finding in findings:
        print(terminal(str(finding)))
    for monograph in monographs:
        print(grade_line(monograph))
    errors = sum(f.severity == "error" for f in findings)
    print(f"{len(monographs)} monograph(s): {errors} error(s), {len(findings) - errors} warning(s)")
    return EXIT_CHECK_FAILED if errors else EXIT_OK
