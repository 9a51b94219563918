"""The conformance suite: small message files with the findings each must yield, run through the validator.

A suite is a folder with ``cases.yaml`` (written by spec/conformance/build.py). A positive case lists the
findings its file must yield, exactly (rule, record index, JSON pointer); a negative case also names rules
that must not fire. Rules the validator does not check automatically (manual ones, or layers this release
does not implement) are reported as not checked, never as passed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sedata.spec import Spec, current
from sedata.validate import LAYERS, validate_file

Key = tuple[str, int | None, str | None]


class SuiteError(Exception):
    """The suite folder or its cases.yaml is missing or malformed."""


@dataclass(frozen=True)
class Case:
    id: str
    rule: str
    kind: str
    format: str
    file: Path
    today: dt.date
    findings: tuple[Key, ...]
    absent: tuple[str, ...] = ()


@dataclass
class Outcome:
    case: Case
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


@dataclass
class Result:
    outcomes: list[Outcome]
    not_checked: list[str]

    @property
    def passed(self) -> int:
        return sum(o.passed for o in self.outcomes)

    @property
    def failed(self) -> int:
        return len(self.outcomes) - self.passed


def load(suite: Path) -> list[Case]:
    """The cases of ``suite`` (a folder holding cases.yaml)."""
    listing = suite / "cases.yaml"
    try:
        raw = yaml.safe_load(listing.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SuiteError(f"cannot read {listing}: {exc}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("cases"), list):
        raise SuiteError(f"{listing}: expected a mapping with a 'cases' list")
    try:
        return [_case(suite, item) for item in raw["cases"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise SuiteError(f"{listing}: malformed case: {exc!r}") from None


def _case(suite: Path, item: dict[str, Any]) -> Case:
    today = item["today"]
    return Case(
        id=str(item["id"]),
        rule=str(item["rule"]),
        kind=str(item["kind"]),
        format=str(item["format"]),
        file=suite / str(item["file"]),
        today=today if isinstance(today, dt.date) else dt.date.fromisoformat(str(today)),
        findings=tuple((str(f["rule"]), f["index"], f["pointer"]) for f in item.get("findings") or []),
        absent=tuple(str(r) for r in item.get("absent") or []),
    )


def automatic_rules(spec: Spec | None = None) -> set[str]:
    """Rules the validator checks: automatic ones of the implemented layers."""
    spec = spec or current()
    return {r.id for r in spec.rules.values() if r.check == "automatic" and spec.rule_layers[r.id] in LAYERS}


def run_case(case: Case, spec: Spec | None = None) -> Outcome:
    """Validate the case's file and compare its findings with the expected ones."""
    report = validate_file(case.file, spec=spec, today=case.today)
    actual = Counter((f.rule, f.index, f.pointer) for f in report.findings)
    expected = Counter(case.findings)
    outcome = Outcome(case)
    for key in sorted((expected - actual).elements(), key=str):
        outcome.problems.append(f"missing {_show(key)}")
    for key in sorted((actual - expected).elements(), key=str):
        outcome.problems.append(f"unexpected {_show(key)}")
    fired = {f.rule for f in report.findings}
    for rule in case.absent:
        if rule in fired:
            outcome.problems.append(f"{rule} fired but must not")
    return outcome


def _show(key: Key) -> str:
    rule, index, pointer = key
    return f"{rule} (index {index}, pointer {pointer})"


def run(suite: Path, spec: Spec | None = None) -> Result:
    """Run every case of ``suite``; cases of rules not checked automatically are set aside, not run."""
    spec = spec or current()
    checked = automatic_rules(spec)
    outcomes = []
    skipped: set[str] = {r for r in spec.rules if r not in checked}
    for case in load(suite):
        if case.rule not in checked:
            skipped.add(case.rule)
            continue
        outcomes.append(run_case(case, spec))
    return Result(outcomes, sorted(skipped))
