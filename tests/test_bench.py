"""The bench harness (a smoke run, no timing assertions) and the fast paths it led to:
each must give exactly what the straightforward code gives."""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import time
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.bench import corpus, run
from pipeline.bench.pdfs import NAMES as pdf_names
from pipeline.bench.pdfs import pdf_stages
from pipeline.catalogs import poformat
from pipeline.catalogs.fuzzy import FuzzyIndex, _best_fuzzy, _lcs_length
from pipeline.catalogs.locales import catalog_path, discover_locales
from pipeline.catalogs.merge import update_catalogs
from pipeline.catalogs.pofile import _polib_parse, read_catalog, render_catalog
from pipeline.catalogs.poread import Unusual, parse_lines, scan_usual
from pipeline.catalogs.posyntax import syntax_errors
from pipeline.errors import CatalogError
from pipeline.model import Message
from pipeline.publish.pdf import engine_problem
from pipeline.source.monographs import compose_yaml
from tests.projects import REPO, copy_project

SMOKE_LOCALES = ["es", "zh_CN"]


def test_bench_smoke_run_writes_every_stage(tmp_path, capsys):
    output = tmp_path / "bench.json"
    assert (
        run.main(
            [
                "--monographs",
                "3",
                "--locales",
                "2",
                "--output",
                str(output),
                "--pdf-monographs",
                "0",
            ]
        )
        == 0
    )
    results = json.loads(output.read_text(encoding="utf-8"))
    assert results["n_monographs"] == 3 and results["n_locales"] == 2
    assert results["handouts"] == 3 * 2 * 2
    assert set(run.STAGES) <= set(results["stages"])
    for name, stage in results["stages"].items():
        assert set(stage) >= {"wall_s", "peak_rss_mb", "files_written"}, name
        assert stage.get("status") in (None, "unavailable"), (name, stage)
        if stage.get("status") is None:
            assert stage["wall_s"] >= 0 and stage["peak_rss_mb"] > 0, name
    for name in ("extract", "update", "update_5pct"):  # these commands always exist
        assert "status" not in results["stages"][name]
    assert results["stages"]["extract"]["files_written"] == 1
    assert results["stages"]["update_5pct"]["files_written"] == 2
    assert "| build_full |" in capsys.readouterr().out


@pytest.mark.skipif(engine_problem() is not None, reason="no PDF engine here")
def test_bench_pdf_stages_count_pdfs_their_rate_and_split(tmp_path):
    stages = pdf_stages(tmp_path / "pdf", 1, SMOKE_LOCALES, 1, REPO, verbose=False)
    full, edit, cold = (stages[name] for name in pdf_names)
    assert "status" not in full and "status" not in edit and "status" not in cold
    # one drug: English standard and large print, each translation's three HTML editions
    assert full["pdfs"] == 2 + 3 * len(SMOKE_LOCALES)
    assert full["pdfs_per_s"] == round(full["pdfs"] / full["wall_s"], 3)
    assert set(full["split_s"]) == {"start", "load", "print", "clean", "write"}
    assert full["split_s"]["print"] > 0 and full["split_s"]["start"] > 0
    assert 1 <= edit["pdfs"] <= 3  # only the edited translation's PDFs are printed again
    assert cold["pdfs"] == min(full["pdfs"], 12) and cold["pdfs_per_s"] > 0
    assert full["times_per_file_rate"] > 0


def test_corpus_is_deterministic_and_valid(tmp_path):
    first = corpus.generate_sources(tmp_path / "a", 4, SMOKE_LOCALES, 7, REPO)
    second = corpus.generate_sources(tmp_path / "b", 4, SMOKE_LOCALES, 7, REPO)
    assert first == second
    for path in sorted((tmp_path / "a").rglob("*.yaml")):
        assert path.read_bytes() == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes()
    subprocess.run([*run.Bench(tmp_path / "a").command("lint")], check=True, capture_output=True)


def test_pseudo_translation_keeps_what_must_survive():
    source = "Take 50 mg of Taverimab every 24 hours; call at 38°C (100.4°F). %(date)s"
    for locale in ("es", "ar", "zh_CN", "ru"):
        text = corpus.pseudo_translate(source, locale, {"taverimab"})
        assert text != source
        for kept in ("50 mg", "Taverimab", "24 hours", "38°C", "100.4°F", "%(date)s"):
            assert kept in text or kept.replace(" ", "") in text, (locale, kept, text)


