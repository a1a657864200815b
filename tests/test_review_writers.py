"""Review marks survive every common PO writer, re-wrapping at any width included:
polib, Babel, GNU msgcat and msgmerge, translate-toolkit, a Poedit-style save
(docs/review-marks.md, "What the tools do with marks")."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import textwrap

import pytest

from pipeline.catalogs.locales import TEMPLATE_PATH, catalog_path
from pipeline.catalogs.marks import joinings, mark_groups, marks_of
from pipeline.catalogs.pofile import load_catalog
from pipeline.checks.coverage import state
from pipeline.checks.policy import load_policy
from pipeline.checks.trust import trust_for
from pipeline.cli import main
from tests.projects import need_tool

# hyphens and a long name: wrapped at every width, broken after hyphens by textwrap
REVIEWER = "Ana María García-López, MD-PhD, CoreCHI-certified medical interpreter"


def reviewed_keys(root, locale="es"):
    catalog = load_catalog(root, locale)
    trust = trust_for(load_policy(root).get(locale))
    return {m.key for m in catalog.active() if state(m, trust) == "reviewed"}


@pytest.fixture
def reviewed(project):
    """The project with blinatumomab's texts reviewed: (root, the reviewed keys)."""
    assert (
        main(
            [
                "-C",
                str(project),
                "review",
                "es",
                "--drug",
                "blinatumomab",
                "--reviewer",
                REVIEWER,
                "--date",
                "2026-12-01",
            ]
        )
        == 0
    )
    keys = reviewed_keys(project)
    assert len(keys) > 40
    return project, keys


def polib_save(path, width=78):
    import polib

    catalog = polib.pofile(str(path), wrapwidth=width)
    catalog.wrapwidth = width
    catalog.save(str(path))


def babel_save(path, width=None):
    from babel.messages.pofile import read_po, write_po

    with path.open("rb") as stream:
        catalog = read_po(stream, locale="es")
    out = io.BytesIO()
    if width is None:
        write_po(out, catalog)
    else:
        write_po(out, catalog, width=width)
    path.write_bytes(out.getvalue())


def toolkit_save(path):
    from translate.storage import po

    store = po.pofile.parsefile(str(path))
    path.write_bytes(bytes(store))


