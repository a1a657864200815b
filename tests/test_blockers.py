"""`handouts check` says what blocks a failing locale: file:line, state or finding,
most important first, capped in the table and Markdown, all of them in JSON; JUnit
failures carry file and line; the JSON report follows docs/check-report.schema.json;
a stale template shows every locale as stale."""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree as ET

import jsonschema
import pytest

from pipeline.catalogs.locales import catalog_path
from pipeline.catalogs.pofile import load_catalog
from pipeline.checks.report.jsonreport import SCHEMA_VERSION
from pipeline.checks.report.rows import MAX_BLOCKERS
from tests.projects import REPO
from tests.test_report import check, edit, mark_fuzzy, where

SCHEMA = json.loads((REPO / "docs" / "check-report.schema.json").read_text(encoding="utf-8"))
PO = "locales/es/LC_MESSAGES/handouts.po"


def validate(text: str) -> dict:
    data = json.loads(text)
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    return data


def empty_entries(project, locale: str, count: int) -> list[int]:
    """Empty the msgstr of the first ``count`` singular translated entries; their lines."""
    path = catalog_path(project, locale)
    lines = path.read_text(encoding="utf-8").split("\n")
    emptied = []
    for message in load_catalog(project, locale).active():
        if len(emptied) == count:
            break
        if message.msgid_plural is None and message.msgstr and message.msgid:
            index = message.msgstr_line - 1
            end = index + 1
            while end < len(lines) and lines[end].startswith('"'):
                end += 1
            lines[index:end] = ['msgstr ""'] + [""] * (end - index - 1)  # keep the lines
            emptied.append(message.msgstr_line)
    path.write_text("\n".join(lines), encoding="utf-8")
    return emptied


def test_the_schema_is_valid_and_the_shipped_report_follows_it(project, capsys):
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    code, out, _ = check(project, capsys, "--format", "json")
    data = validate(out)
    assert (
        code == 0
        and data["schema_version"]
        == SCHEMA_VERSION
        == SCHEMA["properties"]["schema_version"]["const"]
    )
    assert all(item["blockers"] == [] for item in data["locales"] if item["passed"])


def test_a_blocking_fuzzy_safety_entry_is_named_by_line_first(project, capsys):
    mark_fuzzy(project, "es", "WBC")
    empty_entries(project, "es", 1)
    code, out, _ = check(project, capsys)
    assert code == 1
    fuzzy = where(project, "es", "WBC")
    section = out[out.index("es (required): FAIL") :]
    listed = [line.strip() for line in section.splitlines() if line.startswith("    ")]
    assert listed[0].startswith(f"{fuzzy}: fuzzy (safety-critical): ")
    assert listed[1].startswith(f"{PO}:") and ": untranslated" in listed[1]
    assert "blocked by 2 entr(y/ies)" in section


def test_errors_come_before_states_and_safety_first(project, capsys):
    mark_fuzzy(project, "es", "life-threatening infections")  # safety-critical texts
    edit(project, "es", "100,4 °F", "101,4 °F")
    edit(project, "es", 'msgstr "Dolor"', 'msgstr "<b>Dolor</b>"')  # not safety-critical
    code, out, _ = check(project, capsys, "--format", "json", "--locale", "es")
    blockers = validate(out)["locales"][0]["blockers"]
    assert code == 1
    assert [(b["check"], b["state"], b["safety"]) for b in blockers] == [
        ("numbers-units", None, True),
        ("markup", None, False),
        (None, "fuzzy", True),
    ]
    assert "'<b>'" in blockers[1]["message"]
    assert blockers[0]["line"] == int(where(project, "es", "100.4°F").rsplit(":", 1)[1])
    assert "101,4 °F" in blockers[0]["message"]


def test_the_table_and_markdown_cap_the_list_and_json_has_every_blocker(project, capsys):
    lines = empty_entries(project, "es", MAX_BLOCKERS + 5)
    code, out, _ = check(project, capsys, "--locale", "es", "--format", "json")
    blockers = validate(out)["locales"][0]["blockers"]
    assert code == 1 and sorted(b["line"] for b in blockers) == sorted(lines)
    assert all(b["state"] == "untranslated" and b["path"] == PO and b["source"] for b in blockers)
    order = [(not b["safety"], b["line"]) for b in blockers]
    assert order == sorted(order) and order[0][0] is False  # safety-critical first
    _, table, _ = check(project, capsys, "--locale", "es")
    shown = re.findall(rf"{re.escape(PO)}:(\d+): untranslated", table)
    assert [int(n) for n in shown] == [b["line"] for b in blockers][:MAX_BLOCKERS]
    assert "... and 5 more (all of them: `handouts check --locale es --format json`)" in table
    _, markdown, _ = check(project, capsys, "--locale", "es", "--format", "markdown")
    assert len(re.findall(rf"`{re.escape(PO)}:\d+` untranslated", markdown)) == MAX_BLOCKERS
    assert "... and 5 more" in markdown


