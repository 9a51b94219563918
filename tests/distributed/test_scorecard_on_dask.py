"""The scorecard on a 2-worker cluster: files scored on workers, counts merged there; one process's figures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from validate.conftest import SPEC, sample, write_sample  # tests/ is on sys.path (conftest.py)

from sedata.distributed.scorecard import build_scorecard as on_dask
from sedata.quality import Parameters, build_scorecard

TODAY = dt.date(2030, 1, 1)


def test_the_scorecard_is_one_process_scorecard(client: Any, run_files: list[Path], tmp_path: Path) -> None:
    others, _ = sample("inspection-upload", 40, 13, 0.2)
    extra = write_sample(tmp_path / "e.jsonl", "inspection-upload", "jsonl", others)
    paths = [*run_files, extra]
    parameters = Parameters(division_level="province")
    one = build_scorecard(paths, today=TODAY, spec=SPEC, parameters=parameters)
    many = on_dask(paths, client=client, today=TODAY, spec=SPEC, parameters=parameters, partition_bytes=3000)
    assert one["summary"]["records"] > 200 and one["summary"]["findings"]["error"] > 30
    assert one["overall"]["score"] is not None and len(one["files"]) == 5
    assert many == one


def test_a_file_without_a_header_is_left_out(client: Any, run_files: list[Path], tmp_path: Path) -> None:
    broken = tmp_path / "broken.jsonl"
    broken.write_text("not a message\n", encoding="utf-8")
    paths = [run_files[0], broken]
    one = build_scorecard(paths, today=TODAY, spec=SPEC)
    many = on_dask(paths, client=client, today=TODAY, spec=SPEC)
    assert [n["en"] for n in one["notes"]] and one["files"][1]["sender"] is None
    assert many == one


def test_the_cli_scores_on_the_scheduler_it_is_given(cluster: Any, run_files: list[Path], tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from sedata.cli.main import app

    def run(out: Path, *extra: str) -> dict[str, Any]:
        args = ["conformance", "report", *map(str, run_files), "--out", str(out), "--today", "2030-01-01", *extra]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        return dict(json.loads((out / "scorecard.json").read_text("utf-8")))

    one = run(tmp_path / "one")
    many = run(tmp_path / "many", "--engine", "dask", "--scheduler", cluster.scheduler_address)
    assert many == one and one["summary"]["records"] > 200
    refused = CliRunner().invoke(app, ["conformance", "report", str(run_files[0]), "--out", str(tmp_path / "x"),
                                       "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9"])  # fmt: skip
    assert refused.exit_code == 2 and "Dask" in refused.output and "Traceback" not in refused.output
