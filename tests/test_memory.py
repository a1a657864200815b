"""Translation memory in ``update``: new entries get existing translations, always fuzzy,
with their origin; never as translated; ``--no-memory`` turns it off."""

from __future__ import annotations

import polib
import pytest

from pipeline.catalogs.extract import extract_template
from pipeline.catalogs.fuzzy import similarity
from pipeline.catalogs.locales import catalog_path
from pipeline.catalogs.memory import MEMORY_COMMENT, Memory, Offer, same_language
from pipeline.catalogs.merge import update_catalogs
from pipeline.checks.status import open_work
from pipeline.cli import main
from tests.projects import copy_project

PRECAUTIONS = (
    "While receiving this medication, you should not drive, operate heavy "
    "machinery or do any dangerous activities because of the risk of neurologic "
    "side effects. You also should not receive certain vaccines while taking this "
    "medication. Ask your care provider which vaccines are safe for you to receive "
    "and when you should get them."
)
SIDE_EFFECTS = (
    "There are a number of things you can do to manage the side effects of "
    "blinatumomab. Talk to your care team about these recommendations. They can "
    "help you decide what will work best for you. These are some of the most "
    "common or important side effects:"
)
NEW_DRUG = f"""id: newdrug
title: Newdrug
reviewed: 2025-06-01
sections:
  - id: precautions
    heading: While receiving this medication
    blocks:
      - paragraph: "{PRECAUTIONS}"
        safety: true
      - paragraph:
          text: "{PRECAUTIONS}"
          context: newdrug
        safety: true
  - id: side-effects
    heading: Side effects
    blocks:
      - paragraph: "{SIDE_EFFECTS.replace("blinatumomab", "newdrug")}"
      - paragraph: "Nothing like this sentence was ever translated in this catalog."
"""


@pytest.fixture
def project(tmp_path):
    root = copy_project(tmp_path / "project")
    (root / "source" / "monographs" / "newdrug.yaml").write_text(NEW_DRUG, encoding="utf-8")
    extract_template(root)
    return root


def spanish(root) -> polib.POFile:
    return polib.pofile(str(catalog_path(root, "es")))


def test_a_new_monograph_gets_repeated_paragraphs_back_fuzzy_with_their_origin(project):
    before = spanish(project)
    shared = before.find(PRECAUTIONS)
    [result] = update_catalogs(project, ["es"])
    after = spanish(project)
    # the very same paragraph is one entry: still translated, untouched
    assert after.find(PRECAUTIONS).msgstr == shared.msgstr
    assert not after.find(PRECAUTIONS).fuzzy
    # the same English under another msgctxt: an exact match, offered fuzzy (safety too)
    exact = after.find(PRECAUTIONS, msgctxt="newdrug")
    assert exact.msgstr == shared.msgstr and exact.fuzzy
    assert exact.tcomment.startswith(
        f"{MEMORY_COMMENT} exact match from "
        "locales/es/LC_MESSAGES/handouts.po, the entry of "
        "source/monographs/blinatumomab.yaml:"
    )
    assert exact.previous_msgid is None
    # the paragraph with another drug name: a close match, with the English it translated
    close_id = SIDE_EFFECTS.replace("blinatumomab", "newdrug")
    close = after.find(close_id)
    assert close.msgstr == before.find(SIDE_EFFECTS).msgstr and close.fuzzy
    assert close.previous_msgid == SIDE_EFFECTS
    assert "% match from" in close.tcomment
    # nothing close: left empty
    assert (
        after.find("Nothing like this sentence was ever translated in this catalog.").msgstr == ""
    )
    assert result.memory == 2 and result.added == 4  # (and the title, Newdrug)
    # nothing offered is translated: status lists the offers as fuzzy work
    work = open_work(project, "es")
    assert work.count(": fuzzy: newdrug") == 2


def test_update_is_idempotent_after_the_memory_filled_entries(project):
    update_catalogs(project, ["es"])
    text = catalog_path(project, "es").read_bytes()
    [again] = update_catalogs(project, ["es"])
    assert not again.changed and again.memory == 0
    assert catalog_path(project, "es").read_bytes() == text


def test_no_memory_leaves_new_entries_empty(project, capsys):
    assert main(["-C", str(project), "update", "--locale", "es", "--no-memory"]) == 0
    assert "pre-filled" not in capsys.readouterr().out
    assert spanish(project).find(PRECAUTIONS, msgctxt="newdrug").msgstr == ""


