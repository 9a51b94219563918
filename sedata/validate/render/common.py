"""What several renderers share: a finding's location on one line, findings grouped by rule, UI labels."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from sedata.spec import Spec
from sedata.validate.report import Finding, FindingStore, Text

# Words of the reports themselves (not of any rule): Chinese first, English with --lang en.
LABELS: dict[str, Text] = {
    "line": Text("第 {} 行", "line {}"),
    "column": Text("第 {} 列", ":{}"),
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
    "severity_error": Text("错误", "error"),
    "severity_warning": Text("警告", "warning"),
    "severity_info": Text("提示", "info"),
    "unreadable": Text("无法读取文件", "the file could not be read"),
    "broken": Text("文件中途损坏或被拒绝，未读完", "the file broke off or was refused before its end"),
    "max-errors": Text("达到 --max-errors 上限", "--max-errors reached"),
}


def stop_reason(stopped: str, lang: str) -> str:
    """Why a file was not read to its end, in ``lang`` (the stop code itself if it is not known)."""
    text = LABELS.get(stopped)
    return stopped if text is None else text.get(lang)


# Characters from the data that must not reach a terminal or a CI log as themselves: C0 and C1 controls
# (ESC starts a terminal escape sequence, CSI is its one-byte form), DEL, bidirectional overrides that
# reorder what is shown, line separators, lone surrogates (not encodable) and the XML 1.0 non-characters.
_HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")
# The same less the C0 controls, which json.dumps escapes itself.
_HIDDEN_IN_JSON = re.compile("[\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with control, terminal-escape and bidirectional characters written as ``\\xNN``/``\\uNNNN``.

    Values in findings come from files nobody here controls; shown as themselves they could clear a
    terminal, recolour or reorder a CI log, or make a JUnit file that is not XML.
    """
    return _HIDDEN.sub(_escape, text)


def _json_escape(m: re.Match[str]) -> str:
    return f"\\u{ord(m.group()):04x}"


def dumps(data: Any) -> str:
    """JSON text (UTF-8, Chinese unescaped) in which the characters :func:`visible` hides are ``\\u`` escapes."""
    return json_text(data) + "\n"


def json_text(data: Any, indent: int | None = 2) -> str:
    """:func:`dumps` without the final newline; ``indent`` None: on one line, no spaces."""
    if indent is None:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    else:
        text = json.dumps(data, ensure_ascii=False, indent=indent)
    return _HIDDEN_IN_JSON.sub(_json_escape, text)


class Holes:
    """Places kept in a document skeleton for parts written later, marked by tokens no data can guess.

    A renderer builds its document with :meth:`mark` where a long part (the findings) goes, serialises the
    small skeleton as usual, and :meth:`fill` streams it with each mark replaced by its part, so the output
    is the one the whole document would give, without holding the whole document.
    """

    def __init__(self) -> None:
        self._token = "\ue000" + secrets.token_hex(12)
        self._parts: list[Any] = []
        self._pattern = re.compile(re.escape(self._token) + r"-([0-9]+)\ue001")

    def mark(self, part: Any) -> str:
        """The mark to put in the skeleton for ``part`` (handed back to ``write`` by :meth:`fill`)."""
        self._parts.append(part)
        return f"{self._token}-{len(self._parts) - 1}\ue001"

    def fill(self, skeleton: str, write: Any, quoted: bool = False) -> Iterator[str]:
        """``skeleton`` in pieces, each mark (with its JSON quotes when ``quoted``) replaced by ``write(part, indent)``.

        ``indent`` is the number of spaces that begin the mark's line.
        """
        pos = 0
        for m in self._pattern.finditer(skeleton):
            start, end = m.span()
            if quoted:
                start, end = start - 1, end + 1
            yield skeleton[pos:start]
            line = skeleton[skeleton.rfind("\n", 0, start) + 1 : start]
            yield from write(self._parts[int(m.group(1))], len(line) - len(line.lstrip(" ")))
            pos = end
        yield skeleton[pos:]


def json_array(
    items: Iterable[Any], indent: int, batch: int = 256, text: Callable[[Any], str] = json_text
) -> Iterator[str]:
    """A JSON array of ``items`` (JSON data, each written by ``text``) as one indented document has it.

    The pieces are what ``text`` gives the whole array at ``indent`` spaces (two spaces a level).
    """
    inner = " " * (indent + 2)
    again = "\n" + inner
    out: list[str] = []
    first = True
    for item in items:
        out.append(("[\n" if first else ",\n") + inner + text(item).replace("\n", again))
        first = False
        if len(out) >= batch:
            yield "".join(out)
            out = []
    if first:
        yield "[]"
        return
    out.append("\n" + " " * indent + "]")
    yield "".join(out)


def label(name: str, lang: str) -> str:
    """A report word in ``lang``."""
    return LABELS[name].get(lang)


def location(f: Finding, lang: str) -> str:
    """Where a finding is, on one line: line, record index, record type and key, JSON pointer."""
    parts: list[str] = []
    if f.line is not None:
        parts.append(
            label("line", lang).format(f.line) + ("" if f.column is None else label("column", lang).format(f.column))
        )
    if f.index is not None:
        parts.append(f"records[{f.index}]")
    if f.record_type:
        parts.append(f.record_type + (f" {f.key}" if f.key else ""))
    if f.pointer:
        parts.append(f.pointer)
    return visible(", ".join(parts))


def by_rule(findings: Iterable[Finding]) -> dict[str, Sequence[Finding]]:
    """Findings grouped by rule id, rules in id order, findings in file order (a store's read on demand)."""
    if isinstance(findings, FindingStore):
        return findings.groups()
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
    message = visible(f.message.get(lang))
    return f"{where}: {message}" if where else message