# --- poformat: the fast wrapping is the general wrapping ----------------------------------


def reference_tokens(text: str) -> list[str]:
    """The original character-by-character tokenizer."""
    pieces, current = [], ""
    for index, char in enumerate(text):
        if (
            current
            and poformat.may_break(text[index - 1], char)
            and not poformat._quote_before_opener(text, index)
        ):
            pieces.append(current)
            current = ""
        current += poformat.escape(char)
    return [*pieces, current] if current else pieces


def reference_wrap(portion: str, width: int) -> list[str]:
    """The original wrapping: pieces of the character loop, added while they fit."""
    lines, line, col = [], "", 0
    for piece in reference_tokens(portion):
        piece_width = poformat.text_width(piece)
        if line and col + piece_width > width:
            lines.append(line)
            line, col = "", 0
        line += piece
        col += piece_width
    return [*lines, line]


NARROW = st.lists(
    st.sampled_from(
        list(" -–.,:;/|\t\"'‘’“”«»()[]{}%°aZ09éжع\\\a\r")
        + ["word", "unbreakable" * 4, "38°C", "100.4", "  "]
    ),
    max_size=60,
).map("".join)
ANY = st.text(
    st.sampled_from(list(" -–.,:;/|\"'“”«»(（「%°、。ー々ぁ中文한a9\u0301\u200b")), max_size=80
)


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(NARROW, ANY), width=st.sampled_from([8, 20, 77]))
def test_wrapping_is_the_reference_wrapping(text, width):
    assert poformat._wrap_portion(text, width) == reference_wrap(text, width)
    assert poformat._wrap_wide(text, width) == reference_wrap(text, width)


def reference_format_string(keyword: str, value: str, prefix: str, width: int) -> list[str]:
    """The original format_string, on the general wrapping."""
    portions, start = [], 0
    for index, char in enumerate(value):
        if char == "\n" and index + 1 < len(value):
            portions.append(value[start : index + 1])
            start = index + 1
    portions.append(value[start:])
    head = f"{prefix}{keyword} "
    if len(portions) == 1:
        escaped = poformat.escape(portions[0])
        if poformat.text_width(head) + poformat.text_width(escaped) + 2 <= width:
            return [f'{head}"{escaped}"']
    lines = [f'{head}""']
    inner = width - poformat.text_width(prefix) - 2
    for portion in portions:
        lines.extend(f'{prefix}"{line}"' for line in reference_wrap(portion, inner))
    return lines


@settings(max_examples=300, deadline=None)
@given(
    text=st.one_of(NARROW, ANY, st.text('ab \n"', max_size=20)),
    prefix=st.sampled_from(["", "#~ ", "#| "]),
    width=st.sampled_from([12, 79]),
)
def test_format_string_is_the_reference_layout(text, prefix, width):
    assert poformat.format_string("msgid", text, prefix, width) == reference_format_string(
        "msgid", text, prefix, width
    )


def test_writer_matches_msgcat_on_generated_catalogs_in_many_scripts(tmp_path):
    msgcat = shutil.which("msgcat")
    root = tmp_path / "corpus"
    drugs = corpus.generate_sources(root, 3, ["ar", "ja", "vi"], 3, REPO)
    run.Bench(root, verbose=False).run("extract", [run.Bench(root).command("extract")], "locales")
    keep = {drug.lower() for drug in drugs}
    for locale in ("ar", "ja", "vi"):
        subprocess.run(run.Bench(root).command("init", locale), check=True, capture_output=True)
        corpus.fill_catalog(root, locale, keep)
        path = catalog_path(root, locale)
        catalog = read_catalog(path, root, locale)
        assert render_catalog(
            catalog.header_comment, catalog.header, catalog.messages
        ) == path.read_text(encoding="utf-8")
        if msgcat:
            copy = tmp_path / f"{locale}.po"
            subprocess.run([msgcat, str(path), "-o", str(copy)], check=True)
            assert copy.read_bytes() == path.read_bytes(), locale


# --- catalogs: the fuzzy index picks what the full scan picks ----------------------------


def lcs_table(a: str, b: str) -> int:
    row = [0] * (len(b) + 1)
    for char in a:
        diagonal, row[0] = 0, 0
        for j, other in enumerate(b, 1):
            diagonal, row[j] = row[j], diagonal + 1 if char == other else max(row[j], row[j - 1])
    return row[-1]


