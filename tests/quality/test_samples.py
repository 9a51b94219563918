"""On sample data the scorecard tells a clean sender from one with 10 % broken records; timeliness means something."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sedata.exchange import write
from sedata.exchange.header import new_header
from sedata.quality import build_scorecard
from sedata.sample.generator import sample_records

TODAY = dt.date(2026, 6, 30)
CLEAN, CARELESS, RECEIVER = "91310115MA1K3BTP2B", "91350100M000100Y43", "91110000600037341L"


def _upload(path: Path, sender: str, seed: int, invalid_rate: float) -> Path:
    records = (r for r, _ in sample_records("inspection-upload", 600, seed, invalid_rate, today=TODAY))
    created = dt.datetime.combine(TODAY, dt.time(9), tzinfo=dt.timezone(dt.timedelta(hours=8)))
    header = new_header("inspection-upload", sender, RECEIVER, 1, "changes", created_at=created)
    write(path, records, header=header)
    return path


def test_a_sender_with_ten_percent_broken_records_scores_clearly_lower(tmp_path: Path) -> None:
    paths = [_upload(tmp_path / "a.jsonl", CLEAN, 1, 0.0), _upload(tmp_path / "b.jsonl", CARELESS, 2, 0.1)]
    card = build_scorecard(paths, today=TODAY)
    clean, careless = (next(s for s in card["senders"] if s["sender"] == code) for code in (CLEAN, CARELESS))
    assert [s["sender"] for s in card["senders"]] == [CLEAN, CARELESS]
    assert clean["rates"]["errorFree"] == 1.0 and 0.85 <= careless["rates"]["errorFree"] <= 0.95
    assert clean["score"] - careless["score"] >= 3.5  # was 84.24 against 82.86 before error-free records counted
    # Sample events lead up to the report date, so timeliness is measured and mostly within the 30-day limit.
    assert clean["timeliness"]["measured"] == 300 and clean["rates"]["timeliness"] >= 0.9
    assert clean["score"] >= 98
