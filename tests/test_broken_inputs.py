"""The corpus of broken inputs in tests/broken/: each case gets the exact error a user
sees (file and 1-based line, plain words), exit code 2, no traceback, and leaves
output/ and every catalog byte-identical.

Each case folder holds ``case.yaml`` (how to break a copy of the shipped project, and
which commands to run) and ``expected.txt`` (the exact first line of stderr per
command). Run with ``REGENERATE_BROKEN=1`` to rewrite expected.txt after a deliberate
change of wording, then read the diff.
"""

from __future__ import annotations

import base64
import os
import shutil
from pathlib import Path

import pytest
import yaml

from tests.projects import copy_project, run_cli, snapshot

CASES = Path(__file__).parent / "broken"
REGENERATE = os.environ.get("REGENERATE_BROKEN") == "1"


def apply_case(project: Path, case: dict, outside: Path) -> None:
    """Break ``project`` as ``case`` says; ``outside`` is a folder beside the project, for
    symbolic links that lead out of it."""
    for name, pairs in case.get("replace", {}).items():
        path = project / name
        text = path.read_text(encoding="utf-8")
        for old, new in [pairs] if isinstance(pairs[0], str) else pairs:
            assert old in text, f"{name}: the text to break is not there: {old!r}"
            text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")
    for name, text in case.get("append", {}).items():
        with (project / name).open("a", encoding="utf-8") as stream:
            stream.write(text)
    for name, source in case.get("copy", {}).items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(project / source, project / name)
    for name, text in case.get("write", {}).items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        if (project / name).is_dir():
            shutil.rmtree(project / name)
        (project / name).write_text(text, encoding="utf-8")
    for name, data in case.get("write_bytes", {}).items():
        (project / name).write_bytes(base64.b64decode(data))
    for name in case.get("delete", []):
        (project / name).unlink()
    for name, repeat in case.get("repeat", {}).items():  # [text, times]: a large file
        (project / name).write_text(repeat[0] * repeat[1], encoding="utf-8")
    for name in case.get("move_outside", []):  # the folder moves out; a link stays
        target = outside / Path(name).name
        shutil.move(project / name, target)
        (project / name).symlink_to(target, target_is_directory=True)
    for name in case.get("link_outside", []):  # replaced by a link to an empty folder
        path = project / name
        if path.is_dir():
            shutil.rmtree(path)
        target = outside / Path(name).name
        target.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target, target_is_directory=True)


def expectations(folder: Path) -> dict[str, str]:
    path = folder / "expected.txt"
    if not path.exists():
        return {}
    pairs = (
        line.split(": ", 1)
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    )
    return {command: message for command, message in pairs}


@pytest.mark.parametrize(
    "folder", sorted(p for p in CASES.iterdir() if p.is_dir()), ids=lambda p: p.name
)
def test_broken_input_gets_a_clear_error_and_changes_nothing(tmp_path, folder):
    case = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
    project = copy_project(tmp_path / "project")
    outside = tmp_path / "outside"
    outside.mkdir()
    if "build" in case["commands"]:
        assert run_cli("build", "--quiet", "--no-pdf", cwd=project).returncode == 0
    apply_case(project, case, outside)
    output_before = snapshot(project / "output") if (project / "output").is_dir() else None
    locales_before = snapshot(project / "locales")
    source_before = snapshot(project / "source")
    outside_before = snapshot(outside)
    expected = expectations(folder)
    seen = {}
    for command in case["commands"]:
        result = run_cli(*command.split(), cwd=project)
        assert result.returncode == 2, f"{command}: exit {result.returncode}\n{result.stderr}"
        assert "Traceback" not in result.stderr, result.stderr
        first = result.stderr.strip().splitlines()[0]
        seen[command] = first
        if not REGENERATE:
            assert first == expected.get(command), f"{command}: {first}"
        if output_before is not None:
            assert snapshot(project / "output") == output_before, f"{command} changed output/"
        assert snapshot(project / "locales") == locales_before, f"{command} changed locales/"
        assert snapshot(project / "source") == source_before, f"{command} changed source/"
        assert snapshot(outside) == outside_before, f"{command} wrote outside the project"
    if REGENERATE:
        (folder / "expected.txt").write_text(
            "".join(f"{command}: {message}\n" for command, message in seen.items()),
            encoding="utf-8",
        )
