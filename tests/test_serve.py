"""``handouts serve``: a save re-renders only what it touches, writes what ``build`` would,
serves preview pages with their reload script (never in the built files), stops cleanly."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from pipeline.catalogs.extract import extract_template
from pipeline.catalogs.merge import update_catalogs
from pipeline.errors import CatalogError
from pipeline.publish.build import build
from pipeline.publish.manifest import PENDING
from pipeline.publish.serve import EVENTS, Preview, make_server, preview_page
from tests.conftest import add_monograph_copies, need_file_tool, set_entry
from tests.projects import REPO, copy_project, snapshot

CATALOG = Path("locales") / "es" / "LC_MESSAGES" / "handouts.po"


@pytest.fixture
def project(tmp_path):
    root = copy_project(tmp_path / "project")
    ids = add_monograph_copies(root, 2)
    source = root / "source" / "monographs" / f"{ids[0]}.yaml"
    source.write_text(
        source.read_text(encoding="utf-8").replace("heading: Pain\n", "heading: Pain relief\n"),
        encoding="utf-8",
    )
    extract_template(root)
    update_catalogs(root, memory=False)
    set_entry(root, "es", "Pain relief", msgstr="Alivio del dolor", fuzzy=False)
    return root


@pytest.fixture
def preview(project):
    preview = Preview(project, project / "output")
    preview.refresh()
    return preview


def fresh_build(root: Path, tmp_path: Path) -> dict[str, bytes]:
    other = copy_project(Path(tempfile.mkdtemp(dir=tmp_path)) / "fresh")
    for name in ("source", "locales"):
        for path in (root / name).rglob("*"):
            if path.is_file():
                target = other / path.relative_to(root)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(path.read_bytes())
    build(other, other / "output", pdf=False, preview=True)  # (a preview: no PDFs)
    return snapshot(other / "output")


def save(preview: Preview):
    changed = preview.changes()
    assert changed, "the save was not seen"
    return preview.rebuild(changed)


def test_a_saved_msgstr_re_renders_that_handout_as_build_would(preview, project, tmp_path):
    set_entry(project, "es", "Pain relief", msgstr="Alivio del dolor (revisado)")
    update = save(preview)
    assert update.rendered == ["es/copy-000"] and not update.full
    assert update.written == [
        f"es/copy-000{name}"
        for name in (  # every format shows it
            ".bilingual.html",
            ".bilingual.txt",
            ".html",
            ".large.html",
            ".txt",
        )
    ]
    assert snapshot(project / "output") == fresh_build(project, tmp_path)
    again = build(project, project / "output", pdf=False, preview=True)  # all current
    assert again.rendered == 0 and again.files_written == 0 and not again.changed


def test_a_handout_that_becomes_a_draft_moves_and_the_pages_follow(preview, project, tmp_path):
    set_entry(project, "es", "Pain relief", fuzzy=True)
    update = save(preview)
    assert update.rendered == ["es/copy-000"]
    output = project / "output"
    assert not (output / "es" / "copy-000.html").exists()
    assert (output / "drafts" / "es" / "copy-000.html").is_file()
    assert "drafts/index.html" in update.written and "index.html" in update.written
    assert not (output / PENDING).exists()
    assert snapshot(output) == fresh_build(project, tmp_path)


def test_a_broken_save_keeps_the_last_good_output_and_recovers(preview, project, tmp_path):
    before = snapshot(project / "output")
    path = project / CATALOG
    good = path.read_text(encoding="utf-8")
    path.write_text(good + '\nmsgid "Broken\n', encoding="utf-8")
    with pytest.raises(CatalogError):
        save(preview)
    assert "handouts.po:" in preview.error
    assert snapshot(project / "output") == before
    assert preview.changes() == []  # reported once, not on every poll
    path.write_text(good.replace('msgstr "Alivio del dolor"', 'msgstr "Alivio"'), encoding="utf-8")
    update = save(preview)
    assert update.rendered == ["es/copy-000"] and preview.error is None
    assert snapshot(project / "output") == fresh_build(project, tmp_path)


def test_a_saved_monograph_goes_through_the_build(preview, project, tmp_path):
    path = project / "source" / "monographs" / "copy-001.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("reviewed: null", "reviewed: 2025-04-01")
    )
    update = save(preview)
    assert update.full
    assert snapshot(project / "output") == fresh_build(project, tmp_path)
    set_entry(project, "es", "Pain relief", msgstr="Alivio del dolor (2)")  # then fast again
    assert save(preview).rendered == ["es/copy-000"]


def test_a_server_killed_midway_makes_the_next_build_render_everything(preview, project):
    (project / "output" / PENDING).write_text("", encoding="utf-8")
    result = build(project, project / "output", pdf=False)
    assert result.rendered == 3 * 5 and not (project / "output" / PENDING).exists()


def test_an_external_build_is_noticed(preview, project, tmp_path):
    set_entry(project, "es", "Pain relief", msgstr="Alivio del dolor (fuera)")
    build(project, project / "output", pdf=False, preview=True)  # changed under the server
    set_entry(project, "es", "Pain relief", msgstr="Alivio del dolor (dentro)")
    assert save(preview).full
    assert snapshot(project / "output") == fresh_build(project, tmp_path)


# --- HTTP ------------------------------------------------------------------------------


@pytest.fixture
def server(preview):
    server = make_server(preview, 0, lambda text: None)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_preview_pages_carry_the_script_and_a_policy_allowing_exactly_it(server, project):
    status, headers, body = get(f"{server}/es/blinatumomab.html")
    assert status == 200
    page = body.decode("utf-8")
    [script] = re.findall(r"<script>(.*?)</script>", page, re.S)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    policy = headers["Content-Security-Policy"]
    assert f"script-src 'sha256-{digest}'" in policy and "connect-src 'self'" in policy
    assert f'content="{policy}"' in page  # the page's own policy says the same
    assert "default-src 'none'" in policy and "'unsafe-inline'" not in policy
    built = (project / "output" / "es" / "blinatumomab.html").read_text(encoding="utf-8")
    assert "<script" not in built and "script-src 'none'" in built
    assert body.replace(f"<script>{script}</script>".encode(), b"") != built.encode()


def test_the_server_serves_only_the_output(server):
    assert get(f"{server}/")[0] == 200  # the index
    assert get(f"{server}/drafts/")[0] == 200
    status, headers, body = get(f"{server}/es/blinatumomab.txt")
    assert status == 200 and headers["Content-Type"] == "text/plain; charset=utf-8"
    assert b"<script" not in body
    for path in (
        "/../handouts.yaml",
        "/.handouts-manifest.json",
        "/%2e%2e/handouts.yaml",
        "/es/../../handouts.yaml",
        "/nothing.html",
    ):
        assert get(f"{server}{path}")[0] == 404, path


def test_a_handout_url_finds_its_draft(server):
    status, headers, _ = get(f"{server}/ar/blinatumomab.html")  # Arabic is a draft
    assert status == 302 and headers["Location"] == "/drafts/ar/blinatumomab.html"


def test_the_page_learns_of_its_own_rebuild(server, preview, project):
    def version(path):
        return json.loads(get(f"{server}{EVENTS}?path={path}")[2])["version"]

    mine, other = version("/es/copy-000.html"), version("/es/copy-001.html")
    set_entry(project, "es", "Pain relief", msgstr="Alivio del dolor (nuevo)")
    save(preview)
    assert version("/es/copy-000.html") != mine
    assert version("/es/copy-001.html") == other  # untouched pages do not reload


def test_preview_page_without_a_policy_still_gets_one():
    page, policy = preview_page(b"<html><body><p>x</p></body></html>")
    assert b"<script>" in page and "script-src 'sha256-" in policy


# --- the command -------------------------------------------------------------------------


def start_server(project: Path) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-u", "-m", "pipeline", "serve", "es", "--port", "0"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    line = process.stdout.readline()
    match = re.search(r"serving (http://127\.0\.0\.1:\d+)/", line)
    assert match, line + process.stderr.read()
    return process, match.group(1)


def test_serve_command_rebuilds_after_a_save_and_stops_on_ctrl_c(project):
    process, base = start_server(project)
    try:
        assert "status es --url" in process.stdout.readline()
        first = json.loads(get(f"{base}{EVENTS}?path=/es/copy-000.html")[2])["version"]
        set_entry(project, "es", "Pain relief", msgstr="Alivio del dolor (en vivo)")
        deadline = time.monotonic() + 20
        while json.loads(get(f"{base}{EVENTS}?path=/es/copy-000.html")[2])["version"] == first:
            assert time.monotonic() < deadline, "no rebuild within 20 s"
            time.sleep(0.1)
        assert "Alivio del dolor (en vivo)" in get(f"{base}/es/copy-000.html")[2].decode()
        assert "rebuilt in" in process.stdout.readline()
    finally:
        process.send_signal(signal.SIGINT)
        out, errors = process.communicate(timeout=30)
    assert process.returncode == 0, errors
    assert "stopped" in out and "Traceback" not in errors


def test_serve_refuses_an_unknown_locale(project):
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "serve", "xx"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "no catalog for locale 'xx'" in result.stderr


def test_status_names_each_entrys_handout_at_the_server(project):
    set_entry(project, "es", "Pain relief", fuzzy=True)
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "status", "es", "--url", "http://127.0.0.1:8000"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "    see: http://127.0.0.1:8000/es/copy-000.html\n" in result.stdout


def test_chromium_reloads_the_page_after_a_save(project):
    chromium = need_file_tool("CHROMIUM_PATH", "/usr/bin/chromium", "Chromium")
    from playwright.sync_api import sync_playwright

    process, base = start_server(project)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, args=["--headless", "--no-sandbox"]
            )
            try:
                page = browser.new_page()
                violations = []
                page.on(
                    "console",
                    lambda message: (
                        violations.append(message.text)
                        if "Content Security Policy" in message.text
                        else None
                    ),
                )
                page.goto(f"{base}/es/copy-000.html")
                assert "Alivio del dolor" in page.content()
                page.wait_for_timeout(600)  # the script has polled once
                set_entry(project, "es", "Pain relief", msgstr="Alivio del dolor (recargado)")
                deadline = time.monotonic() + 20  # (the page's policy forbids eval)
                while "Alivio del dolor (recargado)" not in page.inner_text("body"):
                    assert time.monotonic() < deadline, "the page did not reload"
                    page.wait_for_timeout(100)
                page.screenshot(path=str(project / "reloaded.png"))
                assert violations == []
            finally:
                browser.close()
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)


# --- a hardened preview server (loopback only; every request bounded by a timeout) --------


def raw_get(base: str, path: str, host: str | None = None) -> tuple[int, dict[str, str]]:
    """GET ``path`` as sent (no normalizing), with this Host header (None: the server's)."""
    import http.client

    address = base.removeprefix("http://")
    connection = http.client.HTTPConnection(address, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": address if host is None else host})
        response = connection.getresponse()
        response.read()
        return response.status, dict(response.headers)
    finally:
        connection.close()


def test_a_request_for_another_host_is_misdirected(server):
    port = server.rsplit(":", 1)[1]
    for host in (
        "attacker.example",
        f"attacker.example:{port}",
        "127.0.0.1:1",
        f"127.0.0.2:{port}",
        f"localhost.attacker.example:{port}",
        "",
    ):
        assert raw_get(server, "/report.json", host=host)[0] == 421, host
        assert raw_get(server, f"{EVENTS}?path=/", host=host)[0] == 421, host
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LocalHost:{port}", f"[::1]:{port}"):
        assert raw_get(server, "/report.json", host=host)[0] == 200, host


def test_odd_and_overlong_paths_are_answered_never_dropped(server):
    for path in (
        "/es/" + "a" * 300 + ".html",
        "/" + "b" * 300,
        "/drafts/" + "c" * 300 + "/x",
        "/es/%00.html",
        "/es/%ff%fe.html",
        "/" + "d/" * 400,
        "/es/%2e%2e%2f%2e%2e",
    ):
        status, _ = raw_get(server, path)
        assert status in (404, 414), (path[:40], status)
    assert raw_get(server, "/" + "e" * 5000)[0] == 414
    assert raw_get(server, "/es/blinatumomab.html")[0] == 200  # and it still serves


def test_no_path_redirects_to_another_host(server):
    for path in (
        "/drafts//ar/blinatumomab.html",
        "//ar/blinatumomab.html",
        "//attacker.example/ar/blinatumomab.html",
        "/drafts/%2F%2Fattacker.example",
        "/%2F%2Fattacker.example/",
        "http://attacker.example/ar/blinatumomab.html",
    ):
        status, headers = raw_get(server, path)
        location = headers.get("Location", "")
        assert not location.startswith("//") and "attacker" not in location, (path, location)
        assert status in (302, 404), (path, status)
    status, headers = raw_get(server, "/ar/blinatumomab.html")  # the draft is still found
    assert status == 302 and headers["Location"] == "/drafts/ar/blinatumomab.html"


@pytest.mark.parametrize("port", ["70000", "-1", "65536", "abc", "8000.5"])
def test_an_invalid_port_is_refused_before_any_build(project, port):
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "serve", "--port", port],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "port" in result.stderr
    assert not (project / "output").exists()  # nothing was built


def test_a_port_in_use_is_refused_before_any_build(project):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = subprocess.run(
            [sys.executable, "-m", "pipeline", "serve", "--port", port],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
    assert result.returncode == 2, result.stderr
    assert f"127.0.0.1:{port}" in result.stderr and "Traceback" not in result.stderr
    assert not (project / "output").exists()


def test_serve_previews_from_its_own_folder_and_never_writes_output(project, monkeypatch):
    """After a build (with PDFs), a preview that serves, rebuilds after a save and stops
    leaves output/ byte for byte as the build left it, PDFs included."""
    from pipeline.publish import pdf as pdf_module

    def stand_in(jobs, *args, **kwargs):  # a stand-in Chromium (the real one: test_pdf.py)
        for job in jobs:
            Path(job.pdf).write_bytes(b"%PDF-stand-in " + job.html.encode())

    monkeypatch.setattr(pdf_module, "engine_problem", lambda: None)
    monkeypatch.setattr(pdf_module, "font_coverage", lambda: None)
    monkeypatch.setattr(pdf_module, "render_pdfs", stand_in)
    build(project, project / "output", pdf=True)
    before = snapshot(project / "output")
    assert any(name.endswith(".pdf") for name in before)
    process, base = start_server(project)
    try:
        assert "status es --url" in process.stdout.readline()
        set_entry(project, "es", "Pain relief", msgstr="Alivio del dolor (vista previa)")
        assert "rebuilt in" in process.stdout.readline()
        assert "(vista previa)" in get(f"{base}/es/copy-000.html")[2].decode()
    finally:
        process.send_signal(signal.SIGINT)
        out, errors = process.communicate(timeout=30)
    assert process.returncode == 0, errors
    assert snapshot(project / "output") == before
    assert (project / ".handouts-preview" / "es" / "copy-000.html").is_file()
    refused = subprocess.run(
        [sys.executable, "-m", "pipeline", "serve", "--port", "0", "--output", "output"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert refused.returncode == 2 and "never writes the build's output/" in refused.stderr
    assert snapshot(project / "output") == before


def test_the_preview_shows_a_held_back_translation_only_in_its_own_folder(project, tmp_path):
    """A translation failing numbers-units (38 °C written 39 °C): the preview's draft shows
    the translator's own words, highlighted, with the finding and the English beside it;
    the built handout shows the English alone, never the held-back translation."""
    from pipeline.catalogs.pofile import load_catalog

    message = next(m for m in load_catalog(project, "es").active() if "38 °C" in m.msgstr)
    wrong = message.msgstr.replace("38 °C", "39 °C")
    set_entry(project, "es", message.msgid, msgstr=wrong)
    preview = Preview(project, tmp_path / "preview")
    preview.refresh()
    shown = (tmp_path / "preview" / "drafts" / "es" / "blinatumomab.html").read_text("utf-8")
    held = re.search(r'<(\w+) class="pending held">(.*?)</\1>', shown, re.S)
    assert held, "no held-back text in the preview"
    assert "39 °C" in held.group(2) and "numbers-units" in held.group(2)
    assert "English: " in held.group(2) and "100.4" in held.group(2)
    build(project, project / "output", pdf=False)
    built = (project / "output" / "drafts" / "es" / "blinatumomab.html").read_text("utf-8")
    assert "39 °C" not in built and 'class="held-note"' not in built
    assert "Retenido por la comprobación: numbers-units" in built  # the English, tagged
