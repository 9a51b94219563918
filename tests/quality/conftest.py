"""A scorecard written by ``sedata conformance report`` from ``sedata sample`` data, shared by the page tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sedata.cli.main import app

runner = CliRunner()

# Two inspection bodies and an accident reporter (valid USCCs of the example data set and of the sample command).
SAMPLES = (
    ("inspection-upload", "zhangzhou.jsonl", "123506004885497331", "0.1"),
    ("inspection-upload", "xiangxi.xml", "12433100448761588N", "0.0"),
    ("accident-report", "accidents.json", "91310115MA1K3BTP2B", "0.2"),
)


def invoke(*args: str | Path) -> tuple[int, str]:
    """Run the CLI; never a traceback."""
    result = runner.invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.fixture(scope="session")
def sample_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("samples")
    paths = []
    for seed, (message_type, name, sender, rate) in enumerate(SAMPLES, start=1):
        path = folder / name
        code, output = invoke(
            "sample", message_type, "--count", "60", "--seed", str(seed), "--sender", sender,
            "--invalid-rate", rate, "--out", path,
        )  # fmt: skip
        assert code == 0, output
        paths.append(path)
    return paths


@pytest.fixture(scope="session")
def report_dir(sample_files: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("scorecard")
    code, output = invoke("conformance", "report", *sample_files, "--out", out, "--today", "2026-11-25")
    assert code == 0, output
    return out
