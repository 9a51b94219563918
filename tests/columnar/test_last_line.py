"""A JSON Lines file whose last line has no line feed: the columnar engine reports what the row engine reports.

That line is left to the strict reader (its canonical line is not the line as written, which lacks the line
feed the digest adds); a clean record there once made the screen's rows and flags disagree (an internal error).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sedata import exchange as X
from sedata.sample.generator import sample_records
from sedata.validate import validate_files

TODAY = dt.date(2030, 1, 1)
SENDER, RECEIVER = "91310115MA1K3BTP2B", "91110000600037341L"


@pytest.mark.parametrize(("rate", "seed"), [(0.0, 3), (0.2, 4)])
def test_no_last_line_feed_gives_the_row_engines_report(tmp_path: Path, rate: float, seed: int) -> None:
    records = [r for r, _ in sample_records("inspection-upload", 30, seed=seed, invalid_rate=rate)]
    path = tmp_path / "open.jsonl"
    X.write(path, records, message_type="inspection-upload", sender=SENDER, receiver=RECEIVER, mode="changes")
    path.write_bytes(path.read_bytes().removesuffix(b"\n"))
    row = validate_files([path], today=TODAY, engine="row").files[0]
    columnar = validate_files([path], today=TODAY, engine="columnar").files[0]
    assert row.records == 30 and row.stopped is None and row.verified
    assert (row.findings != []) == (rate > 0)
    assert columnar.to_data() == row.to_data()
