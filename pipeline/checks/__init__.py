"""Checks: what decides whether a translation may be published.

``rules`` (the entry checks and their registry, ``check_text``), ``numbers``
(quantities in a locale's writing, compared; the lexicon is :mod:`pipeline.text.lexicon`),
``coverage`` (entry states and counts), ``policy`` (``handouts.yaml``), ``report``
(``handouts check``: the gate), ``status`` (``handouts status``).
May import: ``pipeline.catalogs``, ``pipeline.source``, ``pipeline.model``, ``pipeline.errors``.
"""
