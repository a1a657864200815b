"""``handouts build --shard K/N`` and ``handouts assemble``: shards built by separate
processes and joined are byte for byte the site of one build (manifest included); a
shard of other sources, another version, another split, missing, given twice or
altered is refused (exit 2, naming it) and the output is left as it was."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.errors import BuildError
from pipeline.publish import assemble as assembling
from pipeline.publish.assemble import assemble
from pipeline.publish.build import build
from pipeline.publish.manifest import MANIFEST
from pipeline.publish.shard import SHARD_RECORD, build_shard, parse_shard, partition
from tests.conftest import add_monograph_copies, set_entry
from tests.projects import snapshot

LOCALES = ["en", "ar", "es", "vi", "zh_CN"]


def shards_in_processes(
    root: Path, count: int, folder: Path, pdf: bool = False, names: str = "shard-{}"
) -> list[Path]:
    """Build every shard of ``count``, all at once, each by its own process (into
    ``folder``/``names``, formatted with the shard's number)."""
    outputs = [folder / names.format(k) for k in range(1, count + 1)]
    running = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pipeline",
                "build",
                "--require-pdf" if pdf else "--no-pdf",
                "--quiet",
                "--jobs",
                "1",
                "--shard",
                f"{k}/{count}",
                "--output",
                str(out),
            ],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k, out in enumerate(outputs, 1)
    ]
    for process in running:
        _, error = process.communicate(timeout=300)
        assert process.returncode == 0, error
    return outputs


def test_two_shards_of_the_shipped_project_assemble_into_one_build(project, tmp_path):
    single = tmp_path / "single"
    build(project, single, pdf=False)
    shards = shards_in_processes(project, 2, tmp_path)
    for shard in shards:  # a shard holds handouts only: no index, no report
        names = set(snapshot(shard))
        assert {SHARD_RECORD, MANIFEST} <= names and "index.html" not in names
        assert "report.json" not in names
    records = [json.loads((s / SHARD_RECORD).read_text("utf-8")) for s in shards]
    assert sorted(code for r in records for code in r["locales"]) == sorted(LOCALES)
    assert (
        main(
            ["-C", str(project), "assemble", *map(str, shards), "--output", str(tmp_path / "site")]
        )
        == 0
    )
    assert snapshot(tmp_path / "site") == snapshot(single)  # the manifest too


def test_more_shards_than_locales_split_by_drug_and_assemble_alike(project, tmp_path):
    drugs = ["blinatumomab", *add_monograph_copies(project, 2)]
    single = tmp_path / "single"
    build(project, single, pdf=False)
    shards = shards_in_processes(project, 7, tmp_path)
    records = [json.loads((s / SHARD_RECORD).read_text("utf-8")) for s in shards]
    split = [r for r in records if len(r["drugs"]) < len(drugs)]
    assert split and all(len(r["locales"]) == 1 for r in records)
    held = sorted(f"{c}/{d}" for r in records for c in r["locales"] for d in r["drugs"])
    assert held == sorted(f"{c}/{d}" for c in LOCALES for d in drugs)  # each once
    assemble(project, list(reversed(shards)), tmp_path / "site", jobs=1)
    assert snapshot(tmp_path / "site") == snapshot(single)


def test_partition_splits_by_locale_then_by_drug():
    drugs = ["a", "b", "c", "d"]
    two = partition(LOCALES, drugs, 2)
    assert [p.drugs for p in two] == [tuple(drugs)] * 2
    assert sorted(c for p in two for c in p.locales) == sorted(LOCALES)
    seven = partition(LOCALES, drugs, 7)
    assert [p.number for p in seven] == list(range(1, 8))
    assert all(len(p.locales) == 1 for p in seven)
    keys = [k for p in seven for k in sorted(p.keys())]
    assert len(keys) == len(set(keys)) == 20
    assert max(len(p.drugs) for p in seven) - min(len(p.drugs) for p in seven) <= 2
    # timings: the slow locale gets a shard of its own
    timed = partition(LOCALES, drugs, 2, {"zh_CN": 9.0, "en": 1, "ar": 1, "es": 1, "vi": 1})
    assert ("zh_CN",) in [p.locales for p in timed]
    with pytest.raises(BuildError, match="at most one shard per handout"):
        partition(LOCALES, drugs, 21)


@pytest.mark.parametrize("text", ["0/2", "3/2", "2", "a/b", "1/0"])
def test_a_bad_shard_option_is_a_usage_error(project, text, capsys):
    with pytest.raises(BuildError):
        parse_shard(text)
    assert (
        main(["-C", str(project), "build", "--shard", text, "--output", str(project / "out")]) == 2
    )
    assert "--shard" in capsys.readouterr().err
    assert not (project / "out").exists()


@pytest.fixture
def two_shards(project, tmp_path) -> list[Path]:
    return [build_shard(project, tmp_path / f"s{k}", (k, 2), jobs=1).output for k in (1, 2)]


def refused(project: Path, shards: list[Path], output: Path, capsys) -> str:
    before = snapshot(output)
    assert main(["-C", str(project), "assemble", *map(str, shards), "--output", str(output)]) == 2
    assert snapshot(output) == before  # nothing half-written
    assert not list(output.parent.glob(".handouts-build-*new-*"))
    return capsys.readouterr().err


def test_shards_of_other_sources_are_refused(project, two_shards, tmp_path, capsys):
    output = tmp_path / "site"
    assemble(project, two_shards, output, jobs=1)
    set_entry(project, "es", "Blinatumomab", msgstr="Blinatumomab (editado)")
    other = build_shard(project, tmp_path / "s2-new", (2, 2), jobs=1).output
    error = refused(project, [two_shards[0], other], output, capsys)
    assert "s1" in error and "other sources" in error


