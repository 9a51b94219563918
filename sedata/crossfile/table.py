"""A compact table of distinct keys: key text → row number, in flat arrays instead of Python objects.

A ``dict[str, …]`` costs about 150 bytes a key (the str object, the dict slot, the value object); a million
devices or reports would need hundreds of megabytes before any state is kept for them. :class:`KeyTable` keeps
the key texts UTF-8 encoded end to end in one ``bytearray``, their 64-bit hashes and end offsets in ``array``
columns, and an open-addressing slot array (linear probing, at most half full) of row numbers. A key costs about
``len(utf-8) + 28`` bytes, and rows are dense (0, 1, 2 … in order of first sight), so callers keep per-key state
in parallel ``array`` columns indexed by row. Keys are compared exactly, so two keys never share a row.
"""

from __future__ import annotations

from array import array

_EMPTY = 0  # slot value of an empty slot; occupied slots hold row + 1


class KeyTable:
    """Distinct keys (text) numbered 0, 1, 2 … in order of first sight; exact, compact, append-only."""

    __slots__ = ("_arena", "_hashes", "_mask", "_offsets", "_slots")

    def __init__(self, capacity: int = 1024) -> None:
        size = 8
        while size < 2 * capacity:
            size *= 2
        self._slots = array("I", bytes(4 * size))
        self._mask = size - 1
        self._hashes = array("q")
        self._offsets = array("Q", [0])
        self._arena = bytearray()

    def __len__(self) -> int:
        return len(self._hashes)

    def _probe(self, data: bytes, h: int) -> int:
        """The slot holding ``data``, or the empty slot where it belongs."""
        slots, hashes, offsets, arena, mask = self._slots, self._hashes, self._offsets, self._arena, self._mask
        i = h & mask
        while True:
            r = slots[i]
            if r == _EMPTY:
                return i
            r -= 1
            if hashes[r] == h and arena[offsets[r] : offsets[r + 1]] == data:
                return i
            i = (i + 1) & mask

    def find(self, key: str) -> int:
        """The row of ``key``, or -1 when it was never added."""
        data = key.encode("utf-8")
        return self._slots[self._probe(data, hash(data))] - 1

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.find(key) >= 0

    def add(self, key: str) -> tuple[int, bool]:
        """The row of ``key`` and whether this call added it."""
        data = key.encode("utf-8")
        h = hash(data)
        i = self._probe(data, h)
        found = self._slots[i]
        if found != _EMPTY:
            return found - 1, False
        row = len(self._hashes)
        self._hashes.append(h)
        self._arena += data
        self._offsets.append(len(self._arena))
        self._slots[i] = row + 1
        if 2 * (row + 1) > len(self._slots):
            self._grow()
        return row, True

    def key(self, row: int) -> str:
        """The key text of ``row``."""
        return self._arena[self._offsets[row] : self._offsets[row + 1]].decode("utf-8")

    def _grow(self) -> None:
        # Rows keep their numbers; only the slot array is rebuilt, from the stored hashes (no key is re-read).
        size = 2 * len(self._slots)
        slots = array("I", bytes(4 * size))
        mask = size - 1
        for row, h in enumerate(self._hashes):
            i = h & mask
            while slots[i] != _EMPTY:
                i = (i + 1) & mask
            slots[i] = row + 1
        self._slots, self._mask = slots, mask

    @property
    def nbytes(self) -> int:
        """Bytes held by the table's buffers (slot array, hashes, offsets, key texts)."""
        return sum(a.buffer_info()[1] * a.itemsize for a in (self._slots, self._hashes, self._offsets)) + len(
            self._arena
        )
