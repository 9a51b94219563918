"""The one report object of a validation run: findings per file, counts, verdict, rules not checked.

A :class:`Finding` names the rule, where the problem is (file, line/column, JSON pointer, record index,
record type and business key), the data element in spec terms, the value (personal data already masked),
what was expected, and the message in Chinese and English rendered from the rule's template. Every
renderer (text, JSON, JUnit, SARIF) reads this object only, so all formats say the same thing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal, cast

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}
Lang = Literal["zh", "en"]
Stop = Literal["unreadable", "broken", "max-errors"]
"""Why a file was not read to its end: it could not be opened, it broke off / was refused, or --max-errors."""


def at_least(severity: str, threshold: str) -> bool:
    """True when ``severity`` is ``threshold`` or graver (error > warning > info)."""
    return _RANK[severity] >= _RANK[threshold]


def severity(name: str) -> Severity:
    """Check a severity name given by a caller or read back from JSON."""
    if name not in _RANK:
        raise ValueError(f"unknown severity {name!r} (use one of: {', '.join(SEVERITIES)})")
    return cast(Severity, name)


EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2


def exit_code(report: Report) -> int:
    """0 clean, 1 findings at or above the fail-on severity, 2 a file could not be read at all."""
    if report.unreadable:
        return EXIT_UNREADABLE
    return EXIT_OK if report.valid else EXIT_FINDINGS


@dataclass(frozen=True, slots=True)
class Text:
    """A text in Chinese (normative) and English."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        """The text in ``lang`` (``zh`` or ``en``)."""
        return self.en if lang == "en" else self.zh

    def to_data(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}

    @classmethod
    def from_data(cls, data: Any) -> Text | None:
        return None if data is None else cls(str(data["zh"]), str(data["en"]))


@dataclass(frozen=True, slots=True)
class ElementRef:
    """The data element a finding is about: spec id (or entity id for a nested entity), names, exchange name."""

    id: str
    name: Text
    field: str

    def to_data(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name.to_data(), "field": self.field}

    @classmethod
    def from_data(cls, data: Any) -> ElementRef | None:
        if data is None:
            return None
        name = Text.from_data(data["name"])
        assert name is not None
        return cls(str(data["id"]), name, str(data["field"]))


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found: rule, location, element, masked value, expectation and bilingual message."""

    rule: str
    severity: Severity
    layer: str
    message: Text
    file: str
    line: int | None = None
    column: int | None = None
    pointer: str | None = None
    index: int | None = None
    record_type: str | None = None
    key: str | None = None
    element: ElementRef | None = None
    value: str | None = None
    expected: Text | None = None

    def to_data(self) -> dict[str, Any]:
        """The finding as JSON data (the shape documented in :mod:`sedata.validate.render.json`)."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "layer": self.layer,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "pointer": self.pointer,
            "index": self.index,
            "recordType": self.record_type,
            "key": self.key,
            "element": None if self.element is None else self.element.to_data(),
            "value": self.value,
            "expected": None if self.expected is None else self.expected.to_data(),
            "message": self.message.to_data(),
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Finding:
        """Read a finding back from :meth:`to_data` output."""
        message = Text.from_data(data["message"])
        assert message is not None
        return cls(
            rule=data["rule"],
            severity=severity(data["severity"]),
            layer=data["layer"],
            message=message,
            file=data["file"],
            line=data["line"],
            column=data["column"],
            pointer=data["pointer"],
            index=data["index"],
            record_type=data["recordType"],
            key=data["key"],
            element=ElementRef.from_data(data["element"]),
            value=data["value"],
            expected=Text.from_data(data["expected"]),
        )


@dataclass(slots=True)
class FileReport:
    """What validating one file found, with the header summary and the rules that were not checked."""

    file: str
    format: str | None = None
    header: dict[str, Any] | None = None
    records: int = 0
    findings: list[Finding] = field(default_factory=list)
    not_checked: dict[str, Text] = field(default_factory=dict)
    stopped: Stop | None = None
    fail_on: Severity = "error"
    verified: bool = False
    """Every record was read and count and digest matched the header (the package arrived whole)."""

    @property
    def unreadable(self) -> bool:
        """True when the file could not be opened or read at all (exit code 2)."""
        return self.stopped == "unreadable"

    @property
    def valid(self) -> bool:
        """No finding at or above the fail-on severity."""
        return not any(at_least(f.severity, self.fail_on) for f in self.findings)

    def by_rule(self) -> dict[str, int]:
        """Finding counts per rule id, in rule-id order."""
        return dict(sorted(Counter(f.rule for f in self.findings).items()))

    def by_severity(self) -> dict[str, int]:
        """Finding counts per severity (every severity listed, zero included)."""
        counts = Counter(f.severity for f in self.findings)
        return {s: counts.get(s, 0) for s in SEVERITIES}

    def by_layer(self) -> dict[str, int]:
        """Finding counts per layer, in layer order of first appearance."""
        return dict(Counter(f.layer for f in self.findings))

    def to_data(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "format": self.format,
            "header": self.header,
            "records": self.records,
            "valid": self.valid,
            "stopped": self.stopped,
            "verified": self.verified,
            "counts": {"bySeverity": self.by_severity(), "byRule": self.by_rule(), "byLayer": self.by_layer()},
            "notChecked": [{"rule": r, "reason": t.to_data()} for r, t in sorted(self.not_checked.items())],
            "findings": [f.to_data() for f in self.findings],
        }

    @classmethod
    def from_data(cls, data: dict[str, Any], fail_on: Severity) -> FileReport:
        reasons = {item["rule"]: Text.from_data(item["reason"]) for item in data["notChecked"]}
        return cls(
            file=data["file"],
            format=data["format"],
            header=data["header"],
            records=data["records"],
            findings=[Finding.from_data(f) for f in data["findings"]],
            not_checked={r: t for r, t in reasons.items() if t is not None},
            stopped=data["stopped"],
            fail_on=fail_on,
            verified=bool(data.get("verified", False)),
        )


@dataclass(slots=True)
class Report:
    """The report of one run over one or more files."""

    files: list[FileReport]
    spec_version: str
    tool_version: str
    fail_on: Severity = "error"
    applied: list[Text] = field(default_factory=list)
    """What changed the findings after the run: a receiver profile, a baseline (one line each)."""

    @property
    def valid(self) -> bool:
        """Every file is valid."""
        return all(f.valid for f in self.files)

    @property
    def unreadable(self) -> bool:
        """Some file could not be read at all."""
        return any(f.unreadable for f in self.files)

    @property
    def findings(self) -> list[Finding]:
        """All findings, file by file."""
        return [finding for f in self.files for finding in f.findings]

    def by_severity(self) -> dict[str, int]:
        counts = Counter(f.severity for f in self.findings)
        return {s: counts.get(s, 0) for s in SEVERITIES}

    def by_rule(self) -> dict[str, int]:
        return dict(sorted(Counter(f.rule for f in self.findings).items()))

    def by_layer(self) -> dict[str, int]:
        return dict(Counter(f.layer for f in self.findings))

    def to_data(self) -> dict[str, Any]:
        """The report as JSON data (documented in :mod:`sedata.validate.render.json`)."""
        return {
            "tool": {"name": "sedata", "version": self.tool_version},
            "specVersion": self.spec_version,
            "failOn": self.fail_on,
            "valid": self.valid,
            "summary": {
                "files": len(self.files),
                "records": sum(f.records for f in self.files),
                "findings": len(self.findings),
                "bySeverity": self.by_severity(),
                "byRule": self.by_rule(),
                "byLayer": self.by_layer(),
            },
            "files": [f.to_data() for f in self.files],
            **({"applied": [t.to_data() for t in self.applied]} if self.applied else {}),
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Report:
        """Read a report back from :meth:`to_data` output (counts and verdicts are recomputed, not trusted)."""
        fail_on = severity(data["failOn"])
        return cls(
            files=[FileReport.from_data(f, fail_on) for f in data["files"]],
            spec_version=data["specVersion"],
            tool_version=data["tool"]["version"],
            fail_on=fail_on,
            applied=[t for t in map(Text.from_data, data.get("applied", [])) if t is not None],
        )
