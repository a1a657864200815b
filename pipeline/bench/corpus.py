"""The benchmark's synthetic corpus: deterministic monographs, glossary, policy and
complete pseudo-translations, and the edits the bench times (5% of the paragraphs, one
catalog entry, one review date)."""

from __future__ import annotations

import json
import random
import re
import zlib
from dataclasses import replace
from pathlib import Path

from ..catalogs.locales import catalog_path
from ..catalogs.pofile import load_catalog, render_catalog, write_atomic
from ..model import Message
from ..source.glossary import Glossary, load_glossary, phrase_pattern
from ..text.quantities import ENGLISH

LOCALES = (
    "es",
    "fr",
    "de",
    "it",
    "pt_BR",
    "vi",
    "zh_CN",
    "ja",
    "ar",
    "ru",
    "pl",
    "tr",
    "ko",
    "nl",
    "el",
    "he",
    "hi",
    "uk",
    "fa",
    "th",
)
SHARED_SHARE = 0.4
EDIT_SHARE = 0.05


# --- the synthetic corpus ----------------------------------------------------------------

_SYLLABLES = (
    "ba",
    "ce",
    "da",
    "fi",
    "go",
    "la",
    "me",
    "no",
    "pi",
    "ra",
    "si",
    "to",
    "vu",
    "xe",
    "zo",
    "ri",
    "ta",
    "lu",
    "ke",
    "mo",
    "der",
    "sul",
    "tra",
    "vin",
)
_SUFFIXES = (
    "mab",
    "zumab",
    "ximab",
    "tinib",
    "rafenib",
    "platin",
    "taxel",
    "rubicin",
    "lisib",
    "ciclib",
    "tecan",
    "mustine",
)
_CLASSES = (
    "Bispecific T-Cell Engager",
    "Monoclonal Antibody",
    "Kinase Inhibitor",
    "Alkylating Agent",
    "Antimetabolite",
    "Topoisomerase Inhibitor",
    "Platinum Compound",
    "Taxane",
    "Anthracycline",
    "CDK4/6 Inhibitor",
)
_SYMPTOMS = (
    "nausea",
    "diarrhea",
    "a skin rash",
    "mouth sores",
    "fatigue",
    "headache",
    "swelling of the legs",
    "joint pain",
    "hair thinning",
    "loss of appetite",
    "numbness in the fingers",
    "dry eyes",
    "high blood pressure",
    "constipation",
)
_LABS = (
    "blood counts",
    "liver function",
    "kidney function",
    "blood sugar",
    "heart rhythm",
    "thyroid levels",
    "electrolytes",
)
_DRINKS = ("grapefruit juice", "alcohol", "herbal teas", "St. John's wort")
_SENTENCES = (
    "{Drug} may cause {symptom} in about {pct}% of patients within {n} days of a dose.",
    "Call your care team if your temperature is {t}°C or higher for more than {h} hours.",
    "Take {mg} mg of {drug} every {h} hours, with at least {ml} mL of water.",
    "Your provider will check your {lab} every {d} days during the first {w} weeks.",
    "{Drug} is given as an infusion over {m} minutes, once every {w} weeks.",
    "Do not drink {drink} within {h} hours before or after a dose of {drug}.",
    "If you miss a dose of {drug}, take it within {h} hours; otherwise skip it.",
    "Keep {drug} at room temperature, below {t}°C, and away from children.",
    "About {pct}% of people who take {drug} have {symptom}, which usually improves "
    "after {w} weeks.",
    "Tell your nurse right away about {symptom} that lasts longer than {d} days.",
)
_SECTIONS = (  # (id, heading, level, blocks): the shipped monograph's layout
    ("overview", None, 2, ("paragraph",)),
    ("administration", "How {drug} is given", 2, ("paragraph!", "paragraph!")),
    ("precautions", "While receiving this medication", 2, ("paragraph!",)),
    ("side-effects", "Side effects", 2, ("paragraph",)),
    ("common-effects", "Common side effects", 3, ("callout!",)),
    ("serious-effects", "Serious side effects", 3, ("callout!",)),
    ("infection", "Infections", 3, ("paragraph!", "callout!", "list")),
    ("allergic-reaction", "Allergic reaction", 3, ("callout!",)),
    ("red-blood-cells", "Red blood cells", 3, ("paragraph",)),
    ("pain", "Pain", 3, ("paragraph",)),
    ("platelets", "Platelets", 3, ("paragraph",)),
    ("pregnancy", "Pregnancy and breastfeeding", 3, ("paragraph!",)),
)
_SHARED = {  # paragraphs that real handout series share, a few wordings each
    "infection": (
        "White blood cells (WBC) are important for fighting infection. While receiving "
        "treatment, your WBC count can drop, putting you at a higher risk of getting an "
        "infection. You should let your doctor or nurse know right away if you have a fever "
        "(temperature greater than 100.4°F or 38°C), sore throat or cold, shortness of "
        "breath, cough, burning with urination, or a sore that doesn't heal.",
        "This medication can cause life-threatening infections, with or without a decrease "
        "in white blood cell counts.",
        "Wash your hands often, especially before eating and after using the bathroom. Call "
        "your care team if your temperature is 38°C (100.4°F) or higher.",
    ),
    "red-blood-cells": (
        "Your red blood cells are responsible for carrying oxygen to the tissues in your "
        "body. When the red cell count is low, you may feel tired or weak. You should let "
        "your oncology care team know if you experience any shortness of breath, difficulty "
        "breathing, or pain in your chest. If the count gets too low, you may receive a "
        "blood transfusion.",
        "A low red blood cell count (anemia) can make you feel tired, dizzy or short of "
        "breath. Tell your care team if these symptoms last longer than 24 hours.",
    ),
    "platelets": (
        "Platelets help your blood clot, so when the count is low you are at a higher risk "
        "of bleeding. Let your oncology care team know if you have any excess bruising or "
        "bleeding, including nose bleeds, bleeding gums, or blood in your urine or stool. If "
        "the platelet count becomes too low, you may receive a transfusion of platelets.",
        "Use a soft toothbrush and an electric razor while your platelet count is low. Call "
        "your care team about bleeding that does not stop after 10 minutes of pressure.",
    ),
    "pain": (
        "Your healthcare provider can recommend medications and other strategies to help "
        "relieve pain.",
        "Tell your care team about any new pain. Do not take more than 4 g of acetaminophen "
        "in 24 hours unless your provider tells you to.",
    ),
    "pregnancy": (
        "Exposure of an unborn child to this medication could cause birth defects, so you "
        "should not become pregnant or father a child while on this medication. Effective "
        "birth control is necessary during treatment and for 48 hours after your last dose "
        "finishes. You should not breastfeed while receiving this medication and for 48 "
        "hours after your last dose.",
    ),
    "allergic-reaction": (
        "In some cases, patients can have an allergic reaction to this medication. Signs of "
        "a reaction can include shortness of breath or difficulty breathing, chest pain, "
        "rash, flushing or itching, or a decrease in blood pressure. If you notice any "
        "changes in how you feel during the infusion, let your nurse know immediately.",
    ),
    "precautions": (
        "While receiving this medication, you should not drive, operate heavy machinery or "
        "do any dangerous activities. You also should not receive certain vaccines while "
        "taking this medication. Ask your care provider which vaccines are safe for you.",
    ),
    "side-effects": (
        "There are a number of things you can do to manage the side effects of this "
        "medication. Talk to your care team about these recommendations. They can help you "
        "decide what will work best for you. These are some of the most common or important "
        "side effects:",
    ),
}
_SHARED_ITEMS = (
    "Wash your hands often with soap and water for at least 20 seconds.",
    "Avoid people who are sick, and large crowds.",
    "Check your temperature if you feel warm or unwell; call at 38°C (100.4°F) or higher.",
    "Do not eat raw or undercooked meat, fish or eggs.",
    "Keep cuts and scrapes clean and covered.",
)
_SLOTS = [section for section, _, _, blocks in _SECTIONS for block in blocks if block != "list"]
# a slot with a pool draws from it this often, so that SHARED_SHARE of all paragraphs are shared
_POOLED_CHANCE = SHARED_SHARE * len(_SLOTS) / sum(section in _SHARED for section in _SLOTS)
DISCLAIMER = (
    "This handout is designed for educational purposes only and is not engaged in rendering "
    "medical advice or professional services. It is not a substitute for professional care. "
    "If you have questions about the medication that you have been prescribed, you should "
    "consult your health care provider."
)
ATTRIBUTION = "Information Provided By: the bench corpus | © 2025 Synthetic Hospital Network"


