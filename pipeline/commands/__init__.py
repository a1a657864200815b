"""The commands that orchestrate several stages: they read, check, write and report."""
