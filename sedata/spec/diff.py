"""What changed between two spec versions: elements, code sets and their entries, entities, messages, rules and
their parameters, sources — each change with its path, the old value and the new one.

Both versions are compared in today's meta-model (an older bundle is upgraded first, see
:mod:`sedata.spec.versions`), so a change of meta-model alone is not reported as a change of the spec.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any, Literal

from pydantic import BaseModel

from sedata.spec.bundle import to_bundle
from sedata.spec.loader import Spec

Kind = Literal["added", "removed", "changed"]

AREAS = {
    "sources": "sources",
    "value_domains": "value domains",
    "elements": "elements",
    "codesets": "code sets",
    "entries": "code set entries",
    "entities": "entities",
    "messages": "messages",
    "rules": "rules",
    "parameters": "rule parameters",
}
"""The areas a change is filed under, in report order."""


@dataclass(frozen=True)
class Change:
    """One difference: where (area, item id, path inside it), what happened, old and new value (JSON data)."""

    area: str
    kind: Kind
    item: str
    path: str = ""
    old: Any = None
    new: Any = None

    def describe(self) -> str:
        """One line of text: ``+``, ``-`` or ``~``, the item and path, the values."""
        mark = {"added": "+", "removed": "-", "changed": "~"}[self.kind]
        where = f"{self.item} {self.path}".rstrip()
        if self.kind == "changed":
            return f"{mark} {where}: {_short(self.old)} → {_short(self.new)}"
        value = self.new if self.kind == "added" else self.old
        return f"{mark} {where}" + (f": {_short(value)}" if self.path and value is not None else "")


def _short(value: Any, limit: int = 160) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class SpecDiff:
    """The changes from spec ``old`` to spec ``new``."""

    old: str
    new: str
    changes: tuple[Change, ...]

    def by_area(self) -> dict[str, list[Change]]:
        """Changes grouped by area, in report order (empty areas left out)."""
        out: dict[str, list[Change]] = {}
        for area in AREAS.values():
            found = [c for c in self.changes if c.area == area]
            if found:
                out[area] = found
        return out

    def to_json_data(self) -> dict[str, Any]:
        """The diff as JSON data (``old``, ``new``, ``changes``: area, kind, item, path, old, new)."""
        return {"old": self.old, "new": self.new, "changes": [asdict(c) for c in self.changes]}

    def text(self) -> str:
        """Plain text: one section per area, one line per change."""
        lines = [f"spec {self.old} → {self.new}: {len(self.changes)} change(s) / 处变更"]
        for area, changes in self.by_area().items():
            lines += ["", f"{area} ({len(changes)})"]
            lines += [f"  {c.describe()}" for c in changes]
        return "\n".join(lines) + "\n"

    def markdown(self) -> str:
        """Markdown: one table per area."""
        lines = [f"# Spec {self.old} → {self.new}", "", f"{len(self.changes)} change(s) / 处变更."]
        for area, changes in self.by_area().items():
            lines += ["", f"## {area} ({len(changes)})", "", "| | item | path | old | new |", "|---|---|---|---|---|"]
            for c in changes:
                cells = [c.kind, c.item, c.path, "" if c.old is None else _short(c.old), _short(c.new) if c.new else ""]
                lines.append("| " + " | ".join(_cell(x) for x in cells) + " |")
        return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def diff(old: Spec, new: Spec) -> SpecDiff:
    """The changes from ``old`` to ``new``."""
    a, b = _comparable(old), _comparable(new)
    changes: list[Change] = []
    for section in ("sources", "value_domains", "elements", "codesets", "entities", "messages", "rules"):
        changes += _section(section, a.get(section, []), b.get(section, []))
    changes += _entries(old, new)
    return SpecDiff(old.info.spec_version, new.info.spec_version, tuple(changes))


def _comparable(spec: Spec) -> dict[str, Any]:
    """The bundle's JSON data with each rule's parameters in their typed form (``"1"`` and ``1`` compare equal)."""
    data: dict[str, Any] = json.loads(to_bundle(spec))
    for rule in data.get("rules", []):
        typed = spec.rule_parameters.get(rule["id"])
        if isinstance(typed, BaseModel):
            rule["parameters"] = typed.model_dump(mode="json", exclude_defaults=True)
    return data


def _key(item: Any) -> str | None:
    if not isinstance(item, dict):
        return None
    if "id" in item and "version" in item:
        return f"{item['id']}@{item['version']}"
    for name in ("id", "code", "key", "element", "entity"):
        if isinstance(item.get(name), str):
            return str(item[name])
    return None


def _section(section: str, old: list[Any], new: list[Any]) -> list[Change]:
    area = AREAS[section]
    before = {_key(x): x for x in old}
    after = {_key(x): x for x in new}
    out = [Change(area, "removed", str(k)) for k in before if k not in after]
    out += [Change(area, "added", str(k)) for k in after if k not in before]
    for k in before:
        if k in after and before[k] != after[k]:
            for path, kind, was, now in _deep(before[k], after[k], ""):
                if section == "codesets" and path.startswith(".entries"):
                    continue  # reported per code, across versions (see _entries)
                where = AREAS["parameters"] if section == "rules" and path.startswith(".parameters") else area
                out.append(Change(where, kind, str(k), path, was, now))
    return out


def _deep(a: Any, b: Any, path: str) -> list[tuple[str, Kind, Any, Any]]:
    """Leaf differences between two JSON values; lists of identified items are matched by their ids."""
    if a == b:
        return []
    if isinstance(a, dict) and isinstance(b, dict):
        out: list[tuple[str, Kind, Any, Any]] = []
        for k in a:
            if k not in b:
                out.append((f"{path}.{k}", "removed", a[k], None))
        for k in b:
            if k not in a:
                out.append((f"{path}.{k}", "added", None, b[k]))
            elif a[k] != b[k]:
                out += _deep(a[k], b[k], f"{path}.{k}")
        return out
    if isinstance(a, list) and isinstance(b, list) and a and b and all(_key(x) for x in (*a, *b)):
        before, after = {_key(x): x for x in a}, {_key(x): x for x in b}
        out = [(f"{path}[{k}]", "removed", v, None) for k, v in before.items() if k not in after]
        out += [(f"{path}[{k}]", "added", None, v) for k, v in after.items() if k not in before]
        for k, v in before.items():
            if k in after:
                out += _deep(v, after[k], f"{path}[{k}]")
        return out
    return [(path, "changed", a, b)]


def _entries(old: Spec, new: Spec) -> list[Change]:
    """Codes added, removed or changed per code set, over all its versions (a new version is what adds codes)."""
    area = AREAS["entries"]
    out: list[Change] = []
    for cs_id in sorted(set(old.codesets) | set(new.codesets)):
        before, after = _codes(old, cs_id), _codes(new, cs_id)
        out += [Change(area, "removed", cs_id, f"[{c}]", v, None) for c, v in before.items() if c not in after]
        out += [Change(area, "added", cs_id, f"[{c}]", None, v) for c, v in after.items() if c not in before]
        for code, was in before.items():
            now = after.get(code)
            if now is not None and now != was:
                out += [Change(area, k, cs_id, f"[{code}]{p}", a, b) for p, k, a, b in _deep(was, now, "")]
    return out


def _codes(spec: Spec, cs_id: str) -> dict[str, Any]:
    """Each code's entry in the newest version of ``cs_id`` that has it (JSON data)."""
    out: dict[str, Any] = {}
    versions = spec.codeset_versions(cs_id) if cs_id in spec.codesets else []
    for cs in reversed(versions):
        for e in cs.entries:
            out.setdefault(e.code, e.model_dump(mode="json", exclude_defaults=True))
    return out
