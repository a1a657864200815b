"""The registered checks, in groups of one kind each (assembled in :mod:`..rules`)."""
