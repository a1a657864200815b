"""The command line: help everywhere, exit codes 0/1/2, errors without tracebacks."""

from __future__ import annotations

import json

import pytest

from pipeline.catalogs.locales import catalog_path
from pipeline.cli import main, parser
from tests.projects import copy_project, run_cli

COMMANDS = ["extract", "init", "update", "lint", "status", "check", "build"]


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path / "project")


def test_every_command_has_help(capsys):
    for command in [None, *COMMANDS]:
        assert main([command, "--help"] if command else ["--help"]) == 0
        assert "usage: handouts" in capsys.readouterr().out
    assert set(COMMANDS) <= set(parser()._subparsers._group_actions[0].choices)


def test_usage_errors_exit_2(capsys):
    assert main([]) == 2
    assert main(["frobnicate"]) == 2
    assert main(["init"]) == 2
    assert "usage:" in capsys.readouterr().err


def test_extract_is_a_no_op_on_the_shipped_project(project, capsys):
    assert main(["-C", str(project), "extract"]) == 0
    assert "unchanged: locales/handouts.pot" in capsys.readouterr().out
    assert main(["-C", str(project), "extract", "--check"]) == 0


def test_extract_check_exits_1_when_the_template_is_stale(project, capsys):
    source = project / "source" / "monographs" / "blinatumomab.yaml"
    source.write_text(
        source.read_text(encoding="utf-8").replace("heading: Pain\n", "heading: Pains\n")
    )
    assert main(["-C", str(project), "extract", "--check"]) == 1
    assert "out of date" in capsys.readouterr().err


def test_init_with_an_invalid_locale_exits_2_with_a_clear_message(project):
    result = run_cli("init", "klingon", cwd=project)
    assert result.returncode == 2
    assert "not a gettext locale code" in result.stderr
    assert "Traceback" not in result.stderr
    result = run_cli("init", "xx_YY", cwd=project)
    assert result.returncode == 2 and "unknown locale 'xx_YY'" in result.stderr


def test_init_then_status_counts_the_new_catalog(project, capsys):
    assert main(["-C", str(project), "init", "fr"]) == 0
    assert catalog_path(project, "fr").is_file()
    capsys.readouterr()
    assert main(["-C", str(project), "status"]) == 0
    table = capsys.readouterr().out
    fr = next(line for line in table.splitlines() if line.startswith("fr "))
    assert " 0.0%" in fr
    es = next(line for line in table.splitlines() if line.startswith("es "))
    assert "100.0%" in es


def test_status_never_counts_fuzzy_as_translated(project, capsys):
    path = catalog_path(project, "es")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('msgid "Pain"', '#, fuzzy\nmsgid "Pain"', 1), encoding="utf-8")
    assert main(["-C", str(project), "status"]) == 0
    es = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("es "))
    cells = es.split()
    assert cells[2] == "1" and cells[-1] != "100.0%"


def test_broken_yaml_exits_2_naming_file_and_line(project):
    source = project / "source" / "monographs" / "blinatumomab.yaml"
    source.write_text("id: x\nsections: [\n", encoding="utf-8")
    result = run_cli("extract", cwd=project)
    assert result.returncode == 2
    assert result.stderr.startswith("handouts extract: error: source/monographs/blinatumomab.yaml:")
    assert "Traceback" not in result.stderr


def test_broken_catalog_exits_2_for_update_and_status(project):
    path = catalog_path(project, "vi")
    path.write_text(path.read_text(encoding="utf-8") + '\nmsgid "broken\n', encoding="utf-8")
    before = path.read_bytes()
    for command in ("update", "status"):
        result = run_cli(command, cwd=project)
        assert result.returncode == 2, result.stderr
        assert "locales/vi/LC_MESSAGES/handouts.po:" in result.stderr
        assert "Traceback" not in result.stderr
    assert path.read_bytes() == before


def test_lint_lists_gaps_as_warnings_and_exits_0(project, capsys):
    assert main(["-C", str(project), "lint"]) == 0
    out = capsys.readouterr().out
    assert "warning: [source-gap]" in out and "0 error(s)" in out


def test_the_command_exits_without_teardown_yet_runs_exit_handlers_and_flushes(project):
    """The command skips Python's teardown (freeing every cached reading one by one), but
    exit handlers still run, the whole report reaches a pipe, and the code is the gate's."""
    import subprocess
    import sys

    script = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('handler ran', file=sys.stderr))\n"
        "from pipeline.cli import entry_point\n"
        f"sys.argv = ['handouts', '-C', {str(project)!r}, 'check', '--format', 'json']\n"
        "entry_point()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.endswith("handler ran\n")
    assert (
        done.stdout == run_cli("-C", str(project), "check", "--format", "json", cwd=project).stdout
    )
    assert json.loads(done.stdout)["passed"] is True
