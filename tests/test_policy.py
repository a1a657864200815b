"""handouts.yaml: the CI policy, its defaults, and errors naming file:line."""

from __future__ import annotations

import pytest

from pipeline.checks.policy import load_policy
from pipeline.cli import main
from pipeline.errors import HandoutError
from tests.projects import REPO, copy_project


def write(tmp_path, text: str):
    (tmp_path / "handouts.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_the_shipped_policy_requires_es_zh_cn_vi_in_full_and_not_ar():
    policy = load_policy(REPO)
    for locale in ("es", "zh_CN", "vi"):
        assert policy.get(locale).required and policy.get(locale).min_coverage == 100
    assert not policy.get("ar").required


def test_defaults_100_percent_for_required_and_0_otherwise(tmp_path):
    policy = load_policy(
        write(tmp_path, "locales:\n  es: {required: true}\n  fr:\n  de: {min_coverage: 50}\n")
    )
    assert (policy.get("es").required, policy.get("es").min_coverage) == (True, 100)
    assert (policy.get("fr").required, policy.get("fr").min_coverage) == (False, 0)
    assert policy.get("de").min_coverage == 50
    assert not policy.get("pt").required  # not in the file: reported, not required


def test_no_policy_file_requires_nothing(tmp_path):
    assert load_policy(tmp_path).locales == {}


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("locales:\n  es:\n    required: yes please\n", 3, "true or false"),
        ("locales:\n  es:\n    min_coverage: 120\n", 3, "percentage from 0 to 100"),
        ("locales:\n  es:\n    minimum: 90\n", 3, "unknown key 'minimum'"),
        ("locales:\n  es: {}\n  es: {}\n", 3, "appears twice"),
        ("locale:\n  es: {}\n", 1, "unknown key 'locale'"),
        ("locales:\n  klingon: {}\n", 2, "not a gettext locale code"),
        ("locales: [es]\n", 1, "must be a mapping"),
        ("locales:\n  es: {required: true\n", 3, "invalid YAML"),
        ("locales: {}\nbase_url: ftp://example.org/\n", 2, "absolute http:// or https://"),
        ("locales: {}\nbase_url: https://example.org/?a=1\n", 2, "without query"),
        ("locales: {}\nbase_url: [https://example.org/]\n", 2, "absolute http"),
        ("locales: {}\npdf:\n  paper: legal\n", 3, "'paper' must be one of letter, a4"),
        ("locales: {}\npdf:\n  paper: [a4, a4]\n", 3, "'paper' must be one of"),
        ("locales: {}\npdf:\n  size: a4\n", 3, "unknown key 'size' in 'pdf'"),
    ],
)
def test_an_invalid_policy_names_file_and_line(tmp_path, text, line, words):
    with pytest.raises(HandoutError) as error:
        load_policy(write(tmp_path, text))
    assert f"handouts.yaml:{line}" in str(error.value) and words in str(error.value)


def test_an_invalid_policy_makes_check_exit_2(tmp_path, capsys):
    project = copy_project(tmp_path / "project")
    write(project, "locales:\n  es:\n    required: maybe\n")
    assert main(["-C", str(project), "check"]) == 2
    assert "handouts.yaml:3:" in capsys.readouterr().err


def test_a_lower_threshold_lets_a_partial_required_locale_pass(tmp_path, capsys):
    project = copy_project(tmp_path / "project")
    write(project, "locales:\n  ar: {required: true, min_coverage: 50, publish: translated}\n")
    assert main(["-C", str(project), "check", "--locale", "ar"]) == 0
    write(project, "locales:\n  ar: {required: true, publish: translated}\n")
    assert main(["-C", str(project), "check", "--locale", "ar"]) == 1
    assert "below the minimum 100%" in capsys.readouterr().out


def test_base_url_and_paper_sizes(tmp_path):
    policy = load_policy(
        write(
            tmp_path, "locales: {}\nbase_url: https://example.org/h\npdf:\n  paper: [A4, letter]\n"
        )
    )
    assert policy.base_url == "https://example.org/h/" and policy.papers == ("a4", "letter")
    assert load_policy(write(tmp_path, "locales: {}\n")).papers == ("letter",)
    assert load_policy(write(tmp_path, "locales: {}\n")).base_url is None
