"""``handouts build``: layout, publish or draft, incremental, atomic, filters, bad input."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys

import pytest

from pipeline.catalogs.locales import catalog_path, discover_locales
from pipeline.cli import main
from pipeline.errors import BuildError, CatalogError, LocaleError, SourceError
from pipeline.publish import fingerprints, render_task, staging
from pipeline.publish.manifest import MANIFEST
from pipeline.publish.staging import build_lock
from pipeline.source.monographs import load_monographs
from pipeline.source.segments import iter_segments
from tests.conftest import (
    MONOGRAPH,
    add_monograph_copies,
    file_states,
    set_entry,
)
from tests.projects import snapshot

DRUG = "blinatumomab"


def _handout_paths(output, locale, drug=DRUG):
    for folder in (output / locale, output / "drafts" / locale):
        if (folder / f"{drug}.html").is_file():
            return folder / f"{drug}.html", folder / f"{drug}.txt"
    raise AssertionError(f"no {locale} handout of {drug}")


def test_english_and_every_locale_are_built(project, run_build):
    sources = snapshot(project / "source"), snapshot(project / "locales")
    result = run_build(project)
    assert (snapshot(project / "source"), snapshot(project / "locales")) == sources
    output = project / "output"
    assert (output / "en" / f"{DRUG}.html").is_file() and (output / "en" / f"{DRUG}.txt").is_file()
    report = json.loads((output / "report.json").read_text())
    for locale in discover_locales(project):
        html, text = _handout_paths(output, locale)
        status = "published" if html.parent.parent == output else "draft"
        assert report["locales"][locale][DRUG]["status"] == status
        assert text.read_text(encoding="utf-8").strip()
    assert result.published + result.drafts == 1 + len(discover_locales(project))
    assert (output / "index.html").is_file() and (output / "drafts" / "index.html").is_file()


def test_arabic_is_right_to_left(project, run_build):
    run_build(project)
    html, _ = _handout_paths(project / "output", "ar")
    assert '<html lang="ar" dir="rtl">' in html.read_text(encoding="utf-8")


def test_complete_catalogs_are_published_and_listed(complete_project, run_build):
    run_build(complete_project)
    output = complete_project / "output"
    index = (output / "index.html").read_text(encoding="utf-8")
    for locale in discover_locales(complete_project):
        assert (output / locale / f"{DRUG}.html").is_file()
        assert f'href="{locale}/{DRUG}.html"' in index
    assert 'lang="ar" dir="rtl">العربية</span>' in index and "English" in index
    assert "No drafts" in (output / "drafts" / "index.html").read_text(encoding="utf-8")


def test_one_fuzzy_safety_entry_makes_a_draft_kept_off_the_index(complete_project, run_build):
    safety = next(
        s
        for s in iter_segments(load_monographs(complete_project)[0])
        if s.safety and s.kind == "callout"
    )
    set_entry(complete_project, "es", safety.msgid, fuzzy=True)
    run_build(complete_project)
    output = complete_project / "output"
    assert not (output / "es").exists()
    draft = (output / "drafts" / "es" / f"{DRUG}.html").read_text(encoding="utf-8")
    assert 'class="draft-banner"' in draft and 'class="fallback" lang="en"' in draft
    assert 'href="es/' not in (output / "index.html").read_text(encoding="utf-8")
    drafts = (output / "drafts" / "index.html").read_text(encoding="utf-8")
    assert f'href="es/{DRUG}.html"' in drafts
    report = json.loads((output / "report.json").read_text())["locales"]["es"][DRUG]
    assert report["status"] == "draft" and report["coverage"]["fuzzy"] == 1


def test_an_error_finding_blocks_publication(complete_project, run_build):
    set_entry(complete_project, "vi", "Pain", msgstr="<b>Đau</b>")
    run_build(complete_project)
    report = json.loads((complete_project / "output" / "report.json").read_text())
    entry = report["locales"]["vi"][DRUG]
    assert entry["status"] == "draft" and entry["blocking_findings"] >= 1
    assert entry["coverage"]["blocked"] == 1


def test_a_second_build_rewrites_nothing(project, run_build):
    run_build(project)
    before = file_states(project / "output")
    result = run_build(project)
    assert result.rendered == 0 and result.files_written == 0 and not result.changed
    assert file_states(project / "output") == before


def test_editing_one_catalog_rerenders_only_that_locale(project, run_build):
    add_monograph_copies(project, 2)
    run_build(project)
    before = file_states(project / "output")
    set_entry(project, "vi", "Pain", msgstr="Cơn đau (sửa)")
    result = run_build(project)
    assert result.rendered == 3  # the three vi handouts
    after = file_states(project / "output")
    changed = {name for name in after if before.get(name) != after[name]}
    pages = ("report.json", MANIFEST, "index.html", "drafts/index.html")
    assert changed and all(name in pages or name.split("/")[-2] == "vi" for name in changed)
    assert any(name.endswith(f"vi/{DRUG}.html") for name in changed)


def test_changing_a_template_input_rerenders_but_keeps_identical_files(
    project, run_build, monkeypatch
):
    run_build(project)
    before = file_states(project / "output")
    monkeypatch.setattr(fingerprints, "code_digest", lambda: "another renderer")
    result = run_build(project)
    assert result.rendered == result.published + result.drafts and result.files_written == 0
    after = file_states(project / "output")
    assert {k: v for k, v in after.items() if k != MANIFEST} == {
        k: v for k, v in before.items() if k != MANIFEST
    }


@pytest.mark.parametrize("breakage", ["catalog", "yaml", "locale-folder"])
def test_bad_input_leaves_the_output_untouched(project, run_build, breakage):
    run_build(project)
    before = snapshot(project / "output")
    states = file_states(project / "output")
    if breakage == "catalog":
        path = catalog_path(project, "es")
        path.write_text(
            path.read_text(encoding="utf-8") + '\nmsgid "x"\nmsgstr "y" "z\n', encoding="utf-8"
        )
        error = CatalogError
    elif breakage == "yaml":
        (project / MONOGRAPH).write_text("id: [unclosed\n", encoding="utf-8")
        error = SourceError
    else:
        shutil.copytree(project / "locales" / "es", project / "locales" / "xx_NOPE")
        error = LocaleError
    with pytest.raises(error) as raised:
        run_build(project)
    assert raised.value.path
    assert snapshot(project / "output") == before and file_states(project / "output") == states
    assert not list(project.glob(".handouts-build-output.new-*"))


def test_a_build_failing_while_rendering_leaves_the_output_whole(project, run_build, monkeypatch):
    run_build(project)
    before = snapshot(project / "output")
    set_entry(project, "es", "Pain", msgstr="Dolor (nuevo)")

    def crash(*args, **kwargs):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(render_task, "render_html", crash)
    with pytest.raises(RuntimeError):
        run_build(project, jobs=1)
    assert snapshot(project / "output") == before
    assert not list(project.glob(".handouts-build-output.*-*"))


def test_an_interrupted_swap_is_recovered(project, run_build):
    run_build(project)
    before = snapshot(project / "output")
    old = project / f".handouts-build-output.old-{os.getpid() + 1}"
    os.rename(project / "output", old)  # killed between the two renames
    (project / ".handouts-build-output.new-12345").mkdir()  # and a half-built stage
    run_build(project)
    assert snapshot(project / "output") == before
    assert not old.exists() and not (project / ".handouts-build-output.new-12345").exists()


def test_a_second_concurrent_build_is_refused(project, run_build):
    with build_lock(project / "output"), pytest.raises(BuildError, match="another build"):
        run_build(project)


def test_filters_build_only_the_selection_and_keep_the_rest(project, run_build):
    add_monograph_copies(project, 1)
    result = run_build(project, locales=["es"], drugs=[DRUG])
    output = project / "output"
    assert result.rendered == 1 and not (output / "en").exists()
    run_build(project)
    before = file_states(output)
    set_entry(project, "vi", "Pain", msgstr="Cơn đau (sửa)")
    set_entry(project, "es", "Pain", msgstr="Dolor (sin reconstruir)")
    result = run_build(project, locales=["vi"], drugs=["copy-000"])
    assert result.rendered == 1
    after = file_states(output)
    changed = {name for name in after if before.get(name) != after[name]}
    pages = ("report.json", MANIFEST, "index.html", "drafts/index.html")
    assert all("copy-000" in name or name in pages for name in changed)
    assert set(after) == set(before)  # nothing outside the filter was dropped
    with pytest.raises(BuildError, match="unknown drug"):
        run_build(project, drugs=["nope"])
    with pytest.raises(LocaleError, match="unknown locale"):
        run_build(project, locales=["fr"])


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_manifest_records_the_digest_of_each_file_as_written(project, run_build, jobs):
    """The digests are taken from the bytes the build wrote (not read back), including
    pages written twice (relinked once the published languages are known)."""
    add_monograph_copies(project, 12)
    for _ in range(2):
        shutil.rmtree(project / "output", ignore_errors=True)
        run_build(project, jobs=jobs)
        output = project / "output"
        files = json.loads((output / MANIFEST).read_text(encoding="utf-8"))["files"]
        assert len(files) == len([p for p in output.rglob("*") if p.is_file()]) - 1
        for name, recorded in files.items():
            assert hashlib.sha256((output / name).read_bytes()).hexdigest() == recorded, name


def test_a_worker_reports_only_the_files_it_writes(tmp_path):
    """A forked worker inherits the digests its command holds; reporting them again
    after a newer write (a relinked page) would record a stale digest."""
    staging.put(tmp_path, None, "es/page.html", b"first")
    render_task._start_worker(None)  # type: ignore[arg-type]
    assert staging.written() == {}
    staging.put(tmp_path, None, "es/other.html", b"second")
    assert staging.written() == {
        str(tmp_path / "es/other.html"): hashlib.sha256(b"second").hexdigest()
    }


def test_parallel_and_serial_builds_give_the_same_files(project, run_build):
    add_monograph_copies(project, 12)
    run_build(project, project / "serial", jobs=1)
    run_build(project, project / "parallel", jobs=2)
    assert snapshot(project / "serial") == snapshot(project / "parallel")
    # per drug: English standard and large print, es/vi/zh_CN also bilingual, the ar draft;
    # then the index, the drafts page and one page per language with a published handout
    assert len(list((project / "parallel").rglob("*.html"))) == 13 * (2 + 3 * 3 + 1) + 2 + 4


def test_the_output_must_not_be_a_foreign_or_source_folder(project, run_build):
    foreign = project / "documents"
    foreign.mkdir()
    (foreign / "thesis.txt").write_text("precious")
    with pytest.raises(BuildError, match="not made by"):
        run_build(project, foreign)
    for bad in (project, project / "source", project / "locales" / "out"):
        with pytest.raises(BuildError):
            run_build(project, bad)
    assert (foreign / "thesis.txt").read_text() == "precious"


def test_the_cli_builds_and_reports_bad_input_with_exit_2(project, capsys):
    assert main(["-C", str(project), "build", "--quiet", "--no-pdf"]) == 0
    err = capsys.readouterr().err  # no progress when not a terminal; required drafts named
    assert all(
        line.endswith("`") and ": required, built as a draft: " in line for line in err.splitlines()
    ), err
    path = catalog_path(project, "vi")
    path.write_text(path.read_text(encoding="utf-8") + '\nmsgid "broken\n', encoding="utf-8")
    assert main(["-C", str(project), "build", "--no-pdf"]) == 2
    err = capsys.readouterr().err
    assert "locales/vi/LC_MESSAGES/handouts.po:" in err and "Traceback" not in err


def test_the_build_names_each_required_locale_that_fell_to_draft(complete_project, capsys):
    assert main(["-C", str(complete_project), "build", "--quiet"]) == 0
    assert capsys.readouterr().err == ""
    set_entry(complete_project, "es", "Pain", fuzzy=True)
    set_entry(complete_project, "ar", "Pain", fuzzy=True)  # optional: not named
    assert main(["-C", str(complete_project), "build", "--quiet"]) == 0  # check is the gate
    assert capsys.readouterr().err.splitlines() == [
        "es: required, built as a draft: 1 draft handout(s), 1 text(s) shown in English; "
        "run `handouts check --locale es`"
    ]
    assert main(["-C", str(complete_project), "build", "--quiet"]) == 0  # nothing changed
    assert "es: required, built as a draft" in capsys.readouterr().err


def test_a_build_killed_midway_leaves_the_previous_output_whole(project, run_build):
    add_monograph_copies(project, 60)
    run_build(project)
    before = snapshot(project / "output")
    for locale in discover_locales(project):
        set_entry(project, locale, "Pain", msgstr=f"Pain ({locale}, new)")
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "build", "--quiet", "--no-pdf", "--jobs", "2"],
        cwd=project,
    )
    staged = False
    while process.poll() is None and not staged:
        staged = any(project.glob(".handouts-build-output.new-*"))
    process.send_signal(signal.SIGKILL)
    if process.wait() != -signal.SIGKILL or not staged:
        pytest.skip("the build finished before it could be killed")
    assert snapshot(project / "output") == before
    run_build(project)  # cleans up after the killed build
    assert not [
        p
        for p in project.iterdir()
        if p.name.startswith(".handouts-build-output.")
        and not p.name.endswith((".lock", ".sources.json"))
    ]  # (lock, cache)
    assert (
        "Pain (es, new)" in snapshot(project / "output")["es/copy-000.txt"].decode()
        or "Pain (es, new)" in snapshot(project / "output")["drafts/es/copy-000.txt"].decode()
    )


def test_a_removed_monograph_disappears_from_a_full_build(project, run_build):
    add_monograph_copies(project, 1)
    run_build(project)
    assert (project / "output" / "en" / "copy-000.html").is_file()
    (project / MONOGRAPH.parent / "copy-000.yaml").unlink()
    run_build(project)
    assert not list((project / "output").rglob("copy-000.*"))
    assert "copy-000" not in (project / "output" / "report.json").read_text()


def test_an_english_catalog_is_refused(project, run_build):
    shutil.copytree(project / "locales" / "es", project / "locales" / "en")
    # refused by the one locale list every command uses (check, status, publish...)
    with pytest.raises(LocaleError, match="locales/en/: English is the source language"):
        run_build(project)


def test_every_translation_points_to_its_english_original(project, run_build):
    """The HTML page links to the English page and prints where it is; the text handout
    ends with the English text's name in the handouts folder (a path relative to the
    text's own folder means nothing once pasted into a patient portal)."""
    run_build(project)
    output = project / "output"
    wording = {"es": "Leer este folleto en inglés", "zh_CN": "阅读本须知的英文版"}
    for locale, words in wording.items():
        html, text = _handout_paths(output, locale)
        last = text.read_text(encoding="utf-8").rstrip("\n").splitlines()[-1]
        assert last == f"{words}: en/{DRUG}.txt" and (output / "en" / f"{DRUG}.txt").is_file()
        page = html.read_text(encoding="utf-8")
        href = re.search(r'<a href="([^"]+)" hreflang="en">', page)
        assert (
            href
            and (html.parent / href.group(1)).resolve()
            == (output / "en" / f"{DRUG}.html").resolve()
        )
        assert f'<span class="print-only">: <span dir="ltr">en/{DRUG}.html</span>' in page
    _, draft_text = _handout_paths(output, "ar")  # a draft, one folder deeper
    assert (
        output / draft_text.read_text(encoding="utf-8").splitlines()[-1].rpartition(": ")[2]
    ).is_file()
    assert "inglés" not in (output / "en" / f"{DRUG}.txt").read_text(encoding="utf-8")


def test_a_base_url_makes_handouts_name_the_english_by_its_public_address(project, run_build):
    policy = project / "handouts.yaml"
    policy.write_text(
        policy.read_text(encoding="utf-8") + "base_url: https://handouts.example.org/clinic\n",
        encoding="utf-8",
    )
    run_build(project)
    address = f"https://handouts.example.org/clinic/en/{DRUG}.html"
    html, text = _handout_paths(project / "output", "es")
    assert " ".join(text.read_text(encoding="utf-8").split()).endswith(f": {address}")
    assert text.read_text(encoding="utf-8").splitlines()[-1] == address  # never broken
    assert f'<span dir="ltr">{address}</span>' in html.read_text(encoding="utf-8")
    bilingual = html.with_name(f"{DRUG}.bilingual.txt").read_text(encoding="utf-8")
    assert " ".join(bilingual.split()).endswith(f": {address}")
