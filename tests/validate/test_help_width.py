"""Help readable at 80 columns: Chinese help wraps instead of being cut, option names are whole."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from sedata.cli.main import app

COMMANDS = [[], ["validate"], ["convert"], ["mask"], ["reconcile"], ["spec", "show"], ["conformance", "report"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "sedata")
def test_help_fits_80_columns_uncut(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "80", "TERMINAL_WIDTH": "80"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    assert "…" not in result.output


def test_validate_help_shows_every_option_whole() -> None:
    out = CliRunner().invoke(app, ["validate", "--help"], env={"COLUMNS": "80"}).output
    assert "--require-signature " in out and "--fail-on" in out
    folded = "".join(line.strip("│ ") for line in out.splitlines())
    assert "未签名的报文也算发现（须与--trust同用）" in folded.replace(" ", "")
