"""What a clinic hands a patient: its contact box in every handout and format, the facts a
patient reads (no revision hash in visible text), the unreviewed notice on top, reviewed
by default, and "DRAFT" in English on every draft."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.checks.policy import load_policy
from pipeline.cli import main
from pipeline.errors import HandoutError

CLINIC = """clinic:
  name: Example Cancer Centre
  phone: 555-0100
  after_hours_phone: +1 (555) 0199 ext. 12
  emergency: "911"
  website: https://cancer.example.org/
"""
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" '
    b'height="10" fill="#036"/></svg>'
)


def with_policy(root: Path, extra: str) -> None:
    policy = root / "handouts.yaml"
    policy.write_text(policy.read_text("utf-8") + extra, encoding="utf-8")


def visible(html: str) -> str:
    """What a reader sees of a page: its body's text, markup removed."""
    body = html.split("</head>", 1)[1]
    return re.sub(r"<[^>]+>", " ", body)


def test_a_locale_without_publish_publishes_reviewed_texts_only(tmp_path):
    (tmp_path / "handouts.yaml").write_text(
        "locales:\n  es: {}\n  fr:\n    required: false\n  vi:\n    publish: translated\n"
    )
    policy = load_policy(tmp_path)
    assert policy.get("es").needs_review and policy.get("fr").needs_review
    assert policy.get("de").needs_review  # a locale the file does not name
    assert not policy.get("vi").needs_review


