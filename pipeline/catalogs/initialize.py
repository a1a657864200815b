"""``handouts init``: a new locale's catalog, from the template."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path

from babel.messages.catalog import Catalog as BabelCatalog

from ..errors import CatalogError
from .locales import catalog_path, parse_locale
from .pofile import load_template, now_stamp, render_catalog, write_atomic


def plural_forms(locale: str) -> str:
    """Plural-Forms for ``locale`` from Babel (CLDR plural rules)."""
    return BabelCatalog(locale=parse_locale(locale)).plural_forms


def init_catalog(root: Path, locale: str) -> Path:
    """Create ``locale``'s catalog from the template; refuse to overwrite an existing one."""
    babel_locale = parse_locale(locale)
    path = catalog_path(root, locale)
    if path.exists():
        raise CatalogError("catalog exists already; use `handouts update` to merge",
                           Path(os.path.relpath(path, root)).as_posix())
    template = load_template(root)
    header = dict(template.header)
    header.update({
        "PO-Revision-Date": now_stamp(),
        "Last-Translator": "",
        "Language-Team": f"{babel_locale.english_name} <>",
        "Language": locale,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": plural_forms(locale),
    })
    comment = (f"{babel_locale.english_name} ({babel_locale.get_display_name(babel_locale)}) "
               "translation of the patient handouts.",)
    messages = [replace(m, msgstr="", msgstr_plural=("",) * nplurals(header)
                        if m.msgid_plural is not None else ())
                for m in template.active()]
    write_atomic(path, render_catalog(comment, header, messages))
    return path


def nplurals(header: dict[str, str]) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", header.get("Plural-Forms", ""))
    return int(match.group(1)) if match else 2
