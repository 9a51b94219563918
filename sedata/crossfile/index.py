"""An exact set of keys held as 64-bit digests in a vectorised hash table, the key texts spilled to disk.

The run-wide index of the cross-record layer holds one entry per distinct business key of a run (a national
year is ~4×10^7 records) and is fed mostly in bulk: the columnar screen hands over a batch's keys at once. So
:class:`KeyIndex` keeps, per key, only

- its digest, Python's ``hash`` of the key text (SipHash, 64 bits, keyed per process), in a row-ordered column;
- its row (+1) in an open-addressing slot array (double hashing: the probe's step comes from the digest's upper
  half, so clusters stay short and a batch needs few vectorised rounds; at most 2/3 full): 6–12 bytes a key;
- the end offset of its UTF-8 text in a private spill file (an unnamed temporary file, gone with the process
  even when it is killed), 8 bytes; the newest texts wait in a 256 KiB buffer before they are written, and
  its newest half stays there once written (a reference names mostly a key seen lately: confirmed in memory).

That is 20–28 bytes a key in memory whatever its length, against ~50 for a table holding the texts and ~150
for a ``dict``. Batches are looked up and inserted with numpy over views of the same columns; single keys
(the row engine) probe in Python, a few array reads each. With its first location (10 bytes,
:class:`~sedata.crossfile.columns.Locations`) a key of the cross-record layer costs 30–40 bytes.

Why digests and a confirming read rather than a wider digest: a digest only ever *suggests* that a key is
present. Every such suggestion is confirmed against the real key text (read back from the buffer or the spill
file) before anything is concluded from it, so a collision can neither report a repeat that is not one nor
resolve a reference that nothing resolves: rows with the same digest simply sit in further slots and the probe
goes on past them. A batch insert (:meth:`KeyIndex.add_new`) only takes keys whose digest neither a key nor
an earlier key of the batch has, probing once for each (the probe that finds no such digest claims the empty
slot it ends at); any other key is left to the exact one-key path. Confirming costs one read only where a
digest matches: a repeat (rare; it makes a finding anyway) or a reference that resolves (the text is usually
still in the buffer, and then a batch's are compared at once).
Because SipHash is keyed afresh in each process, nobody can prepare keys that collide on purpose.

Rows are dense (0, 1, 2 … in order of first sight), so callers keep per-key state in parallel columns
(:class:`~sedata.crossfile.columns.Locations`). The digests are only valid in the process that made them: a
pickled index is rebuilt from its texts.
"""

from __future__ import annotations

import os
import sys
import tempfile
from array import array
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
# numpy is imported where a batch is handled: a run of the row engine over a small file, whose keys come one at a
# time, never loads it (10-13 MiB of memory, 0.1-0.3 s).

_LOAD = 2 / 3  # the slot array grows (doubles) beyond this share of occupied slots
_TAIL = 64  # probes still going when this few are left finish one by one (fewer numpy rounds for the last)
_SMALL = 1 << 15  # rows re-placed one by one when the slot array grows (unless numpy is loaded already)
_BUFFER = 1 << 18  # bytes of key texts kept in memory before they are written to the spill file
_ENCODING, _ERRORS = "utf-8", "surrogatepass"  # any str a reader can produce, lone surrogates included
_digest = hash  # a module name, so that tests can make digests collide at will


def digests(keys: Sequence[str]) -> np.ndarray:
    """The digests of ``keys`` as :class:`KeyIndex` computes them (int64)."""
    import numpy as np

    return np.fromiter(map(_digest, keys), dtype=np.int64, count=len(keys))


def _encoded(keys: Sequence[str]) -> tuple[bytes, np.ndarray]:
    """The keys' texts end to end, and the length of each in bytes (uint64)."""
    import numpy as np

    joined = "".join(keys)
    data = joined.encode(_ENCODING, _ERRORS)
    if len(data) == len(joined):  # ASCII only (codes and numbers): as many bytes as characters
        return data, np.fromiter(map(len, keys), dtype=np.uint64, count=len(keys))
    texts = [key.encode(_ENCODING, _ERRORS) for key in keys]
    return b"".join(texts), np.fromiter(map(len, texts), dtype=np.uint64, count=len(texts))


