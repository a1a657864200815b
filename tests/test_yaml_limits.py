"""YAML resource limits and values that used to be accepted silently, in all three YAML
files (monographs, the glossary, handouts.yaml): aliases, explicit tags, deep nesting,
size, control characters; booleans that are not booleans; monographs that are not read."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.checks.policy import load_policy
from pipeline.cli import main
from pipeline.errors import SourceError
from pipeline.source import glossary as glossary_module
from pipeline.source.glossary import load_glossary
from pipeline.source.monographs import load_monograph, stray_files
from pipeline.source.yamlfile import MAX_DEPTH, read_yaml
from tests.projects import copy_project
from tests.test_source import MINIMAL, error_of, write

LAUGHS = "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)
LAUGHS = 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' + LAUGHS


def safety(value: str) -> str:
    return MINIMAL.replace(
        "      - paragraph: Testdrug is a medicine.",
        f"      - callout: Call us.\n        safety: {value}",
    )


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("!!bool perhaps", "YAML tags such as '!!bool'"),
        ("perhaps", "true or false"),
        ('"true"', "true or false"),
        ("1", "true or false"),
        ("~", "true or false"),
        ("[true]", "true or false"),
    ],
)
def test_a_safety_flag_that_is_not_a_plain_boolean_is_refused_never_false(tmp_path, value, words):
    error = error_of(tmp_path, safety(value))
    assert error.line == 9 and words in error.message, str(error)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("true", True),
        ("yes", True),
        ("True", True),
        ("false", False),
        ("off", False),
        ("!!bool yes", True),
    ],
)
def test_plain_yaml_booleans_still_read(tmp_path, value, expected):
    """(a tag that changes nothing, as !!bool on a boolean, is the value itself)"""
    monograph = load_monograph(write(tmp_path, safety(value)), tmp_path)
    assert monograph.sections[0].blocks[0].safety is expected


@pytest.mark.parametrize(
    ("change", "line", "words"),
    [
        (("title: Testdrug", "title: !!binary VGVzdGRydWc="), 2, "'!!binary'"),
        (("reviewed: 2025-01-31", "reviewed: !!str 2025-01-31"), 3, "'!!str'"),
        (("title: Testdrug", "title: !custom Testdrug"), 2, "'!custom'"),
        (("title: Testdrug", "title: !!python/object:os.system ls"), 2, "'!!python/object"),
        (("sections:", "sections: !!omap"), 4, "'!!omap'"),
        (("reviewed: 2025-01-31", "reviewed: !!null 2025-01-31"), 3, "'!!null'"),
        (("title: Testdrug", "title: &name Testdrug\npronunciation: *name"), 3, "aliases"),
        (("title: Testdrug", "title: Te\x00stdrug"), 2, "U+0000"),
        (("title: Testdrug", "title: Te\x1bstdrug"), 2, "U+001B"),
    ],
)
def test_tags_aliases_and_control_characters_are_refused_at_their_line(
    tmp_path, change, line, words
):
    error = error_of(tmp_path, MINIMAL.replace(*change))
    assert error.line == line and words in error.message, str(error)


def test_an_anchor_without_an_alias_is_harmless(tmp_path):
    monograph = load_monograph(
        write(tmp_path, MINIMAL.replace("title: Testdrug", "title: &t Testdrug")), tmp_path
    )
    assert monograph.title.text == "Testdrug"


def test_the_billion_laughs_is_refused_quickly_in_every_yaml_file(tmp_path):
    error = error_of(tmp_path, "id: laughs\n" + LAUGHS + "sections: [*i, *i]\n")
    assert "aliases" in error.message and error.line == 3
    (tmp_path / "source" / "glossary.yaml").write_text(LAUGHS + "terms: [*i]\n")
    with pytest.raises(SourceError, match="aliases") as caught:
        load_glossary(tmp_path)
    assert caught.value.path == "source/glossary.yaml" and caught.value.line == 2
    (tmp_path / "handouts.yaml").write_text("x: " + LAUGHS.replace("\n", "\n  ") + "\n")
    (tmp_path / "handouts.yaml").write_text(LAUGHS + "locales: *i\n")
    with pytest.raises(SourceError, match="aliases") as caught:
        load_policy(tmp_path)
    assert caught.value.path == "handouts.yaml"


@pytest.mark.parametrize("nesting", ["flow", "block"])
def test_nesting_deeper_than_the_limit_is_refused_with_its_line(tmp_path, nesting):
    path = tmp_path / "deep.yaml"
    deepest = 100_000 if nesting == "flow" else 1000  # (block: 1000 lines, 1 MB)
    for depth, refused in ((MAX_DEPTH, False), (MAX_DEPTH + 1, True), (deepest, True)):
        if nesting == "flow":
            path.write_text("[" * depth + "]" * depth + "\n")
        else:
            path.write_text("".join("  " * level + "-\n" for level in range(depth)))
        if not refused:
            read_yaml(path, "deep.yaml", "the file", 10**7)
            continue
        with pytest.raises(SourceError, match=f"more than {MAX_DEPTH} levels") as caught:
            read_yaml(path, "deep.yaml", "the file", 10**7)
        assert caught.value.line is not None


def test_size_limits_are_checked_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(glossary_module, "MAX_GLOSSARY_BYTES", 100)
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "glossary.yaml").write_text("terms:\n" + "  - term: x\n" * 20)
    with pytest.raises(SourceError, match="the glossary is 0 KB: the limit is 0 KB"):
        load_glossary(tmp_path)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("terms:\n  - term: a\n    translate: 'no'\n", 2, "'translate' must be true or false"),
        ("terms:\n  - term: a\n    translate: perhaps\n", 2, "'translate' must be true or false"),
        ("terms:\n  - term: a\n    locales: [es]\n", 2, "'locales' must be a mapping"),
        ("terms:\n  - term: a\n    note: [x]\n", 2, "'note' must be text"),
        ("terms:\n  - term: a\n  - term: !!binary YQ==\n", 3, "'!!binary'"),
        ("terms:\n  - term: a\x00b\n", 2, "U+0000"),
    ],
)
def test_glossary_values_of_the_wrong_kind_are_refused(tmp_path, text, line, words):
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "glossary.yaml").write_text(text)
    with pytest.raises(SourceError) as caught:
        load_glossary(tmp_path)
    assert caught.value.line == line and words in caught.value.message, str(caught.value)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("locales:\n  es:\n    required: !!bool perhaps\n", 3, "'!!bool'"),
        ("locales:\n  es:\n    min_coverage: !!float 50\n", 3, "'!!float'"),
        ("locales:\n  es: {required: true}\n\x00\n", 3, "U+0000"),
    ],
)
def test_policy_tags_and_control_characters_are_refused(tmp_path, text, line, words):
    (tmp_path / "handouts.yaml").write_text(text)
    with pytest.raises(SourceError) as caught:
        load_policy(tmp_path)
    assert caught.value.line == line and words in caught.value.message, str(caught.value)


def test_files_that_look_like_monographs_but_are_not_read_are_warned_about(tmp_path, capsys):
    project = copy_project(tmp_path / "project")
    folder = project / "source" / "monographs"
    shipped = (folder / "blinatumomab.yaml").read_text(encoding="utf-8")
    for name in ("other.YAML", "third.yml.txt", "fourth.Yml"):
        (folder / name).write_text(shipped.replace("id: blinatumomab", "id: other"))
    (folder / "old.yaml").mkdir()
    for quiet in ("README.md", ".hidden.yaml", "blinatumomab.yaml~", "#blinatumomab.yaml#"):
        (folder / quiet).write_text("not a monograph")
    warned = [str(f.where) for f in stray_files(project)]
    assert warned == [
        f"source/monographs/{n}" for n in ("fourth.Yml", "old.yaml", "other.YAML", "third.yml.txt")
    ]
    for command in ("extract", "lint", "check", "build"):
        main(["-C", str(project), command, *(["--quiet"] if command == "build" else [])])
        out, err = capsys.readouterr()
        shown = err if command != "lint" else out
        assert "source/monographs/other.YAML: " in shown and "not read" in shown, command


def _nested(draw_shape: list[int], depth: int = 0) -> object:
    """A document from a list of choices: mappings and sequences nested as it says."""
    if not draw_shape or depth > 40:
        return "leaf"
    choice = draw_shape.pop()
    if choice % 3 == 0:
        return {f"k{depth}_{n}": _nested(draw_shape, depth + 1) for n in range(choice % 4 + 1)}
    if choice % 3 == 1:
        return [_nested(draw_shape, depth + 1) for _ in range(choice % 3 + 1)]
    return f"text {choice}"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 11), max_size=120), st.booleans())
@example([1] * 45, False)
@example([3, 1] * 25, True)
def test_the_quick_depth_walk_names_the_line_the_full_walk_names(shape, flow):
    """Without '*' or '!' in the text only collections are walked; with them every node:
    the same verdict and the same line either way."""
    import yaml as pyyaml

    from pipeline.source.yamlfile import _audit, compose_yaml

    text = pyyaml.safe_dump(_nested(list(shape)), default_flow_style=flow, width=10**6)
    root = compose_yaml(text)
    outcomes = []
    for written in (text, text + "# * forces the full walk\n"):
        try:
            _audit(root, written, "doc.yaml")
            outcomes.append(None)
        except SourceError as error:
            outcomes.append((error.message, error.line))
    assert outcomes[0] == outcomes[1]
    if len(shape) >= 45 and set(shape) <= {1, 3}:  # the examples: too deep, both ways
        assert outcomes[0] is not None and "levels deep" in outcomes[0][0]
