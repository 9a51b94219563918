"""The sequence ledger: which packages of each channel (sender, receiver, message type) were received, across runs.

``Ledger(path)`` opens (or creates) the SQLite file that is the ledger's only state. ``check(header)`` says what
a package would be (gap, replay, conflict, late …) without changing anything; ``record(header, path)`` stores
an arrival of a package that was read whole and returns its events; ``channels()``, ``packages()`` and
``arrivals()`` list what is stored. The validator turns the events into SE-SEQ findings
(``sedata.validate.layers.sequence``).
"""

from sedata.ledger.events import (
    EVENT_KINDS,
    Channel,
    Earlier,
    EventKind,
    Package,
    SequenceEvent,
    Span,
    Standing,
    spans_text,
)
from sedata.ledger.store import (
    APPLICATION_ID,
    SCHEMA_VERSION,
    Arrival,
    ChannelState,
    Entry,
    Ledger,
    LedgerError,
)

__all__ = [
    "APPLICATION_ID",
    "EVENT_KINDS",
    "SCHEMA_VERSION",
    "Arrival",
    "Channel",
    "ChannelState",
    "Earlier",
    "Entry",
    "EventKind",
    "Ledger",
    "LedgerError",
    "Package",
    "SequenceEvent",
    "Span",
    "Standing",
    "spans_text",
]
