"""The public corpus of quantity cases (tests/corpus/quantities/*.yaml), judged the way the
gate judges them (three states, pipeline/checks/numbers.py): every dangerous translation
gets a finding (``numbers-units`` or ``numbers-unread``); no correct one gets
``numbers-units``; ``numbers-unread`` falls on at most 3% of the correct ones in the
original locales and at most 10% in the locales marked ``status: new``."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from pipeline.checks.numbers import verdict
from pipeline.checks.periods import period_problems

CORPUS = Path(__file__).parent / "corpus" / "quantities"
UNREAD_BUDGET = {"original": 0.03, "new": 0.10}


def cases() -> list[tuple[str, str, dict]]:
    found = []
    for path in sorted(CORPUS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        group = "new" if data.get("status") == "new" else "original"
        found += [(data["locale"], group, case) for case in data["cases"]]
    return found


CASES = cases()


def judged(locale: str, case: dict) -> tuple[list[str], list[str]]:
    """The contradictions (numbers-units: quantities and periods) and the unread."""
    found = verdict(case["source"], case["translation"], locale)
    periods = period_problems(case["source"], case["translation"], locale) \
        if case["source"] != case["translation"] else []
    return [*found.contradicted, *periods], list(found.unread)


def case_id(item: tuple[str, str, dict]) -> str:
    locale, _, case = item
    return f"{locale}:{case['verdict']}:{case['translation'][:40]}"


@pytest.mark.parametrize("item", CASES, ids=[case_id(c) for c in CASES])
def test_corpus_case(item):
    locale, _, case = item
    contradicted, unread = judged(locale, case)
    if case["verdict"] == "correct":
        assert contradicted == [], f"correct translation contradicted ({case['note']}): " \
                                   f"{contradicted}"
    else:
        assert contradicted or unread, f"dangerous translation passed: {case['note']}"


@pytest.mark.parametrize("group", sorted(UNREAD_BUDGET))
def test_unread_stays_within_its_budget_on_correct_translations(group):
    correct = [(locale, case) for locale, g, case in CASES
               if g == group and case["verdict"] == "correct"]
    unread = [(locale, case["translation"]) for locale, case in correct
              if judged(locale, case)[1]]
    share = len(unread) / len(correct)
    assert share <= UNREAD_BUDGET[group], (f"{len(unread)}/{len(correct)} unread", unread)


def test_the_corpus_is_large_and_wide_and_every_case_has_a_note():
    per_locale = Counter(locale for locale, _, _ in CASES)
    verdicts = Counter(case["verdict"] for _, _, case in CASES)
    assert len(CASES) >= 300 and len(per_locale) >= 15, per_locale
    assert set(verdicts) == {"correct", "dangerous"} and min(verdicts.values()) >= 120
    assert all(case.get("note") for _, _, case in CASES)
    required = {"es", "zh_CN", "vi", "ar", "fr", "de", "pt_BR", "ru", "ja", "ko", "hi", "fa",
                "tl", "ht"}
    assert required <= set(per_locale)
