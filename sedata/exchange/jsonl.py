"""JSON Lines: a ``{"header": {...}}`` line, then one record envelope per line, UTF-8.

Read line by line, so memory stays flat. Numbers that are not integers are refused (decimals travel as
strings), and so are members given twice. One blank line (or several) at the end is tolerated; a blank
line between records is not, since it usually means two files were joined.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, NoReturn

from sedata.elements import MessageHeader
from sedata.exchange.detect import UTF8_BOM
from sedata.exchange.errors import (
    DuplicateMemberError,
    EncodingError,
    ExchangeError,
    HeaderError,
    NonIntegerNumberError,
    StructureError,
)
from sedata.exchange.header import header_data, parse_header
from sedata.exchange.reader import MessageReader
from sedata.exchange.records import Record, canonical_line
from sedata.exchange.writer import Encoder
from sedata.spec.envelope import HEADER

# A record line is a few kilobytes; a longer line is refused instead of being read into memory whole.
MAX_LINE_BYTES = 16 << 20


class _NonInteger(ValueError):
    def __init__(self, text: str):
        self.text = text
        super().__init__(text)


class _Duplicate(ValueError):
    def __init__(self, name: str):
        self.name = name
        super().__init__(name)


def _refuse_number(text: str) -> NoReturn:
    raise _NonInteger(text)


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for name, _ in pairs:
            if name in seen:
                raise _Duplicate(name)
            seen.add(name)
    return obj


_DECODER = json.JSONDecoder(parse_float=_refuse_number, parse_constant=_refuse_number, object_pairs_hook=_unique)


def loads(text: str) -> Any:
    """Parse one JSON value strictly: integers stay ints, other numbers and repeated members are refused."""
    return _DECODER.decode(text)


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
        raw = self._f.readline(MAX_LINE_BYTES)
        if len(raw) == MAX_LINE_BYTES and not raw.endswith(b"\n"):
            raise StructureError(
                f"行过长（超过 {MAX_LINE_BYTES} 字节）",
                f"line longer than {MAX_LINE_BYTES} bytes",
                line=getattr(self, "_line", 0) + 1,
                offset=self._offset,
            )
        return raw

    def _parse(self, raw: bytes, line: int) -> Any:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise EncodingError(
                "JSON Lines 必须使用 UTF-8 编码：有无效字节",
                f"JSON Lines must be UTF-8: invalid bytes ({exc.reason})",
                line=line,
                offset=self._offset + exc.start,
            ) from None
        try:
            return loads(text)
        except _NonInteger as exc:
            raise NonIntegerNumberError(
                f"数值 {exc.text} 不是整数；小数须以字符串书写",
                f"the number {exc.text} is not an integer; decimals are written as strings",
                line=line,
                index=self.count if line > 1 else None,
            ) from None
        except _Duplicate as exc:
            raise DuplicateMemberError(
                f"成员 {exc.name!r} 重复出现",
                f"member {exc.name!r} appears twice",
                line=line,
                index=self.count if line > 1 else None,
            ) from None
        except json.JSONDecodeError as exc:
            truncated = not raw.endswith(b"\n")
            ends = f"文件在第 {line} 行中途结束" if truncated else f"第 {line} 行不是有效的 JSON"
            ends_en = f"the file ends inside line {line}" if truncated else f"line {line} is not valid JSON"
            raise self.broken(
                f"{ends}（{exc.msg}，第 {exc.colno} 列）",
                f"{ends_en} ({exc.msg}, column {exc.colno})",
                truncated=truncated,
                line=line,
                offset=self._offset + len(text[: exc.pos].encode("utf-8")),
            ) from None

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
