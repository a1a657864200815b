"""The Makefile keeps the contracts the README states: `make check` exits as the gate
does (a CI user tells "a check failed" from "bad input"), and the locks are what a fresh
machine installs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.catalogs.extract import extract_template
from pipeline.catalogs.pofile import load_catalog
from tests.conftest import set_entry
from tests.projects import REPO


def make_check(project: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """`make check` on ``project`` with this interpreter's environment (already set up)."""
    make = shutil.which("make")
    if make is None:
        if os.environ.get("CI") == "true":
            pytest.fail("make is not installed, and CI=true")
        pytest.skip("make is not installed")
    stamp = tmp_path / "stamp"
    stamp.touch()  # newer than the locks: nothing to install
    return subprocess.run(
        [
            make,
            "-C",
            str(REPO),
            "check",
            f"ROOT={project}",
            f"BIN={Path(sys.executable).parent}",
            f"RUNTIME_STAMP={stamp}",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_make_check_keeps_the_gates_exit_codes(complete_project, tmp_path):
    extract_template(complete_project)  # its notes name no glossary terms now
    assert make_check(complete_project, tmp_path).returncode == 0
    fever = next(
        m.msgid for m in load_catalog(complete_project, "es").active() if "100.4" in m.msgid
    )
    set_entry(complete_project, "es", fever, msgstr=fever.replace("100.4", "101.4"))
    failed = make_check(complete_project, tmp_path)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "numbers-units" in failed.stdout
    (complete_project / "handouts.yaml").write_text("locales: [", encoding="utf-8")
    broken = make_check(complete_project, tmp_path)
    assert broken.returncode == 2 and "handouts.yaml:1" in broken.stderr


def test_the_locks_pin_every_package_with_hashes_and_no_local_paths():
    for name in ("requirements.lock", "requirements-test.lock"):
        text = (REPO / name).read_text(encoding="utf-8")
        pins = re.findall(r"^([A-Za-z0-9_.-]+)==(\S+) \\$", text, re.M)
        assert pins, name
        blocks = re.split(r"^(?=[A-Za-z0-9_.-]+==)", text, flags=re.M)[1:]
        assert all("--hash=sha256:" in block for block in blocks), name
        assert not re.search(
            r"file:|/opt/|/tmp/|--index-url|--extra-index-url|--find-links", text
        ), name
    runtime = dict(
        re.findall(
            r"^([A-Za-z0-9_.-]+)==(\S+) \\$",
            (REPO / "requirements.lock").read_text(encoding="utf-8"),
            re.M,
        )
    )
    test = dict(
        re.findall(
            r"^([A-Za-z0-9_.-]+)==(\S+) \\$",
            (REPO / "requirements-test.lock").read_text(encoding="utf-8"),
            re.M,
        )
    )
    assert {name: test[name] for name in runtime} == runtime  # the same runtime versions
    # test tools stay out of the runtime lock (Playwright is the PDF engine: runtime)
    assert not {"ruff", "hypothesis", "pytest", "mypy"} & set(runtime)
    assert "playwright" in runtime


def test_make_test_checks_lint_format_and_types() -> None:
    """`make test` (what CI calls) runs ruff's linter, ruff's format check and mypy
    before pytest, and the tree passes the format check with the test lock's ruff."""
    recipe = re.search(r"^test: .*\n((?:\t.*\n)+)", (REPO / "Makefile").read_text("utf-8"), re.M)
    assert recipe, "no test target in the Makefile"
    lines = recipe.group(1).splitlines()
    assert [line.split()[0].rsplit("/", 1)[-1] for line in lines] == [
        "ruff",
        "ruff",
        "mypy",
        "python",
    ]
    assert "format --check" in lines[1]
    ruff = Path(sys.executable).parent / "ruff"
    if not ruff.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("ruff is not installed beside this interpreter, and CI=true")
        pytest.skip("ruff is not installed beside this interpreter")
    done = subprocess.run(
        [str(ruff), "format", "--check", "pipeline", "tests", "tools"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
