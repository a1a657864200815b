"""The interface texts of the handout template, and which texts a handout uses.

The msgids are verbatim copies of ``templates/handout.html`` (a test proves they are
the ones the template declares). :func:`handout_keys` is the one definition of the
texts of one drug's handout, used by the check (coverage per handout), the build
(what must be ready to publish) and ``handouts review --drug``.

Facts are never words of a translation: every interface text that states a fact has
the fact as a placeholder filled from data (dates, names, revisions, counts), and no
text states a fact without one (see ``docs/review-marks.md``, "What a translator can
and cannot claim").
"""

from __future__ import annotations

from ..model import Key, Monograph
from .segments import per_monograph, segment_keys

UI_HANDOUT = "Patient handout"
UI_PRONUNCIATION = "Pronunciation"
UI_CLASSIFICATION = "Classification"
UI_IMPORTANT = "Important"
UI_GAP = "This part of the handout is not available. Ask your care team."
UI_ENGLISH = "Read this handout in English"
# the facts a patient reads: each fact a placeholder (the source revision is no word of a
# handout: it stays in <meta>, report.json and the manifest)
UI_UPDATED = "Last updated: %(date)s"
UI_CODE = "Handout code: %(code)s"
UI_TRANSLATION_REVIEWED = "Translated on %(translated)s; reviewed by %(reviewers)s on %(reviewed)s."
UI_TRANSLATION_UNREVIEWED = (
    "Translated on %(translated)s. This translation has not yet been "
    "reviewed by a qualified medical translator."
)
UI_EDITION = (
    "Edition of %(date)s. A newer English version of this handout exists; this "
    "translation will be updated."
)
# drafts only: the banner, and why each highlighted text is not in the patient's language
UI_DRAFT = "DRAFT, not for patient use"
UI_DRAFT_EXPLAINED = "This translation is not finished: each highlighted text says why."
UI_MISSING = ("%(num)d text is not translated yet.", "%(num)d texts are not translated yet.")
UI_FUZZY = (
    "%(num)d text changed in English; its translation must be updated.",
    "%(num)d texts changed in English; their translations must be updated.",
)
UI_BLOCKED = (
    "%(num)d translated text is held back by a check: %(checks)s.",
    "%(num)d translated texts are held back by checks: %(checks)s.",
)
UI_UNREVIEWED = (
    "%(num)d translated text is not reviewed yet; this language publishes "
    "reviewed translations only.",
    "%(num)d translated texts are not reviewed yet; this language publishes "
    "reviewed translations only.",
)
UI_WHY_MISSING = "Not translated yet"
UI_WHY_FUZZY = "Changed in English"
UI_WHY_BLOCKED = "Held back by check: %(check)s"
UI_WHY_UNREVIEWED = "Not reviewed yet"

# the links of a published handout to its other formats and languages (publish.formats)
UI_EDITIONS = "Other formats and languages"
UI_LARGE = "Large print"
UI_BILINGUAL = "Bilingual, with English"
UI_TEXT = "Plain text"
UI_STANDARD = "Standard print"

# the contact box: labels only; every value is the clinic's, from handouts.yaml
UI_CONTACT = "Your care team"
UI_PHONE = "Phone"
UI_AFTER_HOURS = "After hours"
UI_EMERGENCY = "Emergency"
UI_WEBSITE = "Website"

UI_MSGIDS = (
    UI_HANDOUT,
    UI_PRONUNCIATION,
    UI_CLASSIFICATION,
    UI_IMPORTANT,
    UI_GAP,
    UI_ENGLISH,
    UI_UPDATED,
    UI_CODE,
    UI_TRANSLATION_REVIEWED,
    UI_TRANSLATION_UNREVIEWED,
    UI_EDITION,
    UI_DRAFT,
    UI_DRAFT_EXPLAINED,
    UI_MISSING[0],
    UI_FUZZY[0],
    UI_BLOCKED[0],
    UI_UNREVIEWED[0],
    UI_WHY_MISSING,
    UI_WHY_FUZZY,
    UI_WHY_BLOCKED,
    UI_WHY_UNREVIEWED,
    UI_EDITIONS,
    UI_LARGE,
    UI_BILINGUAL,
    UI_TEXT,
    UI_STANDARD,
    UI_CONTACT,
    UI_PHONE,
    UI_AFTER_HOURS,
    UI_EMERGENCY,
    UI_WEBSITE,
)
SAFETY_LABELS = (UI_IMPORTANT,)  # the label every safety callout's box shows
UI_PLURALS = (UI_MISSING[0], UI_FUZZY[0], UI_BLOCKED[0], UI_UNREVIEWED[0])  # with msgid_plural
# the interface texts that state a fact, and the placeholders that carry it
FACTS = {
    UI_UPDATED: ("date",),
    UI_CODE: ("code",),
    UI_TRANSLATION_REVIEWED: ("translated", "reviewers", "reviewed"),
    UI_TRANSLATION_UNREVIEWED: ("translated",),
    UI_EDITION: ("date",),
    UI_MISSING[0]: ("num",),
    UI_FUZZY[0]: ("num",),
    UI_BLOCKED[0]: ("num", "checks"),
    UI_UNREVIEWED[0]: ("num",),
    UI_WHY_BLOCKED: ("check",),
}


def interface_shapes() -> dict[Key, bool]:
    """Whether each interface text is plural: its catalog entry must be too (an entry of
    the other shape would show an empty text)."""
    return {(None, msgid): msgid in UI_PLURALS for msgid in UI_MSGIDS}


def published_interface(monograph: Monograph) -> list[str]:
    """The interface msgids a published handout of ``monograph`` (or its edition, kept
    after the English changed) may show."""
    blocks = [b for s in monograph.sections for b in s.blocks]
    wanted = [
        UI_HANDOUT,
        UI_ENGLISH,
        UI_UPDATED,
        UI_CODE,
        UI_TRANSLATION_REVIEWED,
        UI_TRANSLATION_UNREVIEWED,
        UI_EDITION,
        UI_EDITIONS,
        UI_LARGE,
        UI_BILINGUAL,
        UI_TEXT,
        UI_STANDARD,
        UI_CONTACT,
        UI_PHONE,
        UI_AFTER_HOURS,
        UI_EMERGENCY,
        UI_WEBSITE,
    ]
    if monograph.pronunciation:
        wanted.append(UI_PRONUNCIATION)
    if monograph.classification:
        wanted.append(UI_CLASSIFICATION)
    if any(b.kind == "callout" for b in blocks):
        wanted.append(UI_IMPORTANT)
    if any(b.gap and not b.items for b in blocks):
        wanted.append(UI_GAP)
    return wanted


@per_monograph
def handout_keys(monograph: Monograph) -> tuple[Key, ...]:
    """Every text of ``monograph``'s published handout: its segments in reading order,
    then the interface texts it shows. Publication, coverage per handout and
    ``review --drug`` count exactly these."""
    keys = [*segment_keys(monograph)]
    keys += [(None, msgid) for msgid in published_interface(monograph)]
    return tuple(dict.fromkeys(keys))
