"""The po4a comparison (``make bench-po4a``) runs both tools on one corpus and
reports what each did: real documents translated by po4a, a full build by us."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.bench.po4a import po4a_config
from tests.projects import REPO


def _po4a() -> str:
    found = shutil.which("po4a")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("po4a is not installed, and CI=true (.ci/run installs it)")
        pytest.skip("po4a is not installed (apt-get install po4a)")
    return found


def test_config_names_every_monograph_once_per_language(tmp_path: Path) -> None:
    monographs = tmp_path / "source" / "monographs"
    monographs.mkdir(parents=True)
    for name in ("b.yaml", "a.yaml"):
        (monographs / name).write_text("id: x\n", encoding="utf-8")
    config = po4a_config(tmp_path, ["es", "ar"], tmp_path / "out").read_text("utf-8")
    lines = config.splitlines()
    assert lines[0] == "[po4a_langs] es ar"
    assert "$lang:locales/$lang/LC_MESSAGES/handouts.po" in lines[1]
    assert [line.split()[2] for line in lines if line.startswith("[type: yaml]")] == [
        "source/monographs/a.yaml",
        "source/monographs/b.yaml",
    ]


def test_comparison_translates_with_both_tools(tmp_path: Path) -> None:
    _po4a()
    output = tmp_path / "bench-po4a.json"
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.bench.po4a", "--monographs", "3"]
        + ["--locales", "es", "--pairs", "1", "--output", str(output)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(output.read_text("utf-8"))
    assert result["handout_locales"] == 3  # po4a wrote one document per monograph
    assert result["po4a_documents_translated"] == 3  # from the catalogs, not copies
    assert result["files_written"]["handouts"] > 3 * 4  # every format, pages, report
    for tool in ("handouts", "po4a"):
        assert len(result[tool]["runs"]) == 1 and result[tool]["wall_s"]["min"] > 0
    assert result["ratio_wall_median"] > 0
    assert "po4a / handouts:" in done.stdout
