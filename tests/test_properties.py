"""Property-based tests (Hypothesis): texts survive the pipeline unchanged, update never
loses a translation, and the loaders fail only with clean errors on any input."""

from __future__ import annotations

import contextlib
import os
import random
import unicodedata
from dataclasses import replace
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.catalogs.extract import build_template, extract_template
from pipeline.catalogs.initialize import init_catalog
from pipeline.catalogs.locales import catalog_path
from pipeline.catalogs.merge import update_catalogs
from pipeline.catalogs.pofile import load_catalog, read_catalog, render_catalog, write_atomic
from pipeline.errors import HandoutError
from pipeline.model import Message
from pipeline.publish.localize import Interface, localize
from pipeline.publish.render import inline_html, render_html
from pipeline.source.monographs import load_monograph
from pipeline.text.visible import is_translation
from tests.projects import REPO

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "60"))
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def any_text(excluded: str = "\x00") -> st.SearchStrategy[str]:
    """Any text a person could type: quotes, backslashes, newlines, tabs, control
    characters, characters outside the BMP, right-to-left and CJK scripts."""
    return (
        st.text(
            alphabet=st.one_of(
                st.characters(
                    blacklist_categories=("Cs",),
                    blacklist_characters=excluded,
                    max_codepoint=0x2FFFF,
                ),
                st.sampled_from(
                    list("\"\\\n\t'#:%{}[]&<>*-—“”") + ["\u05d0", "\u0627", "中", "😀"]
                ),
            ),
            min_size=1,
            max_size=80,
        )
        .map(str.strip)
        .filter(lambda t: bool(t) and t.count("**") % 2 == 0)
    )


translations = any_text()
# YAML itself reads U+0085, U+2028 and U+2029 as line breaks
texts = any_text("\x00\x85\u2028\u2029\r")


def monograph_yaml(paragraphs: list[str], drug: str = "propertymab") -> str:
    data = {
        "id": drug,
        "title": drug.capitalize(),
        "reviewed": None,
        "sections": [{"id": "s", "blocks": [{"paragraph": p} for p in paragraphs]}],
    }
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def make_project(root: Path, paragraphs: list[str]) -> Path:
    folder = root / "source" / "monographs"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "propertymab.yaml").write_text(monograph_yaml(paragraphs), encoding="utf-8")
    return root


@PROPERTY
@given(source=texts, translation=translations)
def test_any_text_survives_yaml_template_and_catalog(tmp_path_factory, source, translation):
    root = make_project(tmp_path_factory.mktemp("p"), [source])
    monograph = load_monograph(root / "source/monographs/propertymab.yaml", root)
    source = unicodedata.normalize("NFC", source)  # the source is read in NFC (its keys)
    assert monograph.sections[0].blocks[0].text.text == source
    messages = [m for m in build_template(root, [monograph]) if m.msgid == source]
    assert len(messages) == 1
    path = root / "x.po"
    translated = [replace(messages[0], msgstr=translation)]
    write_atomic(
        path, render_catalog([], {"Content-Type": "text/plain; charset=UTF-8"}, translated)
    )
    (read,) = read_catalog(path, root).messages
    assert (read.msgid, read.msgstr) == (source, translation)
    # ... and into the handouts, as escaped text (checks would block a hostile one;
    # here nothing is blocked, to prove the renderer alone never lets markup through)
    english = render_html(localize(monograph), Interface(), "r")
    assert str(inline_html(source)) in english
    lookup = {read.key: read}
    spanish = render_html(
        localize(monograph, "es", lookup, (), Interface(lookup)), Interface(lookup), "r"
    )
    # a translation without visible content (spaces, punctuation) is no translation:
    # the English shows, and the handout is a draft
    shown = translation if is_translation(source, translation) else source
    assert str(inline_html(shown)) in spanish


@st.composite
def edit_sequences(draw):
    start = draw(st.lists(texts, min_size=1, max_size=5, unique=True))
    edits = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["change", "remove", "add", "swap", "restore"]),
                st.integers(0, 10),
                texts,
            ),
            max_size=6,
        )
    )
    return start, edits