@settings(max_examples=300, deadline=None)
@given(a=st.text("abc ", max_size=30), b=st.text("abc ", max_size=30))
def test_bit_parallel_lcs_is_the_lcs(a, b):
    masks: dict[str, int] = {}
    for position, char in enumerate(b):
        masks[char] = masks.get(char, 0) | (1 << position)
    assert _lcs_length(a, masks, len(b)) == lcs_table(a, b)


def test_fuzzy_index_chooses_like_the_full_scan():
    rng = random.Random(3)
    words = [
        "the",
        "your",
        "care",
        "team",
        "fever",
        "38°C",
        "hours",
        "take",
        "call",
        "nurse",
        "if",
        "pain",
        "blood",
        "low",
    ]

    def mutate(text: str) -> str:
        chars = list(text)
        for _ in range(rng.randint(0, 4)):
            where = rng.randrange(len(chars) + 1)
            if rng.random() < 0.5:
                chars.insert(where, rng.choice("xyz "))
            elif chars:
                del chars[min(where, len(chars) - 1)]
        return "".join(chars)

    for _ in range(200):
        base = [" ".join(rng.choices(words, k=rng.randint(1, 12))) for _ in range(6)]
        candidates = [
            Message(
                msgid=mutate(rng.choice(base)),
                msgstr="x",
                msgctxt=rng.choice([None, None, "c"]),
                msgid_plural=rng.choice([None, None, None, "p"]),
            )
            for _ in range(rng.randint(0, 25))
        ]
        index = FuzzyIndex([(m.msgctxt, m.msgid, m.msgid_plural is None) for m in candidates])
        for _ in range(10):
            new = Message(
                msgid=mutate(rng.choice(base)),
                msgctxt=rng.choice([None, "c"]),
                msgid_plural=rng.choice([None, None, "p"]),
            )
            position = index.best(new.msgctxt, new.msgid, new.msgid_plural is None)
            assert (candidates[position] if position is not None else None) is _best_fuzzy(
                new, candidates
            )


# --- catalogs: the fast reader reads what polib reads ------------------------------------


def read_three_ways(tmp_path: Path, text: str) -> tuple[object, object, object]:
    """(polib's reading, the line reader's, the whole-file scanner's); None where a
    fast reader leaves the text to polib."""
    path = tmp_path / "x.po"
    path.write_bytes(text.encode("utf-8"))
    try:
        slow: object = _polib_parse(path, "x.po", "UTF-8")
    except CatalogError as error:
        slow = ("error", str(error))
    readings: list[object] = [slow]
    for reader in (parse_lines, scan_usual):
        try:
            readings.append(reader(text))
        except Unusual:
            readings.append(None)
    return readings[0], readings[1], readings[2]


def test_fast_readers_read_like_polib_on_shipped_and_mutated_catalogs(tmp_path):
    originals = [
        path.read_text(encoding="utf-8") for path in sorted((REPO / "locales").rglob("*.po*"))
    ]
    for text in originals:
        slow, lines, scanned = read_three_ways(tmp_path, text)
        assert lines == slow
        assert scanned == slow  # the shipped catalogs are in the usual layout
        assert_msgstr_lines(text, scanned[2], lines[2])
    head = (
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "a"\nmsgstr "b"\n\n'
    )
    for tail in (
        '#~| msgid "old"\n#~ msgid "x"\n#~ msgstr "y"\n',  # as msgmerge writes
        '#.\n#~| msgid "old"\n#~| "more"\n#~ msgid "x"\n#~ msgstr "y"\n',
        '# t\n#~| msgid "old"\n#~ msgid "x"\n#~ msgstr "y"\n',
        '#:\n#,\n#~| msgid "o"\n#~ msgid "x"\n#~ msgstr "y"\n',
        '#| msgid "p"\n#| "q"\n#, fuzzy\nmsgid "x"\nmsgstr "y"\n',
        '#.\n#. n\n#: f:1\nmsgctxt "c"\nmsgid "x"\nmsgid_plural "xs"\n'
        'msgstr[0] "y"\nmsgstr[1] "ys"\n',
    ):
        slow, read, scanned = read_three_ways(tmp_path, head + tail)
        assert scanned is not None and scanned == read == slow, tail
    extra = [
        "#",
        "# c",
        "##x",
        "#.",
        "#. n",
        "#:",
        "#: a:1 b",
        "#,",
        "#, fuzzy",
        '#| msgid "p"',
        '#| "q"',
        '#~ msgid "o"',
        '#~ msgstr "o"',
        '#~| msgid "x"',
        'msgid ""',
        'msgstr ""',
        '"cont"',
        'msgctxt "c"',
        'msgid_plural "pl"',
        'msgstr[0] "a"',
        'msgstr[1] "b"',
        "",
        '#~ "z"',
        '"a\\nb"',
        "#.x",
        "#foo",
        '#| msgctxt "c"',
        "# ",
        "#\tt",
        '"q\\"',
        '"x" ',
        "#~",
        "#|",
        "#:x",
    ]
    rng = random.Random(5)
    compared = scanned_count = 0
    while compared < 150 or scanned_count < 150:
        lines = rng.choice(originals).split("\n")
        for _ in range(rng.randint(1, 4)):
            where = rng.randrange(len(lines))
            choice = rng.random()
            if choice < 0.4:
                lines.insert(where, rng.choice(extra))
            elif choice < 0.6:
                del lines[where]
            elif choice < 0.8:
                lines[where] = rng.choice(extra)
            else:
                lines.insert(where, lines[rng.randrange(len(lines))])
        text = "\n".join(lines)
        slow, read, scanned = read_three_ways(tmp_path, text)
        if scanned is not None:  # accepted whole: valid by construction
            scanned_count += 1
            assert syntax_errors(text) == []
            assert scanned == slow
        if syntax_errors(text):
            continue  # read_catalog refuses these before the line reader sees them
        if read is not None:
            compared += 1
            assert read == slow
        if scanned is not None:  # without details: the same entries, notes and references
            header, metadata, messages = scanned  # left out (translator comments stay)
            assert scan_usual(text, details=False) == (
                header,
                metadata,
                [replace(m, notes=(), references=()) for m in messages],
            )


