"""``make bench``: the speed benchmark (``python -m pipeline.bench``).

Not part of the runtime: nothing else in the package imports it.
"""

import compileall
import os
from pathlib import Path


def as_installed() -> None:
    """Time the commands as an installation runs them: their modules byte-compiled (pip
    compiles them on install). Without it, a ``PYTHONDONTWRITEBYTECODE`` in the caller's
    environment (some CI images and containers set it) makes every timed run compile
    the package's sources again, about 0.3 s of CPU a process."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    compileall.compile_dir(Path(__file__).parent.parent, quiet=1)