class KeyIndex:
    """Distinct keys (text) numbered 0, 1, 2 … in order of first sight; exact; looked up one by one or in bulk."""

    __slots__ = ("_base", "_buffer", "_digests", "_ends", "_fd", "_file", "_mask", "_slots", "_written")

    def __init__(self, capacity: int = 1024) -> None:
        size = 8
        while size * _LOAD < capacity:
            size *= 2
        self._slots = array("I", bytes(4 * size))  # row + 1; 0 is an empty slot
        self._mask = size - 1
        self._digests = array("q")
        self._ends = array("Q")
        self._buffer = bytearray()
        self._written = 0  # bytes of key texts in the spill file; the buffer holds the ones after them
        self._base = 0  # where the buffer starts in the texts: it keeps the newest of those written, too
        self._file: IO[bytes] | None = None
        self._fd = -1

    def __len__(self) -> int:
        return len(self._digests)

    # --- one key ------------------------------------------------------------------------------------
    def _slot(self, data: bytes, h: int) -> int:
        """The slot holding ``data``, or the empty slot where it belongs (rows of other texts are passed)."""
        slots, hashes, mask = self._slots, self._digests, self._mask
        i, step = h & mask, ((h >> 32) | 1) & mask
        while True:
            r = slots[i]
            if r == 0 or (hashes[r - 1] == h and self._text(r - 1) == data):
                return i
            i = (i + step) & mask

    def find(self, key: str) -> int:
        """The row of ``key``, or -1 when it was never added."""
        h = _digest(key)
        if not self._slots[h & self._mask]:
            return -1
        return self._slots[self._slot(key.encode(_ENCODING, _ERRORS), h)] - 1

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.find(key) >= 0

    def add(self, key: str) -> tuple[int, bool]:
        """The row of ``key`` and whether this call added it."""
        data = key.encode(_ENCODING, _ERRORS)
        h = _digest(key)
        slots = self._slots
        i = h & self._mask
        if slots[i]:  # the home slot is taken (else, as mostly, the key is new and goes there)
            i = self._slot(data, h)
            found = slots[i]
            if found:
                return found - 1, False
        row = len(self._digests)
        self._digests.append(h)
        ends = self._ends
        ends.append((ends[-1] if row else 0) + len(data))
        buffer = self._buffer
        buffer += data
        if len(buffer) >= _BUFFER:
            self._spill()
        slots[i] = row + 1
        if row + 1 > len(slots) * _LOAD:
            self._grow(row + 1)
        return row, True

    def key(self, row: int) -> str:
        """The key text of ``row``."""
        return self._text(row).decode(_ENCODING, _ERRORS)

    # --- many keys ----------------------------------------------------------------------------------
    def add_new(self, keys: Sequence[str], hashes: np.ndarray | None = None) -> np.ndarray:
        """Add, in order, each of ``keys`` whose digest neither a key of the index nor an earlier key of the batch
        has (``hashes``: :func:`digests` of them, if at hand); return which were added (bool per key). A key not
        added may or may not be present already: ask :meth:`add`. No text is read: no key is confirmed, none
        needs to be."""
        import numpy as np

        n = len(keys)
        if hashes is None:
            hashes = digests(keys)
        first = len(self._digests)
        if first + n > len(self._slots) * _LOAD:
            self._grow(first + n)  # room for the whole batch first: every probe below ends at an empty slot
        # The batch's digests go in as rows first, first + 1 … (a slot a key claims names its position), so that
        # a probe meeting a key of its own batch reads its digest as any other; those not taken are dropped below.
        self._digests.frombytes(hashes.tobytes())
        new, at = self._claim(hashes, first)
        taken = np.flatnonzero(new)
        if taken.size < n:
            del self._digests[first:]
            self._digests.frombytes(hashes[taken].tobytes())
            if taken.size:
                slots = np.frombuffer(self._slots, dtype=np.uint32)
                slots[at[taken]] = np.arange(first + 1, first + 1 + taken.size, dtype=np.uint32)
                del slots
        if taken.size:
            self._store(*_encoded(list(keys) if taken.size == n else [keys[i] for i in taken.tolist()]))
        return new

    def _claim(self, hashes: np.ndarray, first: int) -> tuple[np.ndarray, np.ndarray]:
        """Probe for each digest (rows ``first``… hold them) until a row with the same digest (the key may be
        present: not taken) or an empty slot, which the key claims; of keys sharing a digest only the first of
        the batch may claim. Returns which claimed a slot, and the slot each claimed (int64)."""
        import numpy as np

        n = len(hashes)
        slots, table = self._views()
        mask = self._mask
        claimed = np.full(n, -1, dtype=np.int64)
        todo, at, step = np.arange(n), hashes & mask, ((hashes >> 32) | 1) & mask
        mine, wanted = (todo + (first + 1)).astype(np.uint32), hashes
        while todo.size > _TAIL:
            free = slots[at] == 0
            # Several keys may claim one free slot: one write stays; a key whose digest differs from the
            # winner's probes on, one whose digest is the winner's stops there (if it comes first, it wins).
            slots[at[free]] = mine[free]
            held = slots[at]
            won = held == mine
            same = table[held.astype(np.int64) - 1] == wanted
            same &= ~won
            early = same & free
            if early.any():
                early &= held.astype(np.int64) - (first + 1) > todo
                if early.any():
                    _first_claims(slots, todo[early], at[early], first)
                    held = slots[at]
                    won = held == mine
                    same = ~won & (table[held.astype(np.int64) - 1] == wanted)
            claimed[todo[won]] = at[won]
            on = ~(won | same)
            todo, at, step, mine, wanted = todo[on], (at[on] + step[on]) & mask, step[on], mine[on], wanted[on]
        del slots, table
        hashed, column = self._slots, self._digests
        for i, j, k in zip(todo.tolist(), at.tolist(), step.tolist(), strict=True):
            h = column[first + i]
            while r := hashed[j]:
                if column[r - 1] == h:
                    break
                j = (j + k) & mask
            else:
                hashed[j] = first + i + 1
                claimed[i] = j
        return claimed >= 0, claimed

    def contains(self, keys: Sequence[str], hashes: np.ndarray | None = None) -> np.ndarray:
        """Whether each of ``keys`` was added (bool per key), exactly: a matching digest is confirmed by text."""
        import numpy as np

        if hashes is None:
            hashes = digests(keys)
        rows = self._first_rows(hashes)
        out = rows >= 0
        hits = np.flatnonzero(out)
        if hits.size == len(keys):  # every key's digest is held, as when a batch's references all resolve
            unsure = hits[~self._same_in_buffer(rows, keys)]
        else:
            unsure = hits[~self._same_in_buffer(rows[hits], [keys[i] for i in hits.tolist()])] if hits.size else hits
        for i in unsure.tolist():
            data = keys[i].encode(_ENCODING, _ERRORS)
            if self._text(int(rows[i])) == data:
                continue
            out[i] = self._slots[self._slot(data, int(hashes[i]))] != 0  # a collision: probe past it
        return out

    def _same_in_buffer(self, rows: np.ndarray, keys: Sequence[str]) -> np.ndarray:
        """Per row, whether its text is still in the buffer and equal to the key beside it, compared in one pass
        (a resolved reference usually names a key seen lately); False leaves the row to the exact path."""
        import numpy as np

        if not self._buffer:
            return np.zeros(len(rows), dtype=bool)
        data, lengths = _encoded(keys)
        ends = np.frombuffer(self._ends, dtype=np.uint64)
        stops = ends[rows].astype(np.int64) - self._base
        starts = np.where(rows > 0, ends[np.maximum(rows - 1, 0)], 0).astype(np.int64) - self._base
        del ends  # the column grows again later: no view of it may stay
        sure: np.ndarray = (starts >= 0) & (stops - starts == lengths.astype(np.int64))
        if not sure.any():
            return sure
        picked = np.flatnonzero(sure)
        if picked.size < len(keys):
            data, lengths = _encoded([keys[i] for i in picked.tolist()])
        sizes = lengths.astype(np.int64)
        buffer = np.frombuffer(self._buffer, dtype=np.uint8)
        width = int(sizes[0])
        if width and not (sizes != width).any():
            # Keys of one length (codes, as references mostly are): the texts compared as rows of a matrix.
            held = np.lib.stride_tricks.sliding_window_view(buffer, width)[starts[picked]]
            del buffer  # the buffer grows again later: no view of it may stay
            same = (held == np.frombuffer(data, dtype=np.uint8).reshape(-1, width)).all(axis=1)
            sure[picked[~same]] = False
            return sure
        firsts = np.cumsum(sizes) - sizes  # where each key's bytes begin in ``data``
        within = np.arange(len(data)) - np.repeat(firsts, sizes)
        held = buffer[np.repeat(starts[picked], sizes) + within]
        del buffer  # the buffer grows again later: no view of it may stay
        differs = held != np.frombuffer(data, dtype=np.uint8)
        nonempty = sizes > 0
        bad = np.zeros(len(picked), dtype=bool)
        bad[nonempty] = np.logical_or.reduceat(differs, firsts[nonempty]) if nonempty.any() else bad[nonempty]
        sure[picked[bad]] = False
        return sure

    # --- vectorised probing -------------------------------------------------------------------------
    def _views(self) -> tuple[np.ndarray, np.ndarray]:
        import numpy as np

        # Views of the live columns: they must be dropped before a column grows (arrays refuse to resize).
        slots = np.frombuffer(self._slots, dtype=np.uint32)
        hashes = np.frombuffer(self._digests, dtype=np.int64) if self._digests else np.zeros(0, dtype=np.int64)
        return slots, hashes

    def _first_rows(self, hashes: np.ndarray) -> np.ndarray:
        """Per digest, the first row met in its probe with that digest, or -1 (int64)."""
        import numpy as np

        slots, table = self._views()
        mask = self._mask
        rows = np.full(len(hashes), -1, dtype=np.int64)
        todo, at, step, wanted = np.arange(len(hashes)), hashes & mask, ((hashes >> 32) | 1) & mask, hashes
        while todo.size > _TAIL:
            held = slots[at].astype(np.int64) - 1
            occupied = held >= 0
            same = occupied.copy()
            same[occupied] = table[held[occupied]] == wanted[occupied]
            rows[todo[same]] = held[same]
            on = occupied & ~same
            todo, at, step, wanted = todo[on], (at[on] + step[on]) & mask, step[on], wanted[on]
        del slots, table
        hashed, column = self._slots, self._digests
        for i, j, k, h in zip(todo.tolist(), at.tolist(), step.tolist(), wanted.tolist(), strict=True):
            while r := hashed[j]:
                if column[r - 1] == h:
                    rows[i] = r - 1
                    break
                j = (j + k) & mask
        return rows

    def _place(self, rows: np.ndarray) -> None:
        """Put ``rows`` (whose digests are in the column) into empty slots, each on its own probe sequence."""
        import numpy as np

        slots, table = self._views()
        mask = self._mask
        hashes = table[rows]
        at, step, held = hashes & mask, ((hashes >> 32) | 1) & mask, (rows + 1).astype(np.uint32)
        while at.size > _TAIL:
            free = slots[at] == 0
            # Several rows may write one free slot: one write stays, and the others probe on like the rest.
            slots[at[free]] = held[free]
            placed = free
            placed[free] = slots[at[free]] == held[free]
            on = ~placed
            at, step, held = (at[on] + step[on]) & mask, step[on], held[on]
        del slots, table
        hashed = self._slots
        for j, k, r in zip(at.tolist(), step.tolist(), held.tolist(), strict=True):
            while hashed[j]:
                j = (j + k) & mask
            hashed[j] = r

    def _grow(self, rows: int) -> None:
        # Rows keep their numbers; only the slot array is rebuilt, from the digests (no text is read).
        size = len(self._slots)
        while rows > size * _LOAD:
            size *= 2
        self._slots = array("I", bytes(4 * size))
        self._mask = mask = size - 1
        if len(self._digests) > _SMALL or "numpy" in sys.modules:
            import numpy as np

            self._place(np.arange(len(self._digests), dtype=np.int64))
            return
        slots = self._slots
        for row, h in enumerate(self._digests, 1):
            i, step = h & mask, ((h >> 32) | 1) & mask
            while slots[i]:
                i = (i + step) & mask
            slots[i] = row

    # --- key texts ----------------------------------------------------------------------------------
    def _store(self, data: bytes, lengths: np.ndarray | None = None) -> None:
        """Keep the texts ``data`` (one key, or several of ``lengths`` bytes each) as the next rows'."""
        end = self._ends[-1] if self._ends else 0
        if lengths is None:
            self._ends.append(end + len(data))
        else:
            import numpy as np

            self._ends.frombytes((np.cumsum(lengths) + np.uint64(end)).tobytes())
        self._buffer += data
        if len(self._buffer) >= _BUFFER:
            self._spill()

    def _spill(self) -> None:
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="sedata-keys-")  # kept open with the index
            self._fd = self._file.fileno()
        view = memoryview(self._buffer)[self._written - self._base :]
        done = 0
        while done < len(view):
            done += os.pwrite(self._fd, view[done:], self._written + done)
        view.release()
        self._written += done
        # The newest half stays (written, but read from memory): a reference names mostly a key seen lately,
        # and its confirmation should not wait for the disk just after a spill.
        drop = len(self._buffer) - _BUFFER // 2
        if drop > 0:
            del self._buffer[:drop]
            self._base += drop

    def _text(self, row: int) -> bytes:
        start = self._ends[row - 1] if row else 0
        end = self._ends[row]
        base = self._base
        if start >= base:
            return bytes(self._buffer[start - base : end - base])
        if end <= self._written:
            return os.pread(self._fd, end - start, start)
        return os.pread(self._fd, base - start, start) + bytes(self._buffer[: end - base])

    def close(self) -> None:
        """Drop the spill file (the index must not be used afterwards)."""
        if self._file is not None:
            self._file.close()
            self._file, self._fd = None, -1

    def __reduce__(self) -> tuple[Any, ...]:
        # Digests are keyed per process: another process rebuilds the index from the texts, in row order.
        return _rebuild, ([self.key(row) for row in range(len(self))],)

    @property
    def nbytes(self) -> int:
        """Bytes held in memory (slots, digests, text offsets, the text buffer); the spilled texts not counted."""
        return sum(a.buffer_info()[1] * a.itemsize for a in (self._slots, self._digests, self._ends)) + len(
            self._buffer
        )


def _first_claims(slots: np.ndarray, positions: np.ndarray, at: np.ndarray, first: int) -> None:
    """Give each slot that a later key of a batch won over an earlier one with its digest to the earliest of them
    (a collision of digests within a batch, rare: numpy does not say which of several writes to a slot stays)."""
    for pos, j in zip(positions.tolist(), at.tolist(), strict=True):
        if pos < int(slots[j]) - 1 - first:
            slots[j] = first + pos + 1


def _rebuild(keys: list[str]) -> KeyIndex:
    index = KeyIndex(len(keys))
    for key in keys:
        index.add(key)
    return index
