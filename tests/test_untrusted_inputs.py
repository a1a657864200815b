"""Issue 24, classes 4, 7, 8, 9: a fact is validated alike on write and on read (one that
fails is never printed: a dash and a finding); only regular files are read (a FIFO is
refused at once, never waited on); untrusted text is escaped for the terminal and for
Markdown; SOURCE_DATE_EPOCH, the locale list and ``-C`` are validated before anything is
locked or written."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from pipeline import clock
from pipeline.catalogs.locales import catalog_path
from pipeline.catalogs.pofile import load_catalog
from pipeline.cli import main
from pipeline.errors import HandoutError
from pipeline.escaping import markdown, terminal
from pipeline.factcheck import (
    FLOOR,
    date_problem,
    parse_date,
    parse_timestamp,
    reviewer_problem,
    revision_date_problem,
    revision_problem,
)
from pipeline.files import CATALOGS_LOCK, read_regular_file, require_regular_file
from pipeline.publish.build import MANIFEST
from pipeline.publish.editions import read_edition, record_path
from tests.conftest import set_entry
from tests.projects import copy_project, snapshot

MONOGRAPH = "source/monographs/blinatumomab.yaml"
PAIN = "can recommend medications"  # a paragraph that is not safety-critical
DAY = "2026-12-01"
SHIPPED_DATE = "PO-Revision-Date: 2026-12-01 22:11+0000"


def cli(root: Path, *args: str) -> int:
    return main(["-C", str(root), *args])


def run(
    root: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it; a timeout fails the test instead of hanging it."""
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "-C", str(root), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


# --- class 9: SOURCE_DATE_EPOCH, parsed in one place ---------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "abc",
        "1.5e9",
        "-1",
        "1e3",
        "0x10",
        "12 34",
        "99999999999999999999",
        str(2**32),
        "\uff11\uff12",
    ],
)
def test_a_malformed_source_date_epoch_is_refused_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(HandoutError, match="SOURCE_DATE_EPOCH"):
        clock.source_date_epoch()


@pytest.mark.parametrize(
    ("value", "expected"),
    [("", None), ("  ", None), ("0", 0), ("1735689600", 1735689600), (" 1700000000\n", 1700000000)],
)
def test_a_well_formed_source_date_epoch_is_read(monkeypatch, value, expected):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    assert clock.source_date_epoch() == expected
    if expected is not None:
        assert clock.now() == dt.datetime.fromtimestamp(expected, dt.UTC)


def test_every_command_refuses_a_bad_epoch_before_anything_is_written(tmp_path):
    project = copy_project(tmp_path / "p")
    before = snapshot(project)
    for args in (
        ["status"],
        ["check"],
        ["build", "--no-pdf"],
        ["publish"],
        ["bundle"],
        ["extract"],
        ["update"],
    ):
        result = run(project, *args, env={"SOURCE_DATE_EPOCH": "1.5e9"})
        assert result.returncode == 2, (args, result.stderr)
        assert "SOURCE_DATE_EPOCH must be a whole number of seconds" in result.stderr
        assert "Traceback" not in result.stderr
    assert snapshot(project) == before and not (project / CATALOGS_LOCK).exists()
    assert not (project / "output").exists()


# --- class 4: one validation per fact, on write and on read ---------------------------------


