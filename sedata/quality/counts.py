"""Counters the scorecard is computed from: per group (sender, division, all), entity and element.

Everything here is a count or a histogram of whole days, so memory grows with the number of groups, entities,
elements and distinct delays — never with the number of records.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field


@dataclass(slots=True)
class Observation:
    """What one record contributes: its type, which fields hold a value, which carry findings, and its delay."""

    entity: str
    has_data: bool
    present: frozenset[str] = frozenset()
    invalid: frozenset[str] = frozenset()
    warned: frozenset[str] = frozenset()
    """Present fields with a warning that the validity rate does not count."""
    error: bool = False
    duplicate: bool = False
    inconsistent: bool = False
    dated: bool = False
    """The entity has an event date (so the record is expected to give one)."""
    delay: int | None = None
    """Days from the event date to the message's creation; None when the date is absent or unreadable."""


@dataclass(slots=True)
class Delays:
    """Delays in whole days as a histogram (exact median and percentiles from it), and undated records."""

    days: Counter[int] = field(default_factory=Counter)
    undated: int = 0

    @property
    def measured(self) -> int:
        """Records with a usable event date."""
        return sum(self.days.values())

    def add(self, days: int | None) -> None:
        """Count one record of a dated entity (``None``: its date is absent or unreadable)."""
        if days is None:
            self.undated += 1
        else:
            self.days[days] += 1

    def merge(self, other: Delays) -> None:
        """Add ``other``'s counts to these."""
        self.days.update(other.days)
        self.undated += other.undated

    def percentile(self, p: float) -> int | None:
        """The nearest-rank ``p`` percentile (0 < p ≤ 100) in whole days; None without measured records."""
        n = self.measured
        if not n:
            return None
        rank = max(1, math.ceil(p / 100 * n))
        seen = 0
        for day in sorted(self.days):
            seen += self.days[day]
            if seen >= rank:
                return day
        raise AssertionError("unreachable: the ranks add up to n")

    def within(self, limit: int) -> int:
        """Records whose delay is between 0 and ``limit`` days, both included."""
        return sum(n for day, n in self.days.items() if 0 <= day <= limit)

    def negative(self) -> int:
        """Records dated after their message was created (a date error, never timely)."""
        return sum(n for day, n in self.days.items() if day < 0)


@dataclass(slots=True)
class EntityCounts:
    """Counts for one entity within one group; per field: values present, invalid, and with warnings only."""

    records: int = 0
    """Records with data (the denominator of every rate)."""
    deletes: int = 0
    with_error: int = 0
    duplicates: int = 0
    inconsistent: int = 0
    present: Counter[str] = field(default_factory=Counter)
    invalid: Counter[str] = field(default_factory=Counter)
    warned: Counter[str] = field(default_factory=Counter)
    delays: Delays = field(default_factory=Delays)

    def add(self, obs: Observation) -> None:
        """Count one record."""
        if not obs.has_data:
            self.deletes += 1
            return
        self.records += 1
        self.with_error += obs.error
        self.duplicates += obs.duplicate
        self.inconsistent += obs.inconsistent
        self.present.update(obs.present)  # Counter.update counts an iterable in C: this runs per record
        if obs.invalid:
            self.invalid.update(obs.invalid)
        if obs.warned:
            self.warned.update(obs.warned)
        if obs.dated:
            self.delays.add(obs.delay)

    def merge(self, other: EntityCounts) -> None:
        """Add ``other``'s counts to these."""
        self.records += other.records
        self.deletes += other.deletes
        self.with_error += other.with_error
        self.duplicates += other.duplicates
        self.inconsistent += other.inconsistent
        self.present.update(other.present)
        self.invalid.update(other.invalid)
        self.warned.update(other.warned)
        self.delays.merge(other.delays)


@dataclass(slots=True)
class Group:
    """A sender, a division or the whole run: entity counts plus where the group's records came from."""

    entities: dict[str, EntityCounts] = field(default_factory=dict)
    files: int = 0
    sources: Counter[str] = field(default_factory=Counter)
    """For divisions: records placed by their own division element ("record") or by the sender ("sender")."""

    def add(self, obs: Observation, source: str | None = None) -> None:
        """Count one record (``source``: how its division was found, for division groups)."""
        counts = self.entities.get(obs.entity)
        if counts is None:
            counts = self.entities[obs.entity] = EntityCounts()
        counts.add(obs)
        if source is not None:
            self.sources[source] += 1

    def merge(self, other: Group) -> None:
        """Add ``other``'s counts to these (the whole run is the sum of its senders)."""
        for entity, counts in other.entities.items():
            self.entities.setdefault(entity, EntityCounts()).merge(counts)
        self.files += other.files
        self.sources.update(other.sources)

    @property
    def records(self) -> int:
        """Records with data, over all entities."""
        return sum(e.records for e in self.entities.values())

    @property
    def deletes(self) -> int:
        return sum(e.deletes for e in self.entities.values())

    def delays(self) -> Delays:
        """The delays of every entity together."""
        out = Delays()
        for e in self.entities.values():
            out.merge(e.delays)
        return out