def drug_names(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct invented drug names (``Taverimab``)."""
    names: dict[str, None] = {}
    while len(names) < count:
        stem = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3)))
        names[(stem + rng.choice(_SUFFIXES)).capitalize()] = None
    return list(names)


def unique_paragraph(rng: random.Random, drug: str, sentences: int) -> str:
    """A paragraph only this drug's monograph has: its name, numbers with units."""
    picks = rng.sample(_SENTENCES, sentences)
    values = {
        "Drug": drug,
        "drug": drug,
        "symptom": rng.choice(_SYMPTOMS),
        "lab": rng.choice(_LABS),
        "drink": rng.choice(_DRINKS),
        "pct": rng.randint(2, 60),
        "n": rng.randint(2, 30),
        "t": rng.choice((37.5, 38, 38.3, 25, 30)),
        "h": rng.choice((1, 2, 4, 6, 12, 24, 48, 72)),
        "mg": rng.choice((5, 10, 25, 50, 100, 250, 400)),
        "ml": rng.choice((100, 200, 250)),
        "d": rng.randint(2, 21),
        "w": rng.randint(2, 12),
        "m": rng.choice((30, 60, 90, 120)),
    }
    return " ".join(sentence.format(**values) for sentence in picks)


def _quote(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


_SYLLABLE = re.compile(r"[^aeiou]*[aeiou]+(?:[^aeiou]+$)?")


def monograph_yaml(rng: random.Random, drug: str) -> str:
    """One monograph file, every translatable text on its own line."""
    lines = [
        f"id: {drug.lower()}",
        f"title: {drug}",
        f"pronunciation: {'-'.join(_SYLLABLE.findall(drug.lower()))}",
        f"classification: {_quote(rng.choice(_CLASSES))}",
        f"reviewed: 2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "",
        "sections:",
    ]
    for section_id, heading, level, blocks in _SECTIONS:
        lines.append(f"  - id: {section_id}")
        if heading:
            lines += [
                f"    heading: {_quote(heading.format(drug=drug.lower()))}",
                "    editorial: true",
            ]
        if level != 2:
            lines.append(f"    level: {level}")
        lines.append("    blocks:")
        for block in blocks:
            kind = block.rstrip("!")
            if kind == "list":
                items = [
                    rng.choice(_SHARED_ITEMS)
                    if rng.random() < SHARED_SHARE
                    else unique_paragraph(rng, drug, 1)
                    for _ in range(rng.randint(3, 5))
                ]
                lines += [
                    '      - list: "Tips to prevent infection:"',
                    "        safety: true",
                    "        items:",
                ]
                lines += [f"          - {_quote(item)}" for item in dict.fromkeys(items)]
                continue
            pool = _SHARED.get(section_id)
            text = (
                rng.choice(pool)
                if pool and rng.random() < _POOLED_CHANCE
                else unique_paragraph(rng, drug, rng.randint(2, 4))
            )
            lines.append(f"      - {kind}: {_quote(text)}")
            if block.endswith("!"):
                lines.append("        safety: true")
    lines += [f"disclaimer: {_quote(DISCLAIMER)}", f"attribution: {_quote(ATTRIBUTION)}", ""]
    return "\n".join(lines)


def glossary_yaml(repo_glossary: Path | None, drugs: list[str]) -> str:
    """The repository's glossary (when it has one) plus one do-not-translate term per drug."""
    text = (
        repo_glossary.read_text(encoding="utf-8").rstrip() + "\n"
        if repo_glossary and repo_glossary.is_file()
        else "terms:\n"
    )
    return text + "".join(f"  - term: {drug}\n    translate: false\n" for drug in drugs)


def policy_yaml(locales: list[str]) -> str:
    """A CI policy listing the bench locales, none of them required, complete translations
    published (as the shipped demonstration catalogs)."""
    return "locales:\n" + "".join(
        f"  {locale}:\n    required: false\n    publish: translated\n" for locale in locales
    )


def generate_sources(
    root: Path, count: int, locales: list[str], seed: int, repo: Path
) -> list[str]:
    """Write the monographs, glossary and policy under ``root``; return the drug names."""
    rng = random.Random(seed)
    drugs = drug_names(rng, count)
    folder = root / "source" / "monographs"
    folder.mkdir(parents=True)
    for drug in drugs:
        (folder / f"{drug.lower()}.yaml").write_text(monograph_yaml(rng, drug), encoding="utf-8")
    (root / "source" / "glossary.yaml").write_text(
        glossary_yaml(repo / "source" / "glossary.yaml", drugs), encoding="utf-8"
    )
    (root / "handouts.yaml").write_text(policy_yaml(locales), encoding="utf-8")
    (root / "locales").mkdir()
    return drugs


# --- pseudo-translation ---------------------------------------------------------------

# unit words a pseudo-translation keeps: every form the English source reader knows
_UNIT_WORDS = {form.lower() for form in ENGLISH.units if " " not in form}
# quantity words it writes as every locale reads them ("once" is eleven in Spanish)
_QUANTITY_WORDS = {"once": "1 times", "twice": "2 times"}
_TOKEN = re.compile(r"%\(\w+\)[a-z]|°[CF]|\w+")
_SCRIPTS = {  # locale -> (first code point, alphabet size) of the letters used
    "ru": (0x0430, 32),
    "uk": (0x0430, 32),
    "el": (0x03B1, 24),
    "ar": (0x0628, 20),
    "fa": (0x0628, 20),
    "he": (0x05D0, 27),
    "hi": (0x0915, 36),
    "th": (0x0E01, 46),
    "ko": (0xAC00, 2000),
    "zh_CN": (0x4E00, 6000),
    "ja": (0x3041, 80),
}
_WIDE = re.compile(r"(?<=[\u3040-\u30ff\u4e00-\u9fff]) (?=[\u3040-\u30ff\u4e00-\u9fff])")
_VOWELS = "aeiou"


def pseudo_word(word: str, locale: str) -> str:
    """A stand-in translation of one word, deterministic per locale."""
    if locale in _SCRIPTS:
        start, size = _SCRIPTS[locale]
        seed = zlib.crc32(f"{locale}:{word.lower()}".encode())
        length = 1 + seed % 2 if locale in ("zh_CN", "ja", "ko") else len(word)
        return "".join(
            chr(start + (seed >> (3 * i) ^ ord(c)) % size)
            for i, c in zip(range(length), word * 2, strict=False)
        )
    shift = LOCALES.index(locale) % 4 + 1 if locale in LOCALES else 1
    flipped = "".join(
        _VOWELS[(_VOWELS.index(c) + shift) % 5] if c in _VOWELS else c for c in word.lower()[::-1]
    )
    if locale == "vi":
        flipped = flipped.translate(str.maketrans("aeou", "ăêơư"))
    return flipped.capitalize() if word[:1].isupper() else flipped


_PATTERNS: dict[tuple[str, ...], re.Pattern[str]] = {}


def _glossary_spans(text: str, locale: str, glossary: Glossary) -> list[tuple[int, int, str]]:
    """(start, end, wording) of each glossary term in ``text``: the locale's approved
    form, else the term itself when it is not to be translated."""
    spans = []
    for term in glossary.terms_in(text):
        rule = term.rule(locale)
        if term.translate and not rule.approved:
            continue
        phrases = (term.term, *term.variants)
        if phrases not in _PATTERNS:
            _PATTERNS[phrases] = phrase_pattern(phrases)
        spans += [
            (match.start(), match.end(), rule.approved[0] if rule.approved else match.group(0))
            for match in _PATTERNS[phrases].finditer(text)
        ]
    return sorted(spans)


def pseudo_translate(
    text: str, locale: str, keep: set[str], glossary: Glossary | None = None
) -> str:
    """Translate the words of ``text``; keep numbers (and names with digits), units,
    placeholders, ``keep`` and glossary terms (in their approved local form)."""

    def word(match: re.Match[str]) -> str:
        token = match.group(0)
        if (
            token.startswith("%(")
            or token.lower() in keep
            or token.lower() in _UNIT_WORDS
            or any(char.isdigit() for char in token)
        ):
            return token
        if token.lower() in _QUANTITY_WORDS:
            return _QUANTITY_WORDS[token.lower()]
        return pseudo_word(token, locale)

    parts, done = [], 0
    for start, end, wording in _glossary_spans(text, locale, glossary) if glossary else []:
        if start >= done:
            parts += [_TOKEN.sub(word, text[done:start]), wording]
            done = end
    translated = "".join([*parts, _TOKEN.sub(word, text[done:])])
    return _WIDE.sub("", translated) if locale in ("zh_CN", "ja") else translated


def translate_message(
    message: Message, locale: str, keep: set[str], glossary: Glossary | None = None
) -> Message:
    if message.msgid_plural is None:
        return replace(
            message, msgstr=pseudo_translate(message.msgid, locale, keep, glossary), fuzzy=False
        )
    forms = tuple(
        pseudo_translate(
            message.msgid if index == 0 else message.msgid_plural, locale, keep, glossary
        )
        for index in range(len(message.msgstr_plural))
    )
    return replace(message, msgstr_plural=forms, fuzzy=False)


def fill_catalog(root: Path, locale: str, keep: set[str]) -> None:
    """Translate every entry of ``locale``'s catalog (generation: not timed)."""
    catalog = load_catalog(root, locale)
    glossary = load_glossary(root)
    messages = [translate_message(m, locale, keep, glossary) for m in catalog.messages]
    write_atomic(
        catalog_path(root, locale), render_catalog(catalog.header_comment, catalog.header, messages)
    )


# --- edits between stages ---------------------------------------------------------------

_PARAGRAPH_LINE = re.compile(r'^(\s+- (?:paragraph|callout): )(".*")$')
_NUMBER = re.compile(r"\d+")


def edit_text(text: str) -> str:
    """A small clinical edit: the first number changes (or a sentence is added)."""
    match = _NUMBER.search(text)
    if match is None:
        return text + " Ask your care team."
    return f"{text[: match.start()]}{int(match.group(0)) + 1}{text[match.end() :]}"


def edit_paragraphs(root: Path, share: float, seed: int) -> int:
    """Edit ``share`` of all paragraphs and callouts in place (line numbers unchanged)."""
    files = sorted((root / "source" / "monographs").glob("*.yaml"))
    places = [
        (path, index)
        for path in files
        for index, line in enumerate(path.read_text(encoding="utf-8").split("\n"))
        if _PARAGRAPH_LINE.match(line)
    ]
    chosen = random.Random(seed).sample(places, max(1, round(share * len(places))))
    by_file: dict[Path, list[int]] = {}
    for path, index in chosen:
        by_file.setdefault(path, []).append(index)
    for path, indexes in by_file.items():
        lines = path.read_text(encoding="utf-8").split("\n")
        for index in indexes:
            match = _PARAGRAPH_LINE.match(lines[index])
            assert match is not None
            lines[index] = match.group(1) + _quote(edit_text(json.loads(match.group(2))))
        path.write_text("\n".join(lines), encoding="utf-8")
    return len(chosen)


def edit_review_date(root: Path, drug: str) -> None:
    """Change one monograph's review date: its handouts change, no msgid does."""
    path = root / "source" / "monographs" / f"{drug.lower()}.yaml"
    text = re.sub(
        r"^reviewed: .*$",
        "reviewed: 2026-01-15",
        path.read_text(encoding="utf-8"),
        count=1,
        flags=re.MULTILINE,
    )
    path.write_text(text, encoding="utf-8")


def edit_one_msgstr(root: Path, locale: str, drug: str) -> None:
    """Change the translation of one paragraph only ``drug`` uses, in one catalog."""
    catalog = load_catalog(root, locale)
    reference = f"source/monographs/{drug.lower()}.yaml:"
    messages = list(catalog.messages)
    for index, message in enumerate(messages):
        if (
            len(message.references) == 1
            and message.references[0].startswith(reference)
            and message.msgid.count(" ") > 10
        ):
            messages[index] = replace(message, msgstr=message.msgstr + " (revisado)")
            break
    write_atomic(
        catalog_path(root, locale), render_catalog(catalog.header_comment, catalog.header, messages)
    )