def test_dates_are_real_not_in_the_future_and_not_before_the_floor(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")  # 2025-01-01: "today"
    assert date_problem(dt.date(2025, 1, 1)) is None
    assert "future" in date_problem(dt.date(2025, 1, 2))
    assert "before" in date_problem(FLOOR - dt.timedelta(days=1))
    for text in ("2024-02-30", "2024-2-3", "20240203", 20240203, None, "2099-01-01"):
        value, problem = parse_date(text)
        assert value is None and problem, text
    assert parse_date("2024-02-29") == (dt.date(2024, 2, 29), None)


def test_a_revision_date_is_a_real_moment_not_in_the_future(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")  # 2025-01-01 00:00 UTC
    assert parse_timestamp("2024-12-31 23:59+0000")[0] is not None
    assert parse_timestamp("2025-01-01 09:00+1000")[0] is not None  # 2024-12-31 23:00 UTC
    for text in (
        "2025-01-01 00:01+0000",
        "2099-01-01 00:00+0000",
        "2024-13-01 10:00+0000",
        "2024-02-30 10:00+0000",
        "2024-01-01 25:00+0000",
        "yesterday",
        "2024-01-01 10:00+2400",
    ):
        assert parse_timestamp(text)[1], text
    assert revision_date_problem("YEAR-MO-DA HO:MI+ZONE") is None  # a template: no date
    assert revision_date_problem("") is None


def test_a_revision_is_a_plausible_hash_not_zeros():
    assert revision_problem("3f9a1c0b77de") is None
    for text in (
        "000000000000",
        "0" * 40,
        "xyz",
        "3F9A1C0B77DE",
        "abc",
        "a" * 65,
        12,
        None,
        "3f9a1c0b77de\n",
    ):
        assert revision_problem(text), text


def test_no_invisible_control_or_bidi_character_can_name_a_reviewer():
    assert reviewer_problem("Marie Dupont, CT") is None
    assert reviewer_problem("Nguyễn Thị Hoa, RN") is None and reviewer_problem("د. سارا") is None
    hostile = [
        chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) in ("Cc", "Cf", "Zl", "Zp")
    ]
    assert "\u202e" in hostile and "\x1b" in hostile
    for char in hostile:
        assert reviewer_problem(f"Dr. A{char}B, MD"), f"U+{ord(char):04X}"
    assert reviewer_problem("x" * 201) and reviewer_problem("   ") and reviewer_problem(None)


def test_publish_refuses_a_date_in_the_future_and_writes_nothing(project, capsys):
    before = snapshot(project)
    assert cli(project, "publish", "--date", "2099-01-01") == 2
    err = capsys.readouterr().err
    assert "--date: not a publication date: 2099-01-01 is in the future" in err
    assert cli(project, "publish", "--date", "1970-01-01") == 2
    assert snapshot(project) == before  # editions/ untouched
    assert not (project / CATALOGS_LOCK).exists()  # refused before the lock


def test_a_revision_date_in_the_future_is_not_printed_and_is_a_finding(project, capsys):
    path = catalog_path(project, "es")
    text = path.read_text(encoding="utf-8")
    assert SHIPPED_DATE in text
    path.write_text(
        text.replace(SHIPPED_DATE, "PO-Revision-Date: 2099-06-01 10:00+0000"), encoding="utf-8"
    )
    cli(project, "check", "--format", "json")
    report = json.loads(capsys.readouterr().out)
    es = next(r for r in report["locales"] if r["locale"] == "es")
    found = [f for f in es["findings"] if f["check"] == "revision-date"]
    assert found and "2099-06-01 10:00+0000 is in the future" in found[0]["message"]
    assert found[0]["severity"] == "warning" and found[0]["line"] == 1
    assert cli(project, "build", "--quiet", "--no-pdf") == 0
    pages = [
        p
        for p in (project / "output").rglob("*")
        if p.suffix in (".html", ".txt") and "/es/" in p.as_posix()
    ]
    assert pages
    for page in pages:
        assert "2099" not in page.read_text(encoding="utf-8"), page


@pytest.fixture
def kept(project: Path) -> Path:
    """An edition recorded, then the English edited (not a safety text): kept."""
    assert cli(project, "publish", "--date", DAY) == 0
    source = project / MONOGRAPH
    source.write_text(
        source.read_text("utf-8").replace(PAIN, "may recommend medications"), encoding="utf-8"
    )
    assert cli(project, "extract") == 0 and cli(project, "update") == 0
    return project


def _tamper(root: Path, **facts: object) -> None:
    path = record_path(root, "es", "blinatumomab")
    record = json.loads(path.read_text("utf-8"))
    for key, value in facts.items():
        if key == "published":
            record["published"] = value
        else:
            record["facts"][key] = value
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")


def test_an_editions_record_with_failing_facts_prints_a_dash_and_a_finding(kept):
    evil = "Dr. \u202eDM ,trebor\u202c"
    _tamper(
        kept,
        revision="000000000000",
        reviewers=[evil, "Marie Dupont, CT"],
        reviewed="2099-01-01",
        english_reviewed="2024-02-30",
        fully_reviewed=True,
    )
    edition = read_edition(kept, "es", "blinatumomab")
    assert edition.facts.revision == "" and edition.facts.reviewers == ("Marie Dupont, CT",)
    assert edition.facts.reviewed is None and edition.facts.english_reviewed is None
    assert not edition.facts.fully_reviewed  # a claim resting on a refused fact
    assert len(edition.facts.problems) == 4
    result = run(kept, "build", "--quiet", "--no-pdf")
    assert result.returncode == 0, result.stderr
    assert "editions/es/blinatumomab.json: not printed (a dash): revision:" in result.stderr
    assert "\u202e" not in result.stderr and "U+202E (RIGHT-TO-LEFT OVERRIDE)" in result.stderr
    page = (kept / "output" / "es" / "blinatumomab.html").read_text("utf-8")
    assert 'class="edition-notice"' in page  # the kept edition
    assert "000000000000" not in page and "\u202e" not in page and "2099" not in page
    manifest = json.loads((kept / "output" / MANIFEST).read_text("utf-8"))
    entry = next(
        e
        for e in manifest["entries"].values()
        if e["locale"] == "es" and e["drug"] == "blinatumomab"
    )
    assert entry["edition"]["status"] == "kept" and len(entry["edition"]["facts_not_shown"]) == 4


def test_an_edition_dated_in_the_future_is_withdrawn(kept):
    _tamper(kept, published="2099-01-01")  # it would outlive any clinical change
    assert cli(kept, "build", "--quiet", "--no-pdf") == 0
    assert not (kept / "output" / "es" / "blinatumomab.html").exists()
    manifest = json.loads((kept / "output" / MANIFEST).read_text("utf-8"))
    entry = next(
        e
        for e in manifest["entries"].values()
        if e["locale"] == "es" and e["drug"] == "blinatumomab"
    )
    assert entry["edition"]["status"] == "withdrawn"
    assert "2099-01-01 is in the future" in entry["edition"]["reason"]


# --- class 7: only regular files are read ---------------------------------------------------


def test_a_fifo_or_a_folder_is_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="FIFO"):
        read_regular_file(fifo)  # never blocks: opened without waiting for a writer
    with pytest.raises(HandoutError, match="is a folder, not a regular file"):
        require_regular_file(tmp_path, "the compendium")
    with pytest.raises(HandoutError, match="a character device"):
        require_regular_file(Path("/dev/null"), "the XLIFF file")
    plain = tmp_path / "plain.po"
    plain.write_bytes(b"x")
    assert read_regular_file(plain) == b"x" and require_regular_file(plain) == plain


