"""The merge of one catalog with the template, like GNU msgmerge: keep, fuzzy-match, add,
obsolete, reshape.

Translations are kept; a changed source text keeps its old translation as fuzzy with
the previous msgid; a removed one becomes obsolete, never deleted; an entry that became
singular or plural keeps its forms (fuzzy, the others in comments). Fuzzy matching
(:mod:`.fuzzy`) is strict and never crosses msgctxt.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from ..model import Message
from ..text.visible import has_visible_content
from .fuzzy import fuzzy_index
from .memory import Memory
from .pofile import Catalog


def merge(
    template: Catalog, catalog: Catalog, nplurals: int, memory: Callable[[], Memory] | None = None
) -> tuple[list[Message], dict]:
    """Merge ``template`` into ``catalog``: keep, fuzzy-match, add, obsolete. Loses nothing.
    ``memory`` (built on first need) offers translations to the entries added."""
    old_active = {m.key: m for m in catalog.active()}
    old_obsolete = {m.key: m for m in catalog.obsolete()}
    wanted = {m.key for m in template.active()}
    # fuzzy-match candidates: vanished entries with visible text (spaces are no work)
    vanished = [m for k, m in old_active.items() if k not in wanted and _visible(m)]
    vanished += [m for k, m in old_obsolete.items() if k not in wanted and _visible(m)]
    index = fuzzy_index(vanished)
    merged: list[Message] = []
    stats = {"kept": 0, "fuzzy_new": 0, "added": 0, "obsoleted": 0, "reshaped": 0, "memory": 0}
    known: Memory | None = None
    for new in template.active():
        old = old_active.get(new.key) or old_obsolete.get(new.key)
        empty = ("",) * nplurals if new.msgid_plural is not None else ()
        if old is not None and (old.msgid_plural is None) != (new.msgid_plural is None):
            merged.append(reshaped(new, old, nplurals))
            stats["reshaped"] += 1
            continue
        if old is not None:
            merged.append(_translated(new, old, empty, old.fuzzy, old.previous_msgid))
            stats["kept"] += 1
            continue
        position = index.best(new.msgctxt, new.msgid, new.msgid_plural is None)
        if position is not None:
            match = vanished[position]
            merged.append(_translated(new, match, empty, True, match.msgid))
            stats["fuzzy_new"] += 1
        else:
            blank = replace(new, msgstr="", msgstr_plural=empty, line=0)
            if memory is not None:
                known = known or memory()
                offered = known.fill(blank)
                stats["memory"] += offered is not None
                blank = offered or blank
            merged.append(blank)
            stats["added"] += 1
    for message in catalog.messages:
        if message.key in wanted:
            continue
        if message.obsolete:
            merged.append(message)
        elif message.has_translation:  # never delete a translator's work
            merged.append(replace(message, obsolete=True, references=(), notes=()))
            stats["obsoleted"] += 1
    return merged, stats


def _visible(message: Message) -> bool:
    return any(has_visible_content(text) for text in message.texts)


def _translated(
    new: Message, old: Message, empty: tuple[str, ...], fuzzy: bool, previous_msgid: str | None
) -> Message:
    """The template's entry carrying ``old``'s translation (direct: this runs per entry)."""
    return Message(
        new.msgid,
        old.msgstr,
        new.msgctxt,
        new.msgid_plural,
        old.msgstr_plural or empty,
        fuzzy,
        new.obsolete,
        _flags(new, old),
        0,
        previous_msgid,
        old.comments,
        new.notes,
        new.references,
    )


EARLIER_FORM = "handouts: earlier plural form"


def reshaped(new: Message, old: Message, nplurals: int) -> Message:
    """``old``'s translation in the shape of ``new``, which became singular or plural,
    as msgmerge does: fuzzy, plural forms from the singular text, or the singular text
    from form 0. The other forms are kept as translator comments: nothing is lost."""
    comments = old.comments
    if new.msgid_plural is None:
        forms = old.msgstr_plural
        msgstr = forms[0] if forms else ""
        comments += tuple(
            f'{EARLIER_FORM} msgstr[{i}]: "{_escaped(form)}"'
            for i, form in enumerate(forms)
            if i and form and form != msgstr
        )
        plural: tuple[str, ...] = ()
    else:
        msgstr, plural = "", (old.msgstr,) * nplurals
    return Message(
        new.msgid,
        msgstr,
        new.msgctxt,
        new.msgid_plural,
        plural,
        old.has_translation,
        False,
        _flags(new, old),
        0,
        old.msgid,
        comments,
        new.notes,
        new.references,
    )


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")


def _flags(new: Message, old: Message) -> tuple[str, ...]:
    """Format flags come from the template; the translator's own flags are kept."""
    own = [f for f in old.flags if not f.endswith("-format") and f not in new.flags]
    return tuple(new.flags) + tuple(own)
