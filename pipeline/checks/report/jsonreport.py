"""The report as JSON (``--format json``): the same numbers as the table, every blocking
entry and finding; its schema is ``docs/check-report.schema.json``."""

from __future__ import annotations

import json

from ...model import Finding
from ..rules import REGISTRY
from .results import Blocker, CheckReport
from .rows import shown_result

SCHEMA_VERSION = 1  # of the JSON report: docs/check-report.schema.json


def blocker_dict(blocker: Blocker) -> dict[str, object]:
    return {
        "path": blocker.path,
        "line": blocker.line or None,
        "state": blocker.state,
        "check": blocker.check,
        "safety": blocker.safety,
        "message": blocker.message,
        "source": blocker.source or None,
    }


def _finding_dict(finding: Finding) -> dict[str, object]:
    return {
        "check": finding.check,
        "severity": finding.severity,
        "message": finding.message,
        "path": finding.where.path if finding.where else None,
        "line": finding.where.line if finding.where else None,
        "confirmed": None
        if finding.confirmed is None
        else {
            "reviewer": finding.confirmed.reviewer,
            "date": finding.confirmed.date.isoformat(),
            "reason": finding.confirmed.reason,
        },
    }


def report_dict(report: CheckReport) -> dict[str, object]:
    """The report as JSON-ready data (same numbers as the table)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "passed": report.passed,
        "exit_code": report.exit_code,
        "template": {"path": report.template, "up_to_date": not report.template_stale},
        "checks": {c.id: {"severity": c.severity, "title": c.title} for c in REGISTRY.values()},
        "locales": [
            {
                "locale": r.locale,
                "required": r.policy.required,
                "min_coverage": r.policy.min_coverage,
                "publish": r.policy.publish,
                "catalog": r.path,
                "result": shown_result(report, r),
                "passed": r.passed and not report.template_stale,
                "coverage": r.coverage.as_dict(),
                "errors": r.errors,
                "warnings": r.warnings,
                "problems": list(r.problems),
                "confirmed": len(r.confirmed),
                "drugs": {
                    d.drug: {
                        **d.coverage.as_dict(),
                        "blocked": d.blocked,
                        "ready": d.ready(r.policy.needs_review),
                        "publishable": d.publishable,
                    }
                    for d in r.drugs
                },
                "findings": [_finding_dict(f) for f in r.findings],
                "readability": None if r.readability is None else r.readability.as_dict(),
                "blockers": [blocker_dict(b) for b in r.blockers],
                "broken": None
                if r.broken is None
                else {"message": r.broken.message, "path": r.broken.path, "line": r.broken.line},
            }
            for r in report.locales
        ],
    }


def render_json(report: CheckReport) -> str:
    return json.dumps(report_dict(report), ensure_ascii=False, indent=2) + "\n"
