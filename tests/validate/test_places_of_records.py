"""A finding that names a whole JSON Lines record is placed where the line's value starts, as the scan places it."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from sedata.validate.places import json_places, locate
from sedata.validate.report import FileReport, Finding, Text

scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=5)
values = st.recursive(scalars, lambda c: st.lists(c, max_size=3))


@given(st.dictionaries(st.text(max_size=4), values, max_size=4), st.sampled_from(["", " ", "\t ", " \r"]))
def test_a_record_pointer_is_placed_as_the_scan_places_it(data: dict[str, object], lead: str) -> None:
    header = json.dumps({"header": {}}) + "\n"
    line = lead + json.dumps({"recordType": "Equipment", "data": data}, ensure_ascii=False) + "\n"
    path = Path(__import__("tempfile").mkdtemp()) / "a.jsonl"
    path.write_text(header + line, "utf-8")
    finding = Finding(rule="SE-XRF-001", severity="error", layer="crossfile", message=Text("重复", "repeated"),
                      file=str(path), line=2, index=0, pointer="/records/0")  # fmt: skip
    report = FileReport(str(path), format="jsonl", findings=[finding])
    locate(report)
    scanned = json_places(line.encode(), {"/records/0"}, base="/records/0")["/records/0"]
    assert (report.findings[0].line, report.findings[0].column) == (2, scanned[1]) == (2, len(lead) + 1)
