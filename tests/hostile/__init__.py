"""Hostile input: a corpus generated at test time, read through every reader and command."""
