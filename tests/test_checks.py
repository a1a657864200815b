"""Every quality check, passing and failing, through translate-toolkit-style helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.catalogs.pofile import Catalog
from pipeline.checks.registry import EntryContext, Group, registry_of
from pipeline.checks.rules import REGISTRY, blocked_keys, catalog_findings
from pipeline.checks.ruleset.length import ratio_band
from pipeline.model import Message
from pipeline.source.glossary import Glossary, LocaleRule, Term

GLOSSARY = Glossary(
    (
        Term(
            "blinatumomab",
            locales={
                "zh_CN": LocaleRule(("贝林妥欧单抗",), ("博纳吐单抗",)),
                "ar": LocaleRule(("بليناتوموماب",)),
            },
        ),
        Term("dexamethasone", locales={"es": LocaleRule(("dexametasona",))}),
        Term("CRS", locales={"es": LocaleRule(forbidden=("SLC",))}),
        Term(
            "T cells",
            translate=True,
            variants=("T-cells",),
            locales={"es": LocaleRule(("células T",))},
        ),
    )
)
FEVER = "You have a fever (temperature greater than 100.4°F or 38°C) or a cough."
LONG = "Talk to your care team about these recommendations today."


def problems(
    check_id: str, source: str, translation: str, locale: str = "es", flags: tuple[str, ...] = ()
) -> list[str]:
    message = Message(msgid=source, msgstr=translation, flags=flags, line=7)
    entry = EntryContext(locale, message, source, translation, False, GLOSSARY)
    return list(REGISTRY[check_id].function(entry))


def passes(check_id: str, source: str, translation: str, locale: str = "es", **kw) -> None:
    assert problems(check_id, source, translation, locale, **kw) == []


def fails(check_id: str, source: str, translation: str, locale: str = "es", **kw) -> str:
    found = problems(check_id, source, translation, locale, **kw)
    assert found, f"{check_id} should fail on {translation!r}"
    return " ".join(found)


def test_every_check_has_an_id_a_severity_and_a_title():
    assert set(REGISTRY) == {
        "markup",
        "dangerous-characters",
        "placeholders",
        "numbers-units",
        "numbers-unread",
        "glossary",
        "length-limit",
        "safety-length",
        "dose-designation",
        "whitespace",
        "untranslated-copy",
        "doubled-word",
        "length-ratio",
        "inconsistent",
        "allow-flag",
        "plural-forms",
        "review-mark",
        "revision-date",
    }
    for item in REGISTRY.values():
        assert item.severity in ("error", "warning") and item.title and item.title[0].isupper()


def test_registering_an_id_twice_is_refused():
    again = Group()
    again.check("markup", "error")(lambda entry: [])
    with pytest.raises(ValueError, match="registered twice"):
        registry_of(again, again)


def test_the_registry_keeps_the_order_the_reports_list_the_checks_in():
    """The JSON report, the JUnit cases and the allow-flag message list the checks in
    this order, whatever module was imported first."""
    assert list(REGISTRY) == [
        "markup",
        "dangerous-characters",
        "placeholders",
        "numbers-units",
        "numbers-unread",
        "dose-designation",
        "glossary",
        "whitespace",
        "untranslated-copy",
        "doubled-word",
        "length-limit",
        "safety-length",
        "length-ratio",
        "review-mark",
        "allow-flag",
        "inconsistent",
        "plural-forms",
        "revision-date",
    ]


# --- numbers-units (error) ---


def test_numbers_spanish_decimal_comma_and_point_pass():
    passes("numbers-units", FEVER, "Tiene fiebre (temperatura mayor de 100,4 °F o 38 °C) o tos.")
    passes("numbers-units", FEVER, "Tiene fiebre (temperatura mayor de 100.4 °F o 38 °C) o tos.")


def test_numbers_arabic_indic_digits_pass_in_arabic():
    passes("numbers-units", FEVER, "لديك حمى (درجة حرارة أعلى من ١٠٠٫٤ °ف أو ٣٨ °م) أو سعال.", "ar")


def test_numbers_chinese_units_glued_to_the_number_pass():
    passes("numbers-units", "over 24 hours a day", "每天输注24小时", "zh_CN")


@pytest.mark.parametrize(
    ("translation", "check_id", "words"),
    [
        ("Tiene fiebre (mayor de 100,4 °F o 37 °C) o tos.", "numbers-units", "the number changed"),
        (
            "Tiene fiebre (mayor de 100,4 °C o 38 °F) o tos.",
            "numbers-units",
            "unit °F changed to unit °C",
        ),
        # nothing in the translation reads as 38 °C: unread, a reviewer must confirm
        ("Tiene fiebre (mayor de 100,4 °F) o tos.", "numbers-unread", "no reading of it"),
    ],
)
def test_numbers_changed_swapped_or_dropped_fail(translation, check_id, words):
    assert words in fails(check_id, FEVER, translation)


def test_numbers_mg_to_g_fails():
    assert "mg changed to unit g" in fails("numbers-units", "Take 5 mg.", "Tome 5 g.")


def test_numbers_ignore_placeholders_and_keep_protected_names():
    passes("numbers-units", "%(num)d texts", "%(num)d textos", flags=("python-format",))
    assert "CD19" in fails("numbers-units", "the CD19 protein", "la proteína CD 19")


# --- glossary (error) ---


def test_glossary_verbatim_or_approved_local_form_passes():
    passes("glossary", "Blinatumomab is given", "Blinatumomab se administra")
    passes("glossary", "Blinatumomab is given", "贝林妥欧单抗的给药方式", "zh_CN")
    passes("glossary", "a steroid (dexamethasone)", "un esteroide (dexametasona)")
    passes("glossary", "release by T-cells", "liberación por células T")


def test_glossary_dropping_a_drug_name_fails():
    message = fails("glossary", "Blinatumomab is given", "El medicamento se administra")
    assert "'blinatumomab'" in message


def test_glossary_forbidden_wording_fails_even_when_an_approved_one_is_there():
    assert "not allowed" in fails(
        "glossary", "Cytokine release syndrome (CRS)", "Síndrome (CRS), también SLC"
    )
    assert "not allowed" in fails("glossary", "Blinatumomab", "贝林妥欧单抗（博纳吐单抗）", "zh_CN")


def test_glossary_matches_whole_words_only():
    assert "T cells" in fails("glossary", "T cells", "célulasT")


# --- markup (error) ---


def test_markup_strong_used_as_in_the_source_passes():
    passes("markup", "Call **right away**.", "Llame **de inmediato**.")


@pytest.mark.parametrize(
    "translation",
    [
        "Llame <script>alert(1)</script> de inmediato.",
        "Llame <a href='javascript:alert(1)'>aquí</a>.",
        "Llame de inmediato.",  # emphasis dropped
        "Llame **de inmediato.",  # unbalanced
        '<img src=x onerror="alert(1)">',
    ],
)
def test_markup_raw_html_scripts_and_changed_emphasis_fail(translation):
    fails("markup", "Call **right away**.", translation)


# --- dangerous-characters (error) ---


def test_dangerous_characters_ordinary_text_passes():
    passes("dangerous-characters", LONG, "Hable con su equipo de atención sobre esto hoy.")
    passes("dangerous-characters", "cell", "می\u200cشود", "fa")  # ZWNJ is Persian spelling
    passes("dangerous-characters", "38°C", "\u200f38°C\u200f", "ar")  # RLM fixes RTL order


@pytest.mark.parametrize("locale", ["th", "km", "lo", "my", "bo", "dz", "th_TH", "my_MM"])
def test_the_zero_width_space_passes_where_the_script_separates_words_with_it(locale):
    passes("dangerous-characters", "Pain medicine", "ยา\u200bแก้ปวด", locale)


@pytest.mark.parametrize("locale", ["es", "zh_CN", "ja", "vi", "ar", "hi"])
def test_the_zero_width_space_fails_elsewhere(locale):
    assert "U+200B" in fails("dangerous-characters", "Pain medicine", "ab\u200bcd", locale)


@pytest.mark.parametrize(
    "char", ["\u2028", "\u2029", "\u034f", "\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"]
)
def test_separators_and_invisible_fillers_fail_unless_the_source_has_them(char):
    assert f"U+{ord(char):04X}" in fails("dangerous-characters", LONG, f"Hable{char} hoy.", "ko")
    passes("dangerous-characters", f"Talk{char} today.", f"Hable{char} hoy.", "ko")


def test_dangerous_characters_direction_marks_are_refused_outside_rtl_text():
    assert "U+200F" in fails("dangerous-characters", "38°C", "\u200f38°C", "es")
    assert "U+202E" in fails("dangerous-characters", "38°C", "\u202e38°C", "ar")


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\u200b", "\u0007", "\ufeff"])
def test_dangerous_characters_fail(char):
    assert f"U+{ord(char):04X}" in fails("dangerous-characters", LONG, f"Hable{char} hoy.")


# --- placeholders (error) ---


def test_placeholders_kept_pass():
    passes(
        "placeholders",
        "Last reviewed: %(date)s",
        "Última revisión: %(date)s",
        flags=("python-format",),
    )


def test_placeholders_missing_renamed_or_added_fail():
    assert "missing" in fails(
        "placeholders", "Last reviewed: %(date)s", "Última revisión", flags=("python-format",)
    )
    assert "%(fecha)s" in fails(
        "placeholders",
        "Last reviewed: %(date)s",
        "Última revisión: %(fecha)s",
        flags=("python-format",),
    )
    fails("placeholders", "Pain", "Dolor %(x)s")


# --- whitespace (warning) ---


def test_whitespace_as_in_the_source_passes():
    passes("whitespace", "Pain", "Dolor")
    passes("whitespace", "Line one\nline two", "Línea uno\nlínea dos")


def test_whitespace_differences_fail():
    assert "ends with whitespace" in fails("whitespace", "Pain", "Dolor ")
    assert "starts with whitespace" in fails("whitespace", "Pain", " Dolor")
    assert "line break" in fails("whitespace", "Pain and fever", "Dolor\ny fiebre")


# --- untranslated-copy (warning) ---


def test_untranslated_copy_short_or_glossary_only_texts_pass():
    passes("untranslated-copy", "Blinatumomab", "Blinatumomab")
    passes("untranslated-copy", "© 2025 Trustees of OncoLink", "© 2025 Trustees of OncoLink")
    passes("untranslated-copy", LONG, "Hable con su equipo de atención hoy.")


def test_untranslated_copy_of_a_long_text_fails():
    assert "identical" in fails("untranslated-copy", LONG, LONG)


# --- doubled-word (warning) ---


def test_doubled_word_passes_when_not_doubled_or_doubled_in_the_source():
    passes("doubled-word", LONG, "Hable con su equipo hoy.")
    passes("doubled-word", "that that is", "eso eso es")


def test_doubled_word_fails():
    assert "'la'" in fails("doubled-word", LONG, "Hable con la la enfermera.")


# --- length-ratio (warning) ---


def test_length_ratio_within_the_language_norm_passes():
    passes("length-ratio", LONG, "Hable con su equipo de atención sobre estas recomendaciones hoy.")
    passes("length-ratio", LONG, "今天请与您的医疗团队讨论这些建议。", "zh_CN")


def test_length_ratio_far_outside_the_norm_fails():
    assert "too short" in fails("length-ratio", LONG, "Hable.")
    assert "too long" in fails("length-ratio", LONG, LONG * 3)
    assert ratio_band("zh_CN")[1] <= ratio_band("es")[0]  # Chinese is much shorter


# --- allow-flag (warning) ---


def test_allow_flag_naming_a_warning_passes():
    passes("allow-flag", "Pain", "Dolor", flags=("handouts-allow-doubled-word", "no-wrap"))


def test_allow_flag_with_a_typo_or_naming_an_error_fails():
    assert "names no check" in fails(
        "allow-flag", "Pain", "Dolor", flags=("handouts-allow-doubleword",)
    )
    assert "cannot be silenced" in fails(
        "allow-flag", "Pain", "Dolor", flags=("handouts-allow-glossary",)
    )
    assert "cannot be silenced" in fails(
        "allow-flag", "Pain", "Dolor", flags=("handouts-allow-allow-flag",)
    )


def test_the_allow_flag_check_reports_even_with_its_own_flag_on_the_entry():
    found = catalog_findings(
        "es",
        catalog(
            Message(
                "Pain", "Dolor", flags=("handouts-allow-allow-flag", "handouts-allow-typo"), line=4
            )
        ),
        GLOSSARY,
        set(),
    )
    assert [f.check for f in found] == ["allow-flag", "allow-flag"]


# --- inconsistent (warning, catalog-level) ---


def catalog(*messages: Message) -> Catalog:
    return Catalog("locales/es/LC_MESSAGES/handouts.po", "es", {}, (), messages)


def test_inconsistent_translations_of_the_same_source_are_reported():
    found = catalog_findings(
        "es",
        catalog(
            Message("Pain", "Dolor", line=10),
            Message("Pain.", "Dolores.", line=20),
            Message("Fever", "Fiebre", line=30),
            Message("Fever:", "fiebre:", line=40),
        ),
        GLOSSARY,
        set(),
    )
    assert [(f.check, f.where.line) for f in found] == [("inconsistent", 20)]
    assert "line 10" in found[0].message


# --- running: where, silencing, blocking ---


def test_findings_name_the_catalog_and_entry_line():
    found = catalog_findings(
        "es", catalog(Message(FEVER, "Fiebre de 101 °F.", line=42)), GLOSSARY, set()
    )
    assert {str(f.where) for f in found} == {"locales/es/LC_MESSAGES/handouts.po:42"}


def test_a_flag_silences_a_warning_on_one_entry_but_never_an_error():
    flagged = ("handouts-allow-doubled-word", "handouts-allow-numbers-units")
    found = catalog_findings(
        "es",
        catalog(
            Message(
                LONG,
                "Hable con la la enfermera sobre estas recomendaciones 5 veces.",
                flags=flagged,
                line=3,
            ),
            Message(
                "Talk to your nurse about these recommendations today.",
                "Hable con la la enfermera sobre estas recomendaciones hoy.",
                line=9,
            ),
        ),
        GLOSSARY,
        set(),
    )
    assert [(f.check, f.where.line) for f in found] == [
        ("numbers-units", 3),
        ("allow-flag", 3),
        ("doubled-word", 9),
    ]


def test_untranslated_and_fuzzy_entries_are_not_checked():
    found = catalog_findings(
        "es",
        catalog(Message(FEVER, "", line=1), Message(FEVER + "!", "<script>", fuzzy=True, line=5)),
        GLOSSARY,
        set(),
    )
    assert found == []


def test_plural_forms_are_checked_against_singular_and_plural_sources():
    message = Message(
        "%(num)d text",
        msgid_plural="%(num)d texts",
        line=8,
        msgstr_plural=("%(num)d texto", "%(n)d textos"),
        flags=("python-format",),
    )
    found = catalog_findings("es", catalog(message), GLOSSARY, set())
    assert [f.check for f in found] == ["placeholders", "placeholders"]


def test_blocked_keys_are_the_entries_with_errors_only():
    messages = (
        Message(FEVER, "Fiebre de 101 °F.", line=1),
        Message(LONG, "Hable con la la enfermera hoy.", line=9),
        Message("Pain", "Dolor", line=20),
    )
    cat = catalog(*messages)
    assert blocked_keys(catalog_findings("es", cat, GLOSSARY, set()), cat) == {(None, FEVER)}


def test_length_limit_passes_long_but_plausible_translations():
    passes("length-limit", "Pain", "Dolor y molestias")
    passes("length-limit", "Pain " * 20, "Dolor " * 60)


def test_length_limit_fails_a_megabyte_string():
    assert "1,000,000 characters" in fails("length-limit", "Pain", "x" * 1_000_000)


def test_every_suspect_character_is_unprintable():
    """dangerous-characters skips printable texts without its regex: sound only if no
    character it looks for is printable, which holds for every code point."""
    import sys

    from pipeline.checks.ruleset.characters import _SUSPECT

    assert not [
        hex(i) for i in range(sys.maxunicode + 1) if _SUSPECT.match(chr(i)) and chr(i).isprintable()
    ]


def test_untranslated_copy_short_cuts_agree_with_its_definition():
    """The check compares first letters and word counts before normal forms: it reports
    exactly when case-folded texts with collapsed whitespace are equal (and long)."""
    import random

    from pipeline.checks.ruleset.form import _WORD, MIN_COPY_WORDS

    def normal(text: str) -> str:
        return " ".join(text.casefold().split())

    pieces = [
        "Call",
        "call",
        "CALL",
        " ",
        "  ",
        "\n",
        "ß",
        "SS",
        "ss",
        "Straße",
        "STRASSE",
        "İ",
        "i",
        "your",
        "care",
        "team",
        "today",
        "\u00a0",
        ".",
        "ﬁ",
        "fi",
    ]
    rng = random.Random(4)
    copies = 0
    for _ in range(5000):
        source = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        translation = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        if rng.random() < 0.3:  # often the same text, up to case and spacing
            translation = rng.choice(
                [source.upper(), source.casefold(), f" {source} ", source.replace(" ", "  ")]
            )
        reported = problems("untranslated-copy", source, translation)
        expected = (
            normal(source) == normal(translation)
            and len(_WORD.findall(GLOSSARY.without_terms(source))) >= MIN_COPY_WORDS
        )
        assert bool(reported) == expected, (source, translation)
        copies += expected
    assert copies > 100


def errors_only_and_the_full_runs(
    locale: str, catalog: Catalog, glossary: Glossary, safety: set, reviewers=None
) -> tuple[list, list]:
    """A catalog's findings with ``errors_only`` (a build's), and the error and confirmed
    findings of the full run (the gate's)."""
    full = catalog_findings(locale, catalog, glossary, safety, reviewers)
    wanted = [f for f in full if f.severity == "error" or f.confirmed is not None]
    assert 0 < len(wanted) < len(full), "errors to find and warnings to leave out"
    return catalog_findings(locale, catalog, glossary, safety, reviewers, errors_only=True), wanted


def corpus_catalog(path) -> Catalog:
    """Every case of a quantity corpus file as one catalog entry (correct and dangerous
    rows: errors; the same source translated many ways: warnings), and a few warnings."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    pairs = [(case["source"], case["translation"]) for case in data["cases"]]
    pairs += [("Take it with food.", "Take it  with with food."), (LONG, LONG)]
    messages = tuple(
        Message(msgid=source, msgstr=translation, msgctxt=str(line), line=line)
        for line, (source, translation) in enumerate(pairs, start=1)
    )
    return Catalog(f"{data['locale']}.po", data["locale"], {}, (), messages)


CORPUS_FILES = sorted((Path(__file__).parent / "corpus" / "quantities").glob("*.yaml"))


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.stem)
def test_a_build_checks_only_for_errors_and_finds_the_gates_errors(path):
    """The build's state reads only errors: running only the error checks finds exactly
    the full run's errors, in its order (every file of the quantity corpus as a catalog,
    every entry safety-critical, the glossary's drug names)."""
    catalog = corpus_catalog(path)
    safety = {m.key for m in catalog.messages}
    found, wanted = errors_only_and_the_full_runs(catalog.locale, catalog, GLOSSARY, safety)
    assert found == wanted


@pytest.mark.parametrize("locale", ["es", "ar", "vi", "zh_CN"])
def test_a_locale_states_entry_states_are_worked_out_once_and_alike(locale):
    """A build's locale state remembers each entry's state: the same as the coverage
    rule's, asked twice, for every key of the shipped template and catalog."""
    from pipeline.checks.coverage import state as entry_state
    from pipeline.publish.locale_state import open_locale
    from pipeline.publish.plan import load_inputs
    from tests.projects import REPO

    loaded = load_inputs(REPO, [locale], None)
    opened = open_locale(REPO, locale, loaded.glossary, loaded.safety, loaded.policy)
    assert opened.lookup is not None
    keys = [*opened.lookup, (None, "no such text")]
    for _ in range(2):
        assert [opened.state(k) for k in keys] == [
            entry_state(opened.lookup.get(k), opened.trust) for k in keys
        ]
    assert len(opened.states) == len(keys)