@pytest.mark.parametrize(
    "args",
    [
        ("update", "--compendium", "{fifo}"),
        ("import-xliff", "{fifo}", "--locale", "es"),
        ("update", "--compendium", "/dev/zero"),
    ],
)
def test_a_fifo_given_as_an_input_is_refused_before_any_lock(tmp_path, args):
    project = copy_project(tmp_path / "p")
    fifo = project / "pipe.po"
    os.mkfifo(fifo)
    before = snapshot(project / "locales")
    result = run(project, *(a.format(fifo=fifo) for a in args), timeout=60)
    assert result.returncode == 2, result.stderr
    assert "not a regular file: refusing to read it" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / CATALOGS_LOCK).exists()
    assert snapshot(project / "locales") == before


def test_a_fifo_in_place_of_a_source_file_or_catalog_never_blocks(tmp_path):
    project = copy_project(tmp_path / "p")
    glossary = project / "source" / "glossary.yaml"
    glossary.unlink()
    os.mkfifo(glossary)
    result = run(project, "check", timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert (
        "source/glossary.yaml: cannot read file: a FIFO (named pipe), not a regular file"
        in result.stderr
    )
    glossary.unlink()
    policy = project / "handouts.yaml"
    policy.unlink()
    policy.mkdir()  # a folder is not "no policy" (every locale optional: the gate open)
    result = run(project, "check", timeout=60)
    assert result.returncode == 2 and "handouts.yaml: cannot read file: a folder" in result.stderr
    policy.rmdir()
    os.mkfifo(policy)
    result = run(project, "check", timeout=60)
    assert result.returncode == 2 and "handouts.yaml: cannot read file: a FIFO" in result.stderr
    policy.unlink()
    catalog = catalog_path(project, "es")
    catalog.unlink()
    os.mkfifo(catalog)
    result = run(project, "status", timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "locales/es/" in result.stderr


# --- class 8: untrusted text escaped for the medium ------------------------------------------


def test_terminal_escaping_shows_every_control_and_keeps_every_script():
    assert terminal("\x1b[2J\x9b31m\u202eabc\u2066\x07") == "\\x1b[2J\\x9b31m\\u202eabc\\u2066\\x07"
    assert terminal("a\nb") == "a\\nb" and terminal("a\nb", newlines=True) == "a\nb"
    for text in ("Fiebre de 38 °C", "发烧", "سوف", "नमस्ते", "می\u200cخواهم", "Sốt"):
        assert terminal(text) == text  # ZWNJ shapes Persian: kept


def test_markdown_escaping_leaves_no_link_image_html_or_cell():
    hostile = (
        "[x](https://evil.example) ![i](https://t.example/p.png) <img src=x> **b** | `c` "
        "www.evil.example mail@evil.example &lt; $x$ ~~s~~ _e_"
    )
    shown = markdown(hostile)
    unescaped = re.sub(r"\\.", "", shown)  # what is left once every escaped pair is gone
    assert not set(unescaped) & set("[]()!<>*|`:@&$~_\\"), shown
    assert "www." not in shown.lower()
    assert markdown("100.0% 56/56 es") == "100.0% 56/56 es"
    assert markdown("# x").startswith("\\#") and markdown("1. x") == "1\\. x"
    assert markdown("a\nb\x1b") == "a b\\\\x1b"  # one line; ESC shown, its backslash escaped


def _first_translated(root: Path, locale: str) -> str:
    return next(
        m.msgid
        for m in load_catalog(root, locale).active()
        if m.translated and m.msgid_plural is None and m.msgctxt is None
    )


def test_status_shows_escape_sequences_of_a_comment_visibly(project, capsys):
    msgid = _first_translated(project, "es")
    hostile = (
        "handouts-reviewed 2025-01-01 by Evil\x1b[2J\x1b]0;pwned\x07 [sha256:" + "0" * 64 + "]"
    )
    set_entry(project, "es", msgid, comments=(hostile,))
    assert cli(project, "status", "es") == 0
    out = capsys.readouterr().out
    assert "review void" in out and ("\\x1b[2J" in out or "\\u001b[2J" in out)
    assert "\x1b" not in out and "\x07" not in out


def test_check_markdown_turns_no_flag_into_a_link_or_image(project, capsys):
    msgid = _first_translated(project, "es")
    set_entry(
        project,
        "es",
        msgid,
        flags=(
            "handouts-allow-[x](https://evil.example)",
            "handouts-allow-![i](https://t.example/p.png)",
        ),
    )
    cli(project, "check", "--format", "markdown", "--locale", "es")
    out = capsys.readouterr().out
    assert "allow-flag" in out and "evil" in out
    assert "](" not in out and "![" not in out and "https://" not in out
    cli(project, "check", "--locale", "es")
    assert "[x](https://evil.example)" in capsys.readouterr().out  # the terminal: as written


# --- class 9: one locale list; -C validated before any lock -------------------------------------


def test_a_folder_that_is_not_a_project_gets_no_lock_file(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    for args in (
        ["update"],
        ["build"],
        ["check"],
        ["status"],
        ["publish"],
        ["init", "es"],
        ["export-glossary"],
        ["bundle"],
        ["extract"],
    ):
        assert main(["-C", str(empty), *args]) == 2, args
    assert list(empty.iterdir()) == []


def test_serve_refuses_an_english_catalog_folder_like_every_command(tmp_path):
    project = copy_project(tmp_path / "p")
    english = catalog_path(project, "en")
    english.parent.mkdir(parents=True)
    english.write_bytes(catalog_path(project, "es").read_bytes())
    result = run(project, "serve", "--port", "0", timeout=120)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "locales/en/: English is the source language" in result.stderr
