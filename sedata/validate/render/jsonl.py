"""The JSON Lines report (``--format jsonl``): one finding per line, the summary on the last line.

Made for programs that read a report as it comes and for runs with very many findings: each line is one
JSON object, UTF-8, with no spaces and the characters :func:`~sedata.validate.render.common.visible` hides
as ``\\u`` escapes. Line schema (``docs/report-jsonl.md``, JSON Schema ``docs/report-jsonl.schema.json``)::

    {"kind":"finding", "rule":..., "severity":..., ...}      # the finding, keys as in --format json
    ...                                                      # file by file, in the order found
    {"kind":"summary", "tool":..., "specVersion":..., "failOn":..., "valid":..., "summary":{...},
     "files":[{... as in --format json, without "findings"}], "applied":[...]}   # always the last line

The summary line is the JSON report less its findings, so a reader that stops early knows it did (no
summary line), and one that reads to the end has every count without counting.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sedata.validate.render.common import json_text
from sedata.validate.report import Report

FINDING, SUMMARY = "finding", "summary"
"""The values of ``kind``, the first key of every line."""


def chunks(report: Report, lang: str = "zh", batch: int = 512) -> Iterator[str]:
    """The report's lines in pieces of up to ``batch`` lines; ``lang`` does not change them."""
    lines: list[str] = []
    for fr in report.files:
        for f in fr.findings:
            lines.append(json_text({"kind": FINDING, **f.to_data()}, indent=None))
            if len(lines) >= batch:
                yield "\n".join(lines) + "\n"
                lines = []
    lines.append(json_text(summary(report), indent=None))
    yield "\n".join(lines) + "\n"


def summary(report: Report) -> dict[str, Any]:
    """The last line: the JSON report without its findings."""
    return {"kind": SUMMARY, **report.to_data(findings=False)}


def render(report: Report, lang: str = "zh") -> str:
    """The whole report as JSON Lines text."""
    return "".join(chunks(report, lang))
