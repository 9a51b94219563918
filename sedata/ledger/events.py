"""What the ledger keys on and what it reports: channels, packages, and the sequence events of an arrival.

These are plain values (no database, no spec) so that a verdict can be stored with the arrival it belongs to,
read back, compared between two ledgers, and turned into findings by ``sedata.validate.layers.sequence``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, cast, get_args

from sedata.elements import MessageHeader

EventKind = Literal["gap", "late", "replay", "resent", "same-content", "conflict", "id-reused", "rejected"]
"""``gap``: numbers skipped below this package; ``late``: a new number below the highest (fills a gap);
``replay``: same message id, sequence and digest as before; ``resent``: a new message id with the sequence and
digest of an earlier package; ``same-content``: a new sequence with the records of an earlier package;
``conflict``: a sequence taken by a package with other records; ``id-reused``: a message id seen with another
sequence or digest; ``rejected``: the package failed a check the receiver requires and was not judged (its
``reasons`` name the rules)."""
EVENT_KINDS: tuple[EventKind, ...] = get_args(EventKind)

Standing = Literal["accepted", "resent", "conflict"]
"""How a package with a message id new to its channel was taken: ``accepted`` (first with its sequence, moves the
channel on), ``resent`` (same sequence and digest as one before), ``conflict`` (same sequence, other digest)."""


@dataclass(frozen=True, slots=True, order=True)
class Channel:
    """One direction of exchange of one message type: its packages are numbered 1, 2, 3 …"""

    sender: str
    receiver: str
    message_type: str

    def __str__(self) -> str:
        return f"{self.sender} → {self.receiver} ({self.message_type})"

    def to_data(self) -> dict[str, str]:
        return {"sender": self.sender, "receiver": self.receiver, "messageType": self.message_type}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Channel:
        return cls(str(data["sender"]), str(data["receiver"]), str(data["messageType"]))


@dataclass(frozen=True, slots=True)
class Package:
    """What the ledger reads from a header: channel, message id, sequence, ``algorithm:hex`` digest, count, time."""

    channel: Channel
    message_id: str
    sequence: int
    digest: str
    record_count: int
    mode: str = ""
    created_at: str = ""

    @classmethod
    def of(cls, header: MessageHeader | Package) -> Package:
        """The package a message header describes (a package is returned as it is)."""
        if isinstance(header, Package):
            return header
        return cls(
            Channel(header.sender, header.receiver, header.message_type),
            header.message_id,
            header.sequence,
            f"{header.digest_algorithm}:{header.digest}",
            header.record_count,
            header.mode,
            header.created_at.isoformat(),
        )

    def to_data(self) -> dict[str, Any]:
        return {
            "channel": self.channel.to_data(),
            "messageId": self.message_id,
            "sequence": self.sequence,
            "digest": self.digest,
            "recordCount": self.record_count,
            "mode": self.mode,
            "createdAt": self.created_at,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Package:
        return cls(
            Channel.from_data(data["channel"]),
            str(data["messageId"]),
            int(data["sequence"]),
            str(data["digest"]),
            int(data["recordCount"]),
            str(data.get("mode", "")),
            str(data.get("createdAt", "")),
        )


@dataclass(frozen=True, slots=True)
class Earlier:
    """The package received before that an event refers to (the one replayed, or conflicted with)."""

    message_id: str
    sequence: int
    digest: str
    received_at: str
    file: str | None

    def to_data(self) -> dict[str, Any]:
        return {
            "messageId": self.message_id,
            "sequence": self.sequence,
            "digest": self.digest,
            "receivedAt": self.received_at,
            "file": self.file,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Earlier:
        file = data.get("file")
        return cls(
            str(data["messageId"]),
            int(data["sequence"]),
            str(data["digest"]),
            str(data["receivedAt"]),
            None if file is None else str(file),
        )


Span = tuple[int, int]
"""Sequence numbers ``first`` to ``last`` inclusive."""


@dataclass(frozen=True, slots=True)
class SequenceEvent:
    """One thing the ledger says about an arriving package; a package can have several (a gap and same content)."""

    kind: EventKind
    channel: Channel
    message_id: str
    sequence: int
    missing: tuple[Span, ...] = ()
    """``gap``: the numbers skipped, as inclusive spans."""
    highest: int | None = None
    """``gap`` and ``late``: the highest sequence received on the channel before this package."""
    earlier: Earlier | None = None
    """``replay``, ``resent``, ``same-content``, ``conflict``, ``id-reused``: the package received before."""
    reasons: tuple[str, ...] = ()
    """``rejected``: the rules (or problems) that rejected the package."""

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "channel": self.channel.to_data(),
            "messageId": self.message_id,
            "sequence": self.sequence,
        }
        if self.missing:
            data["missing"] = [list(span) for span in self.missing]
        if self.highest is not None:
            data["highest"] = self.highest
        if self.earlier is not None:
            data["earlier"] = self.earlier.to_data()
        if self.reasons:
            data["reasons"] = list(self.reasons)
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> SequenceEvent:
        kind = data["kind"]
        if kind not in EVENT_KINDS:
            raise ValueError(f"unknown sequence event kind {kind!r}")
        return cls(
            cast(EventKind, kind),
            Channel.from_data(data["channel"]),
            str(data["messageId"]),
            int(data["sequence"]),
            tuple((int(a), int(b)) for a, b in data.get("missing", ())),
            None if data.get("highest") is None else int(data["highest"]),
            None if data.get("earlier") is None else Earlier.from_data(data["earlier"]),
            tuple(str(r) for r in data.get("reasons", ())),
        )


def spans_text(spans: tuple[Span, ...] | list[Span], sep: str = ", ") -> str:
    """Spans as people write them: ``3``, ``5–9``, ``3, 5–9``."""
    return sep.join(str(a) if a == b else f"{a}–{b}" for a, b in spans)
