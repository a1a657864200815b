"""An output option never names a project input (issue 24, class 3): every option that
writes is refused, exit 2, naming the option and the path, when it names (or resolves
through links to) a catalog, the template, a monograph, the glossary, handouts.yaml,
an editions record, anything under source/, locales/ or editions/, or the project."""

from __future__ import annotations

import os
from itertools import cycle, islice
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.errors import HandoutError
from pipeline.files import output_path
from tests.projects import REPO, copy_project, run_cli, snapshot

# every option that writes, as a command line whose last word is the path
OPTIONS = {
    "check --junit": ["check", "--junit"],
    "review-sheet -o": ["review-sheet", "es", "--drug", "blinatumomab", "-o"],
    "export-xliff --output": ["export-xliff", "es", "--output"],
    "export-glossary --output": ["export-glossary", "--output"],
    "bundle --dist": ["bundle", "--dist"],
    "build --output": ["build", "--quiet", "--no-pdf", "--output"],
    "serve --output": ["serve", "--port", "0", "--output"],
}


def project_inputs(root: Path) -> list[str]:
    """Every input of a project: its files and folders, the policy, the project itself."""
    found = ["handouts.yaml", ".", "source", "locales", "editions"]
    for name in ("source", "locales", "editions"):
        for top, folders, files in os.walk(root / name):
            found += [Path(top, entry).relative_to(root).as_posix() for entry in folders + files]
    return sorted(set(found))


SHIPPED = project_inputs(REPO)


def test_the_shipped_project_has_every_kind_of_input():
    for name in (
        "locales/handouts.pot",
        "locales/es/LC_MESSAGES/handouts.po",
        "source/glossary.yaml",
        "source/monographs/blinatumomab.yaml",
    ):
        assert name in SHIPPED


@settings(max_examples=200, deadline=None)
@given(
    name=st.sampled_from(SHIPPED),
    option=st.sampled_from(sorted(OPTIONS)),
    below=st.sampled_from(["", "new.txt", "a/b.xml"]),
)
def test_every_input_path_is_refused_for_every_option(name, option, below):
    """The guard itself, on the shipped project: an input, or a path below one."""
    path = REPO / name / below if below else REPO / name
    if below and (name == "." or (REPO / name).is_file()):
        path = REPO / name  # nothing lies below a file; the project holds outputs too
    with pytest.raises(HandoutError) as caught:
        output_path(REPO, path, option)
    assert option in caught.value.message and caught.value.path


def test_a_path_elsewhere_is_accepted(tmp_path):
    for path in (
        REPO / "output" / "x.xml",
        REPO / "handouts-es.xlf",
        tmp_path / "j.xml",
        REPO / "sourcecode.txt",
        REPO / "locales.xml",
    ):
        assert output_path(REPO, path, "check --junit") == path


def test_a_link_to_an_input_is_refused_wherever_it_is(tmp_path):
    project = copy_project(tmp_path / "project")
    catalog = project / "locales" / "es" / "LC_MESSAGES" / "handouts.po"
    links = {
        tmp_path / "report.xml": catalog,
        project / "out.xml": catalog,
        tmp_path / "dangling.xml": project / "locales" / "es" / "new.po",
        tmp_path / "dist": project / "editions",
    }
    for link, target in links.items():
        link.symlink_to(target)
        with pytest.raises(HandoutError, match="never writes over"):
            output_path(project, link, "check --junit")
    # a locale folder that is a link to a folder elsewhere in the project
    moved = project / "elsewhere-es"
    (project / "locales" / "es").rename(moved)
    (project / "locales" / "es").symlink_to(moved, target_is_directory=True)
    with pytest.raises(HandoutError, match="a catalog"):
        output_path(project, moved / "LC_MESSAGES" / "handouts.po", "check --junit")


def test_every_option_refuses_every_input_on_the_command_line(tmp_path):
    """Each option against inputs in turn (every option and every kind of input at least
    once): exit 2, the option and the path named, nothing written anywhere."""
    project = copy_project(tmp_path / "project")
    inputs = project_inputs(project)
    picks = [
        "locales/es/LC_MESSAGES/handouts.po",
        "locales/handouts.pot",
        "source/monographs/blinatumomab.yaml",
        "source/glossary.yaml",
        "handouts.yaml",
        "editions",
        "locales",
        "source",
        ".",
    ]
    picks += [name for name in inputs if name not in picks]
    count = max(len(picks), len(OPTIONS))
    before = snapshot(tmp_path)
    for option, name in zip(
        islice(cycle(sorted(OPTIONS)), count), islice(cycle(picks), count), strict=True
    ):
        result = run_cli(*OPTIONS[option], name, cwd=project)
        assert result.returncode == 2, (option, name, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        assert f"{option} names" in result.stderr, result.stderr
        assert snapshot(tmp_path) == before, (option, name)
    assert not (project / ".handouts-catalogs.lock").exists()
