"""JSON Lines read in batches of raw lines, each with its line number and byte offset.

The columnar engine parses each line once with orjson; a line the screen cannot vouch for is parsed
again, strictly, by the JSON Lines reader itself (:func:`exact_records`), so every reading error and
envelope note is the reader's own.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass
from itertools import accumulate, count
from operator import add

from sedata.exchange.errors import ExchangeError
from sedata.exchange.jsonl import JsonlReader
from sedata.exchange.records import Record

BLOCK_BYTES = 1 << 20
"""Bytes read from the file at a time."""
BATCH_ROWS = 4096
"""Records per screened batch of an XML or JSON document, whose reader keeps each batch's parsed records
(about 3 KB each) until it is checked: Polars plans the screen's expressions once per batch (tens of
milliseconds whatever the rows), so a batch is large enough to spread that over many rows and small enough
to keep memory flat."""
LINE_BATCH_ROWS = 8192
"""Lines per screened batch of a JSON Lines file. A batch screened in columns keeps no per-row object, so it
can be twice as large: the per-batch planning then costs half as much per row. Measured on 200,000 records
(CPU seconds, start-up included): 5.0 s and a 283 MiB peak at 8,192, 5.7 s and 243 MiB at 4,096, 342 MiB at
16,384 for little more speed. Set it back to 4,096 to give the memory back."""


@dataclass(slots=True)
class LineBatch:
    """Consecutive lines of a file: raw bytes without the line feed, their byte offsets, the first line's number."""

    lines: list[bytes]
    offsets: list[int]
    first_line: int
    ends_open: bool = False
    """The last line has no line feed (the file's last line): left to the strict reader."""
    block: memoryview | None = None
    """The batch's bytes as read, each line followed by its line feed (one added after an open last line), so a
    run of lines is digested as written without joining them again (:meth:`written`); None when not read from
    a file."""

    def written(self, first: int, stop: int) -> memoryview:
        """Lines ``first`` to ``stop - 1`` as read, each followed by a line feed (a view of :attr:`block`)."""
        assert self.block is not None
        base = self.offsets[0]
        return self.block[
            self.offsets[first] - base : len(self.block) if stop == len(self.lines) else self.offsets[stop] - base
        ]


def line_batches(
    path: str, start: int, first_line: int, rows: int = BATCH_ROWS, end: int | None = None
) -> Generator[LineBatch, None, None]:
    """The lines of ``path`` from byte ``start`` (line number ``first_line``) on, in batches of ``rows``.

    With ``end`` (a line boundary, as the chunks of ``--jobs`` have), the lines of bytes ``[start, end)`` only.
    """
    # Lines are split and their offsets summed in C (bytes.split, itertools.accumulate); the blocks read are joined
    # once per round of batches, each batch's bytes a view of them.
    with open(path, "rb") as f:
        f.seek(start)
        line = first_line
        lines: list[bytes] = []
        offsets: list[int] = []
        pieces: list[bytes] = []  # the bytes of ``lines`` and ``rest`` as read, from offset ``base``
        base = after = start  # ``after``: where ``rest``, the line still being read, starts
        rest = b""
        left = -1 if end is None else end - start
        while left:
            block = f.read(BLOCK_BYTES if left < 0 else min(BLOCK_BYTES, left))
            if left > 0:
                left -= len(block)
            if not block:
                break
            pieces.append(block)
            parts = block.split(b"\n")
            if rest:
                parts[0] = rest + parts[0]
            rest = parts.pop()
            lines += parts
            # Line i starts after the lines before it and their line feeds.
            offsets += map(add, accumulate(map(len, parts), initial=after), count())
            after = offsets.pop()
            if len(lines) < rows:
                continue
            data = memoryview(b"".join(pieces))
            whole = len(lines) - len(lines) % rows
            for at in range(0, whole, rows):
                stop = offsets[at + rows] if at + rows < len(offsets) else after
                yield LineBatch(
                    lines[at : at + rows], offsets[at : at + rows], line, block=data[offsets[at] - base : stop - base]
                )
                line += rows
            del lines[:whole], offsets[:whole]
            at = offsets[0] if offsets else after
            pieces, base = [bytes(data[at - base :])], at
        ends_open = bool(rest)
        if ends_open:
            lines.append(rest)
            offsets.append(after)
        if lines:
            written = b"".join(pieces) + (b"\n" if ends_open else b"")
            yield LineBatch(lines, offsets, line, ends_open, memoryview(written))


def exact_records(reader: JsonlReader, start: int, end: int, line: int, index: int) -> Iterator[Record]:
    """The records the reader itself reads from bytes ``[start, end)`` (line ``line``, record ``index`` first).

    Raises the reader's own errors (blank line between records, invalid JSON, repeated members...), located
    in the file exactly as a whole-file read would locate them.
    """
    # The reader's line loop is reused on a byte range (as its ``chunk`` does) so that no reading rule or
    # message is written twice; its position is set as if it had read everything before ``start``.
    reader._f.seek(start)
    reader._offset, reader._line, reader.count, reader._end = start, line - 1, index, end
    try:
        yield from reader._records()
    except ExchangeError as exc:
        raise exc.locate(file=reader.file) from None
