"""Source: the clinical team's monographs and glossary, read and validated.

``monographs`` (YAML -> :class:`~pipeline.model.Monograph`, lint), ``segments`` (the one
enumerator of translatable units), ``markup`` (``**strong**``), ``glossary``,
``quantities`` (numbers and units as the English source writes them).
May import: ``pipeline.model``, ``pipeline.errors``.
"""
