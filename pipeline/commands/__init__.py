"""The commands: each parses its options, orchestrates the stages and prints."""
