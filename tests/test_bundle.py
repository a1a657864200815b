"""``handouts bundle``: published handouts only, one zip per locale, reproducible."""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import subprocess
import zipfile
from html.parser import HTMLParser

import pytest

from pipeline.cli import main
from pipeline.commands.bundle import bundle
from pipeline.publish.build import build
from pipeline.publish.bundle import index_page
from pipeline.publish.manifest import Entry
from pipeline.publish.render import locale_info
from tests.conftest import set_entry
from tests.projects import copy_project, run_cli


@pytest.fixture
def built_project(tmp_path):
    root = copy_project(tmp_path / "project")
    build(root, root / "output")
    return root


def published(output):
    manifest = json.loads((output / ".handouts-manifest.json").read_text(encoding="utf-8"))
    return {
        key: entry for key, entry in manifest["entries"].items() if entry["status"] == "published"
    }


def test_each_locale_gets_a_zip_of_its_published_handouts_and_english_originals(built_project):
    output, dist = built_project / "output", built_project / "dist"
    result = bundle(built_project, output, dist)
    entries = published(output)
    locales = sorted({entry["locale"] for entry in entries.values()})
    assert sorted(result.zips) == locales
    assert "ar" not in result.zips  # the shipped Arabic catalog is a draft: never bundled
    for locale in locales:
        with zipfile.ZipFile(dist / f"handouts-{locale}.zip") as archive:
            names = archive.namelist()
            assert names == sorted(names)
            mine = [e for e in entries.values() if e["locale"] == locale]
            for entry in mine:
                _same_but_absent_links(
                    archive.read(entry["html"]), (output / entry["html"]).read_bytes(), set(names)
                )
                assert entry["text"] in names
                if locale != "en":
                    assert f"en/{entry['drug']}.html" in names
            assert not any(name.startswith("drafts/") for name in names)
            for info in archive.infolist():
                assert info.date_time == (1980, 1, 1, 0, 0, 0)
                assert info.external_attr >> 16 == 0o100644
    assert (dist / "report.json").read_bytes() == (output / "report.json").read_bytes()


