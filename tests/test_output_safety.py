"""The build's output folder: never written outside the project through a link, a mount
point or a full disk is a clear error, and the previous output stays whole."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.errors import BuildError
from pipeline.publish import staging as staging_module
from tests.conftest import set_entry
from tests.projects import file_size_limit, run_cli, snapshot


def staging_left(project: Path) -> list[str]:
    """Staging or previous-output folders left beside the project's outputs (the lock and
    the sources cache belong there)."""
    return sorted(
        p.name
        for p in project.parent.rglob(".handouts-build-*")
        if not p.name.endswith((".lock", ".sources.json"))
    )


def test_an_output_link_inside_the_project_is_followed(project, run_build):
    (project / "site").mkdir()
    (project / "output").symlink_to(project / "site", target_is_directory=True)
    run_build(project)
    assert (project / "site" / "index.html").is_file()
    assert (project / "output").is_symlink()


def test_an_output_link_leading_out_is_refused_and_nothing_is_written_there(project, tmp_path):
    outside = tmp_path / "elsewhere"
    (project / "output").symlink_to(outside, target_is_directory=True)  # not even created
    result = run_cli("build", cwd=project)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0].startswith(
        "handouts build: error: output: the output folder leads outside the project"
    )
    assert not outside.exists() and staging_left(project) == []
    nested = project / "out" / "site"
    (project / "out").symlink_to(tmp_path, target_is_directory=True)  # a parent that leads out
    result = run_cli("build", "--output", "out/site", cwd=project)
    assert result.returncode == 2 and "handouts build: error: out: " in result.stderr
    assert not (tmp_path / "site").exists() and not nested.exists()


def test_an_output_chosen_outside_the_project_is_the_users_choice(project, tmp_path):
    assert (
        run_cli(
            "build", "--quiet", "--no-pdf", "--output", str(tmp_path / "www"), cwd=project
        ).returncode
        == 0
    )
    assert (tmp_path / "www" / "index.html").is_file()


def test_a_mount_point_output_is_refused_before_anything_is_rendered(
    project, run_build, monkeypatch
):
    run_build(project)
    before = snapshot(project / "output")
    output = (project / "output").resolve()
    real_ismount = os.path.ismount
    monkeypatch.setattr(os.path, "ismount", lambda path: Path(path) == output or real_ismount(path))
    set_entry(project, "es", "Pain", msgstr="Dolor (nuevo)")
    with pytest.raises(BuildError, match="mount point"):
        run_build(project)
    assert snapshot(project / "output") == before and staging_left(project) == []


def test_a_rename_refused_with_ebusy_is_a_clear_error_and_the_output_stays(
    project, run_build, monkeypatch
):
    """A bind mount os.path.ismount cannot see: the first rename of the swap fails."""
    run_build(project)
    before = snapshot(project / "output")
    output = (project / "output").resolve()
    real_rename = os.rename

    def rename(source, target):
        if Path(source) == output:
            raise OSError(errno.EBUSY, os.strerror(errno.EBUSY), str(source))
        return real_rename(source, target)

    monkeypatch.setattr(staging_module.os, "rename", rename)
    set_entry(project, "es", "Pain", msgstr="Dolor (nuevo)")
    with pytest.raises(BuildError, match="mount point.*Device or resource busy"):
        run_build(project)
    assert snapshot(project / "output") == before and staging_left(project) == []


def test_a_full_disk_during_build_is_one_line_and_the_previous_output_stays(project):
    assert run_cli("build", "--quiet", "--no-pdf", cwd=project).returncode == 0
    before = snapshot(project / "output")
    set_entry(project, "es", "Pain", msgstr="Dolor (nuevo)")
    largest = max(len(data) for data in before.values())
    result = run_cli(
        "build", "--quiet", "--no-pdf", cwd=project, preexec_fn=file_size_limit(largest // 2)
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("handouts build: error: output/"), lines
    assert lines[0].endswith(": cannot write: File too large; the previous output is unchanged")
    assert snapshot(project / "output") == before
    assert staging_left(project) == []
    # with the PDFs (Chromium writes too): whichever write fails first, one line
    result = run_cli("build", "--quiet", cwd=project, preexec_fn=file_size_limit(largest // 2))
    lines = result.stderr.splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    assert lines[0].startswith("handouts build: error: output/"), lines
    assert snapshot(project / "output") == before and staging_left(project) == []


def _mount_tmpfs(folder: Path, size: str) -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    folder.mkdir()
    return (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
            capture_output=True,
        ).returncode
        == 0
    )


def test_a_really_full_disk_enospc_during_build(project, tmp_path):
    """The same on a tiny tmpfs, where the kernel answers ENOSPC (needs root to mount)."""
    disk = tmp_path / "disk"
    if not _mount_tmpfs(disk, "8m"):
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        output = disk / "output"
        assert (
            run_cli(
                "build",
                "--quiet",
                "--no-pdf",
                "--locale",
                "es",
                "--output",
                str(output),
                cwd=project,
            ).returncode
            == 0
        )
        before = snapshot(output)
        status = os.statvfs(disk)  # leave 16 KB: less than a full build needs
        room = status.f_bavail * status.f_frsize - 16 * 1024
        handle = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            with contextlib.suppress(OSError):
                while room > 0:
                    room -= os.write(handle, b"x" * min(room, 1 << 20))
        finally:
            os.close(handle)
        result = run_cli("build", "--quiet", "--no-pdf", "--output", str(output), cwd=project)
        assert result.returncode == 2, result.stderr
        assert result.stderr.splitlines()[0].endswith(
            ": cannot write: No space left on device; the previous output is unchanged"
        )
        assert snapshot(output) == before and staging_left(output) == []
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def test_every_output_path_given_inside_the_project_stays_inside(project, tmp_path):
    """The bundle's dist/ and an XLIFF export's folder, links leading out: refused."""
    assert run_cli("build", "--quiet", "--no-pdf", cwd=project).returncode == 0
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (project / "dist").symlink_to(outside, target_is_directory=True)
    (project / "exchange").symlink_to(outside, target_is_directory=True)
    for command in (["bundle"], ["export-xliff", "es", "--output", "exchange/es.xlf"]):
        result = run_cli(*command, cwd=project)
        assert result.returncode == 2, (command, result.stderr)
        assert "leads outside the project through this symbolic link" in result.stderr
    assert list(outside.iterdir()) == []
