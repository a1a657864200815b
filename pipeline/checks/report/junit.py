"""The report as JUnit XML (``--junit FILE``): one test case per locale and check;
failures carry the findings and point CI at the file and line."""

from __future__ import annotations

from collections.abc import Iterable
from xml.etree import ElementTree as ET

from ..rules import REGISTRY
from .results import CheckReport, LocaleResult
from .rows import template_line


def _testcase(
    suite: ET.Element,
    classname: str,
    name: str,
    failures: Iterable[str],
    failing: bool,
    notes: Iterable[str] = (),
) -> ET.Element:
    case = ET.SubElement(suite, "testcase", classname=classname, name=name, time="0")
    failures = list(failures)
    if failures and failing:
        failure = ET.SubElement(case, "failure", message=failures[0], type=name)
        failure.text = "\n".join(failures)
    notes = list(notes) + ([] if failing else failures)
    if notes:
        ET.SubElement(case, "system-out").text = "\n".join(notes)
    return case


def _locate(case: ET.Element, path: str, line: int | None) -> None:
    """``file`` and ``line`` of a failing test case (as pytest writes them): where CI
    test reports (GitLab, GitHub reporters) point a reader and annotate."""
    if case.find("failure") is not None:
        case.set("file", path)
        if line:
            case.set("line", str(line))


def _coverage_note(item: LocaleResult) -> str:
    cov = item.coverage
    return (
        f"entries: {cov.untranslated} untranslated, {cov.fuzzy} fuzzy, {cov.translated} "
        f"translated, {cov.reviewed} reviewed of {cov.total}; ready to publish "
        f"(publish: {item.policy.publish}): {cov.ready(item.policy.needs_review):.1f}% "
        f"of the entries (minimum {item.policy.min_coverage:g}%); required: "
        f"{item.policy.required}"
    )


def render_junit(report: CheckReport) -> str:
    """JUnit XML: one test case per locale and check; failures carry the findings.
    Findings of optional locales and warnings are reported as output, not failures."""
    root = ET.Element("testsuites", name="handouts check")
    project = ET.SubElement(root, "testsuite", name="template")
    _testcase(
        project,
        "handouts.template",
        "up-to-date",
        [template_line(report)] if report.template_stale else [],
        True,
    )
    for item in report.locales:
        suite = ET.SubElement(root, "testsuite", name=item.locale)
        classname = f"handouts.{item.locale}"
        if item.broken is not None:  # nothing else can be said of this locale
            case = ET.SubElement(suite, "testcase", classname=classname, name="catalog", time="0")
            ET.SubElement(
                case, "error", message=str(item.broken), type="broken-catalog"
            ).text = str(item.broken)
            continue
        policy_problems = [p for p in item.problems if "error finding" not in p]
        states = [b for b in item.blockers if b.check is None]
        case = _testcase(
            suite,
            classname,
            "policy",
            policy_problems + [str(b) for b in states],
            item.policy.required,
            [_coverage_note(item)],
        )
        first = next((b for b in states if b.line), None)
        _locate(case, item.path, first.line if first else None)
        for check in REGISTRY.values():
            found = item.failures(check.id)
            failing = item.policy.required and check.severity == "error"
            case = _testcase(
                suite,
                classname,
                check.id,
                [str(f) for f in found if not f.confirmed],
                failing,
                [str(f) for f in found if f.confirmed],
            )
            where = next((f.where for f in found if f.where and not f.confirmed), None)
            _locate(case, where.path if where else item.path, where.line if where else None)
    for suite in root:
        cases = suite.findall("testcase")
        suite.set("tests", str(len(cases)))
        suite.set("failures", str(sum(c.find("failure") is not None for c in cases)))
        suite.set("errors", str(sum(c.find("error") is not None for c in cases)))
    root.set("tests", str(sum(int(s.get("tests", 0)) for s in root)))
    root.set("failures", str(sum(int(s.get("failures", 0)) for s in root)))
    root.set("errors", str(sum(int(s.get("errors", 0)) for s in root)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"
