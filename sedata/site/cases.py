"""A firing and a passing example of each rule, taken from the conformance suite (spec/conformance/cases.yaml)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

PREFERRED_FORMATS = ("json", "xml", "jsonl")
MAX_BYTES = 20_000


@dataclass(frozen=True)
class ShownCase:
    """A conformance case as a page shows it."""

    id: str
    format: str
    description: dict[str, str]
    today: str
    findings: tuple[tuple[str, int | None, str | None], ...]
    absent: tuple[str, ...]
    text: str | None
    """The case's file (None when the case is about a missing file)."""


@dataclass(frozen=True)
class RuleExamples:
    fires: ShownCase | None = None
    quiet: ShownCase | None = None


@cache
def _listing(suite: Path) -> tuple[dict[str, Any], ...]:
    raw = yaml.safe_load((suite / "cases.yaml").read_text("utf-8"))
    return tuple(raw.get("cases") or []) if isinstance(raw, dict) else ()


def _shown(suite: Path, item: dict[str, Any]) -> ShownCase:
    path = suite / str(item["file"])
    text = None
    if path.is_file():
        data = path.read_bytes()[:MAX_BYTES]
        text = data.decode("utf-8", errors="replace")
    today = item.get("today")
    return ShownCase(
        id=str(item["id"]),
        format=str(item.get("format", "")),
        description={k: str(v) for k, v in (item.get("description") or {}).items()},
        today=today.isoformat() if isinstance(today, dt.date) else str(today),
        findings=tuple((str(f["rule"]), f.get("index"), f.get("pointer")) for f in item.get("findings") or []),
        absent=tuple(str(r) for r in item.get("absent") or []),
        text=text,
    )


def rule_examples(suite: Path | None, rule_id: str) -> RuleExamples:
    """The suite's positive (fires) and negative (quiet) case for ``rule_id``, JSON ones first."""
    if suite is None or not (suite / "cases.yaml").is_file():
        return RuleExamples()
    mine = [c for c in _listing(suite) if c.get("rule") == rule_id]

    def pick(kind: str) -> ShownCase | None:
        chosen = sorted(
            (c for c in mine if c.get("kind") == kind),
            key=lambda c: PREFERRED_FORMATS.index(c["format"]) if c.get("format") in PREFERRED_FORMATS else 9,
        )
        return _shown(suite, chosen[0]) if chosen else None

    return RuleExamples(pick("positive"), pick("negative"))
