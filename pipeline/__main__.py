"""``python -m pipeline`` is the ``handouts`` command."""

from .cli import entry_point

entry_point()
