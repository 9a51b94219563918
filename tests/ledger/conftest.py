"""Shared helpers for the ledger tests: sample packages of one channel, and bare packages without files."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from sedata import exchange as X
from sedata.ledger import Arrival, Channel, Package, SequenceEvent
from sedata.sample.generator import sample_records
from sedata.spec import current

SPEC = current()
# Units with valid USCC check digits, as in tests/exchange and the sample command.
SENDER = "91310115MA1K3BTP2B"
RECEIVER = "91110000600037341L"
OTHER = "123506004885497331"
MESSAGE_TYPE = "inspection-upload"
CHANNEL = Channel(SENDER, RECEIVER, MESSAGE_TYPE)


@cache
def _records(seed: int, count: int, mode: str) -> tuple[X.Record, ...]:
    return tuple(r for r, _ in sample_records(MESSAGE_TYPE, count, seed, 0.0, mode))


def write_package(
    path: Path,
    sequence: int,
    *,
    seed: int | None = None,
    count: int = 3,
    sender: str = SENDER,
    receiver: str = RECEIVER,
    mode: str = "changes",
    message_id: str | None = None,
) -> Path:
    """A sample package of the channel; the same ``seed`` (default: the sequence) gives the same records."""
    records = _records(sequence if seed is None else seed, count, mode)
    header = X.new_header(MESSAGE_TYPE, sender, receiver, sequence, mode, message_id=message_id, spec=SPEC)
    X.write(path, records, header=header, spec=SPEC)
    return path


def bare(message_id: str, sequence: int, digest: str, count: int = 1, channel: Channel = CHANNEL) -> Package:
    """A package without a file (for tests that need many): ``digest`` is any text standing for the records."""
    return Package(channel, message_id, sequence, f"sha256:{digest}", count, "changes", "2026-11-01T02:00:00+08:00")


Said = tuple[tuple[str, tuple[object, ...]], ...]


def plain(events: list[SequenceEvent] | tuple[SequenceEvent, ...]) -> Said:
    """Events without times and file names (which differ between two runs), for comparing verdicts."""
    return tuple(
        (e.kind, (e.missing, e.highest, None if e.earlier is None else (e.earlier.message_id, e.earlier.sequence)))
        for e in events
    )


def verdicts(arrivals: list[Arrival]) -> list[tuple[str, int, Said]]:
    """Each arrival's message id, sequence and plain events, for comparing two ledgers."""
    return [(a.package.message_id, a.package.sequence, plain(a.events)) for a in arrivals]
