"""The terminal report: summary table, per-handout table, readability, each failing
locale's problems, blocking entries and findings, the verdict."""

from __future__ import annotations

import textwrap

from ...escaping import terminal
from ..registry import ALLOW_FLAG
from .results import CheckReport, LocaleResult
from .rows import (
    COLUMNS,
    LEGEND,
    MAX_BLOCKERS,
    handout_rows,
    shown_result,
    table_rows,
    template_line,
    verdict,
)

MAX_LISTED = 10  # draft handouts named per locale in the table


def blocker_lines(item: LocaleResult, limit: int | None = MAX_BLOCKERS) -> list[str]:
    """The entries blocking a locale, most important first, ``limit`` of them, and a
    count of the rest."""
    if not item.blockers:
        return []
    listed = item.blockers if limit is None else item.blockers[:limit]
    lines = [
        f"blocked by {len(item.blockers)} entr(y/ies), most important first:",
        *(f"  {blocker}" for blocker in listed),
    ]
    if len(item.blockers) > len(listed):
        lines.append(
            f"  ... and {len(item.blockers) - len(listed)} more (all of them: "
            f"`handouts check --locale {item.locale} --format json`)"
        )
    return lines


def _grid(rows: list[tuple[str, ...]]) -> list[str]:
    """Rows as aligned columns: the first left-aligned, the others right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


def readability_lines(report: CheckReport) -> list[str]:
    """Each translation's readability beside its English's (advisory, never blocking)."""
    found = [f"  {r.locale}: {r.readability}" for r in report.locales if r.readability is not None]
    return (
        ["", "readability of the translated monograph texts (advisory, never blocking):", *found]
        if found
        else []
    )


def render_table(report: CheckReport) -> str:
    """The terminal report: summary table, problems, findings, verdict."""
    lines = [
        template_line(report),
        "",
        *_grid([COLUMNS, *table_rows(report)]),
        "",
        *textwrap.wrap(LEGEND, 100),
    ]
    drug_rows = handout_rows(report)
    if drug_rows:
        lines += ["", *_grid(drug_rows)]
    lines += readability_lines(report)
    for item in report.locales:
        if item.problems or item.findings:
            lines += [
                "",
                f"{item.locale} ({'required' if item.policy.required else 'optional'})"
                f": {shown_result(report, item)}",
            ]
            lines += [f"  {terminal(problem)}" for problem in item.problems]
            if item.confirmed:
                lines.append(
                    f"  {len(item.confirmed)} quantity finding(s) confirmed by a "
                    "listed reviewer (not blocking; who and why below)"
                )
            lines += [f"  {terminal(line)}" for line in blocker_lines(item)]
            lines += [
                f"  {terminal(str(finding))}"
                for finding in item.findings
                if not (item.blockers and finding.severity == "error")
            ]
            drafts = [d.drug for d in item.drugs if not d.publishable]
            if drafts:
                shown = ", ".join(drafts[:MAX_LISTED]) + (
                    ", ..." if len(drafts) > MAX_LISTED else ""
                )
                lines.append(f"  {len(drafts)} draft handout(s): {shown}")
    if any(item.warnings for item in report.locales):
        lines += [
            "",
            f"A translator may silence a warning on one entry with the flag "
            f"'#, {ALLOW_FLAG}<check>' (errors cannot be silenced).",
        ]
    lines += ["", verdict(report)]
    return "\n".join(lines) + "\n"
