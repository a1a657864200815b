"""The public corpus of quantity cases (tests/corpus/quantities/*.yaml): every correct
translation passes the quantity checks (numbers-units and numbers-unread: the quantities
and the periods written in words), every dangerous one is caught by one of them."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from pipeline.checks.numbers import compare
from pipeline.checks.periods import period_problems

CORPUS = Path(__file__).parent / "corpus" / "quantities"


def cases() -> list[tuple[str, dict]]:
    found = []
    for path in sorted(CORPUS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        found += [(data["locale"], case) for case in data["cases"]]
    return found


CASES = cases()


def case_id(item: tuple[str, dict]) -> str:
    locale, case = item
    return f"{locale}:{case['verdict']}:{case['translation'][:40]}"


@pytest.mark.parametrize("item", CASES, ids=[case_id(c) for c in CASES])
def test_corpus_case(item):
    locale, case = item
    problems = compare(case["source"], case["translation"], locale) + period_problems(
        case["source"], case["translation"], locale)
    if case["verdict"] == "correct":
        assert problems == [], f"correct translation flagged ({case['note']}): {problems}"
    else:
        assert problems, f"dangerous translation passed: {case['note']}"


def test_the_corpus_is_large_and_wide_and_every_case_has_a_note():
    per_locale = Counter(locale for locale, _ in CASES)
    verdicts = Counter(case["verdict"] for _, case in CASES)
    assert len(CASES) >= 300 and len(per_locale) >= 15, per_locale
    assert set(verdicts) == {"correct", "dangerous"} and min(verdicts.values()) >= 120
    assert all(case.get("note") for _, case in CASES)
    required = {"es", "zh_CN", "vi", "ar", "fr", "de", "pt_BR", "ru", "ja", "ko", "hi", "fa",
                "tl", "ht"}
    assert required <= set(per_locale)
