"""JSON values read one after another from a file, in linear time and within the limits.

The JSON document reader walks the outer object and its ``records`` array with a :class:`Scanner`; each
record (and the header) is parsed where it lies in the buffer by Python's ``json`` scanner, so the file
is decoded once and parsed once. A value that runs past the buffer is parsed again once more of the
file is in (the amount read doubles each time, so even a long value costs linear time), and a value
longer than :data:`MAX_VALUE_BYTES` is refused before more is read. The format detector reads the first
member with it too.
"""

from __future__ import annotations

import json
import re
from typing import Any, BinaryIO

from sedata.exchange.errors import ExchangeError
from sedata.exchange.jsonvalue import MAX_VALUE_BYTES, decode_at, encoding_error, size_error

_CHUNK = 1 << 16
_NOT_WS = re.compile(r"[^ \t\r\n]")
# A cut-off value fails within this many characters of the buffer's end ("\uXXXX", "false").
_NEAR_END = 6


class ScanError(Exception):
    """Not valid JSON (found by the scanner) at buffer index ``at``; ``eof`` when the input ran out there."""

    def __init__(self, zh: str, en: str, at: int, eof: bool):
        self.zh, self.en, self.at, self.eof = zh, en, at, eof
        super().__init__(en)


class Scanner:
    """The file's text in a sliding buffer: ``buf[pos:]`` is unread; offsets and lines are found on demand."""

    def __init__(self, f: BinaryIO, start: int):
        self.f = f
        self.buf = ""
        self.pos = 0
        self.dropped_bytes = start  # bytes of the file before buf[0]
        self.lines = 1  # line number at buf[0]
        self.column0 = 1  # column (in characters) of buf[0] on its line
        self.eof = False
        self._tail = b""  # an incomplete UTF-8 sequence at the end of the last chunk
        self._bad: Exception | None = None  # invalid UTF-8 met after the end of buf

    def offset(self, at: int | None = None) -> int:
        """The byte offset in the file of buffer index ``at`` (default: the next unread character)."""
        at = self.pos if at is None else at
        return self.dropped_bytes + len(self.buf[:at].encode("utf-8", "surrogatepass"))

    def line(self, at: int | None = None) -> int:
        """The line number of buffer index ``at`` (default: the next unread character)."""
        return self.lines + self.buf.count("\n", 0, self.pos if at is None else at)

    def column(self, at: int | None = None) -> int:
        """The column (from 1, in characters) of buffer index ``at`` on its line."""
        at = self.pos if at is None else at
        start = self.buf.rfind("\n", 0, at)
        return at - start if start >= 0 else self.column0 + at

    def more(self, keep: int, want: int = _CHUNK) -> bool:
        """Read at least ``want`` more bytes, dropping the text before ``keep``; False at the end of the input."""
        if self._bad is not None:
            raise self._bad
        if self.eof:
            return False
        if keep > 0:
            dropped = self.buf[:keep]
            self.lines += dropped.count("\n")
            self.column0 = self.column(keep)
            self.dropped_bytes += len(dropped.encode("utf-8", "surrogatepass"))
            self.buf = self.buf[keep:]
            self.pos -= keep
        chunk = self.f.read(max(want, _CHUNK))
        data = self._tail + chunk
        if not chunk:
            self.eof = True
            if not data:
                return False
            cut = len(data)  # a sequence cut by the end of the file is invalid: let decode say so
        else:
            cut = _complete(data)
        self._tail = data[cut:]
        try:
            self.buf += data[:cut].decode("utf-8")
        except UnicodeDecodeError as exc:
            # Keep the text before the bad bytes (its records are whole); fail when reading reaches them.
            bad = encoding_error(data, exc.start, exc.reason)
            bad.offset = self.offset(len(self.buf)) + exc.start
            self._bad = bad
            self.buf += data[: exc.start].decode("utf-8")
            self.eof = False
        return True

    def fill(self, want: int) -> None:
        """Have at least ``want`` characters unread in the buffer where the input holds them (read text is
        dropped). Reading stops before bad bytes: the strict reading reports them when it reaches them."""
        while len(self.buf) - self.pos < want and self._bad is None and not self.eof:
            self.more(self.pos, want)

    def drop(self, end: int, size: int) -> None:
        """Drop ``buf[:end]``, read and known to be ``size`` bytes (spares encoding it again to count them)."""
        self.lines += self.buf.count("\n", 0, end)
        self.column0 = self.column(end)
        self.dropped_bytes += size
        self.buf = self.buf[end:]
        self.pos -= end

    def peek(self) -> str | None:
        """The next character that is not white space (not consumed), None at the end of the input."""
        while True:
            m = _NOT_WS.search(self.buf, self.pos)
            if m is not None:
                self.pos = m.start()
                return self.buf[self.pos]
            self.pos = len(self.buf)
            if not self.more(self.pos):
                return None

    def expect(self, allowed: str, what_zh: str, what_en: str) -> str:
        """Consume the next character (after white space) if it is one of ``allowed``, else raise ScanError."""
        c = self.peek()
        if c is None or c not in allowed:
            found = "文件结尾" if c is None else repr(c)
            found_en = "the end of the file" if c is None else repr(c)
            raise ScanError(
                f"此处应为{what_zh}，却是{found}", f"expected {what_en}, found {found_en}", self.pos, c is None
            )
        self.pos += 1
        return c

    def value(self, depth: int, index: int | None = None) -> Any:
        """Parse the next value (``depth``: the arrays and objects around it) and move past it.

        An :class:`ExchangeError` about the value names its byte offset and line in the file.
        """
        if self.peek() is None:
            raise ScanError(
                "此处应为一个值，却是文件结尾", "expected a value, found the end of the file", self.pos, True
            )
        start = self.pos
        try:
            while True:
                start = self.pos  # the buffer moves when it grows
                try:
                    value, end = decode_at(self.buf, start, depth, index)
                except json.JSONDecodeError as exc:
                    near_end = exc.pos >= len(self.buf) - _NEAR_END or exc.msg.startswith("Unterminated string")
                    if near_end and not self.eof:
                        self._grow(start)  # the value may go on in the next chunk: parse it again with more
                        continue
                    at = len(self.buf) if near_end else exc.pos  # cut off: where the input ran out
                    raise ScanError(
                        f"不是有效的 JSON（{exc.msg}）", f"not valid JSON ({exc.msg})", at, near_end
                    ) from None
                if end >= len(self.buf) - _NEAR_END and not self.eof:
                    self._grow(start)  # a number (or literal) may go on in the next chunk
                    continue
                if end - start > MAX_VALUE_BYTES // 4 and _size(self.buf, start, end) > MAX_VALUE_BYTES:
                    raise size_error(_size(self.buf, start, end))
                self.pos = end
                return value
        except ExchangeError as exc:
            if exc.offset is None:
                exc.offset = self.offset(start)
            if exc.line is None:
                exc.line = self.line(start)
            raise

    def _grow(self, start: int) -> None:
        """More of the file for a value that began at ``start`` (sets ``eof`` at the end of the input)."""
        size = len(self.buf) - start
        if size > MAX_VALUE_BYTES // 4 and _size(self.buf, start, len(self.buf)) > MAX_VALUE_BYTES:
            raise size_error(_size(self.buf, start, len(self.buf)))
        self.more(start, want=size)  # doubling what is held keeps re-parsing linear in total


def _size(text: str, start: int, end: int) -> int:
    """The size in UTF-8 bytes of ``text[start:end]`` (the limit counts bytes, as for a JSON Lines line)."""
    return len(text[start:end].encode("utf-8", "surrogatepass"))


def _complete(data: bytes) -> int:
    """The length of ``data`` without an incomplete UTF-8 sequence at its end."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte < 0x80:
            return len(data)
        if byte >= 0xC0:  # a lead byte: how long its sequence is
            need = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return len(data) - back if need > back else len(data)
    return len(data)
