"""Renderers of a :class:`~sedata.validate.report.Report`: text, JSON, JSON Lines, JUnit XML, SARIF 2.1.0, Code Climate.

``render(report, format, lang)`` returns the document as text; ``write(report, out, format, lang)`` writes the
same text to a stream piece by piece (findings are read from their store one at a time, so a report with a
million findings is never held whole). Every renderer reads the same report, so rule ids, locations and
messages agree across formats.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import IO

from sedata.validate.render import codeclimate, json, jsonl, junit, sarif, text
from sedata.validate.report import Report

FORMATS: tuple[str, ...] = ("text", "json", "jsonl", "junit", "sarif", "codeclimate")

_CHUNKS: dict[str, Callable[[Report, str], Iterator[str]]] = {
    "json": json.chunks,
    "jsonl": jsonl.chunks,
    "junit": junit.chunks,
    "sarif": sarif.chunks,
    "codeclimate": codeclimate.chunks,
}


def write(report: Report, out: IO[str], format: str = "text", lang: str = "zh") -> None:
    """Write the report in ``format`` and ``lang`` (zh, en) to ``out``, piece by piece."""
    if format == "text":
        text.write(report, out, lang)
        return
    if format not in _CHUNKS:
        raise ValueError(f"unknown report format {format!r} (use one of: {', '.join(FORMATS)})")
    for piece in _CHUNKS[format](report, lang):
        out.write(piece)


def render(report: Report, format: str = "text", lang: str = "zh") -> str:
    """The report in ``format`` (text, json, jsonl, junit, sarif, codeclimate) and ``lang`` (zh, en)."""
    buffer = io.StringIO()
    write(report, buffer, format, lang)
    return buffer.getvalue()


__all__ = ["FORMATS", "render", "write"]