def poedit_save(path):
    """What a Poedit 3 save does to a catalog, simulated at its worst: its own header
    (X-Generator, Last-Translator, PO-Revision-Date), every text re-wrapped at 79
    columns as gettext wraps, and translator comments re-wrapped at 79 too (textwrap,
    breaking after hyphens), though Poedit itself writes them back as read."""
    subprocess.run([need_tool("msgcat"), "--width=79", "-o", str(path), str(path)], check=True)
    text = path.read_text(encoding="utf-8")
    text = re.sub(
        r'"PO-Revision-Date: [^"]*"', r'"PO-Revision-Date: 2026-12-02 10:15+0100\\n"', text, count=1
    )
    text = re.sub(
        r'"Last-Translator: [^"]*"', r'"Last-Translator: Ana <ana@example.org>\\n"', text, count=1
    )
    text = text.replace('"Plural-Forms:', '"X-Generator: Poedit 3.4.2\\n"\n"Plural-Forms:', 1)
    lines = []
    for line in text.splitlines():
        if line.startswith("# ") and len(line) > 79:
            lines += textwrap.wrap(
                line[2:], 79, initial_indent="# ", subsequent_indent="# ", break_long_words=False
            )
        else:
            lines.append(line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def gnu(tool, path, root, width):
    if tool == "msgcat":
        command = [need_tool("msgcat"), f"--width={width}", "-o", str(path), str(path)]
    else:
        command = [
            need_tool("msgmerge"),
            "--quiet",
            "--previous",
            f"--width={width}",
            "-o",
            str(path),
            str(path),
            str(root / TEMPLATE_PATH),
        ]
    subprocess.run(command, check=True)


WRITERS = {
    "polib": lambda path, root: polib_save(path),
    "polib-width-40": lambda path, root: polib_save(path, 40),
    "polib-width-24": lambda path, root: polib_save(path, 24),
    "babel": lambda path, root: babel_save(path),
    "babel-width-40": lambda path, root: babel_save(path, 40),
    "babel-width-76": lambda path, root: babel_save(path, 76),
    "msgcat": lambda path, root: gnu("msgcat", path, root, 79),
    "msgcat-width-30": lambda path, root: gnu("msgcat", path, root, 30),
    "msgmerge": lambda path, root: gnu("msgmerge", path, root, 79),
    "translate-toolkit": lambda path, root: toolkit_save(path),
    "poedit": lambda path, root: poedit_save(path),
}


@pytest.mark.parametrize("writer", WRITERS)
def test_the_marks_survive_the_writer(reviewed, writer):
    root, keys = reviewed
    path = catalog_path(root, "es")
    WRITERS[writer](path, root)
    assert reviewed_keys(root) == keys
    # and the writers one after another: each re-wraps what the last one wrapped
    for other in ("babel-width-40", "polib", "translate-toolkit", "msgcat"):
        WRITERS[other](path, root)
    assert reviewed_keys(root) == keys


def test_a_wrapped_mark_is_wrapped_indeed_and_an_edit_still_voids_it(reviewed):
    """Not a test that cannot fail: polib really wraps the marks, the reader joins
    them, and the digest still binds the text."""
    root, keys = reviewed
    path = catalog_path(root, "es")
    polib_save(path, 40)
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"^# handouts-reviewed .*\[sha256:", text, re.M)  # all wrapped
    catalog = load_catalog(root, "es")
    message = next(
        m
        for m in catalog.active()
        if m.key in keys and 3 < len(m.msgstr) < 25 and '"' not in m.msgstr
    )
    assert len(marks_of(message)[0][0].lines) > 2
    edited = text.replace(f'msgstr "{message.msgstr}"', f'msgstr "{message.msgstr} "', 1)
    assert edited != text
    path.write_text(edited, encoding="utf-8")
    assert reviewed_keys(root) == keys - {message.key}


def test_review_again_replaces_a_wrapped_void_mark_whole(reviewed):
    root, keys = reviewed
    path = catalog_path(root, "es")
    babel_save(path, 40)
    catalog = load_catalog(root, "es")
    message = next(m for m in catalog.active() if m.key in keys and len(m.msgstr) < 60)
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(f'msgstr "{message.msgstr}"', f'msgstr "{message.msgstr}."', 1),
        encoding="utf-8",
    )
    assert message.key not in reviewed_keys(root)
    line = next(m for m in load_catalog(root, "es").active() if m.key == message.key).line
    assert (
        main(
            [
                "-C",
                str(root),
                "review",
                "es",
                "--line",
                str(line),
                "--reviewer",
                REVIEWER,
                "--date",
                "2026-12-02",
            ]
        )
        == 0
    )
    again = next(m for m in load_catalog(root, "es").active() if m.key == message.key)
    assert [m.date for m in marks_of(again)[0]] == [dt.date(2026, 12, 2)]
    assert not marks_of(again)[1] and len(mark_groups(again.comments)) == 1
    assert message.key in reviewed_keys(root)


def test_joining_tries_both_readings_of_a_line_that_ends_in_a_hyphen():
    lines = (
        "handouts-reviewed 2026-12-01 by Ana García-",
        "López, MD [sha256:" + "a" * 30,
        "a" * 34 + "]",
    )
    texts = joinings(lines)
    assert texts[0] == f"handouts-reviewed 2026-12-01 by Ana García-López, MD [sha256:{'a' * 64}]"
    assert texts[1] == f"handouts-reviewed 2026-12-01 by Ana García- López, MD [sha256:{'a' * 64}]"
    # a start that nothing completes is one malformed line; the next comment is its own
    groups = mark_groups(("handouts-reviewed 2026-12-01 by A", "a translator's note"))
    assert groups == [("handouts-reviewed 2026-12-01 by A",)]
