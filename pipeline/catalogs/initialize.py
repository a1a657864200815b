"""``handouts init``: a new locale's catalog, from the template."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from ..errors import CatalogError, LocaleError
from .locales import catalog_path, parse_locale
from .plurals import PluralFormsError, parse_plural_forms, standard_plural_forms
from .pofile import load_template, now_stamp, render_catalog, write_atomic


def init_catalog(root: Path, locale: str) -> Path:
    """Create ``locale``'s catalog from the template; refuse to overwrite an existing one."""
    babel_locale = parse_locale(locale)
    path = catalog_path(root, locale)
    if path.exists():
        raise CatalogError("catalog exists already; use `handouts update` to merge",
                           Path(os.path.relpath(path, root)).as_posix())
    try:
        plural_forms = standard_plural_forms(locale)
    except PluralFormsError as error:
        raise LocaleError(str(error)) from None
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
        "Plural-Forms": plural_forms,
    })
    comment = (f"{babel_locale.english_name} ({babel_locale.get_display_name(babel_locale)}) "
               "translation of the patient handouts.",)
    forms = parse_plural_forms(plural_forms).count
    messages = [replace(m, msgstr="", msgstr_plural=("",) * forms
                        if m.msgid_plural is not None else ())
                for m in template.active()]
    write_atomic(path, render_catalog(comment, header, messages))
    return path