def test_blank_missing_and_unreviewed_entries_are_named(project, capsys):
    edit(project, "vi", 'msgstr "Tác dụng phụ"', 'msgstr " . "')
    path = catalog_path(project, "vi")
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    path.write_text("\n\n".join(b for b in blocks if 'msgid "Pain"' not in b), "utf-8")
    code, out, _ = check(project, capsys, "--format", "json", "--locale", "vi")
    blockers = validate(out)["locales"][0]["blockers"]
    assert code == 1
    assert {(b["state"], b["source"]) for b in blockers} == {
        ("blank", "Side effects"),
        ("missing", "Pain"),
    }
    missing = next(b for b in blockers if b["state"] == "missing")
    assert missing["line"] is None and "handouts update" in missing["message"]
    (project / "handouts.yaml").write_text(
        "locales:\n  es: {required: true, publish: reviewed, min_coverage: 100}\n"
    )
    code, out, _ = check(project, capsys, "--format", "json", "--locale", "es")
    es = validate(out)["locales"][0]
    assert code == 1 and len(es["blockers"]) == es["coverage"]["total"]
    assert {b["state"] for b in es["blockers"]} == {"unreviewed"}


def test_a_locale_above_its_minimum_is_blocked_only_by_its_errors(project, capsys):
    empty_entries(project, "es", 2)
    edit(project, "es", "100,4 °F", "101,4 °F")
    (project / "handouts.yaml").write_text(
        "locales:\n  es: {required: true, publish: translated, min_coverage: 90}\n"
    )
    code, out, _ = check(project, capsys, "--format", "json", "--locale", "es")
    blockers = validate(out)["locales"][0]["blockers"]
    assert code == 1 and [b["check"] for b in blockers] == ["numbers-units"]


def test_junit_failures_carry_file_and_line(project, capsys, tmp_path):
    mark_fuzzy(project, "es", "life-threatening infections")
    edit(project, "es", "100,4 °F", "101,4 °F")
    junit = tmp_path / "junit.xml"
    assert check(project, capsys, "--junit", str(junit))[0] == 1
    failing = [
        case
        for case in ET.parse(junit).getroot().iter("testcase")
        if case.find("failure") is not None
    ]
    located = {case.get("name"): (case.get("file"), case.get("line")) for case in failing}
    assert located == {
        "policy": (PO, where(project, "es", "life-threatening").rsplit(":", 1)[1]),
        "numbers-units": (PO, where(project, "es", "100.4°F").rsplit(":", 1)[1]),
    }
    policy = next(case for case in failing if case.get("name") == "policy")
    assert "fuzzy (safety-critical)" in policy.find("failure").text
    passing = [
        case for case in ET.parse(junit).getroot().iter("testcase") if case.find("failure") is None
    ]
    assert all(case.get("file") is None for case in passing)


def test_a_broken_catalog_report_follows_the_schema(project, capsys):
    path = catalog_path(project, "vi")
    path.write_text(
        path.read_text(encoding="utf-8") + '\nmsgid "Pain"\nmsgstr "Đau"\n', encoding="utf-8"
    )
    code, out, _ = check(project, capsys, "--format", "json")
    data = validate(out)
    assert code == 2 == data["exit_code"]
    vi = next(item for item in data["locales"] if item["locale"] == "vi")
    assert vi["result"] == "BROKEN" and vi["broken"]["line"] > 0


@pytest.mark.parametrize("form", ["table", "markdown", "json"])
def test_a_stale_template_turns_every_row_stale(project, capsys, form):
    source = project / "source" / "monographs" / "blinatumomab.yaml"
    source.write_text(
        source.read_text(encoding="utf-8").replace("heading: Pain\n", "heading: Pains\n")
    )
    code, out, _ = check(project, capsys, "--format", form)
    assert code == 1
    if form == "json":
        data = validate(out)
        assert data["template"]["up_to_date"] is False
        assert {(i["result"], i["passed"]) for i in data["locales"]} == {("stale", False)}
        return
    rows = [line for line in out.splitlines() if re.match(r"^\|? ?(es|vi|zh\\?_CN|ar) ", line)]
    assert len(rows) == 4
    for row in rows:
        cells = row.replace("|", " ").split()
        assert cells[-1] == "stale" and cells[8] == "stale", row
        assert "pass" not in cells and "100.0%" not in cells
