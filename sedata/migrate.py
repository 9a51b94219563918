"""Move a message to a later spec version: apply the mechanical changes, list what needs a person.

Mechanical: the header's declared version (the records are written again, so count and digest match). What a
program cannot decide is listed from the spec diff (:mod:`sedata.spec.diff`): fields a record type gained (a
person knows the value, the old message does not), and rules whose parameters changed for the record types the
message carries (the same data may now be judged otherwise: validate the result).
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sedata import exchange as X
from sedata.spec import current
from sedata.spec.diff import AREAS, SpecDiff, diff
from sedata.spec.versions import released, spec_for


class MigrationError(ValueError):
    """A migration that cannot be made (unknown or earlier target version); bilingual."""

    def __init__(self, zh: str, en: str):
        self.zh, self.en = zh, en
        super().__init__(f"{zh} / {en}")


@dataclass
class Migration:
    """What a migration did and what is left to a person."""

    source: str
    target: str
    from_version: str
    to_version: str
    records: int = 0
    mechanical: list[str] = field(default_factory=list)
    for_a_person: list[str] = field(default_factory=list)

    def to_json_data(self) -> dict[str, Any]:
        """The migration as JSON data."""
        return {
            "source": self.source,
            "target": self.target,
            "from": self.from_version,
            "to": self.to_version,
            "records": self.records,
            "mechanical": self.mechanical,
            "forAPerson": self.for_a_person,
        }


def migrate(source: str | os.PathLike[str], target: str | os.PathLike[str], to: str | None = None) -> Migration:
    """Write ``source`` as a message of spec ``to`` (default: the current version) to ``target``."""
    to = to or current().info.spec_version
    goal = spec_for(to)
    if goal is None:
        raise MigrationError(
            f"未知的规范版本 {to}（本版本 sedata 提供：{'、'.join(released())}）",
            f"unknown spec version {to} (this sedata ships: {', '.join(released())})",
        )
    with X.open_message(source) as reader:
        declared = reader.header.spec_version
        start = spec_for(declared)
        if start is None or _order(to) < _order(declared):
            raise MigrationError(
                f"不能由规范 {declared} 迁移到更早的 {to}",
                f"cannot migrate from spec {declared} to the earlier {to}",
            )
        result = Migration(str(source), str(target), declared, to)
        changes = diff(start, goal)
        added = _added_fields(changes, goal)
        types: Counter[str] = Counter()
        lacking: Counter[tuple[str, str]] = Counter()

        def records() -> Any:
            for record in reader:
                result.records += 1
                kind = str(record.type)
                types[kind] += 1
                data = record.data if isinstance(record.data, dict) else {}
                for wire in added.get(kind, ()):
                    if wire not in data:
                        lacking[(kind, wire)] += 1
                yield record

        header = reader.header.model_copy(update={"spec_version": to})
        X.write(target, records(), header=header, format=reader.format, spec=current())
    if declared != to:
        result.mechanical.append(f"specVersion {declared} → {to}（报文头 / header）")
    result.mechanical.append(
        f"{result.records} 条记录重写，记录数与摘要重算 / records rewritten, count and digest recomputed"
    )
    for (kind, wire), n in sorted(lacking.items()):
        result.for_a_person.append(
            f"{kind}.{wire}：{to} 新增字段，{n} 条记录未填写，请在已知时补充 / "
            f"field added in {to}, missing in {n} record(s): fill it in where known"
        )
    for rule_id in _changed_rules(changes, goal, set(types)):
        result.for_a_person.append(
            f"{rule_id}：参数在 {to} 中已变更，请重新校验迁移后的文件 / "
            f"its parameters changed in {to}: validate the migrated file again"
        )
    return result


def _order(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def _added_fields(changes: SpecDiff, goal: Any) -> dict[str, list[str]]:
    """Exchange names of the fields each entity gained, by entity id."""
    out: dict[str, list[str]] = {}
    for c in changes.changes:
        if (
            c.area == AREAS["entities"]
            and c.kind == "added"
            and c.path.startswith(".fields[")
            and c.item in goal.entities
        ):
            key = c.path[len(".fields[") : -1]
            for f in goal.entities[c.item].fields:
                if key in (f.key, f.element, f.entity):
                    out.setdefault(c.item, []).append(goal.field_exchange_name(f))
    return out


def _changed_rules(changes: SpecDiff, goal: Any, types: set[str]) -> list[str]:
    """Rules whose parameters changed and that check a record type the message carries."""
    out: list[str] = []
    for c in changes.changes:
        rule = goal.rules.get(c.item)
        if c.area != AREAS["parameters"] or rule is None or c.item in out:
            continue
        if not rule.applies_to or types & set(rule.applies_to):
            out.append(c.item)
    return out
