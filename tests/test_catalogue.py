"""The 特种设备目录 code set against the sourced reference, and its date-aware versions.

The 2014 table must be exactly the 157-row table of domain.md §3 (order, names, levels, parents); the
pre-2014 elevator table must keep its colliding meanings; ``versions_at`` must say which table was in force
at a date, and flag the year 2014 (whose exact switch-over date is unknown) as uncertain.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest

from sedata.spec import current
from sedata.spec.codesets import entry, meanings_at, versions_at

REFERENCE = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / "domain.md"

needs_reference = pytest.mark.skipif(
    not REFERENCE.exists(), reason=f"domain reference not found at {REFERENCE} (it lives outside the repository)"
)

# | 46 | `7210` | 金属阀门 [sic, see note] | 品种 | 7200 |
_ROW = re.compile(r"^\| (\d+) \| `([0-9A-Z]{4})` \| (.+?) \| (种类|类别|品种) \| (—|[0-9A-Z]{4}) \|$")
_SIC = " [sic, see note]"

SPEC = current()
CATALOGUE_2014 = SPEC.codesets["equipment-catalogue"]["2014"]
PRE_2014 = SPEC.codesets["equipment-catalogue"]["pre2014-elevator"]


def _reference_rows() -> list[tuple[str, str, str, str | None]]:
    """(code, name, level, parent) of every row of the §3 catalogue table, in order."""
    text = REFERENCE.read_text(encoding="utf-8")
    start = text.index("\n## 3.")
    end = text.index("\n## 4.", start)
    rows = []
    for line in text[start:end].splitlines():
        m = _ROW.match(line.strip())
        if m:
            number, code, name, level, parent = m.groups()
            assert int(number) == len(rows) + 1, f"row {number} out of sequence"
            rows.append((code, name.removesuffix(_SIC), level, None if parent == "—" else parent))
    return rows


@needs_reference
def test_reference_table_has_157_rows() -> None:
    rows = _reference_rows()
    assert len(rows) == 157
    assert Counter(level for _, _, level, _ in rows) == {"种类": 10, "类别": 48, "品种": 99}


@needs_reference
def test_2014_catalogue_matches_the_reference_row_by_row() -> None:
    ours = [(e.code, e.zh, e.level, e.parent) for e in CATALOGUE_2014.entries]
    assert ours == _reference_rows()


def test_2014_catalogue_shape() -> None:
    entries = CATALOGUE_2014.entries
    assert len(entries) == 157
    assert Counter(e.level for e in entries) == {"种类": 10, "类别": 48, "品种": 99}
    assert len({e.code for e in entries}) == 157
    assert all(not e.zh.endswith(_SIC) for e in entries)


def test_2014_parents_exist_and_are_higher() -> None:
    levels = CATALOGUE_2014.levels
    assert levels == ["种类", "类别", "品种"]
    for e in CATALOGUE_2014.entries:
        if e.level == "种类":
            assert e.parent is None, e.code
            continue
        parent = entry(CATALOGUE_2014, e.parent) if e.parent else None
        assert parent is not None, f"{e.code} has no parent in the table"
        assert levels.index(parent.level) < levels.index(e.level), f"{e.code} under {parent.code}"


def test_3130_means_different_things_before_and_after_2014() -> None:
    assert entry(PRE_2014, "3130").zh == "无机房客梯"
    assert entry(CATALOGUE_2014, "3130").zh == "强制驱动载货电梯"


def _versions(on: dt.date) -> list[tuple[str, bool]]:
    return [(v.codeset.version, v.certain) for v in versions_at(SPEC, "equipment-catalogue", on)]


def test_only_the_old_table_is_in_force_in_2013() -> None:
    assert _versions(dt.date(2013, 5, 1)) == [("pre2014-elevator", True)]


def test_both_tables_are_uncertain_during_2014() -> None:
    # newest first; the switch-over date within 2014 is UNCONFIRMED
    assert _versions(dt.date(2014, 6, 1)) == [("2014", False), ("pre2014-elevator", False)]


def test_only_the_2014_table_is_in_force_in_2016() -> None:
    assert _versions(dt.date(2016, 1, 1)) == [("2014", True)]


def test_meaning_of_3130_at_a_date() -> None:
    def names(on: dt.date) -> list[str]:
        return [e.zh for e, _ in meanings_at(SPEC, "equipment-catalogue", "3130", on)]

    assert names(dt.date(2013, 5, 1)) == ["无机房客梯"]
    assert names(dt.date(2014, 6, 1)) == ["强制驱动载货电梯", "无机房客梯"]
    assert names(dt.date(2016, 1, 1)) == ["强制驱动载货电梯"]
