"""``python -m pipeline`` is the ``handouts`` command."""

import sys

try:
    from .cli import entry_point
except KeyboardInterrupt:  # Ctrl-C while Python loads the command: one line, no traceback
    print("handouts: interrupted", file=sys.stderr)
    sys.exit(130)

entry_point()
