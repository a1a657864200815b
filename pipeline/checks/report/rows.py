"""What the table and the Markdown report both show: the summary rows, the per-handout
rows, a locale's result as shown, the template line and the verdict."""

from __future__ import annotations

from .results import CheckReport, LocaleResult, ready_counts

MAX_BLOCKERS = 10  # blocking entries listed per locale in the table and in Markdown
COLUMNS = (
    "locale",
    "required",
    "publish",
    "untranslated",
    "fuzzy",
    "translated",
    "reviewed",
    "ready",
    "share",
    "words",
    "min",
    "errors",
    "warnings",
    "handouts",
    "result",
)
LEGEND = (
    "untranslated, fuzzy, translated, reviewed: catalog entries of the template in "
    "each state (an entry is a block or an interface text; translated excludes "
    "reviewed); ready: entries ready to publish (translated, or reviewed where the "
    "locale publishes reviewed translations only), of all entries; share: ready "
    "entries in percent; words: the English source words of the ready entries; min: "
    "the policy's minimum share; handouts: published of all (see the table of texts "
    "per handout)."
)


def table_rows(report: CheckReport) -> list[tuple[str, ...]]:
    """The summary table (shared by the terminal and Markdown renderings)."""
    rows = []
    for item in report.locales:
        if item.broken is not None:
            rows.append(
                (
                    item.locale,
                    "yes" if item.policy.required else "no",
                    *("-",) * (len(COLUMNS) - 3),
                    item.result,
                )
            )
            continue
        cov = item.coverage
        published = sum(d.publishable for d in item.drugs)
        entries, words_ready = ready_counts(cov, item.policy.needs_review)
        rows.append(
            (
                item.locale,
                "yes" if item.policy.required else "no",
                item.policy.publish,
                str(cov.untranslated),
                str(cov.fuzzy),
                str(cov.translated),
                str(cov.reviewed),
                f"{entries}/{cov.total}",
                "stale" if report.template_stale else f"{cov.ready(item.policy.needs_review):.1f}%",
                f"{words_ready}/{cov.total_words}",
                f"{item.policy.min_coverage:g}%",
                str(item.errors),
                str(item.warnings),
                f"{published}/{len(item.drugs)}",
                shown_result(report, item),
            )
        )
    return rows


def shown_result(report: CheckReport, item: LocaleResult) -> str:
    """A locale's result as the reports show it: "stale" while the template is out of
    date (its counts are against an old template: neither pass nor a share to trust)."""
    return "stale" if report.template_stale and item.broken is None else item.result


def verdict(report: CheckReport) -> str:
    if report.passed:
        return "check passed: every required locale meets its policy"
    failing = [r.locale for r in report.locales if r.fails_ci and r.broken is None]
    broken = [r.locale for r in report.broken]
    parts = (
        ([f"{report.template} is out of date"] if report.template_stale else [])
        + ([f"catalog(s) that cannot be read: {', '.join(broken)}"] if broken else [])
        + ([f"required locale(s) failing: {', '.join(failing)}"] if failing else [])
    )
    return "check FAILED: " + "; ".join(parts)


def template_line(report: CheckReport) -> str:
    if report.template_stale:
        return (
            f"{report.template}: out of date with source/ and the templates: "
            "run `handouts extract` and `handouts update`"
        )
    return f"{report.template}: up to date"


MAX_DRUG_ROWS = 20  # above this, per-handout coverage is in the JSON report only


def handout_rows(report: CheckReport) -> list[tuple[str, ...]]:
    """Per handout and locale: its texts ready to publish, of all its texts (as the
    drafts page counts them), and whether it is published."""
    readable = [r for r in report.locales if r.broken is None]
    drugs = [d.drug for d in readable[0].drugs] if readable else []
    if not drugs or len(drugs) > MAX_DRUG_ROWS:
        return []
    rows = [("handout (texts ready)", *(r.locale for r in report.locales))]
    for index, drug in enumerate(drugs):
        cells = []
        for item in report.locales:
            found = item.drugs[index] if index < len(item.drugs) else None
            if found is None:
                cells.append("-")
                continue
            ready = found.ready(item.policy.needs_review)
            cells.append(
                f"{ready}/{found.coverage.total} {'published' if found.publishable else 'draft'}"
            )
        rows.append((drug, *cells))
    return rows
