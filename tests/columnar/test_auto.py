"""``--engine auto`` (the default): the columnar engine for files of ``COLUMNAR_FROM_BYTES`` or more, the row
engine below, the same report either way."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import sedata.columnar.engine as columnar
from sedata import exchange as X
from sedata.cli.main import app
from sedata.sample.generator import sample_records
from sedata.validate import run as run_module
from sedata.validate import validate_files
from tests.columnar.helpers import TODAY

SENDER, RECEIVER = "91310115MA1K3BTP2B", "91110000600037341L"
runner = CliRunner()


@pytest.fixture(scope="module")
def upload(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("auto")
    records = [r for r, _ in sample_records("inspection-upload", 80, seed=6, invalid_rate=0.2)]
    out = {}
    for fmt in ("jsonl", "xml", "json"):
        out[fmt] = folder / f"upload.{fmt}"
        X.write(out[fmt], records, message_type="inspection-upload", sender=SENDER, receiver=RECEIVER, mode="changes")
    return out


@pytest.fixture
def columnar_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the columnar engine checked."""
    calls: list[str] = []
    real = columnar.run_records

    def spy(run: Any, progress: Any = None) -> None:
        calls.append(str(run.path))
        real(run, progress)

    monkeypatch.setattr(columnar, "run_records", spy)
    return calls


@pytest.mark.parametrize("fmt", ["jsonl", "xml", "json"])
def test_a_small_file_stays_on_the_row_path(upload: dict[str, Path], fmt: str, columnar_calls: list[str]) -> None:
    path = upload[fmt]
    assert path.stat().st_size < run_module.COLUMNAR_FROM_BYTES
    auto = validate_files([path], today=TODAY)  # the default engine
    assert columnar_calls == []
    row = validate_files([path], today=TODAY, engine="row")
    assert auto.files[0].findings and auto.to_data() == row.to_data()


@pytest.mark.parametrize("fmt", ["jsonl", "xml", "json"])
def test_a_large_file_goes_to_the_columnar_engine(
    upload: dict[str, Path], fmt: str, columnar_calls: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = upload[fmt]
    monkeypatch.setattr(run_module, "COLUMNAR_FROM_BYTES", path.stat().st_size)  # the file is exactly that large
    auto = validate_files([path], today=TODAY, engine="auto")
    assert columnar_calls == [str(path)]
    row = validate_files([path], today=TODAY, engine="row")
    assert auto.to_data() == row.to_data()


def test_the_threshold_is_the_documented_one() -> None:
    """3 MiB, from the measurement in the README's performance section and the option's help."""
    assert run_module.COLUMNAR_FROM_BYTES == 3 * 2**20
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "--engine auto" in readme and "3 MiB" in readme


def test_the_command_defaults_to_auto(upload: dict[str, Path], tmp_path: Path, columnar_calls: list[str]) -> None:
    outs = []
    for extra in ([], ["--engine", "row"], ["--engine", "auto"]):
        out = tmp_path / f"r{len(outs)}.json"
        argv = ["validate", str(upload["jsonl"]), "--today", "2030-01-01", "-f", "json", "-o", str(out), *extra]
        result = runner.invoke(app, argv)
        assert result.exit_code == 1, result.output
        outs.append(json.loads(out.read_text(encoding="utf-8"))["files"])
    assert outs[0] == outs[1] == outs[2]
    assert columnar_calls == []  # a small file: the row engine
    assert "auto" in runner.invoke(app, ["validate", "--help"], env={"COLUMNS": "200"}).output
