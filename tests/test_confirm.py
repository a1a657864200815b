"""`handouts confirm`: a listed reviewer confirms an entry's quantity findings; they stop
blocking, stay visible everywhere, are voided by an edit, and survive the PO writers."""

from __future__ import annotations

import json

import pytest

from pipeline.catalogs.confirmations import format_confirmation
from pipeline.catalogs.locales import catalog_path
from pipeline.catalogs.pofile import load_catalog
from pipeline.cli import main
from tests.conftest import set_entry
from tests.test_review_writers import WRITERS

REVIEWER = "Ana García-López, CoreCHI"
REASON = "The clinic's own fever threshold of 101.4 °F, checked with Dr. Lee"


def policy(root, reviewers=(REVIEWER,)):
    listed = "".join(f"\n      - '{name}'" for name in reviewers)
    extra = f"\n    reviewers:{listed}" if reviewers else ""
    (root / "handouts.yaml").write_text(
        f"locales:\n  es:\n    required: true\n    publish: translated{extra}\n", encoding="utf-8"
    )


def fever(root):
    return next(m for m in load_catalog(root, "es").active() if "°F" in m.msgstr)


@pytest.fixture
def changed(project):
    """es with the fever threshold changed (a numbers-units error) and a reviewer list."""
    policy(project)
    message = fever(project)
    set_entry(project, "es", message.msgid, msgstr=message.msgstr.replace("100,4 °F", "101,4 °F"))
    return project, fever(project)


def run(root, *args):
    return main(["-C", str(root), *args])


def confirm(root, line, reviewer=REVIEWER, reason=REASON, *extra):
    return run(
        root,
        "confirm",
        "es",
        "--line",
        str(line),
        "--reviewer",
        reviewer,
        "--reason",
        reason,
        *extra,
    )


def check_json(root, capsys):
    capsys.readouterr()
    code = run(root, "check", "--format", "json", "--locale", "es")
    return code, json.loads(capsys.readouterr().out)["locales"][0]


def test_a_confirmation_lets_check_pass_and_stays_visible(changed, capsys, tmp_path):
    root, message = changed
    code, before = check_json(root, capsys)
    assert code == 1 and before["errors"] == 1 and before["confirmed"] == 0
    assert confirm(root, message.line) == 0
    out = capsys.readouterr().out
    assert f"confirmed 1 quantity finding(s) by {REVIEWER}" in out and "[numbers-units]" in out
    code, after = check_json(root, capsys)
    assert code == 0 and after["errors"] == 0 and after["confirmed"] == 1
    found = next(f for f in after["findings"] if f["check"] == "numbers-units")
    assert found["severity"] == "warning"
    assert found["confirmed"]["reviewer"] == REVIEWER and found["confirmed"]["reason"] == REASON
    # the table, Markdown, JUnit, status and the review sheet say who and why
    assert run(root, "check", "--locale", "es", "--junit", str(tmp_path / "j.xml")) == 0
    table = capsys.readouterr().out
    assert "1 quantity finding(s) confirmed by a listed reviewer" in table
    assert f"(confirmed by {REVIEWER} on " in table and REASON in table
    junit = (tmp_path / "j.xml").read_text(encoding="utf-8")
    case = junit[junit.index('name="numbers-units"') :]
    case = case[: case.index("</testcase>")]
    assert "<failure" not in case and "confirmed by" in case
    assert run(root, "check", "--format", "markdown", "--locale", "es") == 0
    assert "1 quantity finding(s) confirmed" in capsys.readouterr().out
    assert run(root, "status", "es") == 0
    status = capsys.readouterr().out
    assert ": confirmed: " in status and "1 confirmed quantity finding(s)" in status
    assert "confirmation void" not in status
    assert run(root, "review-sheet", "es", "--drug", "blinatumomab") == 0
    assert "quantity finding(s) confirmed by a listed reviewer" in capsys.readouterr().out
    # the handout publishes; report.json names the confirmation
    assert run(root, "build", "--quiet", "--no-pdf") == 0
    report = json.loads((root / "output" / "report.json").read_text(encoding="utf-8"))
    entry = report["locales"]["es"]["blinatumomab"]
    assert entry["status"] == "published" and entry["blocking_findings"] == 0
    assert [(c["reviewer"], c["reason"]) for c in entry["confirmed_findings"]] == [
        (REVIEWER, REASON)
    ]


def test_refusals_exit_1_and_write_nothing(changed, capsys):
    root, message = changed
    path = catalog_path(root, "es")
    before = path.read_bytes()
    other = next(m for m in load_catalog(root, "es").active() if m.msgid == "Pain")
    cases = [
        (confirm(root, 3), "no entry at this line"),
        (confirm(root, other.line), "no quantity finding"),
        (confirm(root, message.line, "Luis Pérez, CT"), "is not a reviewer of es"),
        (confirm(root, message.line, REVIEWER, "  "), "give the reason"),
    ]
    policy(root, ())
    cases.append((confirm(root, message.line), "lists no reviewers for es"))
    errors = capsys.readouterr().err
    for code, reason in cases:
        assert code == 1 and reason in errors
    assert "Traceback" not in errors and path.read_bytes() == before


