"""``make bench``: the speed benchmark (``python -m pipeline.bench``).

Not part of the runtime: nothing else in the package imports it.
"""
