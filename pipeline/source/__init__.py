"""Source: the clinical team's monographs and glossary, read and validated.

``monographs`` (YAML -> :class:`~pipeline.model.Monograph`, lint), ``segments`` (the one
enumerator of translatable units), ``markup`` (``**strong**``), ``glossary``; the
quantity reader is :mod:`pipeline.text.quantities`.
May import: ``pipeline.model``, ``pipeline.errors``, ``pipeline.text``.
"""