def test_a_shard_of_another_version_is_refused(project, two_shards, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(assembling, "__version__", "0.0.0-other")
    error = refused(project, two_shards, tmp_path / "site", capsys)
    assert "s1" in error and "another version" in error


def test_missing_overlapping_and_altered_shards_are_refused(project, two_shards, tmp_path, capsys):
    output = tmp_path / "site"
    assert "shard(s) 2 of 2 missing" in refused(project, two_shards[:1], output, capsys)
    error = refused(project, [*two_shards, two_shards[1]], output, capsys)
    assert "given twice" in error
    three = build_shard(project, tmp_path / "t1", (1, 3), jobs=1).output
    assert "another split" in refused(project, [three, two_shards[1]], output, capsys)
    page = next(p for p in two_shards[1].rglob("*.html"))
    page.write_text(page.read_text("utf-8") + "<script>alert(1)</script>", "utf-8")
    error = refused(project, two_shards, output, capsys)
    assert "s2" in error and "not as it recorded" in error
    (tmp_path / "empty").mkdir()
    assert "not a shard folder" in refused(project, [tmp_path / "empty"], output, capsys)


def test_shard_refuses_locale_and_drug_filters(project, capsys):
    assert (
        main(
            [
                "-C",
                str(project),
                "build",
                "--shard",
                "1/2",
                "--locale",
                "es",
                "--output",
                str(project / "out"),
            ]
        )
        == 2
    )
    assert "drop --locale" in capsys.readouterr().err


def test_shards_print_their_pdfs_and_assemble_like_one_build(project, tmp_path):
    """Two processes print their shards' PDFs in folders whose names (and so paths) are
    of other lengths than the single build's: the site is the same, byte for byte."""
    from tests.test_pdf import _need_chromium

    _need_chromium()
    single = tmp_path / "single"
    build(project, single, jobs=1, pdf=True)
    shards = shards_in_processes(project, 2, tmp_path, pdf=True, names="a-longer-shard-{}")
    assemble(project, shards, tmp_path / "site", jobs=1)
    one, joined = snapshot(single), snapshot(tmp_path / "site")
    assert sum(name.endswith(".pdf") for name in one) >= 10
    assert joined == one  # the PDFs and the manifest too


def test_timings_of_one_build_balance_the_next(project, tmp_path, capsys):
    from pipeline.publish.shard import read_timings

    timings = tmp_path / "timings.json"
    assert read_timings(timings) == {}  # none yet: balanced by counts
    add_monograph_copies(project, 1)
    shards = [build_shard(project, tmp_path / f"s{k}", (k, 7), jobs=1).output for k in range(1, 8)]
    records = [json.loads((s / SHARD_RECORD).read_text("utf-8")) for s in shards]
    assert all(set(r["timings"]) == set(r["locales"]) for r in records)
    assert (
        main(
            [
                "-C",
                str(project),
                "assemble",
                *map(str, shards),
                "--output",
                str(tmp_path / "site"),
                "--timings",
                str(timings),
            ]
        )
        == 0
    )
    measured = read_timings(timings)
    assert set(measured) == set(LOCALES) and all(t > 0 for t in measured.values())
    # a locale measured slow gets a shard of its own; every shard agrees on the split
    timings.write_text(json.dumps({"timings": {"vi": 9.0, "en": 1, "ar": 1, "es": 1}}), "utf-8")
    out = tmp_path / "weighted"
    assert (
        main(
            [
                "-C",
                str(project),
                "build",
                "--no-pdf",
                "--quiet",
                "--shard",
                "1/2",
                "--timings",
                str(timings),
                "--output",
                str(out),
            ]
        )
        == 0
    )
    assert json.loads((out / SHARD_RECORD).read_text("utf-8"))["locales"] == ["vi"]
    timings.write_text("{not json", "utf-8")
    assert (
        main(
            [
                "-C",
                str(project),
                "build",
                "--shard",
                "1/2",
                "--timings",
                str(timings),
                "--output",
                str(out),
            ]
        )
        == 2
    )
    assert "timings.json" in capsys.readouterr().err


def test_partition_weights_a_locale_without_timings_as_the_mean():
    parts = partition(LOCALES, ["a"], 2, {"en": 1.0, "ar": 1.0, "es": 1.0, "vi": 1.0})
    assert sorted(len(p.locales) for p in parts) == [2, 3]  # zh_CN weighs 1, not 4


def test_a_shard_manifest_naming_files_outside_it_is_refused(project, two_shards, tmp_path, capsys):
    (tmp_path / "secret.html").write_text("not the shard's", "utf-8")
    manifest = two_shards[0] / MANIFEST
    data = json.loads(manifest.read_text("utf-8"))
    entry = next(iter(data["entries"].values()))
    entry["files"].append("../secret.html")
    manifest.write_text(json.dumps(data), "utf-8")
    error = refused(project, two_shards, tmp_path / "site", capsys)
    assert "s1" in error and "does not hold" in error
    assert not (tmp_path / "site").exists()


def test_a_shard_inside_the_output_is_refused(project, tmp_path, capsys):
    output = tmp_path / "site"
    shards = [build_shard(project, output / f"s{k}", (k, 2), jobs=1).output for k in (1, 2)]
    assert "cannot be, hold or be inside" in refused(project, shards, output, capsys)
