"""SARIF 2.1.0 (OASIS) for code-scanning tools: rules from the spec, results with their locations.

``tool.driver.rules`` lists every rule of the spec (id, a PascalCase ``name``, the rule's name as short
description, its message template as full description, help with names and sources in both languages,
default level from its severity). Each result has ``ruleId``/``ruleIndex``, ``level`` (info → ``note``),
the message in ``--lang``, a physical location (artifact, and line/column where the format has them)
and a logical location: the JSON pointer as ``fullyQualifiedName`` and the data element id as ``name``.
The other language, the record and the masked value are in the result's ``properties``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sedata.spec import Spec, current
from sedata.spec.model import Bilingual, Rule
from sedata.validate.report import Finding, Report, exit_code

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def artifact_uri(file: str) -> str:
    """A file name as a SARIF URI reference: absolute paths as ``file://`` URIs, relative ones %-escaped."""
    path = Path(file)
    if path.is_absolute():
        return path.as_uri()
    return quote(path.as_posix())


def _pascal(text: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in re.split(r"[^A-Za-z0-9]+", text) if word)


def _in(text: Bilingual, lang: str) -> str:
    return text.en if lang == "en" else text.zh


def _descriptor(rule: Rule, layer: str, lang: str) -> dict[str, Any]:
    sources = [s.ref + (f" {s.clause}" if s.clause else "") for s in rule.sources]
    other = "en" if lang == "zh" else "zh"
    help_text = (
        f"{rule.name.zh} / {rule.name.en}\n{rule.message.zh}\n{rule.message.en}\n来源 / sources: {', '.join(sources)}"
    )
    return {
        "id": rule.id,
        "name": _pascal(rule.name.en),
        "shortDescription": {"text": _in(rule.name, lang)},
        "fullDescription": {"text": _in(rule.message, lang)},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {
            "layer": layer,
            "status": rule.status,
            "check": rule.check,
            "sources": sources,
            f"name_{other}": _in(rule.name, other),
            "tags": [layer, rule.status],
        },
    }


def _result(
    f: Finding, rule_index: dict[str, int], artifact_index: dict[str, int], fmt: str | None, lang: str
) -> dict[str, Any]:
    region: dict[str, Any] = {}
    if f.line is not None:
        region["startLine"] = f.line
        if f.column is not None:
            region["startColumn"] = f.column
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(f.file), "index": artifact_index[f.file]}}
    if region:
        physical["region"] = region
    location: dict[str, Any] = {"physicalLocation": physical}
    if f.pointer is not None:
        logical: dict[str, Any] = {"fullyQualifiedName": f.pointer, "kind": "element" if fmt == "xml" else "property"}
        if f.element is not None:
            logical["name"] = f.element.id
        location["logicalLocations"] = [logical]
    other = "en" if lang == "zh" else "zh"
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "level": LEVEL[f.severity],
        "message": {"text": f.message.get(lang)},
        "locations": [location],
        "properties": {
            "layer": f.layer,
            f"message_{other}": f.message.get(other),
            "recordIndex": f.index,
            "recordType": f.record_type,
            "businessKey": f.key,
            "element": None if f.element is None else f.element.to_data(),
            "value": f.value,
            "expected": None if f.expected is None else f.expected.to_data(),
        },
    }
    if f.rule in rule_index:
        result["ruleIndex"] = rule_index[f.rule]
    return result


def render(report: Report, lang: str = "zh", spec: Spec | None = None) -> str:
    """The report as a SARIF 2.1.0 log with one run (JSON text)."""
    spec = spec or current()
    rule_ids = sorted(spec.rules)
    rule_index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    artifact_index = {fr.file: i for i, fr in enumerate(report.files)}
    formats = {fr.file: fr.format for fr in report.files}
    run = {
        "tool": {
            "driver": {
                "name": "sedata",
                "version": report.tool_version,
                "semanticVersion": report.tool_version,
                "language": "zh-CN" if lang == "zh" else "en-US",
                "rules": [_descriptor(spec.rules[r], spec.rule_layers[r], lang) for r in rule_ids],
                "properties": {
                    "specVersion": report.spec_version,
                    **({"applied": [t.get(lang) for t in report.applied]} if report.applied else {}),
                },
            }
        },
        "invocations": [{"executionSuccessful": True, "exitCode": exit_code(report)}],
        "language": "zh-CN" if lang == "zh" else "en-US",
        "columnKind": "unicodeCodePoints",
        "artifacts": [{"location": {"uri": artifact_uri(fr.file)}, "roles": ["analysisTarget"]} for fr in report.files],
        "results": [
            _result(f, rule_index, artifact_index, formats[f.file], lang) for fr in report.files for f in fr.findings
        ],
        "properties": {
            "failOn": report.fail_on,
            "valid": report.valid,
            "notChecked": {fr.file: sorted(fr.not_checked) for fr in report.files},
        },
    }
    log = {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"