def test_an_edit_voids_it_and_only_a_listed_reviewer_counts(changed, capsys):
    root, message = changed
    assert confirm(root, message.line) == 0
    assert check_json(root, capsys)[0] == 0
    # a translator's allow flag changes nothing; an edit of the translation voids it
    edited = fever(root)
    set_entry(
        root,
        "es",
        edited.msgid,
        msgstr=edited.msgstr.replace("38 °C", "38 ° C"),
        flags=("handouts-allow-numbers-units",),
    )
    code, result = check_json(root, capsys)
    assert code == 1 and result["confirmed"] == 0
    assert run(root, "status", "es") == 0
    assert "confirmation void" in capsys.readouterr().out
    # a confirmation by an unlisted name, or with no list at all, counts for nothing
    set_entry(root, "es", edited.msgid, msgstr=edited.msgstr, flags=())
    assert check_json(root, capsys)[0] == 0
    policy(root, ("Luis Pérez, CT",))
    assert check_json(root, capsys)[0] == 1
    policy(root, ())
    assert check_json(root, capsys)[0] == 1


def test_a_hand_written_confirmation_of_other_findings_or_a_future_day_does_not_count(
    changed, capsys, monkeypatch
):
    import datetime as dt

    root, message = changed
    texts = ["numbers-units: something else"]
    set_entry(
        root,
        "es",
        message.msgid,
        comments=(format_confirmation(message, texts, dt.date(2026, 12, 1), REVIEWER, REASON),),
    )
    assert check_json(root, capsys)[0] == 1
    assert confirm(root, message.line, REVIEWER, REASON, "--date", "2026-12-01") == 0
    assert "removed 1 void confirmation(s)" in capsys.readouterr().out
    assert check_json(root, capsys)[0] == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")  # 2025-11-24: the day is ahead
    assert check_json(root, capsys)[0] == 1


@pytest.mark.parametrize(
    "writer",
    ["polib-width-40", "babel-width-40", "msgcat", "msgmerge", "translate-toolkit", "poedit"],
)
def test_the_confirmation_survives_the_writer(changed, capsys, writer):
    root, message = changed
    assert confirm(root, message.line) == 0
    WRITERS[writer](catalog_path(root, "es"), root)
    code, result = check_json(root, capsys)
    assert code == 0 and result["confirmed"] == 1


def test_a_confirmation_with_a_refused_fact_is_reported(changed, capsys):
    import datetime as dt

    root, message = changed
    code, result = check_json(root, capsys)
    texts = [
        f"{f['check']}: {f['message']}" for f in result["findings"] if f["check"] == "numbers-units"
    ]
    reviewer = "Ana\u202e García-López, CoreCHI"
    set_entry(
        root,
        "es",
        message.msgid,
        comments=(format_confirmation(message, texts, dt.date(2026, 12, 1), reviewer, REASON),),
    )
    code, result = check_json(root, capsys)
    assert code == 1 and result["confirmed"] == 0
    found = [f["message"] for f in result["findings"] if f["check"] == "review-mark"]
    assert found and "\\u202e" in found[0] and "\u202e" not in found[0]


def test_a_confirmed_entry_can_be_marked_reviewed(changed, capsys):
    """A quantity finding a listed reviewer confirmed no longer blocks: `review` marks
    the entry as the gate would pass it (before the confirmation it refuses it)."""
    root, message = changed
    review = ["review", "es", "--reviewer", REVIEWER, "--line", str(message.line)]
    assert run(root, *review, "--dry-run") == 1
    assert "refused" in capsys.readouterr().out
    assert confirm(root, message.line) == 0
    capsys.readouterr()
    assert run(root, *review) == 0
    out = capsys.readouterr().out
    assert "marked 1 entry reviewed" in out, out


def test_a_build_that_checks_only_for_errors_sees_the_confirmation(changed):
    """The build's state (errors only) has the confirmed finding the full run has."""
    from pipeline.publish.plan import load_inputs
    from tests.test_checks import errors_only_and_the_full_runs

    root, message = changed
    assert confirm(root, message.line) == 0
    set_entry(root, "es", "Pain", msgstr="Dolor  dolor")  # and warnings
    loaded = load_inputs(root, ["es"], None)
    catalog = load_catalog(root, "es")
    found, wanted = errors_only_and_the_full_runs(
        "es", catalog, loaded.glossary, set(loaded.safety), (REVIEWER,)
    )
    assert found == wanted and any(f.confirmed is not None for f in found)
