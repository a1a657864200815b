"""``handouts init``: a new locale's catalog, from the template."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from ..errors import CatalogError, LocaleError
from .locales import ENGLISH, catalog_file, catalog_path, catalogs_lock, parse_locale
from .plurals import PluralFormsError, parse_plural_forms, standard_plural_forms
from .pofile import commit_catalog, load_template, now_stamp, prepare_file, render_catalog


def init_catalog(root: Path, locale: str) -> Path:
    """Create ``locale``'s catalog from the template; refuse to overwrite an existing one
    (even one created while this runs), English, and a path leading out of the project."""
    with catalogs_lock(root):
        return _init(root, locale)


def _init(root: Path, locale: str) -> Path:
    babel_locale = parse_locale(locale)
    if locale.partition("@")[0] == ENGLISH:
        raise LocaleError(
            f"'{locale}': English is the source language: its handouts come "
            "from the monographs, not a catalog (a catalog would make every "
            "build fail)"
        )
    path = catalog_path(root, locale)
    shown = Path(os.path.relpath(path, root)).as_posix()
    real = catalog_file(root, locale)
    if path.exists():
        raise CatalogError("catalog exists already; use `handouts update` to merge", shown)
    try:
        plural_forms = standard_plural_forms(locale)
    except PluralFormsError as error:
        raise LocaleError(str(error)) from None
    template = load_template(root)
    header = dict(template.header)
    header.update(
        {
            "PO-Revision-Date": now_stamp(),
            "Last-Translator": "",
            "Language-Team": "",  # the team fills it in: "Name <address>", never half of it
            "Language": locale,
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
            "Plural-Forms": plural_forms,
        }
    )
    comment = (
        f"{babel_locale.english_name} ({babel_locale.get_display_name(babel_locale)}) "
        "translation of the patient handouts.",
    )
    forms = parse_plural_forms(plural_forms).count
    messages = [
        replace(m, msgstr="", msgstr_plural=("",) * forms if m.msgid_plural is not None else ())
        for m in template.active()
    ]
    data = render_catalog(comment, header, messages).encode("utf-8")
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        temp = prepare_file(real, data)
        created = commit_catalog(temp, real, None)
    except OSError as error:
        raise CatalogError(f"cannot create the catalog: {error.strerror}", shown) from None
    if not created:
        raise CatalogError(
            "catalog created by someone else while `init` ran: left as it "
            "is; use `handouts update` to merge",
            shown,
        )
    return path


def next_steps(locale: str, shown: str) -> list[str]:
    """What to run after ``init``: translate, then see what is left, check and build."""
    return [
        f"next: translate {shown} (in a PO editor, or through "
        f"`handouts export-xliff {locale}` for an agency), then run:",
        f"  handouts status {locale}             # what is left to translate",
        f"  handouts check --locale {locale}     # what blocks publication",
        f"  handouts build --locale {locale}     # the handouts (drafts until complete)",
    ]
