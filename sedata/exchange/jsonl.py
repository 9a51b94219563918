"""JSON Lines: a ``{"header": {...}}`` line, then one record envelope per line, UTF-8.

Read line by line, so memory stays flat. Numbers that are not integers are refused (decimals travel as
strings), and so are members given twice. One blank line (or several) at the end is tolerated; a blank
line between records is not, since it usually means two files were joined.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sedata.elements import MessageHeader
from sedata.exchange.detect import UTF8_BOM
from sedata.exchange.errors import ExchangeError, HeaderError, StructureError
from sedata.exchange.header import header_data, parse_header
from sedata.exchange.jsonvalue import MAX_VALUE_BYTES, JsonSyntax, parse_value, size_error
from sedata.exchange.reader import MessageReader
from sedata.exchange.records import Record, canonical_line
from sedata.exchange.writer import Encoder
from sedata.spec.envelope import HEADER

MAX_LINE_BYTES = MAX_VALUE_BYTES
"""Longest line: a record line is a few kilobytes; a longer line is refused instead of being read whole."""


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON without ASCII escaping (members in the order given)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class JsonlReader(MessageReader):
    """Reads a JSON Lines message; each record has its 1-based line number."""

    format = "jsonl"

    def _read_header(self) -> MessageHeader:
        self._offset = 0
        raw = self._readline()
        if raw.startswith(UTF8_BOM):
            raw = raw[len(UTF8_BOM) :]
            self._offset = len(UTF8_BOM)
        self._line = 1
        value = self._parse(raw, 1)
        if not isinstance(value, dict) or HEADER not in value:
            raise HeaderError(
                f'第一行应为 {{"{HEADER}": {{…}}}}', f'the first line must be {{"{HEADER}": {{…}}}}', line=1
            )
        extra = sorted(set(value) - {HEADER})
        if extra:
            raise StructureError(
                f"首行只应有 {HEADER}，多了：{', '.join(extra)}",
                f"the first line holds only {HEADER}; unexpected: {', '.join(extra)}",
                line=1,
            )
        self._offset += len(raw)
        return parse_header(value[HEADER], self.spec, file=self.file, line=1)

    def _readline(self) -> bytes:
        raw = self._f.readline(MAX_LINE_BYTES + 1)
        if len(raw) > MAX_LINE_BYTES:
            raise size_error(len(raw), self._offset).locate(line=getattr(self, "_line", 0) + 1)
        return raw

    def _parse(self, raw: bytes, line: int) -> Any:
        index = self.count if line > 1 else None
        try:
            return parse_value(raw, index=index)
        except JsonSyntax as exc:
            truncated = not raw.endswith(b"\n")
            ends = f"文件在第 {line} 行中途结束" if truncated else f"第 {line} 行不是有效的 JSON"
            ends_en = f"the file ends inside line {line}" if truncated else f"line {line} is not valid JSON"
            column = len(raw[: exc.pos].decode("utf-8", "replace")) + 1
            raise self.broken(
                f"{ends}（{exc.msg}，第 {column} 列）",
                f"{ends_en} ({exc.msg}, column {column})",
                truncated=truncated,
                line=line,
                offset=self._offset + exc.pos,
                column=column,
            ) from None
        except ExchangeError as exc:
            exc.offset = self._offset + (exc.offset or 0)
            raise exc.locate(line=line) from None

    def chunk(self, start: int, end: int, line: int) -> Iterator[tuple[Record, bytes]]:
        """The records on the lines that begin in bytes ``[start, end)``, each with its canonical line.

        ``start`` is the offset of line number ``line`` (a record line). For validating one large file in
        several processes: count and digest over all chunks are the caller's to check, and a blank line
        that ends the chunk is left in ``trailing_blank`` (an error only if a later chunk holds records).
        """
        if self._started:
            raise RuntimeError("a message can be read once; open it again / 报文只能读取一次，请重新打开")
        self._started = True
        self._f.seek(start)
        self._offset, self._line, self.count, self._end = start, line - 1, line - 2, end
        spec = self.spec
        try:
            for record in self._records():
                self.count += 1
                yield record, canonical_line(record, spec)
        except ExchangeError as exc:
            raise exc.locate(file=self.file) from None
        finally:
            self.close()

    trailing_blank: int | None = None
    """In :meth:`chunk`: the first of the blank lines that end the chunk, if it ends with blank lines."""
    _end: int | None = None

    def _records(self) -> Iterator[Record]:
        rules = self.rules
        index = self.count
        end = self._end
        blank: int | None = None
        while end is None or self._offset < end:
            raw = self._readline()
            if not raw:
                break
            self._line += 1
            line = self._line
            if not raw.strip():
                blank = blank or line
            else:
                if blank is not None:
                    raise StructureError(
                        f"第 {blank} 行为空行；记录之间不应有空行",
                        f"line {blank} is blank; blank lines are allowed only at the end",
                        line=blank,
                    )
                value = self._parse(raw, line)
                yield rules.from_json(value, index, line)
                index += 1
            self._offset += len(raw)
        self.trailing_blank = blank


class JsonlEncoder(Encoder):
    """Header line, then each record's canonical line."""

    format = "jsonl"

    def prefix(self, header: MessageHeader) -> bytes:
        return dumps({HEADER: header_data(header, self.spec)}) + b"\n"

    def record(self, record: Record, canonical: bytes, first: bool) -> bytes:
        return canonical + b"\n"

    def suffix(self) -> bytes:
        return b""
