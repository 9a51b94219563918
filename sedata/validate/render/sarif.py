"""SARIF 2.1.0 (OASIS) for code-scanning tools: rules from the spec, results with their locations.

``tool.driver.rules`` lists every rule of the spec (id, a PascalCase ``name``, the rule's name as short
description, its message template in words as full description, help with names and sources in both
languages, default level from its severity). Each result has ``ruleId``/``ruleIndex``, ``level`` (info →
``note``), the message in ``--lang``, a physical location (artifact, and a region with line and column
wherever the finding has a place; line 1 with ``properties.wholeFile`` for a finding about the whole
file) and a logical location: the JSON pointer as ``fullyQualifiedName`` and the data element id as
``name``. ``partialFingerprints`` identify a finding across runs (rule, file,
record type, business key and field; not the record's position, so inserting a record moves nothing).
The other language, the record and the masked value are in the result's ``properties``.

What code-scanning services accept is honoured: an input that could not be read makes
``executionSuccessful`` false with a ``toolExecutionNotification`` naming it, and a run keeps to GitHub's
limits (:data:`MAX_RESULTS` results, :data:`MAX_GZIPPED` bytes gzipped) by leaving out the last results
with a notification that says how many.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import zlib
from collections.abc import Iterable, Iterator
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sedata.spec import Spec, current
from sedata.spec.model import Bilingual, Rule
from sedata.validate.context import render as render_template
from sedata.validate.render.common import Holes, dumps, json_array, stop_reason
from sedata.validate.report import FileReport, Finding, Report, Text, at_least, exit_code

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
MAX_RESULTS = 25_000
"""Results per run GitHub code scanning accepts."""
MAX_GZIPPED = 10_000_000
"""Bytes of gzipped SARIF GitHub code scanning accepts (10 MB)."""
FINGERPRINT = "sedataFinding/v1"

# What each template placeholder stands for, for a rule's description (the template has no values yet).
_PLACEHOLDER_WORDS: dict[str, Text] = {
    "name": Text("数据元名称", "element name"),
    "element": Text("数据元标识", "element id"),
    "value": Text("值", "value"),
    "expected": Text("期望", "expected"),
    "detail": Text("说明", "detail"),
}


def information_uri(spec: Spec) -> str:
    """Where to read about the tool: the package's declared home page, else the spec's namespace URI."""
    try:
        meta = metadata.metadata("sedata")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from an installed package
        return spec.info.namespace
    for entry in meta.get_all("Project-URL") or []:
        url = str(entry).partition(",")[2].strip()
        if url:
            return url
    home: str | None = meta["Home-page"] if "Home-page" in meta else None
    return str(home or spec.info.namespace)


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


def description(rule: Rule) -> Text:
    """The rule's message template in words: each placeholder named by what it stands for (``〈值〉``, ``<value>``)."""
    words = {
        name: Text(f"〈{word.zh}〉", f"<{word.en}>")
        for name, word in _PLACEHOLDER_WORDS.items()
        if name in rule.placeholders
    }
    for name in rule.placeholders - words.keys():  # a placeholder added to the spec later: its own name
        words[name] = Text(f"〈{name}〉", f"<{name}>")
    return render_template(rule, words)


def _descriptor(rule: Rule, layer: str, lang: str) -> dict[str, Any]:
    sources = [s.ref + (f" {s.clause}" if s.clause else "") for s in rule.sources]
    other = "en" if lang == "zh" else "zh"
    words = description(rule)
    help_text = f"{rule.name.zh} / {rule.name.en}\n{words.zh}\n{words.en}\n来源 / sources: {', '.join(sources)}"
    return {
        "id": rule.id,
        "name": _pascal(rule.name.en),
        "shortDescription": {"text": _in(rule.name, lang)},
        "fullDescription": {"text": words.get(lang)},
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


_RECORD_PREFIX = re.compile(r"^/records/[0-9]+")


def fingerprint(f: Finding) -> str:
    """A digest that names a finding across runs: rule, file, record type, business key and field or pointer.

    The record's index is left out when the record has a business key (records move; keys stay), so a
    finding keeps its fingerprint when records are inserted before it.
    """
    where = f.pointer or ""
    if f.key is not None:
        where = _RECORD_PREFIX.sub("/records/*", where)
    field = f.element.field if f.element is not None else ""
    parts = [f.rule, artifact_uri(f.file), f.record_type or "", f.key or "", field, where]
    if f.key is None and f.pointer is None and f.index is not None:
        parts.append(str(f.index))
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _region(f: Finding) -> dict[str, Any]:
    # GitHub shows and keeps only results with a region (its rule GH1003); a finding about the whole file
    # (unreadable, not JSON at all) is placed on line 1 and says so in its properties (wholeFile).
    region: dict[str, Any] = {"startLine": f.line or 1}
    if f.column is not None:
        region["startColumn"] = f.column
    return region


def _result(
    f: Finding, rule_index: dict[str, int], artifact_index: dict[str, int], fmt: str | None, lang: str
) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(f.file), "index": artifact_index[f.file]}}
    physical["region"] = _region(f)
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
        "partialFingerprints": {FINGERPRINT: fingerprint(f)},
        "properties": {
            "layer": f.layer,
            f"message_{other}": f.message.get(other),
            "recordIndex": f.index,
            "recordType": f.record_type,
            "businessKey": f.key,
            "element": None if f.element is None else f.element.to_data(),
            "value": f.value,
            "expected": None if f.expected is None else f.expected.to_data(),
            "wholeFile": f.line is None,
        },
    }
    if f.rule in rule_index:
        result["ruleIndex"] = rule_index[f.rule]
    return result


