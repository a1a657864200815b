"""Writing catalogs safely: `update` is all or nothing across catalogs, never replaces a
translator's save made while it runs, shares one lock with init, extract and build, and
turns every file-system failure (a full disk, a read-only folder, Ctrl-C) into one clear
line and an exit code, with nothing half-written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.catalogs import initialize
from pipeline.catalogs import merge as merge_module
from pipeline.catalogs.extract import extract_template
from pipeline.catalogs.locales import TEMPLATE_PATH, catalog_path, catalogs_lock, discover_locales
from pipeline.catalogs.merge import update_catalogs
from pipeline.cli import main
from pipeline.errors import CatalogError
from pipeline.publish.staging import build_lock
from tests.conftest import MONOGRAPH
from tests.projects import copy_project, file_size_limit, run_cli, snapshot, without_root_override

PARAGRAPH = "It is important to follow the directions given to you by your home care nurse"


def change_the_source(project: Path) -> None:
    """Edit a paragraph every catalog translates: an update must rewrite every catalog."""
    path = project / MONOGRAPH
    text = path.read_text(encoding="utf-8")
    assert PARAGRAPH in text
    path.write_text(
        text.replace(PARAGRAPH, PARAGRAPH.replace("important", "essential")), encoding="utf-8"
    )
    extract_template(project)


def catalogs(project: Path) -> dict[str, bytes]:
    return {loc: catalog_path(project, loc).read_bytes() for loc in discover_locales(project)}


def leftovers(project: Path) -> list[str]:
    return sorted(p.name for p in (project / "locales").rglob(".*") if p.is_file())


# --- a translator's save while update runs ----------------------------------------------------


@pytest.mark.parametrize("how", ["in place", "atomic rename"])
def test_a_save_during_update_is_kept_and_that_catalog_left_alone(
    project, monkeypatch, capsys, how
):
    change_the_source(project)
    before = catalogs(project)
    path = catalog_path(project, "es")
    saved = before["es"].replace(b'msgstr "Dolor"', b'msgstr "Dolor (revisado)"')
    real_prepare = merge_module.prepare_update

    def prepare_then_translator_saves(root, locale, template, catalog, **options):
        prepared = real_prepare(root, locale, template, catalog, **options)  # from what was read
        if locale == "es":  # ... and Poedit saves the catalog before the update replaces it
            if how == "in place":
                with path.open("r+b") as stream:
                    stream.write(saved)
                    stream.truncate()
            else:
                path.with_name("poedit.tmp").write_bytes(saved)
                os.replace(path.with_name("poedit.tmp"), path)
        return prepared

    monkeypatch.setattr(merge_module, "prepare_update", prepare_then_translator_saves)

    assert main(["-C", str(project), "update"]) == 2
    out, err = capsys.readouterr()
    assert path.read_bytes() == saved  # the translator's save, untouched
    assert err.splitlines() == [
        "handouts update: error: locales/es/LC_MESSAGES/handouts.po: saved by someone else "
        "while `handouts update` ran: left as it is (nothing lost); run `handouts update` again"
    ]
    after = catalogs(project)
    assert all(after[loc] != before[loc] for loc in before if loc != "es")  # the others: done
    assert "updated: locales/vi/LC_MESSAGES/handouts.po" in out and "locales/es/" not in out
    assert leftovers(project) == []
    monkeypatch.undo()
    assert main(["-C", str(project), "update"]) == 0  # the next update merges the save
    assert b"Dolor (revisado)" in path.read_bytes()


def test_init_never_overwrites_a_catalog_created_while_it_runs(project, monkeypatch):
    theirs = b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    path = catalog_path(project, "fr")
    real_prepare = initialize.prepare_file

    def prepare_while_weblate_pushes(target, data):
        temp = real_prepare(target, data)
        path.write_bytes(theirs)
        return temp

    monkeypatch.setattr(initialize, "prepare_file", prepare_while_weblate_pushes)
    with pytest.raises(CatalogError, match="created by someone else while `init` ran"):
        initialize.init_catalog(project, "fr")
    assert path.read_bytes() == theirs
    assert sorted(p.name for p in path.parent.iterdir()) == ["handouts.po"]


# --- one lock among our own commands ------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "update",
        "init fr",
        "extract",
        "migrate-plurals es",
        "import-xliff exchange/handouts-es.xlf",
        "review es --reviewer Ana_García,_CoreCHI --drug blinatumomab",
    ],
)
def test_commands_that_write_catalogs_never_run_together(project, command):
    if command.startswith("import-xliff"):
        assert run_cli("export-xliff", "es", cwd=project).returncode == 0
    change_the_source(project)
    if command == "extract":  # something to write
        path = project / MONOGRAPH
        edited = PARAGRAPH.replace("important", "essential")
        path.write_text(
            path.read_text(encoding="utf-8").replace(edited, edited + " now"), encoding="utf-8"
        )
    before = snapshot(project / "locales")
    with catalogs_lock(project):  # another update, init or extract holds it
        result = run_cli(*(word.replace("_", " ") for word in command.split()), cwd=project)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        f"handouts {command.split()[0]}: error: another command is using the catalogs "
        "(update, init, extract, or a build) (lock .handouts-catalogs.lock); try again when "
        "it ends"
    ]
    assert snapshot(project / "locales") == before


def test_a_build_never_reads_catalogs_while_they_are_written_nor_the_reverse(project):
    with catalogs_lock(project):
        result = run_cli("build", "--quiet", cwd=project)
    assert result.returncode == 2
    assert "a command is writing the catalogs" in result.stderr.splitlines()[0]
    assert not (project / "output").exists()
    with catalogs_lock(project, shared=True):  # a build is reading them
        assert run_cli("update", cwd=project).returncode == 2
        assert run_cli("build", "--quiet", "--no-pdf", cwd=project).returncode == 0  # readers share
    with build_lock(project / "output"):
        assert "another build is running" in run_cli("build", cwd=project).stderr


# --- all or nothing: read-only folders, full disks ----------------------------------------------


def test_a_read_only_catalog_folder_changes_no_catalog(project):
    change_the_source(project)
    before = catalogs(project)
    folder = catalog_path(project, "vi").parent
    folder.chmod(0o555)
    try:
        result = run_cli("update", cwd=project, preexec_fn=without_root_override)
    finally:
        folder.chmod(0o755)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        "handouts update: error: locales/vi/LC_MESSAGES/handouts.po: cannot write the updated "
        "catalog: Permission denied"
    ]
    assert catalogs(project) == before  # ar and es were ready too: none was replaced
    assert leftovers(project) == []


def test_a_full_disk_during_update_changes_no_catalog(project, tmp_path):
    change_the_source(project)
    before = catalogs(project)
    rehearsal = copy_project(tmp_path / "rehearsal")
    change_the_source(rehearsal)
    update_catalogs(rehearsal)
    sizes = sorted(len(data) for data in catalogs(rehearsal).values())
    # room for the smaller updated catalogs, not the largest: writing fails midway
    limit = sizes[-1] - 1
    assert sizes[0] < limit
    result = run_cli("update", cwd=project, preexec_fn=file_size_limit(limit))
    assert result.returncode == 2, result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith("handouts update: error: locales/") and first.endswith(
        ": cannot write the updated catalog: File too large"
    ), first
    assert "Traceback" not in result.stderr
    assert catalogs(project) == before
    assert leftovers(project) == []


def test_a_full_disk_during_extract_keeps_the_template(project):
    template = project / TEMPLATE_PATH
    before = template.read_bytes()
    path = project / MONOGRAPH
    path.write_text(
        path.read_text(encoding="utf-8").replace(PARAGRAPH, PARAGRAPH + " now"), encoding="utf-8"
    )
    result = run_cli("extract", cwd=project, preexec_fn=file_size_limit(len(before) // 2))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "handouts extract: error: locales/handouts.pot: cannot write the template: File too "
        "large (the previous template is unchanged)"
    ]
    assert template.read_bytes() == before
    assert leftovers(project) == []


# --- Ctrl-C ------------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_ctrl_c_during_update_prints_one_line_and_leaves_whole_catalogs(tmp_path):
    """Ctrl-C reaches the whole process group, workers included: the command answers with
    one line and exit 130; no worker prints a traceback; every catalog is old or new."""
    from tests.test_interrupted import LOCALES, make_project

    root = tmp_path / "project"
    make_project(root)
    old = {loc: catalog_path(root, loc).read_bytes() for loc in LOCALES}
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "update"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not _children(process.pid) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    workers = _children(process.pid)
    assert workers, "the update finished before it forked its workers"
    for worker in workers:  # hold them mid-work, so the signal finds them busy
        os.kill(worker, signal.SIGSTOP)
    os.killpg(process.pid, signal.SIGINT)  # what the terminal does on Ctrl-C
    for worker in workers:
        os.kill(worker, signal.SIGCONT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert err == "handouts update: interrupted\n"
    for locale in LOCALES:
        assert catalog_path(root, locale).read_bytes() == old[locale]  # stopped before any
    assert leftovers(root) == []


def test_a_reading_without_comments_has_no_digest_and_can_never_replace_the_file(tmp_path):
    """check and build read catalogs without their notes and skip hashing them: such a
    reading carries no digest, so a write that started from it refuses to replace the
    file instead of taking it for a new one."""
    from pipeline.catalogs.pofile import commit_catalog, load_catalog, prepare_file

    project = copy_project(tmp_path / "project")
    path = catalog_path(project, "es")
    before = path.read_bytes()
    full, reading = load_catalog(project, "es"), load_catalog(project, "es", comments=False)
    assert full.digest is not None and reading.digest is None
    assert reading.messages and all(not m.notes for m in reading.messages)
    assert not commit_catalog(prepare_file(path, b'msgid ""\nmsgstr ""\n'), path, reading)
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left
