"""The smaller frictions of issue 26: `init` says what comes next and writes a header
that gettext tools read; check messages quote what they found."""

from __future__ import annotations

import shlex
import subprocess

import polib

from pipeline.catalogs.locales import catalog_path
from pipeline.cli import main
from tests.projects import need_tool


def test_init_prints_the_next_commands_and_they_run(project, capsys):
    assert main(["-C", str(project), "init", "pl"]) == 0
    out = capsys.readouterr().out
    assert "created: locales/pl/LC_MESSAGES/handouts.po" in out
    commands = [line.split("#")[0].strip() for line in out.splitlines()
                if line.strip().startswith("handouts ")]
    assert [c.split()[1] for c in commands] == ["status", "check", "build"]
    assert all("pl" in command for command in commands)
    for command in commands[:2]:  # each printed command is one the CLI accepts
        code = main(["-C", str(project), *shlex.split(command)[1:]])
        assert code in (0, 1), command  # 1: the new locale's check fails, as it should
    capsys.readouterr()


def test_init_leaves_language_team_empty_not_malformed(project):
    assert main(["-C", str(project), "init", "pl"]) == 0
    path = catalog_path(project, "pl")
    header = polib.pofile(str(path)).metadata
    assert header["Language-Team"] == ""
    assert "<>" not in path.read_text(encoding="utf-8")
    msgfmt = need_tool("msgfmt")
    result = subprocess.run([msgfmt, "-c", "-o", "/dev/null", str(path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
