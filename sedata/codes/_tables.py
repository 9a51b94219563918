"""Date-aware reading of the spec's code sets for the identifier modules (catalogue, category characters …).

Everything here reads ``sedata.spec.current()``; nothing is restated. The catalogue helpers work on
whichever versions of ``equipment-catalogue`` may have been in force during a period, because the
2014 catalogue's exact start date is known only to the year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from sedata.spec import current
from sedata.spec.codesets import InForce, entry

__all__ = [
    "CATALOGUE",
    "InForce",
    "Variety",
    "as_variety",
    "children",
    "find",
    "in_force_during",
    "lineage",
    "named",
    "only_version",
    "table_label",
    "varieties",
    "year_span",
]
from sedata.spec.model import CodeEntry, CodeSet

CATALOGUE = "equipment-catalogue"


def only_version(codeset_id: str) -> CodeSet:
    """The code set when it has a single version (category characters, province abbreviations …)."""
    versions = list(current().codesets[codeset_id].values())
    if len(versions) != 1:
        raise LookupError(f"code set {codeset_id} has {len(versions)} versions; name one")
    return versions[0]


def in_force_during(codeset_id: str, start: dt.date, end: dt.date) -> list[InForce]:
    """Versions that may be in force at some day of ``start``..``end``, newest first.

    ``certain`` is True only when the version is surely in force on every day of the period (the
    period-wide counterpart of :func:`sedata.spec.codesets.versions_at`).
    """
    return list(_in_force_during(codeset_id, start, end, id(current())))


@lru_cache(maxsize=1024)
def _in_force_during(codeset_id: str, start: dt.date, end: dt.date, _spec: int) -> tuple[InForce, ...]:
    # Every certificate number read asks this for its year: answer each year once (per spec object).
    found: list[InForce] = []
    for cs in reversed(current().codeset_versions(codeset_id)):
        lo, hi = cs.valid_from, cs.valid_to
        if lo is not None and end < lo.earliest():
            continue
        if hi is not None and start > hi.latest():
            continue
        certain = (lo is None or start >= lo.latest()) and (hi is None or end < hi.earliest())
        found.append(InForce(cs, certain))
    return tuple(found)


def year_span(year: int, month: int | None = None) -> tuple[dt.date, dt.date]:
    """The first and last day of a year, or of one month of it."""
    if month is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return dt.date(year, month, 1), nxt - dt.timedelta(days=1)


def children(cs: CodeSet, code: str) -> list[CodeEntry]:
    """The entries whose parent is ``code``."""
    return list(cs.children.get(code, ()))


def lineage(cs: CodeSet, code: str) -> list[CodeEntry]:
    """The entry for ``code`` and its ancestors, nearest first (empty when the code is unknown)."""
    out: list[CodeEntry] = []
    seen: set[str] = set()  # by code: comparing entries (pydantic models) field by field was the slow part
    current_code: str | None = code
    while current_code is not None and current_code not in seen:
        e = entry(cs, current_code)
        if e is None:
            break
        seen.add(current_code)
        out.append(e)
        current_code = e.parent
    return out


@dataclass(frozen=True)
class Variety:
    """A catalogue code usable as a 品种: a 品种, or a 类别 that has none (``category_only``)."""

    entry: CodeEntry
    table: InForce
    category_only: bool

    @property
    def lineage(self) -> list[CodeEntry]:
        """The variety and its ancestors up to the 种类."""
        return lineage(self.table.codeset, self.entry.code)


def as_variety(table: InForce, code: str) -> Variety | None:
    """``code`` as a variety of one catalogue version: a leaf below the top level (§3 notes), else None."""
    cs = table.codeset
    e = entry(cs, code)
    if e is None or e.parent is None or children(cs, code):
        return None
    # The deepest level is the 品种; a leaf at a higher level is a 类别 without 品种 used as its own variety.
    return Variety(e, table, category_only=bool(cs.levels) and e.level != cs.levels[-1])


def varieties(tables: Iterable[InForce], code: str) -> list[Variety]:
    """``code`` as a variety in each of ``tables`` that has it as one."""
    return [v for v in (as_variety(t, code) for t in tables) if v is not None]


def named(e: CodeEntry) -> str:
    """An entry's name for a segment meaning: ``zh / en`` when the spec gives an English name."""
    return f"{e.zh} / {e.en}" if e.en and e.en != e.zh else e.zh


def find(cs: CodeSet, code: str) -> CodeEntry | None:
    """The entry for ``code`` in one code set version, or None."""
    return entry(cs, code)


def table_label(cs: CodeSet) -> str:
    """How a table version is named in messages: ``equipment-catalogue@2014``."""
    return f"{cs.id}@{cs.version}"