def test_a_compendium_offers_its_translations_fuzzy(project, tmp_path, capsys):
    compendium = tmp_path / "compendium.po"
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "es"}
    po.append(
        polib.POEntry(
            msgid="Nothing like this sentence was ever translated in this catalog.",
            msgstr="Nada parecido se tradujo nunca aquí.",
        )
    )
    po.append(polib.POEntry(msgid="Unconfirmed.", msgstr="Sin confirmar.", flags=["fuzzy"]))
    po.save(str(compendium))
    assert (
        main(["-C", str(project), "update", "--locale", "es", "--compendium", str(compendium)]) == 0
    )
    assert "3 pre-filled from memory (fuzzy)" in capsys.readouterr().out
    entry = spanish(project).find("Nothing like this sentence was ever translated in this catalog.")
    assert entry.msgstr == "Nada parecido se tradujo nunca aquí." and entry.fuzzy
    assert entry.tcomment.startswith(f"{MEMORY_COMMENT} exact match from compendium ")
    assert "compendium.po:" in entry.tcomment


def test_a_broken_compendium_is_an_error_that_changes_nothing(project, tmp_path, capsys):
    compendium = tmp_path / "broken.po"
    compendium.write_text('msgid "a"\nmsgstr "b\n', encoding="utf-8")
    before = catalog_path(project, "es").read_bytes()
    assert main(["-C", str(project), "update", "--compendium", str(compendium)]) == 2
    assert "broken.po:" in capsys.readouterr().err
    assert catalog_path(project, "es").read_bytes() == before


def test_memory_prefers_exact_then_the_closest_and_offers_no_fuzzy_work():
    known = [
        Offer("Call your care team if you have a fever.", "Llame si tiene fiebre.", "a"),
        Offer("Call your care team if you have a rash.", "Llame si tiene sarpullido.", "b"),
    ]
    memory = Memory(known, similarity)
    assert memory.find("Call your care team if you have a fever.") == (known[0], 1.0)
    offer, score = memory.find("Call your care team if you have a fever!")
    assert offer is known[0] and 0.8 <= score < 1.0
    assert memory.find("Something else entirely, nothing like those.") is None


def compendium_in(tmp_path, language):
    path = tmp_path / "compendium.po"
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    if language:
        po.metadata["Language"] = language
    po.append(
        polib.POEntry(
            msgid="Nothing like this sentence was ever translated in this catalog.",
            msgstr="Nada parecido se tradujo nunca aquí.",
        )
    )
    po.save(str(path))
    return path


def test_a_compendium_offers_only_to_its_own_language(project, tmp_path, capsys):
    """issue #24: a Spanish compendium is no 'exact match' for Chinese, Vietnamese..."""
    compendium = compendium_in(tmp_path, "es")
    assert main(["-C", str(project), "update", "--compendium", str(compendium)]) == 0
    err = capsys.readouterr().err
    for locale in ("zh_CN", "vi", "ar"):
        assert f"compendium.po: the compendium is in 'es': not offered to {locale}" in err
        texts = {e.msgstr for e in polib.pofile(str(catalog_path(project, locale)))}
        assert "Nada parecido se tradujo nunca aquí." not in texts
    assert "Nada parecido se tradujo nunca aquí." in {e.msgstr for e in spanish(project)}


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("es", "the compendium is in 'es', the language of no catalog this update changes (vi)"),
        ("es_MX", "the compendium is in 'es_MX', the language of no catalog"),
        (None, "the compendium names no language"),
    ],
)
def test_a_compendium_in_another_language_is_refused(project, tmp_path, capsys, language, message):
    compendium = compendium_in(tmp_path, language)
    before = {p: p.read_bytes() for p in (project / "locales").rglob("*.po")}
    (project / ".handouts-catalogs.lock").unlink(missing_ok=True)  # the fixture's extract
    assert (
        main(["-C", str(project), "update", "--locale", "vi", "--compendium", str(compendium)]) == 2
    )
    err = capsys.readouterr().err
    line = 1 + next(
        (
            n
            for n, text in enumerate(compendium.read_text().splitlines())
            if text.startswith('"Language:')
        ),
        0,
    )
    assert f"compendium.po:{line}: {message}" in err
    assert {p: p.read_bytes() for p in before} == before
    assert not (project / ".handouts-catalogs.lock").exists()  # refused before the lock


@pytest.mark.parametrize(
    ("tag", "locale", "same"),
    [
        ("es", "es", True),
        ("es-ES", "es", True),
        ("ES", "es", True),
        ("es", "es_MX", False),
        ("zh-CN", "zh_CN", True),
        ("zh-Hans-CN", "zh_CN", True),
        ("zh-TW", "zh_CN", False),
        ("zh_TW", "zh_CN", False),
        ("es", "vi", False),
        ("sr-Latn", "sr@latin", True),
        ("sr-Cyrl", "sr@latin", False),
        ("sr", "sr@latin", False),
        ("ar", "es", False),
    ],
)
def test_a_language_tag_names_its_catalog_and_no_other(tag, locale, same):
    assert same_language(tag, locale) is same
