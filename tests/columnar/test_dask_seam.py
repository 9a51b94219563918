"""The columnar engine on Dask (``sedata.distributed.COLUMNAR``, the seam ``Engine(chunk, whole)``): the report of
one row-engine process, with JSON Lines split into partitions and documents validated whole on the workers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sedata import exchange as X
from sedata.sample.generator import sample_records
from sedata.spec import current
from sedata.validate import validate_files

distributed = pytest.importorskip("distributed")

from sedata.distributed import COLUMNAR, validate  # noqa: E402  (needs the dask extra)

TODAY = dt.date(2030, 1, 1)
SPEC = current()
SENDER, RECEIVER = "91310115MA1K3BTP2B", "91110000600037341L"


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=40
        ) as cluster,
        distributed.Client(cluster) as connected,
    ):
        yield connected


def _write(path: Path, records: list[Any]) -> Path:
    X.write(path, records, message_type="inspection-upload", sender=SENDER, receiver=RECEIVER, mode="changes")
    return path


def test_columnar_partitions_give_the_report_of_one_row_process(client: Any, tmp_path: Path) -> None:
    records = [r for r, _ in sample_records("inspection-upload", 90, seed=5, invalid_rate=0.15)]
    paths = [
        _write(tmp_path / "a.jsonl", records),
        _write(tmp_path / "b.xml", records[:30]),  # keys repeated across files
        _write(tmp_path / "c.json", records[60:]),
    ]
    lines = paths[0].read_bytes().split(b"\n")[:-1]
    paths[0].write_bytes(b"\n".join(lines + lines[1:4]) + b"\n")  # repeated in a later partition, count now wrong
    one = validate_files(paths, spec=SPEC, today=TODAY, engine="row")
    rules = {f.rule for r in one.files for f in r.findings}
    assert {"SE-XRF-001", "SE-BIZ-010", "SE-SYN-008"} <= rules
    for max_errors in (None, 5):
        one = validate_files(paths, spec=SPEC, today=TODAY, engine="row", max_errors=max_errors)
        many = validate(
            paths, client=client, partition_bytes=3000, spec=SPEC, today=TODAY, engine=COLUMNAR, max_errors=max_errors
        )
        assert [r.to_data() for r in many.files] == [r.to_data() for r in one.files]
