"""Multilingual patient-handout pipeline.

One folder per stage, imports only going down (see ``docs/architecture.md``):
``source`` (monographs and glossary) -> ``catalogs`` (POT and PO files) ->
``checks`` (what may be published) -> ``publish`` (handouts into ``output/``);
``cli`` is the command line over them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["check_text"]

if TYPE_CHECKING:
    from .checks.rules import check_text


def __getattr__(name: str) -> Any:
    """``pipeline.check_text`` (the gate on one pair), imported on first use so that
    ``import pipeline`` stays cheap."""
    if name == "check_text":
        from .checks.rules import check_text

        return check_text
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
