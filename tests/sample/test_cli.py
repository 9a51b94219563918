"""``sedata sample`` writes valid, deterministic messages in every format, with a defects manifest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sedata.cli.main import app
from sedata.exchange import read

runner = CliRunner()


@pytest.mark.parametrize("suffix", ["json", "jsonl", "xml"])
def test_sample_writes_a_readable_message_with_its_defects(tmp_path: Path, suffix: str) -> None:
    out, defects = tmp_path / f"s.{suffix}", tmp_path / "defects.jsonl"
    args = ["sample", "inspection-upload", "--count", "120", "--seed", "9", "--out", str(out)]
    result = runner.invoke(app, [*args, "--invalid-rate", "0.1", "--defects", str(defects)])
    assert result.exit_code == 0, result.output
    message = read(out)  # count and digest are checked on reading
    assert message.header.record_count == len(message.records) == 120
    assert message.header.message_type == "inspection-upload"
    listed = [json.loads(line) for line in defects.read_text(encoding="utf-8").splitlines()]
    assert 0 < len(listed) < 40
    for d in listed:
        assert message.records[d["index"]].type == d["recordType"]


def test_same_seed_gives_the_same_records(tmp_path: Path) -> None:
    one, two = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    for out in (one, two):
        assert (
            runner.invoke(
                app, ["sample", "accident-report", "--count", "30", "--seed", "4", "--out", str(out)]
            ).exit_code
            == 0
        )
    assert read(one).header.digest == read(two).header.digest


def test_unknown_message_type_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["sample", "nonesuch", "--out", str(tmp_path / "x.json")])
    assert result.exit_code == 2
    assert "未知报文类型" in result.output and "unknown message type" in result.output
