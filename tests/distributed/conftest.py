"""A small local Dask cluster (2 worker processes, 1 thread each) shared by the module's tests, and run files."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent))  # tests/, for the validator tests' sample helpers
from validate.conftest import sample, write_sample

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=40
    ) as local:
        yield local


@pytest.fixture(scope="module")
def client(cluster: Any) -> Iterator[Any]:
    with distributed.Client(cluster) as connected:
        yield connected


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().split(b"\n")[:-1]


@pytest.fixture(scope="module")
def run_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Files of one run with every cross-record case and injected defects.

    ``a.jsonl``: 90 records with ~10 % defects, split into partitions. ``b.xml``: the same records as another
    package (each key repeated across files, SE-XRF-001). ``c.jsonl``: inspections without their equipment
    (references unresolved, SE-XRF-002) and records repeated within the file (SE-BIZ-010, across partitions,
    wrong count and digest). ``d.jsonl``: a copy of ``a.jsonl`` (the same package: not indexed twice).
    """
    folder = tmp_path_factory.mktemp("run")
    records, defects = sample("inspection-upload", 90, 5, 0.1)
    assert defects
    a = write_sample(folder / "a.jsonl", "inspection-upload", "jsonl", records)
    b = write_sample(folder / "b.xml", "inspection-upload", "xml", records)
    others, _ = sample("inspection-upload", 60, 9, 0.05)
    inspections = tuple(r for r in others if r.type == "Inspection")
    c = write_sample(folder / "c.jsonl", "inspection-upload", "jsonl", inspections)
    lines = _lines(c)
    c.write_bytes(b"\n".join(lines + lines[1:4]) + b"\n")
    d = folder / "d.jsonl"
    shutil.copy(a, d)
    return [a, b, c, d]
