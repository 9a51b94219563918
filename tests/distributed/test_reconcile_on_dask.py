"""``sedata reconcile`` on a 2-worker cluster: the device join as a shuffle gives one process's findings."""

from __future__ import annotations

import importlib.util
import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from sedata.distributed.reconcile import reconcile as on_dask
from sedata.validate.layers.consistency import reconcile

BENCH = Path(__file__).parents[2] / "bench" / "reconcile.py"


def _bench() -> Any:
    spec = importlib.util.spec_from_file_location("bench_reconcile", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], list[Path], Any]:
    """bench/reconcile.py's population of 600 devices (every SE-CON category injected), inspections in 2 files."""
    bench = _bench()
    folder = tmp_path_factory.mktemp("reconcile")
    bench.generate(folder, 600, 3)
    lines = (folder / "inspections.jsonl").read_bytes().split(b"\n")[:-1]
    # A second inspection file: the inspections again (the same device inspected twice: the later counts).
    again = folder / "inspections-2.jsonl"
    shutil.copy(folder / "inspections.jsonl", again)
    assert len(lines) > 300
    registrations = [folder / "registry.jsonl", folder / "status.jsonl"]
    return registrations, [folder / "inspections.jsonl", again], bench.TODAY


def _data(report: Any) -> list[dict[str, Any]]:
    files = [f.to_data() for f in report.files]
    for f in files:
        f["findings"].sort(key=lambda d: (d["index"] if d["index"] is not None else -1, d["rule"], d["pointer"] or "",
                                          json.dumps(d, sort_keys=True)))  # fmt: skip
    return files


def test_the_device_join_finds_what_one_process_finds(client: Any, population: tuple[Any, Any, Any]) -> None:
    registrations, inspections, today = population
    one = reconcile(registrations, inspections, today=today)
    many = on_dask(registrations, inspections, client=client, today=today)
    rules = Counter(f.rule for f in one.findings)
    assert {"SE-CON-001", "SE-CON-002", "SE-CON-003", "SE-CON-004", "SE-CON-005"} <= set(rules), rules
    assert _data(many) == _data(one)
    assert many.by_rule() == one.by_rule() and many.valid == one.valid


def test_an_unreadable_file_is_reported_as_one_process_reports_it(
    client: Any, population: tuple[Any, Any, Any], tmp_path: Path
) -> None:
    registrations, inspections, today = population
    broken = tmp_path / "broken.jsonl"
    broken.write_text("not a message\n", encoding="utf-8")
    one = reconcile([*registrations, broken], inspections, today=today)
    many = on_dask([*registrations, broken], inspections, client=client, today=today)
    assert [f.stopped is not None for f in one.files] == [False, False, True, False, False]
    assert any(f.rule.startswith("SE-SYN") for f in one.files[2].findings)
    assert _data(many) == _data(one)


def test_the_cli_reconciles_on_the_scheduler_it_is_given(
    cluster: Any, population: tuple[Any, Any, Any], tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from sedata.cli.main import app

    registrations, inspections, today = population

    def run(*extra: str) -> tuple[int, Any]:
        out = tmp_path / f"r{len(extra)}.json"
        args = ["reconcile", "--registrations", *map(str, registrations), "--inspections", *map(str, inspections),
                "--today", today.isoformat(), "-f", "json", "-o", str(out), *extra]  # fmt: skip
        result = CliRunner().invoke(app, args)
        return result.exit_code, json.loads(out.read_text("utf-8"))

    code, one = run()
    dask_code, many = run("--engine", "dask", "--scheduler", cluster.scheduler_address)
    assert code == dask_code == 1
    assert many["summary"] == one["summary"] and many["summary"]["findings"] > 20
    unreachable = CliRunner().invoke(app, ["reconcile", "-r", str(registrations[0]), "-i", str(inspections[0]),
                                           "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9"])  # fmt: skip
    assert unreachable.exit_code == 2 and "Dask" in unreachable.output and "Traceback" not in unreachable.output
