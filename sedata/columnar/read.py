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


def line_batches(
    path: str, start: int, first_line: int, rows: int = BATCH_ROWS, end: int | None = None
) -> Generator[LineBatch, None, None]:
    """The lines of ``path`` from byte ``start`` (line number ``first_line``) on, in batches of ``rows``.

    With ``end`` (a line boundary, as the chunks of ``--jobs`` have), the lines of bytes ``[start, end)`` only.
    """
    with open(path, "rb") as f:
        f.seek(start)
        offset, line = start, first_line
        rest = b""
        lines: list[bytes] = []
        offsets: list[int] = []
        left = -1 if end is None else end - start
        while left:
            block = f.read(BLOCK_BYTES if left < 0 else min(BLOCK_BYTES, left))
            if left > 0:
                left -= len(block)
            if not block:
                break
            parts = block.split(b"\n")
            parts[0] = rest + parts[0]  # the line begun in the block before
            rest = parts.pop()
            lines += parts
            # Line i starts after the lines before it and their line feeds (summed in C, not line by line).
            offsets += map(add, accumulate(map(len, parts), initial=offset), count())
            offset = offsets.pop()
            while len(lines) >= rows:
                yield LineBatch(lines[:rows], offsets[:rows], line)
                line += rows
                del lines[:rows], offsets[:rows]
        ends_open = bool(rest)
        if ends_open:
            lines.append(rest)
            offsets.append(offset)
        if lines:
            yield LineBatch(lines, offsets, line, ends_open)


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
