"""`handouts check` on copies of the shipped project: exit codes, messages, reports."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

import pytest

from pipeline.catalogs.locales import catalog_path
from pipeline.catalogs.pofile import load_catalog
from pipeline.cli import main
from pipeline.commands.check import build_report
from tests.projects import copy_project, run_cli

FEVER = "temperature greater than 100.4°F"


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path / "project")


def edit(project, locale: str, old: str, new: str) -> None:
    path = catalog_path(project, locale)
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in the {locale} catalog"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def where(project, locale: str, fragment: str) -> str:
    """``path:line`` of the entry whose msgid contains ``fragment``."""
    catalog = load_catalog(project, locale)
    message = next(m for m in catalog.active() if fragment in m.msgid)
    return f"{catalog.path}:{message.text_line}"


def check(project, capsys, *args: str) -> tuple[int, str, str]:
    code = main(["-C", str(project), "check", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_shipped_catalogs_pass(project, capsys):
    code, out, _ = check(project, capsys)
    assert code == 0, out
    assert "check passed" in out
    for locale in ("es", "zh_CN", "vi", "ar"):
        assert f"\n{locale} " in out
    assert out.splitlines()[2].split() == [
        "locale",
        "required",
        "publish",
        "untranslated",
        "fuzzy",
        "translated",
        "reviewed",
        "ready",
        "share",
        "words",
        "min",
        "errors",
        "warnings",
        "handouts",
        "result",
    ]
    report = build_report(project)
    assert all(r.errors == 0 for r in report.locales if r.policy.required)


def test_changing_one_translated_number_fails_naming_the_catalog_line(project, capsys):
    edit(project, "es", "100,4 °F", "101,4 °F")
    code, out, _ = check(project, capsys)
    assert code == 1
    assert f"{where(project, 'es', FEVER)}: error: [numbers-units]" in out
    assert "'100.4°F' became '101,4 °F'" in out


def test_a_decimal_comma_or_point_in_spanish_both_pass(project, capsys):
    edit(project, "es", "100,4 °F", "100.4 °F")
    assert check(project, capsys)[0] == 0


def test_inserting_a_script_tag_fails_naming_the_catalog_line(project, capsys):
    edit(project, "zh_CN", "感染的建议：", "感染的建议：<script>alert(1)</script>")
    code, out, _ = check(project, capsys)
    assert code == 1
    assert f"{where(project, 'zh_CN', 'Tips to preventing')}: error: [markup]" in out


def test_inserting_a_bidi_override_fails_naming_the_catalog_line(project, capsys):
    edit(project, "vi", 'Tác dụng phụ"', 'Tác dụng\u202e phụ"')
    code, out, _ = check(project, capsys)
    assert code == 1
    assert f"{where(project, 'vi', 'Side effects')}: error: [dangerous-characters]" in out
    assert "U+202E" in out


def test_dropping_a_drug_name_fails(project, capsys):
    edit(project, "es", "(dexametasona)", "(un corticoide)")
    code, out, _ = check(project, capsys)
    assert code == 1
    assert "error: [glossary]" in out and "'dexametasona'" in out


def test_errors_in_an_optional_locale_are_reported_but_do_not_fail(project, capsys):
    edit(project, "ar", 'مهم"', 'مهم<script>"')
    code, out, _ = check(project, capsys)
    assert code == 0
    assert "error: [markup]" in out and "ar (optional): draft" in out


def mark_fuzzy(project, locale: str, fragment: str) -> None:
    path = catalog_path(project, locale)
    lines = path.read_text(encoding="utf-8").split("\n")
    index = next(
        i
        for i, line in enumerate(lines)
        if line.startswith("msgid") and fragment in "".join(lines[i : i + 6])
    )
    lines.insert(index, "#, fuzzy")
    path.write_text("\n".join(lines), encoding="utf-8")


def test_a_fuzzy_safety_entry_demotes_the_handout_to_a_draft_whatever_the_threshold(
    project, capsys
):
    mark_fuzzy(project, "es", "WBC")
    (project / "handouts.yaml").write_text(
        "locales:\n  es: {required: true, min_coverage: 90, publish: translated}\n"
    )
    code, out, _ = check(project, capsys, "--format", "json", "--locale", "es")
    data = json.loads(out)
    assert code == 0  # 60/61 meets 90%
    es = data["locales"][0]
    assert es["coverage"]["fuzzy"] == 1
    assert es["drugs"]["blinatumomab"]["publishable"] is False


def test_json_and_junit_agree_with_the_table(project, capsys, tmp_path):
    edit(project, "es", "100,4 °F", "101,4 °F")
    edit(project, "vi", 'Tác dụng phụ"', 'Tác dụng  dụng phụ "')
    code, table, _ = check(project, capsys)
    junit = tmp_path / "junit.xml"
    json_code, out, _ = check(project, capsys, "--format", "json", "--junit", str(junit))
    data = json.loads(out)
    assert code == json_code == data["exit_code"] == 1
    rows = {line.split()[0]: line.split() for line in table.splitlines()[3:7]}
    for item in data["locales"]:
        row = rows[item["locale"]]
        cov = item["coverage"]
        assert row[2] == item["publish"] == "translated"
        assert [int(n) for n in row[3:7]] == [
            cov["untranslated"],
            cov["fuzzy"],
            cov["translated"],
            cov["reviewed"],
        ]
        assert row[7] == f"{cov['translated'] + cov['reviewed']}/{cov['total']}"
        assert row[8] == f"{cov['percent']:.1f}%"
        assert (int(row[11]), int(row[12])) == (item["errors"], item["warnings"])
        assert row[14] == item["result"]
    suites = {s.get("name"): s for s in ET.parse(junit).getroot()}
    assert set(suites) == {"template", "es", "zh_CN", "vi", "ar"}
    es_numbers = suites["es"].find("testcase[@name='numbers-units']")
    assert "101,4 °F" in es_numbers.find("failure").text
    failed = {
        (s, c.get("name"))
        for s, suite in suites.items()
        for c in suite
        if c.find("failure") is not None
    }
    expected = {
        (r["locale"], f["check"])
        for r in data["locales"]
        if r["required"]
        for f in r["findings"]
        if f["severity"] == "error"
    }
    assert failed == expected == {("es", "numbers-units")}
    vi_whitespace = suites["vi"].find("testcase[@name='whitespace']")
    assert vi_whitespace.find("failure") is None and vi_whitespace.find("system-out") is not None


def test_markdown_has_the_summary_table(project, capsys):
    code, out, _ = check(project, capsys, "--format", "markdown")
    assert code == 0
    assert (
        "| locale | required | publish | untranslated | fuzzy | translated | reviewed |" in out
        and "| es | yes | translated | 0 | 0 | 61 | 0 | 61/61 | 100.0% |" in out
    )
    assert "translated excludes reviewed" in out  # the legend says what each column counts


def test_a_duplicate_msgid_is_bad_input_exit_2(project, capsys):
    path = catalog_path(project, "es")
    path.write_text(
        path.read_text(encoding="utf-8") + '\nmsgid "Pain"\nmsgstr "Dolor"\n', encoding="utf-8"
    )
    code, _, err = check(project, capsys)
    assert code == 2
    assert "locales/es/LC_MESSAGES/handouts.po:" in err and "duplicate" in err


def test_a_stale_template_fails(project, capsys):
    source = project / "source" / "monographs" / "blinatumomab.yaml"
    source.write_text(
        source.read_text(encoding="utf-8").replace("heading: Pain\n", "heading: Pains\n")
    )
    code, out, _ = check(project, capsys)
    assert code == 1
    assert "handouts.pot: out of date" in out


def test_a_catalog_lacking_template_entries_fails(project, capsys):
    path = catalog_path(project, "vi")
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    kept = [b for b in blocks if 'msgid "Pain"' not in b]
    assert len(kept) == len(blocks) - 1
    path.write_text("\n\n".join(kept), encoding="utf-8")
    code, out, _ = check(project, capsys)
    assert code == 1
    assert "lacks 1 entr(y/ies) of the template: run `handouts update`" in out


def test_only_the_chosen_locales_are_checked(project, capsys):
    code, out, _ = check(project, capsys, "--locale", "es", "--format", "json")
    assert code == 0 and [r["locale"] for r in json.loads(out)["locales"]] == ["es"]
    assert check(project, capsys, "--locale", "xx_YY")[0] == 2


def test_the_command_as_a_user_runs_it(project):
    result = run_cli("check", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "check passed" in result.stdout
    edit(project, "es", "100,4 °F", "100,4 °C")
    result = run_cli("check", cwd=project)
    assert result.returncode == 1
    assert "unit °F changed to unit °C" in result.stdout


def test_parallel_and_sequential_reports_agree_and_keep_error_lines(project, monkeypatch):
    monkeypatch.setattr("pipeline.commands.check.PARALLEL_ENTRIES", 0)
    edit(project, "es", "100,4 °F", "101,4 °F")
    parallel, sequential = build_report(project, jobs=2), build_report(project, jobs=1)
    assert parallel == sequential and parallel.exit_code == 1
    path = catalog_path(project, "vi")
    path.write_text(
        path.read_text(encoding="utf-8") + '\nmsgid "Pain"\nmsgstr "Đau"\n', encoding="utf-8"
    )
    parallel, sequential = build_report(project, jobs=2), build_report(project, jobs=1)
    assert [r.locale for r in parallel.broken] == ["vi"] and parallel.exit_code == 2
    assert str(parallel.broken[0].broken) == str(sequential.broken[0].broken)
    assert str(parallel.broken[0].broken).startswith("locales/vi/LC_MESSAGES/handouts.po:")


def test_an_unwritable_junit_path_is_a_clear_error(project, capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code, _, err = check(project, capsys, "--junit", str(blocker / "junit.xml"))
    assert code == 2 and "cannot write the JUnit report" in err


def test_a_required_locale_without_a_catalog_fails_as_untranslated(project, capsys):
    (project / "handouts.yaml").write_text("locales:\n  fr: {required: true}\n")
    code, out, _ = check(project, capsys, "--format", "json", "--locale", "fr")
    fr = json.loads(out)["locales"][0]
    assert code == 1 and fr["coverage"]["untranslated"] == fr["coverage"]["total"] > 0
    assert "handouts init fr" in fr["problems"][0]


def test_template_freshness_is_its_content_not_its_date(project, capsys):
    pot = project / "locales" / "handouts.pot"
    text = pot.read_text(encoding="utf-8")
    created = next(line for line in text.splitlines() if "POT-Creation-Date" in line)
    pot.write_text(
        text.replace(created, '"POT-Creation-Date: 2001-01-01 00:00+0000\\n"'), encoding="utf-8"
    )
    code, out, _ = check(project, capsys)
    assert code == 0 and "handouts.pot: up to date" in out
    assert text.count("#. SAFETY-CRITICAL:") > 1
    pot.write_text(text.replace("#. SAFETY-CRITICAL:", "#. SAFETY CRITICAL:", 1), encoding="utf-8")
    code, out, _ = check(project, capsys)
    assert code == 1 and "handouts.pot: out of date" in out
    pot.write_text(
        text.replace('"Generated-By: handouts extract\\n"', '"Generated-By: by hand\\n"'),
        encoding="utf-8",
    )
    code, out, _ = check(project, capsys)
    assert code == 1 and "handouts.pot: out of date" in out


def test_each_handouts_coverage_is_counted_from_its_catalog(project):
    """Workers send states per template key and a complete handout takes a short cut:
    every handout's figures still equal a count made straight from the catalog."""
    from pipeline.catalogs.pofile import load_template
    from pipeline.checks.coverage import coverage
    from pipeline.checks.report.judging import project_scope

    edit(
        project,
        "es",
        "#: source/monographs/blinatumomab.yaml",
        "#, fuzzy\n#: source/monographs/blinatumomab.yaml",
    )  # one es entry fuzzy
    scope = project_scope(project, load_template(project))
    report = build_report(project)
    assert {r.locale for r in report.locales} >= {"es", "ar", "vi"}
    for result in report.locales:
        catalog = load_catalog(project, result.locale)
        for drug in result.drugs:
            assert drug.coverage == coverage(scope.drugs[drug.drug], catalog)
    counted = {r.locale: r.drugs[0].coverage for r in report.locales}
    assert counted["es"].fuzzy == 1 and counted["ar"].untranslated > 0
    assert counted["vi"].translated == counted["vi"].total


def test_workers_and_this_process_share_the_locales_and_agree_with_one_process(
    project, monkeypatch
):
    """Every locale is read once, by a worker or by the command's own process, whichever
    start method the platform has (fork here; spawn where fork is missing)."""
    from pipeline.commands import check as report_module

    monkeypatch.setattr("pipeline.commands.check.PARALLEL_ENTRIES", 0)
    edit(project, "es", "100,4 °F", "101,4 °F")
    sequential = build_report(project, jobs=1)
    read: list[str] = []
    reader = report_module._read_here
    monkeypatch.setattr(
        report_module, "_read_here", lambda *args: read.append(args[1]) or reader(*args)
    )
    for methods in (["fork", "spawn"], ["spawn"]):
        monkeypatch.setattr("multiprocessing.get_all_start_methods", lambda m=methods: m)
        read.clear()
        parallel = build_report(project, jobs=3)
        assert parallel == sequential
        assert len(read) == len(set(read))  # this process's own share, each once
    assert [r.locale for r in sequential.locales] == [r.locale for r in parallel.locales]
