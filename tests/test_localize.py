"""Monograph + catalog -> localized handout: each text's state, and the publish rule."""

from __future__ import annotations

from dataclasses import replace

from pipeline.catalogs.extract import template_messages
from pipeline.catalogs.pofile import load_catalog
from pipeline.publish.localize import (
    UI_IMPORTANT,
    UI_MISSING,
    UI_MSGIDS,
    interface_for,
    localize,
    plural_function,
    published_interface,
)
from pipeline.source.monographs import load_monographs
from pipeline.source.segments import iter_segments
from tests.conftest import complete_catalog, set_entry

SAFETY_CALLOUT = "Cytokine release syndrome (CRS) can occur."


def _monograph(root):
    return load_monographs(root)[0]


def _localized(root, locale, blocked=frozenset()):
    catalog = load_catalog(root, locale)
    return localize(
        _monograph(root), locale, catalog.lookup(), blocked, interface_for(catalog, blocked)
    )


def test_english_is_the_source_text_and_always_published(project):
    monograph = _monograph(project)
    handout = localize(monograph)
    assert handout.published and handout.ratio == 1.0 and handout.missing == 0
    assert handout.title.text == "Blinatumomab" and handout.title.state == "source"
    assert {s.key for s in iter_segments(monograph)} <= set(handout.states)


def test_a_complete_catalog_is_published_with_translations(project):
    complete_catalog(project, "es")
    set_entry(project, "es", "Blinatumomab", msgstr="Blinatumomab (es)")
    handout = _localized(project, "es")
    assert handout.published and handout.ratio == 1.0
    assert handout.title.text == "Blinatumomab (es)" and handout.title.state == "translated"


def test_a_fuzzy_safety_entry_makes_a_draft_showing_english(project):
    complete_catalog(project, "es")
    callout = next(
        s for s in iter_segments(_monograph(project)) if s.msgid.startswith(SAFETY_CALLOUT)
    )
    set_entry(project, "es", callout.msgid, msgstr="Traducción vieja", fuzzy=True)
    handout = _localized(project, "es")
    assert not handout.published and handout.missing == 1
    shown = next(
        b.text
        for s in handout.sections
        for b in s.blocks
        if b.text and b.text.text == callout.msgid
    )
    assert shown.fallback and shown.state == "fuzzy"


def test_missing_and_blocked_entries_fall_back_to_english(project):
    complete_catalog(project, "vi")
    set_entry(project, "vi", "Pain", msgstr="")
    heading_key = (None, "Side effects")
    handout = _localized(project, "vi", blocked=frozenset({heading_key}))
    states = {s.id: s.heading.state for s in handout.sections if s.heading}
    assert states["pain"] == "missing" and states["side-effects"] == "blocked"
    assert handout.count("blocked") == 1 and not handout.published


def test_an_untranslated_interface_string_also_makes_a_draft(project):
    complete_catalog(project, "es")
    set_entry(project, "es", UI_IMPORTANT, msgstr="")
    handout = _localized(project, "es")
    assert handout.states[(None, UI_IMPORTANT)] == "missing" and not handout.published


def test_interface_plurals_follow_the_catalog_plural_forms(project):
    complete_catalog(project, "ar")
    forms = tuple(f"form {n}" for n in range(6))
    set_entry(project, "ar", UI_MISSING[0], msgstr_plural=forms)
    catalog = load_catalog(project, "ar")
    interface = interface_for(catalog)
    assert plural_function(catalog)(2) == 2
    assert interface.ngettext(*UI_MISSING, 0) == ("form 0", True)
    assert interface.ngettext(*UI_MISSING, 5) == ("form 3", True)
    assert interface.ngettext(*UI_MISSING, 11) == ("form 4", True)  # the standard rule
    assert interface.ngettext(*UI_MISSING, 100) == ("form 5", True)
    english = interface_for(None)
    assert english.ngettext(*UI_MISSING, 3) == (UI_MISSING[1], True)


def test_interface_msgids_are_the_ones_the_template_declares(project):
    declared = set()
    for _path, _line, message, _comments, _context in template_messages(project):
        declared.add(message if isinstance(message, str) else message[0])
    assert set(UI_MSGIDS) == declared
    monograph = _monograph(project)
    assert set(published_interface(monograph)) <= declared
    no_callouts = replace(monograph, sections=monograph.sections[:2])
    assert UI_IMPORTANT not in published_interface(no_callouts)
