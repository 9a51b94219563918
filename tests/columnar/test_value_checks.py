"""Field checks run once per distinct new value (remembered across batches) flag exactly the rows that running
every field's checks on every row would flag.

Batches are drawn from a small pool per field (valid values of sample records and corrupted copies of them:
cut, lengthened, a character changed, empty, null, a wrong JSON type), so values repeat within and across
batches. The verdict memory is made tiny so that it is cleared part-way, and fields switch to whole-column
checks and back, as they do on long files.
"""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sedata.columnar import compile as compile_mod
from sedata.columnar import screen as screen_mod
from sedata.columnar.compile import EntityScreen, entity_screens
from sedata.columnar.screen import _column, _value_checks
from sedata.sample.generator import sample_records
from sedata.spec import current

SPEC = current()
_SAMPLES = [r for r, _ in sample_records("inspection-upload", 40, seed=5)]
KINDS = sorted({r.type for r in _SAMPLES})


def _pool(kind: str) -> dict[str, list[Any]]:
    """Per field of ``kind``: its sample values, corrupted copies, and odd values."""
    pool: dict[str, list[Any]] = {}
    for record in _SAMPLES:
        if record.type != kind or not isinstance(record.data, dict):
            continue
        for name, value in record.data.items():
            pool.setdefault(name, []).append(value)
    for found in pool.values():
        extra: list[Any] = [None, "", 7]
        for v in found[:3]:
            if isinstance(v, str) and v:
                extra += [v[:-1], v + "0", v[:-1] + ("X" if v[-1] != "X" else "1"), " " + v]
            elif isinstance(v, int):
                extra += [v + 1, -v, True, str(v)]
        found.extend(extra)
    return pool


POOLS = {kind: _pool(kind) for kind in KINDS}


def _direct(es: EntityScreen, columns: dict[str, pl.Series]) -> list[bool]:
    """Every field's checks on every row, with nothing remembered: what the screen flagged before."""
    frame = pl.DataFrame(list(columns.values()))
    checks = [pl.any_horizontal(fs.vector) for fs in es.fields if fs.vector]
    checks += [pl.col(fs.shape.name).is_null() for fs in es.fields if fs.shape.mandatory]
    if not checks:
        return [False] * frame.height
    return frame.select(pl.any_horizontal(checks).fill_null(False)).to_series().to_list()


def _batch(es: EntityScreen, rows: list[dict[str, Any]]) -> tuple[dict[str, pl.Series], list[bool]]:
    columns: dict[str, pl.Series] = {}
    wrong_type = [False] * len(rows)
    for fs in es.fields:
        column, wrong = _column(fs, [r.get(fs.shape.name) for r in rows])
        columns[fs.shape.name] = column.alias(fs.shape.name)
        if wrong is not None:
            wrong_type = [a or b for a, b in zip(wrong_type, wrong.to_list(), strict=True)]
    return columns, wrong_type


@st.composite
def _batches(draw: st.DrawFn) -> tuple[str, list[list[dict[str, Any]]]]:
    kind = draw(st.sampled_from(KINDS))
    pool = POOLS[kind]
    row = st.fixed_dictionaries({name: st.sampled_from(values) for name, values in pool.items()})
    return kind, draw(st.lists(st.lists(row, min_size=1, max_size=10), min_size=2, max_size=4))


@given(_batches())
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_remembered_verdicts_flag_the_same_rows_as_checking_every_row(
    drawn: tuple[str, list[list[dict[str, Any]]]],
) -> None:
    kind, batches = drawn
    es = entity_screens(SPEC)[kind]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(compile_mod, "_CACHE_LIMIT", 5)  # cleared part-way through most draws
        mp.setattr(screen_mod, "_WHOLE_BATCHES", 2)
        for rows in batches:
            columns, wrong_type = _batch(es, rows)
            start = pl.Series("bad", wrong_type)
            got = _value_checks(es, columns, start).to_list()
            want = [a or b for a, b in zip(wrong_type, _direct(es, columns), strict=True)]
            assert got == want, f"{kind}: rows {rows}"


def test_a_value_refused_once_is_refused_in_every_later_batch() -> None:
    """A mutation a cache could hide: the same bad value in a second batch (remembered, not re-checked)."""
    es = entity_screens(SPEC)["Equipment"]
    good = next(r.data for r in _SAMPLES if r.type == "Equipment")
    assert isinstance(good, dict)
    bad_code = good["userUnitCode"][:-1] + ("X" if good["userUnitCode"][-1] != "X" else "1")
    for fs in es.fields:
        fs.probe = 0  # values looked up, not checked whole (a field whose values were mostly new is)
    rows = [good] * 6 + [{**good, "userUnitCode": bad_code}]
    for _ in range(3):
        columns, wrong_type = _batch(es, rows)
        assert _value_checks(es, columns, pl.Series("bad", wrong_type)).to_list() == [False] * 6 + [True]
