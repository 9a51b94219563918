"""The tiny data set the scorecard's figures are checked against: two senders, eight records, known defects.

Records come from examples/entities (real-looking values with valid codes). Defects, each chosen so that its
effect on every figure can be worked out by hand (see test_figures.py):

* 漳州 file (sender 123506004885497331, created 2026-03-20): an elevator (clean); a pressure vessel without its
  registration certificate number (C) and with use status ``9`` (not a code: one invalid value); three
  inspections, delays 10, 1982 and 10 days, the last one repeating the first report number (a duplicate).
* 湘西 file (sender 12433100448761588N, created 2025-07-01): an elevator without its place of use (M) and with
  division ``433199`` (not a GB/T 2260 code, so its division falls back to the sender's); two inspections,
  delays 42 and 20 days, the second without its next inspection date (C).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from sedata import exchange as X

ENTITIES = Path(__file__).resolve().parents[2] / "examples" / "entities"
CST = X.CHINA_STANDARD_TIME
TODAY = dt.date(2026, 11, 25)
CREATED_ZHANGZHOU = dt.datetime(2026, 3, 20, 9, 0, tzinfo=CST)
CREATED_XIANGXI = dt.datetime(2025, 7, 1, 10, 0, tzinfo=CST)

ZHANGZHOU_INSPECTION = "123506004885497331"  # 福建省特种设备检验研究院漳州分院 (examples/entities/Unit.json)
XIANGXI_INSPECTION = "12433100448761588N"  # 湖南省特种设备检验检测研究院湘西分院 (examples/entities/Inspection.json)
ZHANGZHOU_SAMR = "11350600003654173F"  # 漳州市市场监督管理局 (examples/build_messages.py)
XIANGXI_SAMR = "11433100007105235D"  # 湘西土家族苗族自治州市场监督管理局


def example(name: str, index: int, drop: tuple[str, ...] = (), **changes: Any) -> dict[str, Any]:
    """Record ``index`` of examples/entities/<name>.json without ``drop`` and with ``changes``."""
    records: list[dict[str, Any]] = json.loads((ENTITIES / f"{name}.json").read_text("utf-8"))
    data = {k: v for k, v in records[index].items() if k not in drop}
    data.update(changes)
    return data


def _write(path: Path, sender: str, receiver: str, created: dt.datetime, records: list[X.Record]) -> Path:
    header = X.new_header("inspection-upload", sender, receiver, 1, created_at=created)
    X.write(path, records, header=header)
    return path


def zhangzhou(folder: Path, name: str = "zhangzhou.jsonl") -> Path:
    """The 漳州 inspection body's upload of 2026-03-20 (five records)."""
    records = [
        X.Record("Equipment", example("Equipment", 0)),
        X.Record("Equipment", example("Equipment", 3, drop=("registrationCertNo",), useStatus="8")),
        X.Record("Inspection", example("Inspection", 0)),
        X.Record("Inspection", example("Inspection", 1)),
        X.Record("Inspection", example("Inspection", 0)),
    ]
    return _write(folder / name, ZHANGZHOU_INSPECTION, ZHANGZHOU_SAMR, CREATED_ZHANGZHOU, records)


def xiangxi(folder: Path, name: str = "xiangxi.xml") -> Path:
    """The 湘西 inspection body's upload of 2025-07-01 (three records), as XML."""
    records = [
        X.Record("Equipment", example("Equipment", 1, drop=("useLocation",), locationDivision="433199")),
        X.Record("Inspection", example("Inspection", 2)),
        X.Record("Inspection", example("Inspection", 3, drop=("nextInspectionDate",))),
    ]
    return _write(folder / name, XIANGXI_INSPECTION, XIANGXI_SAMR, CREATED_XIANGXI, records)