_LEFT_OUT = Text(
    "结果过多：只列出前 {shown} 条，共 {total} 条（GitHub 代码扫描每次运行最多接受 {limit} 条、压缩后 10 MB）；"
    "完整结果请用 --format json",
    "too many results: the first {shown} of {total} are listed (GitHub code scanning accepts at most {limit} "
    "per run and 10 MB gzipped); use --format json for all of them",
)


def _notification(text: str, level: str, file: str | None, artifact_index: dict[str, int]) -> dict[str, Any]:
    note: dict[str, Any] = {"message": {"text": text}, "level": level}
    if file is not None:
        note["locations"] = [
            {"physicalLocation": {"artifactLocation": {"uri": artifact_uri(file), "index": artifact_index[file]}}}
        ]
    return note


def _unreadable(fr: FileReport, lang: str) -> str:
    said = next((f.message.get(lang) for f in fr.findings if at_least(f.severity, "error")), None)
    return f"{fr.file}: {said or stop_reason('unreadable', lang)}"


def chunks(report: Report, lang: str = "zh", spec: Spec | None = None) -> Iterator[str]:
    """The SARIF log in pieces (their concatenation is :func:`render`'s text), within GitHub's limits.

    Results are made from the findings one at a time. Whether they fit GitHub's gzipped limit is measured
    on the stream (zlib, level 6, as ``gzip.compress``); a log too large is measured again with fewer
    results, and only a small one is kept in memory between measuring and writing.
    """
    spec = spec or current()
    findings = report.findings
    total = len(findings)
    shown = min(total, MAX_RESULTS)
    while True:
        size, kept = _measure(_pieces(report, lang, spec, shown, total))
        if size <= MAX_GZIPPED or not shown:
            break
        # Keep the share of results that fits, with a margin for what the estimate misses.
        shown = max(int(shown * MAX_GZIPPED / size * 0.95), 0)
    yield from kept if kept is not None else _pieces(report, lang, spec, shown, total)


def render(report: Report, lang: str = "zh", spec: Spec | None = None) -> str:
    """The report as a SARIF 2.1.0 log with one run (JSON text), within GitHub's limits."""
    return "".join(chunks(report, lang, spec))


_KEEP_MEASURED = 8 << 20
"""Characters of a measured log kept to be written as they are (a larger log is made again to be written)."""


def _measure(pieces: Iterable[str]) -> tuple[int, list[str] | None]:
    """Gzipped size of the pieces, and the pieces themselves when they are few enough to keep."""
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)  # the gzip container, as gzip.compress(…, 6) writes it
    size, length = 0, 0
    kept: list[str] | None = []
    for piece in pieces:
        size += len(packer.compress(piece.encode("utf-8", "surrogatepass")))
        if kept is not None:
            length += len(piece)
            kept.append(piece)
            if length > _KEEP_MEASURED:
                kept = None
    return size + len(packer.flush()), kept


def _pieces(report: Report, lang: str, spec: Spec, shown: int, total: int) -> Iterator[str]:
    """The log with the first ``shown`` of ``total`` results."""
    rule_ids = sorted(spec.rules)
    rule_index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    artifact_index = {fr.file: i for i, fr in enumerate(report.files)}
    formats = {fr.file: fr.format for fr in report.files}
    notes = [
        _notification(_unreadable(fr, lang), "error", fr.file, artifact_index) for fr in report.files if fr.unreadable
    ]
    holes = Holes()
    results = (
        _result(f, rule_index, artifact_index, formats[f.file], lang) for f in itertools.islice(report.findings, shown)
    )
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "sedata",
                "version": report.tool_version,
                "semanticVersion": report.tool_version,
                "informationUri": information_uri(spec),
                "language": "zh-CN" if lang == "zh" else "en-US",
                "rules": [_descriptor(spec.rules[r], spec.rule_layers[r], lang) for r in rule_ids],
                "properties": {
                    "specVersion": report.spec_version,
                    **({"applied": [t.get(lang) for t in report.applied]} if report.applied else {}),
                },
            }
        },
        "invocations": [],
        "language": "zh-CN" if lang == "zh" else "en-US",
        "columnKind": "unicodeCodePoints",
        "artifacts": [{"location": {"uri": artifact_uri(fr.file)}, "roles": ["analysisTarget"]} for fr in report.files],
        "results": holes.mark(results),
        "properties": {
            "failOn": report.fail_on,
            "valid": report.valid,
            "notChecked": {fr.file: sorted(fr.not_checked) for fr in report.files},
        },
    }
    log = {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
    left_out = total - shown
    invocation: dict[str, Any] = {"executionSuccessful": not report.unreadable, "exitCode": exit_code(report)}
    if left_out:
        words = {"shown": str(shown), "total": str(total), "limit": str(MAX_RESULTS)}
        text = _LEFT_OUT.get(lang).format(**words)
        invocation["toolExecutionNotifications"] = [*notes, _notification(text, "warning", None, artifact_index)]
    elif notes:
        invocation["toolExecutionNotifications"] = notes
    run["invocations"] = [invocation]
    yield from holes.fill(dumps(log), json_array, quoted=True)
