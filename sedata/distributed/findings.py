"""Findings as table rows (one a finding), the shape they are written in by the workers, and a summary report.

A run on a cluster may make more findings than one client should hold (a key repeated across two provinces'
files is a finding per record). :mod:`sedata.distributed.collect` keeps them on the workers as rows of a Dask
dataframe (:data:`ROW_TYPES`), written as Parquet and as JSON Lines (one :meth:`Finding.to_data` object a
line); the client keeps a :class:`Summary`: every file's header, record count, digest check, stop and rules not
checked, the findings made on the client (header, digest, ledger, signatures), and the count of every finding
by rule, severity and layer.
"""

from __future__ import annotations

import importlib
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sedata.validate.report import SEVERITIES, ElementRef, FileReport, Finding, Report, Text, at_least, severity

ROW_TYPES: dict[str, Any] = {
    "file_no": "int64",  # the file's place in the run (the sort key "by file")
    "file": object,
    "line": "Int64",
    "column": "Int64",
    "index": "Int64",
    "rule": object,
    "severity": object,
    "layer": object,
    "pointer": object,
    "record_type": object,
    "key": object,
    "value": object,
    "element_id": object,
    "element_field": object,
    "element_zh": object,
    "element_en": object,
    "expected_zh": object,
    "expected_en": object,
    "message_zh": object,
    "message_en": object,
}

POSITION = ["file_no", "line", "column", "index", "rule", "pointer"]
"""The columns findings are sorted by to compare runs: file, then position in it."""


def empty_rows() -> pd.DataFrame:
    """The findings' schema (the ``meta`` of the Dask frame)."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in ROW_TYPES.items()})


def arrow_schema() -> Any:
    """The Parquet schema: explicit, since a partition whose column is all null would otherwise differ."""
    pa: Any = importlib.import_module("pyarrow")  # untyped
    kinds = {"int64": pa.int64(), "Int64": pa.int64(), object: pa.string()}
    return pa.schema([(name, kinds[kind]) for name, kind in ROW_TYPES.items()])


def rows_of(findings: Iterable[Finding], file_no: int) -> pd.DataFrame:
    """One row a finding, in the order given."""
    rows = []
    for f in findings:
        element, expected = f.element, f.expected
        rows.append(
            {
                "file_no": file_no,
                "file": f.file,
                "line": f.line,
                "column": f.column,
                "index": f.index,
                "rule": f.rule,
                "severity": f.severity,
                "layer": f.layer,
                "pointer": f.pointer,
                "record_type": f.record_type,
                "key": f.key,
                "value": f.value,
                "element_id": None if element is None else element.id,
                "element_field": None if element is None else element.field,
                "element_zh": None if element is None else element.name.zh,
                "element_en": None if element is None else element.name.en,
                "expected_zh": None if expected is None else expected.zh,
                "expected_en": None if expected is None else expected.en,
                "message_zh": f.message.zh,
                "message_en": f.message.en,
            }
        )
    if not rows:
        return empty_rows()
    return pd.DataFrame(rows, columns=list(ROW_TYPES)).astype(ROW_TYPES)


def _value(row: dict[str, Any], name: str) -> Any:
    value = row.get(name)
    return None if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)) else value


def _int(row: dict[str, Any], name: str) -> int | None:
    value = _value(row, name)
    return None if value is None else int(value)


def finding_of(row: dict[str, Any]) -> Finding:
    """The finding a row was made from (a row of :func:`rows_of`, as read back from Parquet or the frame)."""
    element = None
    if _value(row, "element_id") is not None:
        name = Text(row["element_zh"], row["element_en"])
        element = ElementRef(row["element_id"], name, row["element_field"])
    expected = None if _value(row, "expected_zh") is None else Text(row["expected_zh"], row["expected_en"])
    return Finding(
        rule=row["rule"],
        severity=severity(row["severity"]),
        layer=row["layer"],
        message=Text(row["message_zh"], row["message_en"]),
        file=row["file"],
        line=_int(row, "line"),
        column=_int(row, "column"),
        pointer=_value(row, "pointer"),
        index=_int(row, "index"),
        record_type=_value(row, "record_type"),
        key=_value(row, "key"),
        element=element,
        value=_value(row, "value"),
        expected=expected,
    )


def json_line(row: dict[str, Any]) -> str:
    """A row as the JSON of :meth:`Finding.to_data` (the JSON report's finding), on one line."""
    return json.dumps(finding_of(row).to_data(), ensure_ascii=False, separators=(",", ":"))


Tally = Counter[tuple[str, str, str]]
"""Findings counted by (rule, severity, layer)."""


def tally(findings: Iterable[Finding]) -> Tally:
    """The findings counted by (rule, severity, layer)."""
    return Counter((f.rule, f.severity, f.layer) for f in findings)


def _by(counts: Tally, at: int) -> Counter[str]:
    out: Counter[str] = Counter()
    for item, n in counts.items():
        out[item[at]] += n
    return out


@dataclass(slots=True)
class FileSummary(FileReport):
    """A file's report whose ``findings`` lists only those made on the client; ``counts`` counts them all."""

    counts: Tally = field(default_factory=Counter)

    @property
    def valid(self) -> bool:
        return not any(n and at_least(s, self.fail_on) for (_r, s, _l), n in self.counts.items())

    def by_rule(self) -> dict[str, int]:
        return dict(sorted(_by(self.counts, 0).items()))

    def by_severity(self) -> dict[str, int]:
        counts = _by(self.counts, 1)
        return {s: counts.get(s, 0) for s in SEVERITIES}

    def by_layer(self) -> dict[str, int]:
        return dict(_by(self.counts, 2))


@dataclass(slots=True)
class Summary(Report):
    """The report of a run whose findings were written by the workers: counts for all, the client's listed."""

    def _counts(self) -> Tally:
        total: Tally = Counter()
        for f in self.files:
            total.update(f.counts if isinstance(f, FileSummary) else tally(f.findings))
        return total

    def by_severity(self) -> dict[str, int]:
        counts = _by(self._counts(), 1)
        return {s: counts.get(s, 0) for s in SEVERITIES}

    def by_rule(self) -> dict[str, int]:
        return dict(sorted(_by(self._counts(), 0).items()))

    def by_layer(self) -> dict[str, int]:
        return dict(_by(self._counts(), 2))

    def to_data(self, findings: bool = True) -> dict[str, Any]:
        data = Report.to_data(self, findings)
        data["summary"]["findings"] = sum(self._counts().values())
        return data
