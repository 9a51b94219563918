"""``sedata validate --engine``: both engines through the command, same output and exit code."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sedata import exchange as X
from sedata.cli.main import app
from sedata.sample.generator import sample_records

runner = CliRunner()
SENDER, RECEIVER = "91310115MA1K3BTP2B", "91110000600037341L"


@pytest.mark.parametrize(("rate", "code"), [(0.0, 0), (0.3, 1)])
def test_engines_agree_through_the_command(tmp_path: Path, rate: float, code: int) -> None:
    path = tmp_path / "upload.jsonl"
    records = [r for r, _ in sample_records("inspection-upload", 60, seed=4, invalid_rate=rate)]
    X.write(path, records, message_type="inspection-upload", sender=SENDER, receiver=RECEIVER, mode="changes")
    outputs = []
    for engine in ("row", "columnar"):
        out = tmp_path / f"{engine}.sarif"
        args = ["validate", str(path), "--engine", engine, "-f", "sarif", "-o", str(out), "--today", "2030-01-01"]
        result = runner.invoke(app, args)
        assert result.exit_code == code, result.output
        outputs.append(out.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]


def test_an_unknown_engine_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path / "x.jsonl"), "--engine", "fast"])
    assert result.exit_code == 2
    assert "fast" in result.output


def test_xml_and_json_documents_give_the_same_output(tmp_path: Path) -> None:
    """XML and JSON documents through both engines (their readers feed the screen): the same JSON report."""
    records = [r for r, _ in sample_records("inspection-upload", 20, seed=2, invalid_rate=0.3)]
    for ext in ("json", "xml"):
        path = tmp_path / f"upload.{ext}"
        X.write(path, records, message_type="inspection-upload", sender=SENDER, receiver=RECEIVER, mode="changes")
        texts = []
        for engine in ("row", "columnar"):
            result = runner.invoke(
                app, ["validate", str(path), "--engine", engine, "-f", "json", "--today", "2030-01-01"]
            )
            assert result.exit_code == 1
            texts.append(result.stdout)
        assert texts[0] == texts[1]
