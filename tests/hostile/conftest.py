"""Fixtures of the hostile-input tests: the reader corpus of corpus.py, built once per module."""

from __future__ import annotations

from pathlib import Path

import pytest

from .corpus import CASES


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every case of :data:`corpus.CASES` written into a fresh folder: case name → file."""
    folder = tmp_path_factory.mktemp("hostile")
    return {case.name: case.write(folder) for case in CASES}
