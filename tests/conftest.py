"""Shared fixtures: throw-away copies of the project, catalog edits, built outputs."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.catalogs.locales import catalog_path, discover_locales
from pipeline.catalogs.pofile import load_catalog, render_catalog, write_atomic
from pipeline.model import Message
from pipeline.publish.build import BuildResult, build
from pipeline.source.glossary import GLOSSARY_PATH
from tests.projects import copy_project

MONOGRAPH = Path("source") / "monographs" / "blinatumomab.yaml"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the repository's source/, locales/ and config files."""
    return copy_project(tmp_path / "project")


@pytest.fixture
def complete_project(project: Path) -> Path:
    """The project with every catalog complete (entries copied from English) and no
    glossary (whose approved local forms an English copy cannot use): all publishable."""
    (project / GLOSSARY_PATH).unlink(missing_ok=True)
    for locale in discover_locales(project):
        complete_catalog(project, locale)
    return project


@pytest.fixture
def run_build(tmp_path: Path) -> Callable[..., BuildResult]:
    """``run_build(root, **options)``: build into ``root/output`` (no progress display;
    no PDFs unless ``pdf=True``: the PDF tests print theirs)."""

    def run(root: Path, output: Path | None = None, **options) -> BuildResult:
        options.setdefault("pdf", False)
        return build(root, output or root / "output", **options)

    return run


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output folder of one build of a copy of the shipped project (read-only use)."""
    root = copy_project(tmp_path_factory.mktemp("built") / "project")
    build(root, root / "output", pdf=False)
    return root / "output"


@pytest.fixture(scope="session")
def arabic_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output of a copy whose Arabic is finished (see :func:`complete_arabic`), so
    that Arabic is published: its bilingual edition exists (read-only use)."""
    root = copy_project(tmp_path_factory.mktemp("arabic") / "project")
    (root / GLOSSARY_PATH).unlink()  # its approved Arabic terms are not in English copies
    complete_arabic(root)
    build(root, root / "output", pdf=False)
    return root / "output"


def complete_arabic(root: Path) -> None:
    """Finish the Arabic draft: its untranslated and fuzzy entries get their English text
    (the rest stays Arabic), so that, without the glossary, Arabic is published."""

    def finish(message: Message) -> Message:
        if message.msgid_plural is not None:
            forms = tuple(f or message.msgid_plural for f in message.msgstr_plural) or (
                message.msgid,
                message.msgid_plural,
            )
            return replace(message, msgstr_plural=forms, fuzzy=False)
        text = message.msgid if message.fuzzy or not message.msgstr else message.msgstr
        return replace(message, msgstr=text, fuzzy=False)

    edit_catalog(root, "ar", finish)


def edit_catalog(root: Path, locale: str, change: Callable[[Message], Message]) -> None:
    """Rewrite ``locale``'s catalog with ``change`` applied to every active entry."""
    catalog = load_catalog(root, locale)
    messages = [m if m.obsolete else change(m) for m in catalog.messages]
    write_atomic(
        catalog_path(root, locale), render_catalog(catalog.header_comment, catalog.header, messages)
    )


def _english_copy(message: Message) -> Message:
    if message.msgid_plural is not None:
        count = len(message.msgstr_plural) or 2  # as many forms as the catalog's rule
        forms = (message.msgid,) + (message.msgid_plural,) * (count - 1)
        return replace(message, msgstr_plural=forms, fuzzy=False)
    return replace(message, msgstr=message.msgid, fuzzy=False)


def complete_catalog(root: Path, locale: str) -> None:
    """Make every entry a translated copy of its English text: publishable, whatever
    state the translators left the catalog in."""
    edit_catalog(root, locale, _english_copy)


def set_entry(root: Path, locale: str, msgid: str, **fields) -> None:
    """Change the fields (msgstr, fuzzy...) of the entry whose msgid is ``msgid``."""
    found = []

    def change(message: Message) -> Message:
        if message.msgid == msgid:
            found.append(message)
            return replace(message, **fields)
        return message

    edit_catalog(root, locale, change)
    assert found, f"no entry {msgid!r} in {locale}"


def add_monograph_copies(root: Path, count: int) -> list[str]:
    """Add ``count`` copies of the shipped monograph under new ids; return the ids."""
    text = (root / MONOGRAPH).read_text(encoding="utf-8")
    ids = [f"copy-{n:03d}" for n in range(count)]
    for drug in ids:
        (root / MONOGRAPH.parent / f"{drug}.yaml").write_text(
            re.sub(r"^id: .*$", f"id: {drug}", text, count=1, flags=re.M), encoding="utf-8"
        )
    return ids


def file_states(folder: Path) -> dict[str, tuple[int, int]]:
    """(inode, mtime_ns) of every file under ``folder``: proves what was rewritten."""
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def need_file_tool(variable: str, default: str | None, what: str) -> str:
    """A tool given by path (env var or default); skip without it unless CI=true."""
    path = os.environ.get(variable) or default
    if path and (Path(path).is_file() or shutil.which(path)):
        return path
    message = f"{what} not found (set {variable})"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}, and CI=true: .ci/run must install it")
    pytest.skip(message)