def test_sha256sums_verifies_with_sha256sum(built_project):
    dist = built_project / "dist"
    bundle(built_project, built_project / "output", dist)
    lines = (dist / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    for line in lines:
        digest, name = line.split("  ")
        assert hashlib.sha256((dist / name).read_bytes()).hexdigest() == digest
    assert any(line.endswith("  report.json") for line in lines)
    tool = subprocess.run(
        ["sha256sum", "--check", "--quiet", "SHA256SUMS"], cwd=dist, capture_output=True, text=True
    )
    assert tool.returncode == 0, tool.stdout + tool.stderr


def test_two_runs_give_identical_bytes_and_the_epoch_sets_the_timestamps(
    built_project, tmp_path, monkeypatch
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")  # 2025-01-01T00:00:00Z
    first, second = tmp_path / "one", tmp_path / "two"
    bundle(built_project, built_project / "output", first)
    build(built_project, built_project / "output")  # a no-op rebuild in between
    bundle(built_project, built_project / "output", second)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    with zipfile.ZipFile(first / "handouts-es.zip") as archive:
        assert {info.date_time for info in archive.infolist()} == {(2025, 1, 1, 0, 0, 0)}
    again = bundle(built_project, built_project / "output", first)
    assert again.written == []  # nothing changed: nothing rewritten


def test_a_stale_output_is_refused(built_project):
    set_entry(built_project, "es", "Side effects", msgstr="Efectos adversos")
    result = run_cli("bundle", cwd=built_project)
    assert result.returncode == 2
    assert "does not match the project now" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (built_project / "dist").exists()


def test_a_narrowed_build_is_refused(tmp_path):
    root = copy_project(tmp_path / "project")
    build(root, root / "output", locales=["es"])
    assert main(["-C", str(root), "bundle"]) == 2


def test_no_build_no_bundle(tmp_path, capsys):
    root = copy_project(tmp_path / "project")
    assert main(["-C", str(root), "bundle"]) == 2
    assert "run `handouts build` first" in capsys.readouterr().err


def test_a_locale_no_longer_published_loses_its_zip(built_project):
    dist = built_project / "dist"
    bundle(built_project, built_project / "output", dist)
    assert (dist / "handouts-es.zip").is_file()
    set_entry(built_project, "es", "Side effects", msgstr="", fuzzy=False)
    build(built_project, built_project / "output")
    result = bundle(built_project, built_project / "output", dist)
    assert "handouts-es.zip" in result.removed and not (dist / "handouts-es.zip").exists()


def test_the_bundle_folder_cannot_be_the_output_or_the_sources(built_project, capsys):
    for bad in ("output", "locales", "output/zips", "."):
        assert main(["-C", str(built_project), "bundle", "--dist", bad]) == 2
    assert "apart from the output" in capsys.readouterr().err


class _Page(HTMLParser):
    """Links, languages and the open/close balance of an HTML page."""

    VOID = {"meta", "link", "br", "img", "input", "hr", "source", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.hreflangs: set[str] = set()
        self.open: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
            if values.get("hreflang"):
                self.hreflangs.add(values["hreflang"])
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if not self.open or self.open.pop() != tag:
            self.problems.append(f"</{tag}> closes nothing open")


def page(data: bytes) -> _Page:
    parsed = _Page()
    parsed.feed(data.decode("utf-8"))
    parsed.close()
    return parsed


def test_each_zip_has_an_index_of_its_handouts_linking_only_inside(built_project):
    output, dist = built_project / "output", built_project / "dist"
    result = bundle(built_project, output, dist)
    entries = published(output)
    assert result.zips
    for locale in result.zips:
        with zipfile.ZipFile(dist / f"handouts-{locale}.zip") as archive:
            members = {name: archive.read(name) for name in archive.namelist()}
        index = page(members["index.html"])
        assert index.problems == [] and index.open == []
        text = members["index.html"].decode("utf-8")
        assert text.startswith("<!DOCTYPE html>") and '<html lang="en">' in text
        assert "<title>Patient handouts: " in text
        own = {e["html"] for e in entries.values() if e["locale"] == locale}
        assert own and own <= set(index.links)
        assert index.hreflangs <= {locale_info(locale).tag, "en"}
        assert set(index.links) <= set(members), locale
        if locale != "en":
            assert any(link.startswith("en/") for link in index.links)  # the originals
        for entry in entries.values():  # the handouts are the site's bytes, links aside
            if entry["html"] in members:
                _same_but_absent_links(
                    members[entry["html"]], (output / entry["html"]).read_bytes(), set(members)
                )


def test_no_zipped_page_links_to_a_file_the_zip_lacks(built_project):
    """es is bundled without vi and zh_CN: its pages name them, unlinked."""
    dist = built_project / "dist"
    bundle(built_project, built_project / "output", dist)
    unlinked = 0
    for archive_path in sorted(dist.glob("handouts-*.zip")):
        with zipfile.ZipFile(archive_path) as archive:
            names = set(archive.namelist())
            for name in names:
                if not name.endswith(".html"):
                    continue
                text = archive.read(name).decode("utf-8")
                for href in re.findall(r'<a href="([^"#:?]+)"', text):
                    target = posixpath.normpath(posixpath.join(posixpath.dirname(name), href))
                    assert target in names, (archive_path.name, name, href)
                unlinked += text.count('<span lang="vi"')
    assert unlinked  # Tiếng Việt is named in the Spanish zip's pages, not linked


def _same_but_absent_links(zipped: bytes, site: bytes, names: set[str]) -> None:
    """The zipped page is the site's, but for links to pages not in the zip: their text
    stays, unlinked (same words, same language)."""

    def words(data: bytes) -> str:
        return re.sub(r"<[^>]+>", "", data.decode("utf-8"))

    assert words(zipped) == words(site)
    kept = re.sub(
        r'<a href="[^"]*"[^>]*>|</a>|<span(?: (?:lang|dir)="[^"]*")*>|</span>',
        "",
        zipped.decode("utf-8"),
    )
    assert kept == re.sub(
        r'<a href="[^"]*"[^>]*>|</a>|<span(?: (?:lang|dir)="[^"]*")*>|'
        r"</span>",
        "",
        site.decode("utf-8"),
    )


def test_the_index_escapes_what_it_lists():
    entry = Entry.from_json(
        {
            "drug": "x",
            "locale": "es",
            "html": "es/x.html",
            "text": "es/x.txt",
            "status": "published",
            "title": "<script>alert(1)</script> & co",
        }
    )
    html = index_page("es", [entry], {}, {"es/x.html": b"", "es/x.txt": b""})
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
    assert '<a href="es/x.txt" type="text/plain">plain text</a>' in html
    assert page(html.encode()).problems == []
