"""The per-key check gives the same findings however the key rows are shuffled into partitions (no cluster needed)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from validate.conftest import SPEC

from sedata.distributed.keys import check_partition, key_rows
from sedata.distributed.partitions import ROW, Options, plan_file
from sedata.validate.engine import active_layers

TODAY = dt.date(2030, 1, 1)


@pytest.fixture(scope="module")
def rows(run_files: list[Path]) -> tuple[pd.DataFrame, list[str]]:
    """Key and reference rows of the run's files a, b and c (the copy d is not indexed), as the workers make them."""
    options = Options(None, "error", None, TODAY, active_layers(run=True), None, True)
    frames = []
    files = run_files[:3]
    for number, path in enumerate(files):
        plan = plan_file(path, SPEC, 3000)
        if plan.chunks is None:
            frames.append(key_rows(ROW.whole(plan.path, options)[1], number, 0, None))
        else:
            for part, chunk in enumerate(plan.chunks):
                frames.append(key_rows(ROW.chunk(plan.path, chunk, options).lite, number, part, None))
    return pd.concat(frames, ignore_index=True), [str(p) for p in files]


def _findings(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    found = zip(frame["file"], frame["order"], frame["finding"], strict=True)
    return sorted((file, order, f.rule, f.index, f.message.en) for file, order, f in found)


@settings(max_examples=15, deadline=None)
@given(partitions=st.integers(1, 7), seed=st.integers(0, 2**16))
def test_findings_do_not_depend_on_partitioning(
    rows: tuple[pd.DataFrame, list[str]], partitions: int, seed: int
) -> None:
    frame, names = rows
    carried = frozenset({"Equipment", "Inspection"})
    whole = _findings(check_partition(frame, names, carried, None))
    assert {r for _, _, r, _, _ in whole} == {"SE-BIZ-010", "SE-XRF-001", "SE-XRF-002"}
    shuffled = frame.sample(frac=1, random_state=seed)
    parts = [check_partition(g, names, carried, None) for _, g in shuffled.groupby(shuffled["digest"] % partitions)]
    assert _findings(pd.concat(parts, ignore_index=True)) == whole


def test_references_to_an_entity_no_file_carries_are_left_unchecked(rows: tuple[pd.DataFrame, list[str]]) -> None:
    frame, names = rows
    checked = check_partition(frame, names, frozenset({"Inspection"}), None)
    assert checked["unchecked"].any()
    assert not any(f is not None and f.rule == "SE-XRF-002" for f in checked["finding"])
