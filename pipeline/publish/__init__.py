"""Publish: localized handouts rendered into ``output/``.

``localize`` (monograph + catalog -> handout whose texts know their state), ``render``
(HTML and text via the Jinja2 templates in ``pipeline/templates/``), ``plaintext``
(wrapping by display width, in the handout's locale), ``build`` (drafts vs published;
incremental, atomic, parallel).
May import: ``pipeline.checks``, ``pipeline.catalogs``, ``pipeline.source``,
``pipeline.model``, ``pipeline.errors``.
"""
