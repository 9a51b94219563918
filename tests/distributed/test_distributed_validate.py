"""``sedata.distributed.validate`` on a 2-worker local cluster gives the report of one process, finding for finding."""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import cloudpickle
import pytest
from validate.conftest import SPEC, sample, write_sample  # tests/ is on sys.path (conftest.py)

from sedata.distributed import ROW, Engine, validate
from sedata.distributed.partitions import plan_file
from sedata.validate import parallel, validate_files

cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import this test module

TODAY = dt.date(2030, 1, 1)
PARTITION = 3000
"""Bytes per JSON Lines partition: tiny, so that every file of a few dozen records is split into several."""


def _data(report: Any) -> list[dict[str, Any]]:
    return [f.to_data() for f in report.files]


def _both(client: Any, paths: list[Path], **kw: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    one = validate_files(paths, spec=SPEC, today=TODAY, **kw)
    many = validate(paths, client=client, partition_bytes=PARTITION, spec=SPEC, today=TODAY, **kw)
    return _data(one), _data(many)


def _rules(files: list[dict[str, Any]]) -> Counter[str]:
    return Counter(f["rule"] for r in files for f in r["findings"])


def test_the_run_is_split_into_several_partitions(run_files: list[Path]) -> None:
    plans = [plan_file(p, SPEC, PARTITION) for p in run_files]
    assert [p.chunks is not None and len(p.chunks) >= 3 for p in plans] == [True, False, True, True]
    assert plans[0].package == plans[3].package  # the copy holds the same package


def test_findings_equal_one_process_across_files(client: Any, run_files: list[Path]) -> None:
    one, many = _both(client, run_files)
    rules = _rules(one)
    # Every run-wide case is there, so the comparison proves something about each.
    assert rules["SE-XRF-001"] >= 30 and rules["SE-XRF-002"] >= 5 and rules["SE-BIZ-010"] >= 2
    assert sum(n for r, n in rules.items() if not r.startswith(("SE-XRF", "SE-BIZ-010"))) >= 10
    assert many == one


@pytest.mark.parametrize("max_errors", [1, 7])
def test_max_errors_stops_where_one_process_stops(client: Any, run_files: list[Path], max_errors: int) -> None:
    one, many = _both(client, run_files, max_errors=max_errors)
    assert one[0]["stopped"] == "max-errors"
    assert many == one


def test_references_resolved_by_a_reference_dataset(client: Any, run_files: list[Path], tmp_path: Path) -> None:
    others, _ = sample("inspection-upload", 60, 9, 0.0)
    equipment = tuple(r for r in others if r.type == "Equipment")
    register = write_sample(tmp_path / "register.jsonl", "inspection-upload", "jsonl", equipment)
    broken = tmp_path / "broken.jsonl"
    broken.write_text("not a message\n", encoding="utf-8")
    paths = run_files[2:3]
    without = _rules(_both(client, paths)[0])
    one, many = _both(client, paths, references=[register, broken])
    assert without["SE-XRF-002"] > 0 and _rules(one)["SE-XRF-002"] == 0
    assert [r["file"] for r in many][-1] == str(broken)  # an unreadable reference is reported
    assert many == one


def _dying_chunk(marker: str, path: str, chunk: Any, options: Any) -> Any:
    """The row engine's chunk function, except that the first call of the run kills its worker process."""
    try:
        fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return ROW.chunk(path, chunk, options)
    os.close(fd)
    os._exit(1)  # the worker dies mid-task: the scheduler gives the task to another worker


def test_a_worker_killed_mid_run_changes_nothing(client: Any, run_files: list[Path], tmp_path: Path) -> None:
    marker = tmp_path / "died"
    one = _data(validate_files(run_files, spec=SPEC, today=TODAY))
    engine = Engine(functools.partial(_dying_chunk, str(marker)), ROW.whole)
    many = validate(run_files, client=client, partition_bytes=PARTITION, spec=SPEC, today=TODAY, engine=engine)
    assert marker.exists(), "no worker died: the test proved nothing"
    assert _data(many) == one
    client.wait_for_workers(2, timeout=60)  # the nanny restarted it, for the tests after this one


def test_a_key_repeated_within_one_partition_is_reported_once(client: Any, tmp_path: Path) -> None:
    records, _ = sample("inspection-upload", 40, 7, 0.0)
    path = write_sample(tmp_path / "again.jsonl", "inspection-upload", "jsonl", records)
    lines = path.read_bytes().split(b"\n")[:-1]
    path.write_bytes(b"\n".join([*lines[:3], lines[2], *lines[3:]]) + b"\n")  # record 1 again, right after it
    one, many = _both(client, [path])
    assert [(f["rule"], f["index"]) for f in one[0]["findings"]] == [("SE-SYN-008", None), ("SE-BIZ-010", 2)]
    assert many == one
    with pytest.MonkeyPatch.context() as patch:  # --jobs shares the chunk function: it once reported it twice
        patch.setattr(parallel, "CHUNK_BYTES", PARTITION)
        jobs = _data(validate_files([path], spec=SPEC, today=TODAY, jobs=2))
    assert jobs == one


def test_the_cli_runs_on_the_scheduler_it_is_given(cluster: Any, run_files: list[Path], tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from sedata.cli.main import app

    def run(*extra: str) -> tuple[int, list[dict[str, Any]]]:
        out = tmp_path / f"r{len(extra)}.json"
        args = ["validate", *map(str, run_files), "-f", "json", "-o", str(out), "--today", "2030-01-01", *extra]
        result = CliRunner().invoke(app, args)
        return result.exit_code, json.loads(out.read_text("utf-8"))["files"]

    code, one = run()
    dask_code, many = run("--engine", "dask", "--scheduler", cluster.scheduler_address)
    assert code == dask_code == 1
    assert [f["findings"] for f in many] == [f["findings"] for f in one]


def test_the_cli_says_when_the_scheduler_cannot_be_reached(run_files: list[Path]) -> None:
    import dask
    from typer.testing import CliRunner

    from sedata.cli.main import app

    args = ["validate", str(run_files[1]), "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9"]
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):  # Dask retries a refused port until then
        result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "Dask" in result.output and "Traceback" not in result.output


def test_the_cli_runs_the_columnar_engine_on_the_workers(
    run_files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The workers screen each partition by columns; the row engine alone was ~2x slower per record.
    from typer.testing import CliRunner

    import sedata.distributed as distributed
    from sedata.cli.main import app

    seen: list[Any] = []

    def fake(*_: Any, **kwargs: Any) -> Any:
        seen.append(kwargs.get("engine"))
        raise OSError("stop here")

    monkeypatch.setattr(distributed, "validate", fake)
    result = CliRunner().invoke(app, ["validate", str(run_files[0]), "--engine", "dask", "--scheduler", "tcp://x:1"])
    assert result.exit_code == 2 and seen == [distributed.COLUMNAR]
