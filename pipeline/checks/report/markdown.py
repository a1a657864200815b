"""The report as Markdown (``--format markdown``): a pull-request comment; every text
in it literal (:func:`~pipeline.escaping.markdown`)."""

from __future__ import annotations

from ...escaping import markdown
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


def _cell(text: str) -> str:
    """Any text in the Markdown report, table cell or not: literal (:func:`markdown`)."""
    return markdown(text)


def render_markdown(report: CheckReport) -> str:
    """A pull-request comment: verdict, summary table, problems and findings."""
    lines = [
        f"### Translation check: {'passed' if report.passed else 'FAILED'}",
        "",
        _cell(template_line(report)),
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in table_rows(report)]
    lines += ["", f"<sub>{LEGEND}</sub>"]
    drug_rows = handout_rows(report)
    if drug_rows:
        lines += [
            "",
            "| " + " | ".join(map(_cell, drug_rows[0])) + " |",
            "|" + "---|" * len(drug_rows[0]),
        ]
        lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in drug_rows[1:]]
    for item in report.locales:
        if not (item.problems or item.findings):
            continue
        lines += ["", f"#### {_cell(item.locale)}: {shown_result(report, item)}", ""]
        lines += [f"- {_cell(problem)}" for problem in item.problems]
        if item.confirmed:
            lines.append(
                f"- {len(item.confirmed)} quantity finding(s) confirmed by a listed "
                "reviewer (not blocking)"
            )
        lines += _markdown_blockers(item)
        lines += [
            f"- {_cell(str(f.where))} **{f.severity}** \\[{_cell(f.check)}\\] {_cell(f.message)}"
            for f in item.findings
            if not (item.blockers and f.severity == "error")
        ]
    lines += ["", _cell(verdict(report))]
    return "\n".join(lines) + "\n"


def _markdown_blockers(item: LocaleResult) -> list[str]:
    """The blocking entries as a list (capped, as in the table)."""
    if not item.blockers:
        return []
    lines = [f"- blocked by {len(item.blockers)} entr(y/ies), most important first:"]
    for blocker in item.blockers[:MAX_BLOCKERS]:
        critical = " **safety-critical**" if blocker.safety else ""
        if blocker.check:
            lines.append(
                f"  - `{blocker.where}` [{blocker.check}]{critical} {_cell(blocker.message)}"
            )
        else:
            lines.append(
                f"  - `{blocker.where}` {blocker.state}{critical}: {_cell(blocker.excerpt)}"
            )
    rest = len(item.blockers) - MAX_BLOCKERS
    if rest > 0:
        lines.append(
            f"  - ... and {rest} more (all of them: `handouts check --locale "
            f"{item.locale} --format json`)"
        )
    return lines
