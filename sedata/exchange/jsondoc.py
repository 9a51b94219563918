"""One JSON document ``{"header": {...}, "records": [...]}``, read incrementally with ijson.

ijson's C backend (yajl2_c) parses; this module builds one record at a time from its events, so a
document of any size is read in constant memory. ijson gives no line numbers, so records carry their
index only and errors name the byte offset. JSON does not order members: when ``records`` comes before
``header``, a first pass finds the header and a second one reads the records.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import Any, BinaryIO

import ijson  # type: ignore[import-untyped]

from sedata.elements import MessageHeader
from sedata.exchange.detect import UTF8_BOM, open_binary
from sedata.exchange.errors import (
    DuplicateMemberError,
    EncodingError,
    ExchangeError,
    HeaderError,
    NonIntegerNumberError,
    StructureError,
)
from sedata.exchange.header import header_data, parse_header
from sedata.exchange.jsonl import dumps
from sedata.exchange.reader import MessageReader
from sedata.exchange.records import Record
from sedata.exchange.writer import Encoder
from sedata.spec.envelope import HEADER, RECORDS


def _backend() -> Any:
    try:
        return ijson.get_backend("yajl2_c")
    except ImportError:  # pragma: no cover - wheels ship the C backend; pure Python is the fallback
        return ijson


BACKEND = _backend()
BACKEND_NAME: str = str(getattr(BACKEND, "backend_name", None) or BACKEND.backend)
"""The ijson backend in use (``yajl2_c`` where the C extension is available)."""


class _Counting:
    """A file wrapper that counts the bytes ijson has pulled, for error offsets."""

    def __init__(self, f: BinaryIO, start: int):
        self._f = f
        self.pos = start

    def read(self, size: int = -1) -> bytes:
        chunk = self._f.read(size)
        self.pos += len(chunk)
        return chunk


_START = ("start_map", "start_array")
_END = ("end_map", "end_array")
_EOF = ("eof", None)  # what next() gives when the events run out (ijson reports a cut file first)


class JsonDocReader(MessageReader):
    """Reads a JSON document message; records carry their index (``line`` is None)."""

    format = "json"

    def _read_header(self) -> MessageHeader:
        self._items = self._document(self._f)
        first = next(self._items, None)
        if first is not None and first[0] == HEADER:
            return self._header(first[1])
        # Records come first: find the header in a separate pass, then read from the start again.
        self._items.close()
        with open_binary(self.path) as f:
            for kind, value in self._document(f, headers_only=True):
                if kind == HEADER:
                    header = self._header(value)
                    break
            else:
                raise HeaderError(f"文档没有 {HEADER} 成员", f"the document has no {HEADER} member")
        self._f.seek(0)
        self._items = self._document(self._f, skip_header=True)
        return header

    def _header(self, value: Any) -> MessageHeader:
        return parse_header(value, self.spec, file=self.file)

    def _records(self) -> Iterator[Record]:
        rules = self.rules
        index = 0
        for _, value in self._items:
            yield rules.from_json(value, index)
            index += 1

    def _document(
        self, f: BinaryIO, *, headers_only: bool = False, skip_header: bool = False
    ) -> Generator[tuple[str, Any], None, None]:
        """(``header``, value) and (``records``, record value) pairs in document order, checked for shape."""
        start = len(UTF8_BOM) if f.read(len(UTF8_BOM)) == UTF8_BOM else 0
        f.seek(start)
        source = _Counting(f, start)
        events = BACKEND.basic_parse(source, use_float=False)
        seen: set[str] = set()
        try:
            event, _ = next(events, _EOF)
            if event != "start_map":
                raise StructureError(
                    "JSON 报文应为一个对象", "a JSON message is one object", offset=source.pos if event == "eof" else 0
                )
            for event, value in events:
                if event == "end_map":
                    break
                name = value  # top level: only member names and the end of the object arrive here
                if name in seen:
                    raise DuplicateMemberError(f"成员 {name!r} 重复出现", f"member {name!r} appears twice")
                seen.add(name)
                if name == HEADER:
                    event, value = next(events, _EOF)
                    header = self._value(events, event, value, None)
                    if not skip_header:
                        yield HEADER, header
                elif name == RECORDS:
                    event, value = next(events, _EOF)
                    if event != "start_array":
                        raise StructureError(f"{RECORDS} 应为数组", f"{RECORDS} must be an array", offset=source.pos)
                    index = 0
                    for event, value in events:
                        if event == "end_array":
                            break
                        record = self._value(events, event, value, index)
                        if not headers_only:
                            yield RECORDS, record
                        index += 1
                else:
                    raise StructureError(
                        f"报文只有 {HEADER} 与 {RECORDS} 两个成员，多了 {name!r}",
                        f"a message has only {HEADER} and {RECORDS}; unexpected member {name!r}",
                    )
            for _ in events:  # drains to the end, so trailing garbage is reported
                pass
            if RECORDS not in seen and not headers_only:
                raise StructureError(f"文档没有 {RECORDS} 成员", f"the document has no {RECORDS} member")
        except ijson.JSONError as exc:
            raise self._parse_error(exc, source.pos) from None
        except ExchangeError as exc:
            raise exc.locate(offset=source.pos) from None

    def _value(self, events: Iterator[tuple[str, Any]], event: str, value: Any, index: int | None) -> Any:
        """Build one value from its first event and the events that follow (records are small)."""
        if event not in _START:
            return self._scalar(event, value, None, index)
        root: Any = {} if event == "start_map" else []
        stack = [root]
        key = ""
        for event, value in events:
            top = stack[-1]
            if event == "map_key":
                if value in top:
                    raise DuplicateMemberError(
                        f"成员 {value!r} 重复出现", f"member {value!r} appears twice", index=index
                    )
                key = value
                continue
            if event in _END:
                stack.pop()
                if not stack:
                    return root
                continue
            item: Any = (
                ({} if event == "start_map" else []) if event in _START else self._scalar(event, value, key, index)
            )
            if type(top) is dict:
                top[key] = item
            else:
                top.append(item)
            if event in _START:
                stack.append(item)
        raise StructureError("值不完整", "incomplete value", index=index)  # pragma: no cover - ijson raises first

    @staticmethod
    def _scalar(event: str, value: Any, key: str | None, index: int | None) -> Any:
        if event == "number" and type(value) is not int:
            at = f"（成员 {key!r}）" if key else ""
            at_en = f" (member {key!r})" if key else ""
            raise NonIntegerNumberError(
                f"数值 {value} 不是整数{at}；小数须以字符串书写",
                f"the number {value} is not an integer{at_en}; decimals are written as strings",
                index=index,
            )
        return value

    def _parse_error(self, exc: Exception, offset: int) -> ExchangeError:
        text = str(exc.args[0] if exc.args else exc)
        if isinstance(exc.args[0] if exc.args else None, bytes):
            text = exc.args[0].decode("utf-8", "replace")
        first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
        if "UTF8" in first or "UTF-8" in first:
            return EncodingError(
                "JSON 报文必须使用 UTF-8 编码：有无效字节",
                f"a JSON message must be UTF-8: invalid bytes ({first})",
                file=self.file,
                offset=offset,
            )
        truncated = "premature EOF" in first or "Incomplete" in first
        if truncated:
            return self.broken(
                f"文件在第 {offset} 字节处中途结束（{first}）",
                f"the file ends in the middle of the message at byte {offset} ({first})",
                truncated=True,
                offset=offset,
            )
        return self.broken(
            f"不是有效的 JSON（{first}），出错位置不晚于第 {offset} 字节",
            f"not valid JSON ({first}), at or before byte {offset}",
            truncated=False,
            offset=offset,
        )


class JsonDocEncoder(Encoder):
    """``{"header":{…},"records":[…]}`` on one line, members in canonical order."""

    format = "json"

    def prefix(self, header: MessageHeader) -> bytes:
        return (
            b'{"' + HEADER.encode() + b'":' + dumps(header_data(header, self.spec)) + b',"' + RECORDS.encode() + b'":['
        )

    def record(self, record: Record, canonical: bytes, first: bool) -> bytes:
        return canonical if first else b"," + canonical

    def suffix(self) -> bytes:
        return b"]}\n"
