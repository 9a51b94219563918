"""The site built once per session by ``sedata spec docs`` (as a user runs it), shared by the site tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sedata.cli.main import app

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Only the tests of the built site need MkDocs; the page and changes tests run without it.
    pytest.importorskip("mkdocs", reason="the site needs the docs extra: pip install -e '.[docs]'")
    pytest.importorskip("material", reason="the site needs the docs extra: pip install -e '.[docs]'")
    out = tmp_path_factory.mktemp("site")
    result = CliRunner().invoke(app, ["spec", "docs", "--out", str(out), "--checkout", str(ROOT)])
    assert result.exit_code == 0, result.output
    assert "none broken" in result.output
    return out


@pytest.fixture(scope="session")
def latest(site: Path, spec) -> Path:
    """The newest version's folder (holding zh/ and en/)."""
    return site / spec.info.spec_version
