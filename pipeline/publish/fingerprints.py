"""Fingerprints of a build's inputs, read as bytes: the code (package, templates, the
libraries that shape output), the glossary, the monographs, the catalogs, the policy,
the edition records and the PDF environment. No parsing: the no-op build is quick."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .. import __version__
from ..catalogs.locales import catalog_path
from ..checks.policy import POLICY_PATH
from ..source.glossary import GLOSSARY_PATH
from ..source.monographs import monograph_files
from . import editions
from . import pdf as pdfs

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # pipeline/
NO_PDFS = "no PDFs"  # the formats signature of a build without PDFs


def digest(*parts: bytes | str) -> str:
    """SHA-256 of ``parts``, each length-prefixed (no two lists of parts collide)."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big") + data)
    return hasher.hexdigest()


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes; ``absent`` for no file."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return "absent"


_LOGO = re.compile(rb"^[ \t]+logo:[ \t]*[\"']?([^\"'#\r\n]+?)[\"']?[ \t]*(?:#.*)?$", re.M)


def policy_digest(root: Path) -> str:
    """``handouts.yaml`` and the clinic's logo it names (a new logo renders every handout
    again; read as bytes: ``load_policy`` checks the file, here it is only hashed)."""
    path = root / POLICY_PATH
    found = file_digest(path)
    try:
        logos = _LOGO.findall(path.read_bytes())
    except OSError:
        return found
    named = [(root / name.decode("utf-8", "replace").strip()) for name in logos]
    return (
        digest(
            found,
            *(
                file_digest(logo)
                if logo.resolve().is_relative_to(root.resolve()) and logo.is_file()
                else "absent"
                for logo in named
            ),
        )
        if named
        else found
    )


SHAPING_LIBRARIES = ("babel", "jinja2", "markupsafe", "wcwidth", "segno")


def tool_versions() -> dict[str, str]:
    """The libraries that shape the output, with their versions: recorded in
    ``report.json`` and the manifest, never printed on a handout."""
    found = {}
    for name in SHAPING_LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "?"
    return found


def code_digest() -> str:
    """The renderer itself: package code, templates, and the libraries that shape output."""
    files = sorted(p for p in PACKAGE_DIR.rglob("*.py") if "bench" not in p.parts) + sorted(
        (PACKAGE_DIR / "templates").glob("*")
    )
    parts: list[str] = [__version__]
    parts += [f"{name}={found}" for name, found in tool_versions().items()]
    parts += [f"{path.relative_to(PACKAGE_DIR)}:{file_digest(path)}" for path in files]
    return digest(*parts)


@dataclass(frozen=True)
class RawInputs:
    """Hashes of every input file, read as bytes (no parsing: the no-op check is quick)."""

    code: str
    glossary: str
    monographs: dict[str, str]  # relative path -> sha256
    catalogs: dict[str, str]  # locale -> sha256
    policy: str = ""  # handouts.yaml: who must review, whose marks count, base_url, paper
    editions: dict[str, str] = field(default_factory=dict)  # "locale/drug" -> record sha256
    formats: str = ""  # what PDFs depend on outside the project (pdf.environment_signature)

    def overall(self) -> str:
        """The project's inputs (the PDF environment, ``formats``, is recorded apart: a
        bundle compares an output with its project whichever way it was built)."""
        return digest(
            self.code,
            self.glossary,
            self.policy,
            *(f"{k}={v}" for k, v in sorted(self.monographs.items())),
            *(f"{k}={v}" for k, v in sorted(self.catalogs.items())),
            *(f"{k}={v}" for k, v in sorted(self.editions.items())),
        )


def raw_inputs(
    root: Path, locales: list[str], pdf: bool = False, preview: bool = False
) -> RawInputs:
    """Hash every input of ``root`` (the catalogs of ``locales``; the PDF environment
    when ``pdf``; a preview's output is of its own kind)."""
    records = root / editions.EDITIONS_DIR
    recorded = (
        {
            f"{path.parent.name}/{path.stem}": file_digest(path)
            for path in sorted(records.glob("*/*.json"))
        }
        if records.is_dir()
        else {}
    )
    return RawInputs(
        code_digest(),
        file_digest(root / GLOSSARY_PATH),
        {path.relative_to(root).as_posix(): file_digest(path) for path in monograph_files(root)},
        {locale: file_digest(catalog_path(root, locale)) for locale in locales},
        policy_digest(root),
        recorded,
        "preview" if preview else pdfs.environment_signature() if pdf else NO_PDFS,
    )
