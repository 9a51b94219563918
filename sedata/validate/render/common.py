"""What several renderers share: a finding's location on one line, findings grouped by rule, UI labels."""

from __future__ import annotations

from collections.abc import Iterable

from sedata.spec import Spec
from sedata.validate.report import Finding, Text

# Words of the reports themselves (not of any rule): Chinese first, English with --lang en.
LABELS: dict[str, Text] = {
    "line": Text("第 {} 行", "line {}"),
    "record": Text("记录", "record"),
    "file": Text("文件", "file"),
    "format": Text("格式", "format"),
    "records": Text("记录数", "records"),
    "message_type": Text("报文类型", "message type"),
    "error": Text("错误", "errors"),
    "warning": Text("警告", "warnings"),
    "info": Text("提示", "notes"),
    "verdict": Text("结论", "verdict"),
    "valid": Text("通过", "valid"),
    "invalid": Text("不通过", "invalid"),
    "not_checked": Text("未检查的规则", "rules not checked"),
    "summary": Text("汇总", "summary"),
    "total": Text("合计", "total"),
    "findings": Text("条发现", "finding(s)"),
    "stopped": Text("提前停止", "stopped early"),
    "none": Text("未发现问题", "no findings"),
}


def label(name: str, lang: str) -> str:
    """A report word in ``lang``."""
    return LABELS[name].get(lang)


def location(f: Finding, lang: str) -> str:
    """Where a finding is, on one line: line, record index, record type and key, JSON pointer."""
    parts: list[str] = []
    if f.line is not None:
        parts.append(label("line", lang).format(f.line) + (f":{f.column}" if f.column is not None else ""))
    if f.index is not None:
        parts.append(f"records[{f.index}]")
    if f.record_type:
        parts.append(f.record_type + (f" {f.key}" if f.key else ""))
    if f.pointer:
        parts.append(f.pointer)
    return ", ".join(parts)


def by_rule(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    """Findings grouped by rule id, rules in id order, findings in file order."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.rule, []).append(f)
    return dict(sorted(groups.items()))


def rule_name(spec: Spec, rule_id: str, lang: str) -> str:
    """The rule's name in ``lang`` (the id itself for a rule this spec does not know)."""
    rule = spec.rules.get(rule_id)
    return rule_id if rule is None else (rule.name.en if lang == "en" else rule.name.zh)


def finding_line(f: Finding, lang: str) -> str:
    """A finding as one line of plain text: location, then message."""
    where = location(f, lang)
    return f"{where}: {f.message.get(lang)}" if where else f.message.get(lang)
