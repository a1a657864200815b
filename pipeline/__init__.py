"""Multilingual patient-handout pipeline.

One folder per stage, imports only going down (see ``docs/architecture.md``):
``source`` (monographs and glossary) -> ``catalogs`` (POT and PO files) ->
``checks`` (what may be published) -> ``publish`` (handouts into ``output/``);
``cli`` is the command line over them.
"""

__version__ = "0.1.0"
