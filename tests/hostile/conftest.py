"""Fixtures of the hostile-input tests (the corpus itself is built by corpus.py)."""