def test_fast_readers_read_like_polib_on_generated_catalogs(tmp_path):
    """Random entries from the parts PO files are made of (every comment kind, contexts,
    plurals, continuations, obsolete entries with previous msgids): whatever a fast reader
    accepts, it reads as polib does."""
    comments = [
        "#",
        "# t",
        "#  t2",
        "##x",
        "#.",
        "#. n",
        "#.  n2",
        "#:",
        "#: a:1 b",
        "#,",
        "#, fuzzy",
        "#, fuzzy, python-format",
        '#| msgid "p"',
        '#| "q"',
        '#| msgctxt "c"',
        "#. n ",
        "#: f:2 ",
        "#.x",
        "#|",
    ]

    def entry(rng: random.Random) -> str:
        body = [f'msgctxt "c{rng.randint(0, 3)}"'] if rng.random() < 0.2 else []
        body.append(f'msgid "m{rng.randint(0, 50)}"')
        body += ['"cont"'] if rng.random() < 0.3 else []
        if rng.random() < 0.2:
            body += ['msgid_plural "pl"', 'msgstr[0] "a"', 'msgstr[1] "b"']
        else:
            body.append('msgstr "' + rng.choice(["", "x", "y\\n", "z\\\\"]) + '"')
            body += ['"more"'] if rng.random() < 0.2 else []
        if rng.random() < 0.3:  # obsolete, sometimes with its previous msgid
            body = (['#~| msgid "old"'] if rng.random() < 0.5 else []) + [
                "#~ " + line for line in body
            ]
            if rng.random() < 0.2:
                body.insert(rng.randrange(len(body) + 1), '#~| "x"')
        return "\n".join([rng.choice(comments) for _ in range(rng.randint(0, 4))] + body)

    rng = random.Random(11)
    head = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    scanned_count = read_count = 0
    for _ in range(800):
        text = head + "\n\n".join(entry(rng) for _ in range(rng.randint(1, 5))) + "\n"
        slow, read, scanned = read_three_ways(tmp_path, text)
        if scanned is not None:
            scanned_count += 1
            assert syntax_errors(text) == [] and scanned == slow, text
            assert_msgstr_lines(text, scanned[2], read[2] if read else None)
        if read is not None and not syntax_errors(text):
            read_count += 1
            assert read == slow, text
            assert_msgstr_lines(text, read[2], None)
    assert scanned_count > 200 and read_count > 200


def assert_msgstr_lines(text: str, messages: list, others: list | None) -> None:
    """Each active entry's msgstr_line is the line of its (first) msgstr, as both fast
    readers count it (equality of entries leaves it out: polib does not know it)."""
    lines = text.split("\n")
    for message in messages:
        if not message.obsolete:
            assert lines[message.msgstr_line - 1].startswith("msgstr"), (message, text)
    if others is not None:
        assert [m.msgstr_line for m in messages] == [m.msgstr_line for m in others]


