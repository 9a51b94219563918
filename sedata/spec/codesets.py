"""Code sets at a date: which table version was in force, and what a code meant then.

Validity is often known only to the year (``valid_to: "2014"``); a date inside such a year is
reported as *uncertain* rather than guessed, so callers can warn instead of failing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sedata.spec.loader import Spec
from sedata.spec.model import CodeEntry, CodeSet


@dataclass(frozen=True)
class InForce:
    """A code set version that applies at a date; ``certain`` is False when the date falls
    inside a validity bound known only to the year or month."""

    codeset: CodeSet
    certain: bool


def versions_at(spec: Spec, codeset_id: str, on: dt.date) -> list[InForce]:
    """The versions of ``codeset_id`` that may be in force on ``on``, newest first."""
    found: list[InForce] = []
    for cs in reversed(spec.codeset_versions(codeset_id)):
        start, end = cs.valid_from, cs.valid_to
        if start is not None and on < start.earliest():
            continue
        if end is not None and on > end.latest():
            continue
        certain = (start is None or on >= start.latest()) and (end is None or on < end.earliest())
        found.append(InForce(cs, certain))
    return found


def entry(cs: CodeSet, code: str) -> CodeEntry | None:
    """The entry for ``code`` in one code set version, or None."""
    return cs.by_code.get(code)


def meanings_at(spec: Spec, codeset_id: str, code: str, on: dt.date) -> list[tuple[CodeEntry, InForce]]:
    """What ``code`` meant on ``on`` in each version that may have been in force (empty: unknown code)."""
    out = []
    for version in versions_at(spec, codeset_id, on):
        e = entry(version.codeset, code)
        if e is not None:
            out.append((e, version))
    return out
