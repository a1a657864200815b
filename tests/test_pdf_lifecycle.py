"""What happens to the PDFs when a build prints none (``--no-pdf``, no Chromium, no font):
the PDF of an unchanged handout is kept, byte for byte, with its link; an out-of-date
one is removed with its link, and the build says so, even with ``--quiet``;
``--require-pdf`` exits 1 when a PDF could not be printed. A stand-in printer writes the
PDFs here (the real Chromium is test_pdf.py's)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.catalogs.pofile import load_catalog
from pipeline.cli import main
from pipeline.publish import pdf as pdf_module
from pipeline.publish.build import build
from pipeline.source.monographs import load_monographs
from pipeline.source.segments import iter_segments
from tests.conftest import set_entry

DRUG = "blinatumomab"


@pytest.fixture
def printer(monkeypatch) -> list[str]:
    """A stand-in Chromium: every PDF asked for is written (its page's path inside)."""
    printed: list[str] = []

    def render(jobs, *args, **kwargs):
        for job in jobs:
            Path(job.pdf).write_bytes(b"%PDF-stand-in " + Path(job.html).read_bytes()[:64])
            printed.append(Path(job.pdf).name)

    monkeypatch.setattr(pdf_module, "engine_problem", lambda: None)
    monkeypatch.setattr(pdf_module, "font_coverage", lambda: None)
    monkeypatch.setattr(pdf_module, "render_pdfs", render)
    return printed


def pdfs(output: Path) -> dict[str, bytes]:
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in output.rglob("*.pdf")}


def edit_spanish_text(project: Path) -> None:
    """A copy edit of one Spanish text of the handout's body (no quantity in it)."""
    monograph = load_monographs(project)[0]
    messages = {m.msgid: m for m in load_catalog(project, "es").active()}
    segment = next(
        s
        for s in iter_segments(monograph)
        if not s.safety
        and not any(c.isdigit() for c in s.msgid)
        and messages.get(s.msgid)
        and messages[s.msgid].msgstr
        and len(s.msgid.split()) > 6
    )
    set_entry(project, "es", segment.msgid, msgstr=messages[segment.msgid].msgstr + " Bien.")


def test_no_pdf_keeps_the_pdfs_of_unchanged_handouts(project, printer, capsys):
    output = project / "output"
    build(project, output, pdf=True)
    before = pdfs(output)
    assert f"es/{DRUG}.pdf" in before and len(before) == 11
    assert main(["-C", str(project), "build", "--no-pdf", "--quiet"]) == 0
    assert pdfs(output) == before  # every PDF as it was
    assert f"{DRUG}.pdf" in (output / "es" / f"{DRUG}.html").read_text(encoding="utf-8")
    assert capsys.readouterr().err == ""  # nothing to warn about
    printer.clear()
    build(project, output, pdf=True)  # and back: nothing printed again
    assert printer == [] and pdfs(output) == before


def test_a_stale_pdf_is_removed_with_its_link_and_the_build_says_so(project, printer, capsys):
    output = project / "output"
    build(project, output, pdf=True)
    before = pdfs(output)
    edit_spanish_text(project)
    assert main(["-C", str(project), "build", "--no-pdf", "--quiet"]) == 0
    after = pdfs(output)
    spanish = {name for name in before if name.startswith("es/")}
    assert spanish and not spanish & set(after)  # the Spanish handout changed: removed
    assert {n: d for n, d in before.items() if n not in spanish} == after  # the rest kept
    assert ".pdf" not in (output / "es" / f"{DRUG}.html").read_text(encoding="utf-8")
    err = capsys.readouterr().err
    assert (
        "warning: 3 PDF(s) skipped: not printed (--no-pdf); removed because their "
        "handout changed" in err
    )
    printer.clear()
    assert main(["-C", str(project), "build", "--quiet"]) == 0  # printing again: only those
    assert sorted(printer) == sorted(Path(n).name for n in spanish)


def test_without_chromium_quiet_warns_once_per_reason_and_require_pdf_fails(
    project, monkeypatch, capsys
):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("CHROMIUM_PATH", raising=False)
    assert main(["-C", str(project), "build", "--quiet"]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines()[0] == (
        "warning: 11 PDF(s) skipped: Chromium was not found: run `apt-get install chromium` "
        "(or set CHROMIUM_PATH)"
    )
    assert main(["-C", str(project), "build", "--quiet", "--require-pdf"]) == 1
    assert "11 PDF(s) could not be printed (--require-pdf)" in capsys.readouterr().err
    assert main(["-C", str(project), "build", "--no-pdf", "--require-pdf"]) == 2


def test_without_chromium_the_current_pdfs_stay(project, printer, monkeypatch, capsys):
    output = project / "output"
    build(project, output, pdf=True)
    before = pdfs(output)
    monkeypatch.setattr(pdf_module, "engine_problem", lambda: "Chromium was not found")
    edit_spanish_text(project)
    assert main(["-C", str(project), "build", "--quiet"]) == 0
    assert {n: d for n, d in before.items() if not n.startswith("es/")} == pdfs(output)
    assert (
        "warning: 3 PDF(s) skipped: Chromium was not found; removed because their "
        "handout changed" in capsys.readouterr().err
    )


def test_a_missing_font_names_the_package_once_per_reason():
    latin = pdf_module._merge([(0x20, 0x7E)])
    one = pdf_module.missing_fonts("abc 贝林", latin)
    two = pdf_module.missing_fonts("xyz 妥欧", latin)
    assert (
        one
        == two
        == ("no installed font has the Cjk characters: run `apt-get install fonts-noto-cjk`")
    )
    assert "fonts-noto-core" in pdf_module.missing_fonts("بليناتوموماب", latin)
