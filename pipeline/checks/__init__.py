"""Checks: what decides whether a translation may be published.

``rules`` (the registry in the reports' order, ``check_text``; the checks in ``ruleset``,
their machinery in ``registry``), ``numbers``
(quantities in a locale's writing, compared; the lexicon is :mod:`pipeline.text.lexicon`),
``coverage`` (entry states and counts), ``policy`` (``handouts.yaml``), ``report``
(the gate's results and their presentations), ``trust`` (whether a review mark counts),
``status`` (``handouts status``).
May import: ``pipeline.catalogs``, ``pipeline.source``, ``pipeline.model``, ``pipeline.errors``.
"""
