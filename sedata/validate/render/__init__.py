"""Renderers of a :class:`~sedata.validate.report.Report`: text, JSON, JUnit XML and SARIF 2.1.0.

``render(report, format, lang)`` returns the document as text; every renderer reads the same report,
so rule ids, locations and messages agree across formats.
"""

from __future__ import annotations

from collections.abc import Callable

from sedata.validate.render import codeclimate, json, junit, sarif, text
from sedata.validate.report import Report

FORMATS: tuple[str, ...] = ("text", "json", "junit", "sarif", "codeclimate")

_RENDERERS: dict[str, Callable[[Report, str], str]] = {
    "text": text.render,
    "json": json.render,
    "junit": junit.render,
    "sarif": sarif.render,
    "codeclimate": codeclimate.render,
}


def render(report: Report, format: str = "text", lang: str = "zh") -> str:
    """The report in ``format`` (text, json, junit, sarif) and ``lang`` (zh, en)."""
    return _RENDERERS[format](report, lang)


__all__ = ["FORMATS", "render"]
