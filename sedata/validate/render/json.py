"""The JSON report: a stable shape for programs (``--format json``).

Shape (every key always present; ``null`` where unknown)::

    {
      "tool": {"name": "sedata", "version": "0.1.0"},
      "specVersion": "1.0.0",
      "failOn": "error",                    # error | warning | info
      "valid": false,                       # no finding at or above failOn in any file
      "summary": {"files": 1, "records": 200, "findings": 3,
                  "bySeverity": {"error": 2, "warning": 1, "info": 0},
                  "byRule": {"SE-SCH-001": 2, ...}, "byLayer": {"schema": 2, ...}},
      "files": [{
        "file": "upload.jsonl", "format": "jsonl",   # json | jsonl | xml | null (not readable)
        "header": {"specVersion": ..., "messageType": ..., ...} | null,
        "records": 200,                             # records read
        "valid": false,
        "stopped": null,                            # unreadable | broken | max-errors
        "verified": true,                           # read whole: count and digest matched the header
        "counts": {"bySeverity": {...}, "byRule": {...}, "byLayer": {...}},
        "notChecked": [{"rule": "SE-BIZ-001", "reason": {"zh": ..., "en": ...}}],
        "findings": [{
          "rule": "SE-SCH-001", "severity": "error", "layer": "schema",
          "file": "upload.jsonl", "line": 14, "column": null,
          "pointer": "/records/12/data/userUnitName",   # in the canonical document, whatever the format
          "index": 12, "recordType": "Equipment", "key": "3110...",
          "element": {"id": "SE.UNT.0101", "name": {"zh": "使用单位名称", "en": "User unit name"},
                      "field": "userUnitName"} | null,
          "value": null,                            # as shown: personal data masked
          "expected": {"zh": ..., "en": ...} | null,
          "message": {"zh": "必填数据元“使用单位名称”（SE.UNT.0101）缺失", "en": "..."}
        }]
      }],
      "applied": [{"zh": ..., "en": ...}]   # only when a receiver profile or baseline changed the findings
    }

Messages are given in both languages whatever ``--lang`` says. ``load`` reads the report back.
The document is written piece by piece (:func:`chunks`): the findings are read from their store one at a
time, never gathered into one document, and the text is the one ``json.dumps`` gives the whole report.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from sedata.validate.render.common import Holes, dumps, json_array
from sedata.validate.report import FindingStore, Report


def chunks(report: Report, lang: str = "zh") -> Iterator[str]:
    """The JSON report in pieces (their concatenation is :func:`render`'s text)."""
    holes = Holes()
    data = report.to_data(findings=False)
    for file_data, fr in zip(data["files"], report.files, strict=True):
        file_data["findings"] = holes.mark(fr.findings)  # the last key, as in FileReport.to_data

    def findings(store: FindingStore, indent: int) -> Iterator[str]:
        return json_array((f.to_data() for f in store), indent)

    yield from holes.fill(dumps(data), findings, quoted=True)


def render(report: Report, lang: str = "zh") -> str:
    """The report as indented JSON (UTF-8 text, Chinese not escaped); ``lang`` does not change it."""
    return "".join(chunks(report, lang))


def load(text: str) -> Report:
    """A report read back from :func:`render` output."""
    return Report.from_data(json.loads(text))
