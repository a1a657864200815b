"""Catalogs: the POT template and the PO files translators fill.

``extract`` (monographs + templates -> POT), ``initialize`` (``handouts init``),
``merge`` (``handouts update``: ``msgmerge`` merges one catalog, ``fuzzy`` matches),
``xliff``/``xliffimport``/``xliffstore`` (the agencies' exchange), ``pofile`` (reading
and writing: the only user of polib), ``poread``/``poformat``/``posyntax`` (fast reading,
GNU gettext's layout, strict syntax), ``locales`` (locale codes, the folder convention).
May import: ``pipeline.source``, ``pipeline.model``, ``pipeline.errors``.
"""
