"""What a worker holds: key rows kept to numbers and two texts, findings written a batch at a time (no cluster)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from validate.conftest import SPEC  # tests/ is on sys.path (conftest.py)

from sedata.distributed import collect
from sedata.distributed.findings import finding_of
from sedata.distributed.keys import KEY, NAMED, entity_ids, key_rows
from sedata.distributed.partitions import ROW, Options, plan_file
from sedata.validate import validate_files
from sedata.validate.engine import active_layers

TODAY = dt.date(2030, 1, 1)


def test_a_key_row_is_about_a_hundred_bytes(run_files: list[Path]) -> None:
    options = Options(None, "error", None, TODAY, active_layers(run=True), None, True)
    plan = plan_file(run_files[0], SPEC, 3000)
    assert plan.chunks is not None
    rows = pd.concat([key_rows(ROW.chunk(plan.path, c, options).lite, 0, n, None) for n, c in enumerate(plan.chunks)])
    assert set(rows["kind"]) == {KEY, NAMED}
    # With every column a text (kind, entity, masked key, pointer) a row was ~190 bytes; the run's rows wait on the
    # workers for the shuffle, so this is what a worker grows by per record.
    assert rows.memory_usage(deep=True, index=False).sum() / len(rows) < 130
    ids = entity_ids(SPEC)
    assert {ids[n] for n in rows["entity"]} == {"Equipment", "Inspection"}
    assert rows.loc[rows["kind"] == NAMED, "pointer"].isna().all(), "a single-valued reference's pointer is rebuilt"


def test_findings_are_written_a_batch_at_a_time(
    run_files: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = list(validate_files(run_files[:1], spec=SPEC, today=TODAY).files[0].findings)
    assert len(found) > 7
    monkeypatch.setattr(collect, "WRITE_BATCH", 3)
    assert collect._write_found(found, 0, str(tmp_path), "cross-00000-00000") == len(found)
    table = pq.ParquetFile(tmp_path / collect.PARQUET / "cross-00000-00000.parquet")
    assert table.metadata.num_row_groups == -(-len(found) // 3)
    rows = table.read().to_pandas().to_dict("records")
    assert [finding_of(r).to_data() for r in rows] == [f.to_data() for f in found]
    lines = (tmp_path / collect.JSONL / "cross-00000-00000.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [f.to_data() for f in found]


def test_nothing_is_written_without_findings(tmp_path: Path) -> None:
    assert collect._write_found([], 0, str(tmp_path), "cross-00000-00000") == 0
    assert not (tmp_path / collect.PARQUET).exists()
