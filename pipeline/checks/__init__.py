"""Checks: what decides whether a translation may be published.

``rules`` (the entry checks and their registry, ``check_text``), ``numbers``
(quantities in a locale's writing, compared), ``lexicon`` (the unit lexicon, as data),
``coverage`` (entry states and counts), ``policy`` (``handouts.yaml``), ``report``
(``handouts check``: the gate), ``status`` (``handouts status``).
May import: ``pipeline.catalogs``, ``pipeline.source``, ``pipeline.model``, ``pipeline.errors``.
"""
