"""Review marks in the catalog: `handouts review`, what keeps a mark, what voids it, and
what the policy makes of it (docs/review-marks.md)."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import unicodedata
from dataclasses import replace

import pytest

from pipeline.catalogs.locales import TEMPLATE_PATH, catalog_path
from pipeline.catalogs.marks import (
    MarkEdit,
    digest,
    format_mark,
    marks_of,
    parse_mark,
    write_marks,
)
from pipeline.catalogs.merge import update_catalogs
from pipeline.catalogs.pofile import load_catalog
from pipeline.checks.coverage import coverage, state
from pipeline.checks.policy import load_policy
from pipeline.checks.trust import Trust, trust_for
from pipeline.cli import main
from pipeline.errors import CatalogError
from pipeline.model import Message
from pipeline.source.interface import handout_keys
from pipeline.source.monographs import load_monographs
from tests.conftest import set_entry
from tests.projects import need_tool

REVIEWER = "Ana García, CoreCHI"
PAIN = (
    "Your healthcare provider can recommend medications and other strategies to help relieve pain."
)
DAY = dt.date(2026, 12, 1)


def reviewed_keys(root, locale="es"):
    catalog = load_catalog(root, locale)
    trust = trust_for(load_policy(root).get(locale))
    return {m.key for m in catalog.active() if state(m, trust) == "reviewed"}


def drug_keys(root):
    return set(handout_keys(load_monographs(root)[0]))


def run_review(root, *args: str) -> int:
    return main(
        ["-C", str(root), "review", "es", "--reviewer", REVIEWER, "--date", DAY.isoformat(), *args]
    )


# --- the format ----------------------------------------------------------------------


def _field(name: str, value: str) -> bytes:
    data = unicodedata.normalize("NFC", value).encode("utf-8")
    return f"{name} {len(data)}:".encode() + data + b"\n"


def test_the_digest_is_the_documented_canonical_form():
    """docs/review-marks.md, written out independently of the implementation."""
    message = Message(
        "%(num)d day",
        msgctxt="ctx",
        msgid_plural="%(num)d days",
        msgstr_plural=("%(num)d día", "%(num)d días"),
    )
    expected = hashlib.sha256(
        b"handouts-review/1\n"
        + _field("date", "2026-12-01")
        + _field("reviewer", REVIEWER)
        + _field("msgctxt", "ctx")
        + _field("msgid", "%(num)d day")
        + _field("msgid_plural", "%(num)d days")
        + _field("msgstr[0]", "%(num)d día")
        + _field("msgstr[1]", "%(num)d días")
    ).hexdigest()
    assert digest(message, DAY, REVIEWER) == expected
    singular = Message("Pain", "Dolor")
    assert (
        digest(singular, DAY, REVIEWER)
        == hashlib.sha256(
            b"handouts-review/1\n"
            + _field("date", "2026-12-01")
            + _field("reviewer", REVIEWER)
            + _field("msgid", "Pain")
            + _field("msgstr", "Dolor")
        ).hexdigest()
    )
    # no context and an empty one differ; NFD and NFC text are the same text
    assert digest(replace(singular, msgctxt=""), DAY, REVIEWER) != digest(singular, DAY, REVIEWER)
    nfd = replace(singular, msgstr=unicodedata.normalize("NFD", "Dolor café"))
    assert digest(nfd, DAY, REVIEWER) == digest(
        replace(singular, msgstr="Dolor café"), DAY, REVIEWER
    )


def test_a_mark_reads_back_and_names_date_reviewer_digest():
    message = Message("Pain", "Dolor")
    comment = format_mark(message, DAY, "  Ana   García,\tCoreCHI ")
    assert comment.startswith(f"handouts-reviewed 2026-12-01 by {REVIEWER} [sha256:")
    mark = parse_mark(comment)
    assert (mark.date, mark.reviewer) == (DAY, REVIEWER) and mark.covers(message)
    assert not mark.covers(replace(message, msgstr="Dolor."))
    assert not mark.covers(replace(message, msgid="Pains"))
    for broken in (
        "handouts-reviewed 2026-13-01 by A [sha256:" + "0" * 64 + "]",
        "handouts-reviewed 20261201 by A [sha256:" + "0" * 64 + "]",
        "handouts-reviewed 2026-12-01 by A [sha256:abc]",
        "handouts-reviewed 2026-12-01 A [sha256:" + "0" * 64 + "]",
    ):
        assert parse_mark(broken) is None
        assert marks_of(Message("x", "y", comments=(broken,))) == ([], [broken])


# --- handouts review -----------------------------------------------------------------


def test_review_marks_every_text_of_the_drug_and_changes_nothing_else(project, capsys):
    path = catalog_path(project, "es")
    before = path.read_text(encoding="utf-8").splitlines()
    assert run_review(project, "--drug", "blinatumomab") == 0
    out = capsys.readouterr().out
    keys = drug_keys(project)
    assert f"es: marked {len(keys)} entries reviewed by {REVIEWER} on 2026-12-01" in out
    assert reviewed_keys(project) == keys
    after = path.read_text(encoding="utf-8").splitlines()
    added = [line for line in after if line.startswith("# handouts-reviewed ")]
    assert len(added) == len(keys)
    assert [line for line in after if not line.startswith("# handouts-reviewed ")] == before
    # again: nothing to do, nothing written
    mtime = path.stat().st_mtime_ns
    assert run_review(project, "--drug", "blinatumomab") == 0
    assert "0 entries reviewed" in capsys.readouterr().out and path.stat().st_mtime_ns == mtime
    subprocess.run([need_tool("msgfmt"), "-c", "-o", "/dev/null", str(path)], check=True)


def test_review_refuses_fuzzy_untranslated_and_failing_entries(project, capsys):
    set_entry(project, "es", PAIN, fuzzy=True)
    set_entry(project, "es", "Platelets", msgstr="")
    catalog = load_catalog(project, "es")
    fever = next(m for m in catalog.active() if "100,4 °F" in m.msgstr)
    set_entry(project, "es", fever.msgid, msgstr=fever.msgstr.replace("100,4 °F", "101,4 °F"))
    assert run_review(project, "--drug", "blinatumomab") == 1
    out = capsys.readouterr().out
    assert "refused: fuzzy" in out and "refused: untranslated" in out
    assert "refused: [numbers-units]" in out and "3 refused" in out
    reviewed = reviewed_keys(project)
    assert reviewed == drug_keys(project) - {(None, PAIN), (None, "Platelets"), (None, fever.msgid)}


def test_review_by_line_and_dry_run(project, capsys):
    line = next(m for m in load_catalog(project, "es").active() if m.msgid == PAIN).line
    before = catalog_path(project, "es").read_bytes()
    assert run_review(project, "--line", str(line + 1), "--dry-run") == 0
    assert "would mark 1 entry" in capsys.readouterr().out
    assert catalog_path(project, "es").read_bytes() == before
    assert run_review(project, "--line", str(line + 1)) == 0
    assert reviewed_keys(project) == {(None, PAIN)}
    assert run_review(project, "--line", "3") == 2  # the header: no entry to review
    assert "no entry at this line" in capsys.readouterr().err


def test_only_the_policys_reviewers_count(project, capsys):
    (project / "handouts.yaml").write_text(
        "locales:\n  es:\n    required: true\n    reviewers: ['Luis Pérez, CT']\n", encoding="utf-8"
    )
    assert run_review(project, "--drug", "blinatumomab") == 2
    err = capsys.readouterr().err
    assert f"'{REVIEWER}' is not a reviewer of es in handouts.yaml" in err
    assert "Traceback" not in err
    # a mark by an unlisted name, written by hand, does not count
    message = next(m for m in load_catalog(project, "es").active() if m.msgid == PAIN)
    set_entry(project, "es", PAIN, comments=(format_mark(message, DAY, REVIEWER),))
    assert reviewed_keys(project) == set()
    assert "review void" in main_out(project, capsys, "status", "es")


def main_out(project, capsys, *args):
    main(["-C", str(project), *args])
    return capsys.readouterr().out


def test_editing_one_msgstr_voids_exactly_that_mark(project):
    assert run_review(project, "--drug", "blinatumomab") == 0
    keys = reviewed_keys(project)
    set_entry(project, "es", PAIN, msgstr="Su proveedor puede recomendar medicamentos.")
    assert reviewed_keys(project) == keys - {(None, PAIN)}
    # a mark copied onto another entry does not count there either
    catalog = load_catalog(project, "es")
    mark = next(c for m in catalog.active() if m.msgid == "Platelets" for c in m.comments)
    set_entry(project, "es", "Pain", comments=(mark,))
    assert (None, "Pain") not in reviewed_keys(project)


def test_a_source_edit_voids_the_mark_through_update(project):
    assert run_review(project, "--drug", "blinatumomab") == 0
    monograph = project / "source" / "monographs" / "blinatumomab.yaml"
    monograph.write_text(
        monograph.read_text(encoding="utf-8").replace(
            "can recommend medications", "may recommend medications"
        ),
        encoding="utf-8",
    )
    assert main(["-C", str(project), "extract"]) == 0
    update_catalogs(project)
    catalog = load_catalog(project, "es")
    changed = next(m for m in catalog.active() if "may recommend" in m.msgid)
    assert changed.fuzzy and marks_of(changed)[0]  # the mark is kept, as a record...
    assert state(changed, Trust()) == "fuzzy"  # ...and counts for nothing
    assert len(reviewed_keys(project)) == len(drug_keys(project)) - 1


@pytest.mark.parametrize("tool", ["msgmerge", "msgcat", "translate-toolkit", "update"])
def test_the_marks_survive_the_translators_tools(project, tool):
    assert run_review(project, "--drug", "blinatumomab") == 0
    keys = reviewed_keys(project)
    path = catalog_path(project, "es")
    if tool == "msgmerge":
        subprocess.run(
            [
                need_tool("msgmerge"),
                "--quiet",
                "--previous",
                "-o",
                str(path),
                str(path),
                str(project / TEMPLATE_PATH),
            ],
            check=True,
        )
    elif tool == "msgcat":
        subprocess.run([need_tool("msgcat"), "--width=60", "-o", str(path), str(path)], check=True)
    elif tool == "translate-toolkit":
        from translate.storage import po  # the test extra: what Weblate reads PO with

        store = po.pofile.parsefile(str(path))
        path.write_bytes(bytes(store))
        # and a translator's edit in translate-toolkit voids the mark of that entry only
        unit = next(u for u in store.units if u.source == PAIN)
        unit.target = "Otra traducción."
        path.write_bytes(bytes(store))
        keys -= {(None, PAIN)}
    else:
        update_catalogs(project)
    assert reviewed_keys(project) == keys
    if tool != "translate-toolkit":
        assert keys == drug_keys(project)


def test_a_catalog_saved_meanwhile_is_left_alone(project):
    path = catalog_path(project, "es")
    original = path.read_bytes()
    catalog = load_catalog(project, "es")
    message = next(m for m in catalog.active() if m.msgid == PAIN)
    edit = MarkEdit(message.line, (format_mark(message, DAY, REVIEWER),))
    path.write_bytes(original.replace(b"Dolor", b"Dolor "))  # a translator saves
    saved = path.read_bytes()
    with pytest.raises(CatalogError, match="changed while the review was prepared"):
        write_marks(path, "es.po", original, catalog.messages, {message.key: edit})
    assert path.read_bytes() == saved


def test_publish_reviewed_makes_an_unreviewed_text_a_draft_that_says_so(project, capsys):
    (project / "handouts.yaml").write_text(
        "locales:\n  es:\n    required: true\n    publish: reviewed\n", encoding="utf-8"
    )
    assert run_review(project, "--drug", "blinatumomab") == 0
    message = next(m for m in load_catalog(project, "es").active() if m.msgid == PAIN)
    set_entry(project, "es", PAIN, comments=())  # one text unreviewed
    assert main(["-C", str(project), "build", "--quiet"]) == 0
    output = project / "output"
    assert not (output / "es" / "blinatumomab.html").exists()
    draft = (output / "drafts" / "es" / "blinatumomab.html").read_text(encoding="utf-8")
    assert (
        "1 texto traducido aún no se ha revisado; en este idioma solo se publican "
        "traducciones revisadas."
    ) in draft
    assert (
        f'class="pending"><span class="fallback-tag">Aún no revisado</span>'
        f"{message.msgstr}" in draft
    )
    capsys.readouterr()
    assert main(["-C", str(project), "check"]) == 1  # below min_coverage: 100% reviewed
    out = capsys.readouterr().out
    assert "of the entries are reviewed: below the minimum 100% (publish: reviewed)" in out
    # reviewed again: published, saying who reviewed it and when, in Spanish
    assert run_review(project, "--drug", "blinatumomab") == 0
    assert main(["-C", str(project), "build", "--quiet"]) == 0
    page = (output / "es" / "blinatumomab.html").read_text(encoding="utf-8")
    assert f"revisado por {REVIEWER} el 1 de diciembre de 2026." in page


def test_coverage_counts_four_states_in_entries_and_words(project):
    assert (
        run_review(
            project,
            "--line",
            str(next(m for m in load_catalog(project, "es").active() if m.msgid == PAIN).line),
        )
        == 0
    )
    set_entry(project, "es", "Platelets", fuzzy=True)
    set_entry(project, "es", "Pregnancy and breastfeeding", msgstr="")
    catalog = load_catalog(project, "es")
    keys = [m.key for m in catalog.active()]
    cov = coverage(keys, catalog, Trust())
    assert (cov.untranslated, cov.fuzzy, cov.reviewed) == (1, 1, 1)
    assert cov.translated == len(keys) - 3 and cov.total == len(keys)
    assert cov.reviewed_words == len(PAIN.split()) and cov.fuzzy_words == 1
    assert cov.untranslated_words == 3


# --- the facts of a mark are validated on read as on write ----------------------------


@pytest.mark.parametrize(
    "date, reviewer, problem",
    [
        (dt.date(2026, 12, 9), REVIEWER, "is in the future"),
        (DAY, "Ana \u202eIHCeroC ,aícraG", "control or invisible characters"),
        (DAY, "Ana\u200b García, CoreCHI", "control or invisible characters"),
    ],
)
def test_a_hand_written_mark_with_a_refused_fact_does_not_count(
    project, capsys, monkeypatch, date, reviewer, problem
):
    monkeypatch.setenv(
        "SOURCE_DATE_EPOCH", str(int(dt.datetime(2026, 12, 7, 12, tzinfo=dt.UTC).timestamp()))
    )
    message = next(m for m in load_catalog(project, "es").active() if m.msgid == PAIN)
    mark = format_mark(message, date, reviewer)
    assert parse_mark(mark).covers(message)  # well formed, and it covers the text
    set_entry(project, "es", PAIN, comments=(mark,))
    assert reviewed_keys(project) == set()
    main(["-C", str(project), "check", "--format", "json"])
    out = capsys.readouterr().out
    assert '"check": "review-mark"' in out and problem in out
    assert "\u202e" not in out and "\u200b" not in out
    # the same rule refuses to write it
    code = main(
        [
            "-C",
            str(project),
            "review",
            "es",
            "--line",
            str(message.line),
            "--reviewer",
            reviewer,
            "--date",
            date.isoformat(),
        ]
    )
    assert code == 2 and problem in capsys.readouterr().err
    # and the handout never prints it
    assert main(["-C", str(project), "build", "--quiet", "--no-pdf", "--drug", "blinatumomab"]) == 0
    pages = "".join(
        p.read_text(encoding="utf-8") for p in (project / "output").rglob("blinatumomab*.html")
    )
    assert "Blinatumomab" in pages and "Ana" not in pages and "CoreCHI" not in pages
