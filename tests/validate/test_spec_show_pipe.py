"""``sedata spec show`` into a pipe: lines fit 100 columns (or COLUMNS), empty columns are left out and said."""

from __future__ import annotations

from rich.cells import cell_len
from typer.testing import CliRunner

from sedata.cli.main import app


def _show(name: str, **env: str) -> str:
    result = CliRunner().invoke(app, ["spec", "show", name], env=env)
    assert result.exit_code == 0, result.output
    return result.output


def test_equipment_catalogue_fits_a_pipe_and_says_english_names_are_not_given() -> None:
    out = _show("equipment-catalogue")
    assert max(cell_len(line) for line in out.splitlines()) <= 100
    assert "name en" not in out and "the spec gives no English names here" in out
    assert "有机热载体气相炉" in out and "F260" in out  # every row is there, names whole


def test_a_code_set_with_english_names_keeps_the_column() -> None:
    out = _show("inspection-kind", COLUMNS="120")
    assert "name en" in out and "Periodic inspection" in out
    assert "no English names" not in out
    assert max(cell_len(line) for line in out.splitlines()) <= 120
