"""Built output is verified, never trusted: the manifest records every file's digest; a
build that finds anything else in ``output/`` (a link, a FIFO, a stray file, an edited
handout) does not call the output unchanged and writes it again as it should be; a
bundle refuses it, naming the file, and writes nothing."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from pipeline.commands.bundle import bundle
from pipeline.errors import BuildError
from pipeline.publish.build import build
from pipeline.publish.manifest import MANIFEST
from tests.projects import copy_project, run_cli, snapshot

HANDOUT = "es/blinatumomab.html"


@pytest.fixture
def built(tmp_path: Path) -> Path:
    root = copy_project(tmp_path / "project")
    build(root, root / "output")
    return root


def recorded(output: Path) -> dict[str, str]:
    return json.loads((output / MANIFEST).read_text(encoding="utf-8"))["files"]


def every_file(output: Path) -> set[str]:
    return {
        os.path.relpath(os.path.join(base, name), output).replace(os.sep, "/")
        for base, _, names in os.walk(output)
        for name in names
    } - {MANIFEST}


def test_the_manifest_records_the_digest_of_every_file_it_wrote(built: Path):
    output = built / "output"
    files = recorded(output)
    assert set(files) == every_file(output) and HANDOUT in files and "report.json" in files
    for name, digest in files.items():
        assert hashlib.sha256((output / name).read_bytes()).hexdigest() == digest, name


def outside_file(root: Path) -> Path:
    secret = root.parent / "outside.txt"
    secret.write_text("not a handout: a file outside the project\n", encoding="utf-8")
    return secret


def plant(output: Path, kind: str, secret: Path) -> str:
    """Put something the build did not write into ``output``; the name it took."""
    if kind == "link-over-handout":
        (output / HANDOUT).unlink()
        (output / HANDOUT).symlink_to(secret)
        return HANDOUT
    if kind == "extra-link":
        (output / "es" / "notes.html").symlink_to(secret)
        return "es/notes.html"
    if kind == "folder-link":
        (output / "more").symlink_to(secret.parent, target_is_directory=True)
        return "more"
    if kind == "fifo":
        os.mkfifo(output / "es" / "pipe.txt")
        return "es/pipe.txt"
    if kind == "edited":
        with (output / HANDOUT).open("a", encoding="utf-8") as stream:
            stream.write("<p>edited after the build</p>")
        return HANDOUT
    assert kind == "stray"
    (output / "stray.html").write_text("<p>left here by hand</p>", encoding="utf-8")
    return "stray.html"


KINDS = ["link-over-handout", "extra-link", "folder-link", "fifo", "edited", "stray"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_build_never_calls_a_tampered_output_unchanged_and_writes_it_again(
    built: Path, kind: str
):
    output = built / "output"
    before = snapshot(output)
    plant(output, kind, outside_file(built))
    result = build(built, output)
    assert result.changed  # never "unchanged"
    assert snapshot(output) == before  # as the build writes it, nothing else
    assert every_file(output) == set(recorded(output))
    assert not any(
        (Path(base) / name).is_symlink()
        for base, folders, names in os.walk(output)
        for name in [*folders, *names]
    )
    again = build(built, output)
    assert not again.changed and again.rendered == 0  # and then it is unchanged


@pytest.mark.parametrize("kind", KINDS)
def test_a_bundle_refuses_a_tampered_output_naming_the_file(built: Path, kind: str):
    output, dist = built / "output", built / "dist"
    name = plant(output, kind, outside_file(built))
    with pytest.raises(BuildError) as raised:
        bundle(built, output, dist)
    assert raised.value.path == str(output.resolve() / name)
    assert not dist.exists()  # nothing written


def test_the_command_line_refuses_with_exit_2_and_one_line(built: Path):
    plant(built / "output", "link-over-handout", outside_file(built))
    result = run_cli("bundle", cwd=built)
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.splitlines()
    assert HANDOUT in line and "not a file the build wrote" in line
    assert not (built / "dist").exists()
    assert run_cli("build", "--quiet", "--no-pdf", cwd=built).returncode == 0
    assert run_cli("bundle", cwd=built).returncode == 0  # once built again


def test_a_manifest_that_is_a_link_is_not_trusted(built: Path, tmp_path: Path):
    output = built / "output"
    forged = tmp_path / "forged.json"
    forged.write_bytes((output / MANIFEST).read_bytes())
    (output / MANIFEST).unlink()
    (output / MANIFEST).symlink_to(forged)
    with pytest.raises(BuildError, match="not a file the build wrote"):
        bundle(built, output, built / "dist")
    result = build(built, output)
    assert result.changed and not (output / MANIFEST).is_symlink()
