"""Text as every stage sees it (level 0: imports only the model, errors and libraries).

``visible`` (what makes a text a translation), ``width`` (display columns, wide
characters), ``linebreak`` (where a line may break: never between a number and its
unit), ``normalize`` (Unicode NFC, the form every comparison uses), ``direction`` (a
locale's script direction), ``quantities`` (the multilingual quantity reader) and
``lexicon`` (how each language writes quantities, as data).
"""
