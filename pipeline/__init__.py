"""Multilingual patient-handout pipeline.

Stages, one module each: ``source`` (YAML -> Monograph), ``segments`` (the
translatable units), ``extract`` (-> POT), ``catalogs`` (PO files),
``checks`` (coverage and quality), ``localize`` (Monograph + catalog ->
localized handout), ``render`` (-> HTML / text), ``build`` (orchestration),
``cli`` (the command line).
"""

__version__ = "0.1.0"
