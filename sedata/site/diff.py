"""What changed between two spec versions, item by item: added, removed and changed ids of each kind."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sedata.spec import Spec

KINDS: tuple[str, ...] = ("elements", "domains", "codesets", "entities", "messages", "rules")


@dataclass
class KindDiff:
    """The ids of one kind added, removed and changed (with the attributes that changed)."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _items(spec: Spec, kind: str) -> dict[str, dict[str, Any]]:
    if kind == "codesets":
        # A code set is compared over all its versions: a new table version is a change of the code set.
        return {
            cid: {v: cs.model_dump(mode="json") for v, cs in versions.items()}
            for cid, versions in spec.codesets.items()
        }
    sources: dict[str, dict[str, Any]] = {
        "elements": spec.elements,
        "domains": spec.value_domains,
        "entities": spec.entities,
        "messages": spec.messages,
        "rules": spec.rules,
    }
    source = sources[kind]
    return {key: item.model_dump(mode="json") for key, item in source.items()}


def diff(old: Spec, new: Spec) -> dict[str, KindDiff]:
    """Per kind, what ``new`` adds, removes and changes against ``old``."""
    out: dict[str, KindDiff] = {}
    for kind in KINDS:
        before, after = _items(old, kind), _items(new, kind)
        result = KindDiff(
            added=sorted(set(after) - set(before)),
            removed=sorted(set(before) - set(after)),
        )
        for key in sorted(set(before) & set(after)):
            if before[key] != after[key]:
                keys = set(before[key]) | set(after[key])
                result.changed[key] = sorted(k for k in keys if before[key].get(k) != after[key].get(k))
        out[kind] = result
    return out