def test_without_publish_the_shipped_translations_are_drafts(project, run_build):
    policy = project / "handouts.yaml"
    policy.write_text(
        policy.read_text("utf-8").replace("    publish: translated\n", ""), encoding="utf-8"
    )
    run_build(project)
    output = project / "output"
    assert not (output / "es" / "blinatumomab.html").exists()
    assert (output / "drafts" / "es" / "blinatumomab.html").is_file()
    index = (output / "index.html").read_text("utf-8")
    assert 'href="es/blinatumomab' not in index and 'href="en/blinatumomab.html"' in index


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ("  phone: <b>555</b>\n", "'clinic.phone' must be a phone number"),
        ("  phone: call-us-now\n", "'clinic.phone' must be a phone number"),
        ("  after_hours_phone: [911]\n", "'clinic.after_hours_phone' must be a text"),
        ("  name: <script>x</script>\n", "'clinic.name' must be plain text"),
        ("  website: javascript:alert(1)\n", "'clinic.website' must be an http"),
        ("  logo: ../outside.png\n", "must be a file inside the project"),
        ("  logo: /etc/passwd\n", "must be a file inside the project"),
        ("  logo: handouts.yaml\n", "is not an image"),
        ("  logo: missing.png\n", "'clinic.logo' (missing.png)"),
        ("  fax: 555-0100\n", "unknown key 'fax' in 'clinic'"),
        ('  emergency: "112"\n', "'clinic.emergency' appears twice"),
    ],
)
def test_a_bad_clinic_value_is_exit_2_naming_key_and_line(project, capsys, extra, words):
    with_policy(project, 'clinic:\n  emergency: "911"\n' + extra)
    line = len((project / "handouts.yaml").read_text("utf-8").splitlines())
    assert main(["-C", str(project), "build", "--no-pdf", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"handouts.yaml:{line}:" in err and words in err and "Traceback" not in err
    assert not (project / "output").exists()  # nothing half-written


@pytest.mark.parametrize(
    "svg",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
        b'<image x:href="https://tracker.example/p.png"/></svg>',
        b'<!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg"/>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://x.example)</style>'
        b"</svg>",
    ],
)
def test_an_svg_logo_with_anything_active_is_refused(tmp_path, svg):
    (tmp_path / "logo.svg").write_bytes(svg)
    (tmp_path / "handouts.yaml").write_text("locales: {}\nclinic:\n  logo: logo.svg\n")
    with pytest.raises(HandoutError) as error:
        load_policy(tmp_path)
    assert "handouts.yaml:3" in str(error.value) and "'clinic.logo'" in str(error.value)


def test_a_logo_outside_the_project_through_a_link_is_refused(tmp_path):
    outside = tmp_path / "outside.png"
    outside.write_bytes(PNG)
    root = tmp_path / "project"
    root.mkdir()
    (root / "logo.png").symlink_to(outside)
    (root / "handouts.yaml").write_text("locales: {}\nclinic:\n  logo: logo.png\n")
    with pytest.raises(HandoutError) as error:
        load_policy(root)
    assert "handouts.yaml:3" in str(error.value)


def test_the_clinics_numbers_are_in_every_handout_file_of_every_format(project, run_build):
    (project / "source" / "logo.svg").write_bytes(SVG)
    with_policy(project, CLINIC + "  logo: source/logo.svg\n")
    run_build(project)
    output = project / "output"
    files = [p for p in output.glob("*/blinatumomab*") if p.suffix in (".html", ".txt")]
    formats = {p.name for p in files}
    assert {
        "blinatumomab.large.html",
        "blinatumomab.bilingual.html",
        "blinatumomab.bilingual.txt",
        "blinatumomab.txt",
    } <= formats
    assert len(files) == 3 + 3 * 5  # en (no bilingual); es, zh_CN, vi: 3 pages, 2 texts
    for path in files + list((output / "drafts").glob("*/blinatumomab*")):
        text = path.read_text("utf-8")
        for value in ("Example Cancer Centre", "555-0100", "+1 (555) 0199 ext. 12", "911"):
            assert text.count(value) >= 2, (path, value)  # near the top and at the end
        if path.suffix == ".html":
            assert "data:image/svg+xml;base64," in text and "img-src data:" in text
    es = (output / "es" / "blinatumomab.html").read_text("utf-8")
    assert "<dt>Teléfono</dt>" in es and "<dt>Emergencias</dt>" in es  # labels translated
    assert '<bdi dir="ltr" class="contact-number">555-0100</bdi>' in es  # values as given
    ar = (output / "drafts" / "ar" / "blinatumomab.html").read_text("utf-8")
    assert "<dt>الهاتف</dt>" in ar


def test_without_clinic_the_box_has_lines_to_write_on(built):
    page = (built / "es" / "blinatumomab.html").read_text("utf-8")
    assert page.count('<span class="write-in"></span>') == 6  # 3 numbers, top and end
    assert "img-src 'none'" in page  # no logo: still no image allowed
    text = (built / "es" / "blinatumomab.txt").read_text("utf-8")
    assert text.count("| Teléfono: ____") == 2


def test_facts_a_patient_reads_and_no_revision_in_visible_text(built):
    for path in built.glob("*/blinatumomab*"):
        if path.suffix not in (".html", ".txt"):
            continue
        content = path.read_text("utf-8")
        shown = visible(content) if path.suffix == ".html" else content
        assert not re.search(r"\b[0-9a-f]{12}\b", shown), path
        assert "handouts 0" not in shown and "Babel" not in shown, path
    es = (built / "es" / "blinatumomab.html").read_text("utf-8")
    assert re.search(r'<meta name="source-revision" content="[0-9a-f]{12}">', es)
    assert "Última actualización: 1 de diciembre de 2026" in es
    assert "Código del folleto: BLINATUMOMAB-es-2026-12" in es
    # the printed footer of every page: labelled date, code, and the unreviewed notice
    footer = re.search(r"@bottom-left \{ content: (\"[^\"]*\")", es).group(1)
    decoded = re.sub(r"\\([0-9a-f]+) ", lambda m: chr(int(m.group(1), 16)), footer)
    assert "Última actualización" in decoded and "BLINATUMOMAB-es-2026-12" in decoded
    assert "aún no ha sido revisada" in decoded


def test_the_unreviewed_notice_stands_at_the_top_in_the_language(built):
    for locale, words in (
        ("es", "aún no ha sido revisada"),
        ("zh_CN", "尚未经过合格的医学翻译"),
        ("vi", "chưa được một biên dịch viên y khoa"),
    ):
        page = (built / locale / "blinatumomab.html").read_text("utf-8")
        top = page.split("<h1")[0]
        assert 'class="unreviewed-notice"' in top and words in top, locale
        text = (built / locale / "blinatumomab.txt").read_text("utf-8")
        assert words in " ".join(text.split("\n\n")[0].split()), locale
    english = (built / "en" / "blinatumomab.html").read_text("utf-8")
    assert 'class="unreviewed-notice"' not in english


def test_a_draft_says_draft_in_english_too(built):
    page = (built / "drafts" / "ar" / "blinatumomab.html").read_text("utf-8")
    watermark = re.search(r'<div class="draft-watermark"[^>]*>(.*?)</div>', page).group(1)
    assert '<span lang="en" dir="ltr">DRAFT</span>' in watermark
    banner = re.search(r'<p class="draft-label"[^>]*>(.*?)</p>', page).group(1)
    assert "DRAFT" in banner
    draft = re.search(r"@top-left \{ content: (\"[^\"]*\")", page).group(1)  # rtl: the end
    assert "DRAFT" in re.sub(r"\\([0-9a-f]+) ", lambda m: chr(int(m.group(1), 16)), draft)


def test_the_index_speaks_to_clinic_staff(built):
    index = (built / "index.html").read_text("utf-8")
    intro = re.search(r'<p class="intro">(.*?)</p>', index, re.S).group(1)
    assert len(re.findall(r"[.!?](\s|$)", re.sub(r"<[^>]+>", "", intro))) <= 2
    assert "中文（简体）" in index and "Español" in index and "Tiếng Việt" in index
    # one primary Print link per published language: the PDF if printed, else the page
    rows = re.findall(r'<li data-locale="([^"]+)" data-status="published".*?</li>', index, re.S)
    assert sorted(rows) == ["en", "es", "vi", "zh_CN"]
    for locale in rows:
        row = re.search(
            rf'<li data-locale="{locale}" data-status="published".*?</li>', index, re.S
        ).group(0)
        primary = re.findall(r'<a class="primary" href="([^"]+)"[^>]*>Print</a>', row)
        assert primary == [f"{locale}/blinatumomab.html"], row  # (no PDFs in this build)
        assert f'class="secondary" href="{locale}/blinatumomab.large.html"' in row
    # the source records a gap ("Tips to preventing infection:" has no list): staff see it
    assert (
        '<p class="gap-warning" role="note">Part of the source is missing; ask the '
        "clinical team.</p>" in index
    )


def test_brand_names_from_the_source_are_searchable(project, run_build):
    path = project / "source" / "monographs" / "blinatumomab.yaml"
    path.write_text(
        path.read_text("utf-8").replace(
            "classification: Bispecific T-Cell Engager\n",
            "classification: Bispecific T-Cell Engager\nbrand_names: [Examplex]\n",
        ),
        "utf-8",
    )
    run_build(project)
    index = (project / "output" / "index.html").read_text("utf-8")
    assert 'data-search="blinatumomab blinatumomab examplex"' in index
    assert '<p class="brands">Brand names: Examplex</p>' in index


def test_a_bad_brand_name_is_exit_2_naming_file_and_line(project, capsys):
    path = project / "source" / "monographs" / "blinatumomab.yaml"
    text = path.read_text("utf-8").replace("\nsections:", "\nbrand_names: x\nsections:", 1)
    path.write_text(text, "utf-8")
    line = text.splitlines().index("brand_names: x") + 1
    assert main(["-C", str(project), "lint"]) == 2
    err = capsys.readouterr().err
    assert f"blinatumomab.yaml:{line}:" in err and "brand_names must be a list" in err


def test_the_shipped_monograph_names_no_brand_its_reference_does_not_give(built):
    from tests.projects import REPO

    reference = (REPO / "source" / "reference" / "blinatumomab.txt").read_text("utf-8")
    monograph = (REPO / "source" / "monographs" / "blinatumomab.yaml").read_text("utf-8")
    assert ("Blincyto" in reference) == ("brand_names" in monograph)


def test_a_new_logo_renders_the_handouts_again(project, run_build):
    (project / "logo.png").write_bytes(PNG)
    with_policy(project, CLINIC + "  logo: logo.png\n")
    run_build(project)
    page = project / "output" / "es" / "blinatumomab.html"
    assert "data:image/png;base64," in page.read_text("utf-8")
    assert run_build(project).rendered == 0  # nothing changed: nothing rendered
    (project / "logo.svg").write_bytes(SVG)
    logo = (project / "handouts.yaml").read_text("utf-8").replace("logo.png", "logo.svg")
    (project / "handouts.yaml").write_text(logo, "utf-8")
    run_build(project)
    assert "data:image/svg+xml;base64," in page.read_text("utf-8")
    (project / "logo.svg").write_bytes(SVG.replace(b"#036", b"#063"))  # same name, new image
    assert run_build(project).rendered > 0
    assert "data:image/svg+xml;base64," in page.read_text("utf-8")