@settings(
    max_examples=max(10, EXAMPLES // 3), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(sequence=edit_sequences())
def test_update_never_loses_a_translation(tmp_path_factory, sequence):
    start, edits = sequence
    root = make_project(tmp_path_factory.mktemp("p"), start)
    (root / "pipeline").mkdir()
    extract_template(root)
    init_catalog(root, "es")
    catalog = load_catalog(root, "es")
    written = {}
    filled = []
    for index, message in enumerate(catalog.messages):
        text = f"traducción {index}: {message.msgid[:10]}" if message.msgid_plural is None else ""
        if text:
            written[message.msgid] = text
        filled.append(replace(message, msgstr=text) if text else message)
    write_atomic(
        catalog_path(root, "es"), render_catalog(catalog.header_comment, catalog.header, filled)
    )
    paragraphs = list(start)
    for action, position, text in edits:
        if action == "change" and paragraphs:
            paragraphs[position % len(paragraphs)] += " " + text
        elif action == "remove" and len(paragraphs) > 1:
            paragraphs.pop(position % len(paragraphs))
        elif action == "add":
            paragraphs.insert(position % (len(paragraphs) + 1), text)
        elif action == "swap" and len(paragraphs) > 1:
            paragraphs.reverse()
        elif action == "restore":
            paragraphs = list(start)
        paragraphs = list(dict.fromkeys(paragraphs))
        make_project(root, paragraphs)
        extract_template(root)
        update_catalogs(root)
        kept = {m.msgstr for m in load_catalog(root, "es").messages}
        assert set(written.values()) <= kept
    assert not any(r.changed for r in update_catalogs(root))


def mutate(data: bytes, rng: random.Random, count: int) -> bytes:
    buffer = bytearray(data)
    for _ in range(count):
        operation = rng.randrange(4)
        position = rng.randrange(len(buffer) + 1)
        if operation == 0 and buffer:
            del buffer[position % len(buffer)]
        elif operation == 1:
            buffer.insert(position, rng.randrange(256))
        elif operation == 2 and buffer:
            buffer[position % len(buffer)] = rng.choice(b'"\\\n:-#[]{}\x00\xff ')
        else:
            start = rng.randrange(len(buffer) + 1)
            buffer[position:position] = buffer[start : start + rng.randrange(40)]
    return bytes(buffer)


@PROPERTY
@given(seed=st.integers(0, 2**32), count=st.integers(1, 12))
def test_fuzzed_monographs_load_or_fail_cleanly(tmp_path_factory, seed, count):
    root = tmp_path_factory.mktemp("fuzz")
    path = root / "source" / "monographs" / "x.yaml"
    path.parent.mkdir(parents=True)
    original = (REPO / "source/monographs/blinatumomab.yaml").read_bytes()
    path.write_bytes(mutate(original, random.Random(seed), count))
    try:
        load_monograph(path, root)
    except HandoutError as error:
        assert error.path == "source/monographs/x.yaml"
        assert error.message


@PROPERTY
@given(
    seed=st.integers(0, 2**32),
    count=st.integers(1, 12),
    locale=st.sampled_from(["es", "zh_CN", "ar", "vi"]),
)
def test_fuzzed_catalogs_load_or_fail_cleanly(tmp_path_factory, seed, count, locale):
    root = tmp_path_factory.mktemp("fuzz")
    path = root / "x.po"
    original = catalog_path(REPO, locale).read_bytes()
    path.write_bytes(mutate(original, random.Random(seed), count))
    try:
        read_catalog(path, root, locale)
    except HandoutError as error:
        assert error.path == "x.po"
        assert error.message


@PROPERTY
@given(data=st.binary(max_size=300))
def test_arbitrary_bytes_never_crash_the_loaders(tmp_path_factory, data):
    root = tmp_path_factory.mktemp("bytes")
    (root / "source" / "monographs").mkdir(parents=True)
    for path, load in (
        (root / "source/monographs/x.yaml", lambda p: load_monograph(p, root)),
        (root / "x.po", lambda p: read_catalog(p, root)),
    ):
        path.write_bytes(data)
        with contextlib.suppress(HandoutError):  # a clean error is fine; anything else fails
            load(path)


entries = st.builds(
    lambda msgid, msgstr, context, fuzzy, note, obsolete: replace(
        Message(
            msgid=msgid,
            msgstr=msgstr,
            msgctxt=context,
            fuzzy=fuzzy and bool(msgstr),
            notes=(note,) if note else (),
            references=("source/x.yaml:3",),
        ),
        obsolete=obsolete,
    ),
    any_text("\x00\r"),
    st.one_of(st.just(""), any_text("\x00\r")),
    st.one_of(st.none(), any_text("\x00\r\n")),
    st.booleans(),
    st.one_of(st.none(), any_text("\x00\r\n")),
    st.booleans(),
)


@PROPERTY
@given(messages=st.lists(entries, max_size=6, unique_by=lambda m: (m.msgctxt, m.msgid)))
def test_the_scanner_reads_what_we_write_as_polib_does(tmp_path_factory, messages):
    """Our own catalogs are always in the usual layout: the whole-file scanner accepts
    them (no fall-back) and reads exactly what polib and the line reader read."""
    from pipeline.catalogs.pofile import _polib_parse
    from pipeline.catalogs.poread import parse_lines, scan_usual
    from pipeline.catalogs.posyntax import syntax_errors

    text = render_catalog(
        ("A header comment",), {"Content-Type": "text/plain; charset=UTF-8"}, messages
    )
    path = tmp_path_factory.mktemp("scan") / "x.po"
    path.write_bytes(text.encode("utf-8"))
    scanned = scan_usual(text)
    assert syntax_errors(text) == []
    assert scanned == parse_lines(text) == _polib_parse(path, "x.po", "UTF-8")
    written = sorted(messages, key=lambda m: m.obsolete)  # obsolete entries go last
    assert [(m.msgid, m.msgstr, m.obsolete) for m in scanned[2]] == [
        (m.msgid, m.msgstr, m.obsolete) for m in written
    ]