def test_parallel_update_raises_the_first_error_in_locale_order_and_writes_nothing(tmp_path):
    root = copy_project(tmp_path / "project")
    locales = discover_locales(root)
    assert len(locales) >= 3
    for locale in (locales[1], locales[2]):
        path = catalog_path(root, locale)
        path.write_text(path.read_text(encoding="utf-8") + '\nmsgid "broken\n', encoding="utf-8")
    before = {loc: catalog_path(root, loc).stat().st_mtime_ns for loc in locales}
    try:
        update_catalogs(root)
    except CatalogError as error:
        assert error.path == f"locales/{locales[1]}/LC_MESSAGES/handouts.po"
        assert error.line is not None
    else:
        raise AssertionError("a broken catalog was merged")
    assert {loc: catalog_path(root, loc).stat().st_mtime_ns for loc in locales} == before


# --- source: libyaml gives the nodes PyYAML gives ----------------------------------------


def node_tree(node: yaml.Node | None) -> object:
    if node is None or isinstance(node, yaml.ScalarNode):
        return node and (node.tag, node.value, node.start_mark.line)
    children = [
        node_tree(part)
        for item in node.value
        for part in (item if isinstance(item, tuple) else (item,))
    ]
    return (node.tag, node.start_mark.line, children)


def pure(text: str) -> object:
    try:
        return node_tree(yaml.compose(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as error:
        return ("error", str(error))


def fast(text: str) -> object:
    try:
        return node_tree(compose_yaml(text))
    except yaml.YAMLError as error:
        return ("error", str(error))


def test_fast_yaml_composes_exactly_like_pyyaml_on_mutated_monographs():
    original = (REPO / "source/monographs/blinatumomab.yaml").read_text(encoding="utf-8")
    alphabet = list(":-#'\"\n\t >|[]{}&*!%@`,?\\\r") + [
        "a",
        "  ",
        "\u2028",
        "\x85",
        "\ufeff",
        "é",
        "中",
        "\n- ",
        "---",
        "&a ",
        "*a",
        "\x07",
    ]
    rng = random.Random(11)
    for _ in range(400):
        chars = list(original)
        for _ in range(rng.randint(1, 4)):
            where = rng.randrange(len(chars))
            if rng.random() < 0.5:
                chars[where] = rng.choice(alphabet)
            else:
                chars.insert(where, rng.choice(alphabet))
        text = "".join(chars)
        assert fast(text) == pure(text)
    assert fast(original) == pure(original)


def test_bench_json_shape_of_an_unavailable_stage():
    stage = run.Stage("build_full", status="unavailable")
    assert stage.as_dict() == {
        "wall_s": None,
        "peak_rss_mb": None,
        "files_written": None,
        "status": "unavailable",
    }


def test_files_written_counts_new_and_changed_files(tmp_path):
    (tmp_path / "a").write_text("1")
    before = run.snapshot(tmp_path)
    (tmp_path / "b").write_text("2")
    assert len(set(run.snapshot(tmp_path)) - set(before)) == 1
    assert Path(tmp_path / "a").read_text() == "1"


def test_the_memory_sampler_finds_every_descendant_both_ways():
    """The bench follows the kernel's children lists; where a kernel has none it scans
    /proc for parents: both find the same process tree."""
    from pipeline.bench.run import _tree, _tree_from_parents

    shell = subprocess.Popen(["sh", "-c", "sleep 5 & sleep 5 & sh -c 'sleep 5' & wait"])
    try:
        deadline = time.monotonic() + 5
        while len(_tree_from_parents(shell.pid)) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        found = _tree_from_parents(shell.pid)
        assert len(found) >= 4 and _tree(shell.pid) == found
    finally:
        for pid in sorted(_tree_from_parents(shell.pid), reverse=True):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        shell.wait()


def test_the_bench_times_byte_compiled_modules(monkeypatch):
    """A PYTHONDONTWRITEBYTECODE in the caller's environment would make each timed
    process compile the sources again; the bench times the package as installed."""
    import importlib.util

    import pipeline.cli
    from pipeline.bench import as_installed

    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    as_installed()
    assert "PYTHONDONTWRITEBYTECODE" not in os.environ
    assert Path(importlib.util.cache_from_source(pipeline.cli.__file__)).is_file()
