"""One JSON document ``{"header": {...}, "records": [...]}``, read one record at a time in linear time.

A small scanner walks the document's outer object and its ``records`` array and cuts out the bytes of
each record (skipping strings, counting brackets), and :func:`parse_value` parses them strictly, exactly
as a JSON Lines line is parsed. Memory stays that of one record, time is linear in the file's size, and
every limit of :mod:`sedata.exchange.jsonvalue` holds (record size, nesting depth, number length), so a
hostile document is a located finding, never a crash. Errors name the byte offset and the line.
JSON does not order members: when ``records`` comes before ``header``, a first pass finds the header and a
second one reads the records.

Records written in canonical form (every file sedata writes) take a fast path: a few hundred of them at a
time are parsed by one orjson call and proven, by orjson writing them back to the same bytes, to be what the
strict parser would read; their bytes as written are then their canonical lines, spared a second writing.
A batch that fails a proof is read one record at a time, and an odd record by the strict parser.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator, Sequence
from itertools import repeat
from typing import Any, BinaryIO

import orjson

from sedata.elements import MessageHeader
from sedata.exchange.detect import UTF8_BOM, open_binary
from sedata.exchange.errors import (
    DuplicateMemberError,
    EncodingError,
    ExchangeError,
    HeaderError,
    StructureError,
    TrailingContentError,
)
from sedata.exchange.header import header_data, parse_header
from sedata.exchange.jsonl import dumps
from sedata.exchange.jsonscan import ScanError, Scanner
from sedata.exchange.jsonvalue import MAX_DEPTH, shown
from sedata.exchange.reader import MessageReader
from sedata.exchange.records import Record, _in_order
from sedata.exchange.rules import json_type
from sedata.exchange.writer import Encoder
from sedata.spec.envelope import DATA, HEADER, RECORDS, envelope_names

BACKEND_NAME = "orjson, a batch of records at a time, for records in canonical form; json (standard library) for others"
"""What parses JSON documents (named by the benchmarks)."""

_FAST_WINDOW = 1 << 16
"""How far ahead the next record's start is looked for (a longer record is read by the strict parser)."""
_FAST_MISSES = 32
"""Records in a row the fast cut did not find, after which a document is read by the strict parser alone."""
_ORDERS_KEPT = 4096
"""Member lists whose canonical-order verdict a reading remembers (a file of ever-new ones stays bounded)."""
_BATCH_CHARS = 1 << 17
"""About how much of the records array one batch covers (several hundred records of an upload)."""

Item = tuple[str, Sequence[Any], Sequence["bytes | None"], bool]
"""What a document's walk yields: a member name, values (the header; one record, or a batch of them), each
record's bytes when written in canonical form (else None) and whether the records may hold a null (False
only for a batch that holds none)."""


class JsonDocReader(MessageReader):
    """Reads a JSON document message; records carry their index (``line`` is None), errors offset and line."""

    format = "json"

    def _read_header(self) -> MessageHeader:
        self._items = self._document(self._f)
        first = next(self._items, None)
        if first is not None and first[0] == HEADER:
            return self._header(first[1][0])
        # Records come first: find the header in a separate pass, then read from the start again.
        self._items.close()
        with open_binary(self.path) as f:
            for kind, values, *_ in self._document(f, headers_only=True):
                if kind == HEADER:
                    header = self._header(values[0])
                    break
            else:
                raise HeaderError(f"文档没有 {HEADER} 成员", f"the document has no {HEADER} member")
        self._f.seek(0)
        self._items = self._document(self._f, skip_header=True)
        return header

    _header_line: int | None = None

    def _header(self, value: Any) -> MessageHeader:
        return parse_header(value, self.spec, file=self.file, line=self._header_line)

    def _records(self) -> Iterator[Record]:
        for record, _ in self._records_with_lines():
            yield record

    def _records_with_lines(self) -> Iterator[tuple[Record, bytes | None]]:
        rules, spec = self.rules, self.spec
        names = rules.names
        order = (names.record_type, names.operation, names.record_key, names.record_version, DATA)
        rt, op, rk, rv = order[:4]
        seen: dict[tuple[Any, Any, Any], bool] = {}  # member lists repeat: their verdict, kept
        index = 0
        for _, values, raws, nulls in self._items:
            batch = _canonical_batch(values, order, spec, seen) if not nulls else None
            if batch is not None:
                # Every record of the batch its own canonical form: built at once, checked one by one as they go.
                for record, raw in zip(map(Record, *batch, range(index, index + len(values))), raws, strict=True):
                    rules.check(record)
                    yield record, raw
                index += len(values)
                continue
            for value, raw in zip(values, raws, strict=True):
                line = ok = None
                if raw is not None:  # an object written in canonical form: is it its own canonical form?
                    data, kind = value.get(DATA), value.get(rt)
                    if type(data) is dict and type(kind) is str:  # else no verdict (nor a hashable key)
                        members = (tuple(value), kind, tuple(data))
                        ok = seen.get(members)
                        if ok is None:
                            ok = _in_canonical_order(members, order, spec)
                            if len(seen) < _ORDERS_KEPT:
                                seen[members] = ok
                if ok:
                    # Members known and in order: what from_json builds, without its look for unknown members.
                    record = Record(kind, data, value.get(op), value.get(rk), value.get(rv), index)
                    rules.check(record)
                    if not nulls or not (None in value.values() or None in data.values()):
                        line = raw  # the bytes as written are the record's canonical line
                else:
                    record = rules.from_json(value, index)
                yield record, line
                index += 1

    def _document(
        self, f: BinaryIO, *, headers_only: bool = False, skip_header: bool = False
    ) -> Generator[Item, None, None]:
        """(``header``, value, None, True) and (``records``, record value, its bytes or None, whether it may hold
        a null) in document order, checked for shape. A record's bytes come with it when it was read by the
        fast paths (:func:`_batch`, :func:`_cut`)."""
        start = len(UTF8_BOM) if f.read(len(UTF8_BOM)) == UTF8_BOM else 0
        f.seek(start)
        src = Scanner(f, start)
        separator = ',{"' + envelope_names(self.spec).record_type + '":'
        misses = 0
        seen: set[str] = set()
        index: int | None = None
        at: tuple[int, int] | None = None  # offset and line of the member a structure error is about
        try:
            c = src.peek()
            if c != "{":
                kind = "" if c is None else f", not {json_type(_kind(c))}"
                raise StructureError("JSON 报文应为一个对象", f"a JSON message is one object{kind}")
            src.pos += 1
            if src.peek() == "}":
                src.pos += 1
            else:
                while True:
                    if src.peek() != '"':
                        src.expect('"', "成员名", "a member name")
                    at = src.offset(), src.line()
                    name = src.value(1)
                    src.expect(":", "冒号", "':'")
                    if name in seen:
                        raise DuplicateMemberError(
                            f"成员 {shown(name)!r} 重复出现", f"member {shown(name)!r} appears twice"
                        )
                    seen.add(name)
                    if name == HEADER:
                        src.peek()
                        self._header_line = src.line()
                        header = src.value(1)
                        if not skip_header:
                            yield HEADER, [header], [None], True
                    elif name == RECORDS:
                        c = src.peek()
                        if c != "[":
                            at = src.offset(), src.line()
                            kind = "nothing" if c is None else json_type(_kind(c))
                            raise StructureError(f"{RECORDS} 应为数组", f"{RECORDS} must be an array, not {kind}")
                        src.pos += 1
                        if src.peek() == "]":
                            src.pos += 1
                        else:
                            index = 0
                            slow = 0  # records to take one at a time: a batch around them failed its proofs
                            while True:
                                fast = misses < _FAST_MISSES and not headers_only and src.peek() == "{"
                                if fast and not slow:
                                    batch = _batch(src, separator)
                                    if isinstance(batch, int):
                                        slow = batch
                                    elif batch is not None:
                                        values, lines, nulls = batch
                                        yield RECORDS, values, lines, nulls
                                        index += len(values)
                                        src.expect(",", "逗号", "','")  # where the batch was cut
                                        continue
                                cut = None
                                if fast:
                                    cut = _cut(src.buf, src.pos, separator)
                                    misses = 0 if cut is not None else misses + 1
                                    slow = max(slow - 1, 0)
                                if cut is not None:
                                    record, raw, src.pos = cut
                                else:
                                    record, raw = src.value(2, index), None
                                if not headers_only:
                                    yield RECORDS, [record], [raw], True
                                index += 1
                                if src.expect(",]", "逗号或 ]", "',' or ']'") == "]":
                                    break
                            index = None
                    else:
                        raise StructureError(
                            f"报文只有 {HEADER} 与 {RECORDS} 两个成员，多了 {shown(name)!r}",
                            f"a message has only {HEADER} and {RECORDS}; unexpected member {shown(name)!r}",
                        )
                    if src.expect(",}", "逗号或 }", "',' or '}'") == "}":
                        break
            if headers_only and HEADER in seen:
                return
            if src.peek() is not None:
                raise self._trailing(src)
            if RECORDS not in seen and not headers_only:
                raise StructureError(f"文档没有 {RECORDS} 成员", f"the document has no {RECORDS} member")
        except ScanError as exc:
            raise self._syntax(exc.zh, exc.en, src, exc.at, exc.eof, index) from None
        except ExchangeError as exc:
            if exc.offset is None and at is not None:  # a structure error about the member at ``at``
                exc.offset, exc.line = at
            # Bad bytes are the file's, not a record's: no record index for an encoding error.
            raise exc.locate(index=None if isinstance(exc, EncodingError) else index) from None

    def _trailing(self, src: Scanner) -> TrailingContentError:
        at = src.offset()
        return TrailingContentError(
            f"第 {at} 字节起还有内容",
            f"more content from byte {at} on",
            file=self.file,
            line=src.line(),
            offset=at,
            last_good=self.count - 1 if self.count else None,
        )

    def _syntax(self, zh: str, en: str, src: Scanner, at: int, eof: bool, index: int | None) -> ExchangeError:
        offset, line, column = src.offset(at), src.line(at), src.column(at)
        if eof:
            return self.broken(
                f"文件在第 {offset} 字节处中途结束（{zh}）",
                f"the file ends in the middle of the message at byte {offset} ({en})",
                truncated=True,
                line=line,
                offset=offset,
                column=column,
            )
        err = self.broken(
            f"{zh}（第 {line} 行第 {column} 列，第 {offset} 字节）",
            f"{en} (line {line}, column {column}, byte {offset})",
            truncated=False,
            line=line,
            offset=offset,
            column=column,
        )
        err.index = index
        return err


def _batch(src: Scanner, separator: str) -> tuple[list[Any], list[bytes], bool] | int | None:
    """The records from ``src.pos`` up to the last record start in the next :data:`_BATCH_CHARS` or so, when
    all of them are written in canonical form: their values, their bytes and whether any may hold a null;
    ``src`` is then at the ``,`` before the next record. When one of them is not, the number of records to
    take one at a time (so one odd record costs one batch); None when no record start is found ahead.

    One orjson parse of the batch as an array, and orjson writing it back to the same bytes, prove for every
    record what :func:`_cut` proves for one. The record starts (``,{"recordType":``) then cut the batch into
    the records' bytes: each record is an object whose first member is the record type, so each boundary
    between two records is such a start, and as many starts as boundaries leave none nested in a record.
    """
    src.fill(_BATCH_CHARS)
    buf, pos = src.buf, src.pos
    end = buf.rfind(separator, pos, pos + 2 * _BATCH_CHARS)
    if end <= pos:
        return None
    raw = buf[pos:end].encode("utf-8")
    start = separator[1:].encode("utf-8")
    pieces = raw.split(b"," + start)
    whole = b"[" + raw + b"]"
    try:
        values = orjson.loads(whole)
    except orjson.JSONDecodeError:
        return len(pieces)
    kind = separator[3:-2]
    if (
        len(values) != len(pieces)
        or orjson.dumps(values) != whole
        or set(map(type, values)) != {dict}
        or set(map(next, map(iter, values), repeat(None))) != {kind}
    ):
        return len(pieces)
    lines = [pieces[0], *map(start.__add__, pieces[1:])]
    # orjson writes every float with a point or an exponent sign (a test holds it to that); "." and "+" are
    # found at memchr speed.
    if (b"." in raw or b"+" in raw or b"e-" in raw) and not all(map(_integers_only, values)):
        return len(pieces)
    # A record's nesting is at most its brackets; in the records array it is two deeper.
    deepest = max(map(bytes.count, lines, repeat(b"{"))) + max(map(bytes.count, lines, repeat(b"[")))
    if deepest + 2 > MAX_DEPTH and any(line.count(b"{") + line.count(b"[") + 2 > MAX_DEPTH for line in lines):
        return len(pieces)
    if pos == 0:
        src.drop(end, len(raw))  # the batch's bytes are counted: the scanner need not encode it again
    else:
        src.pos = end
    return values, lines, b"null" in raw


def _cut(buf: str, pos: int, separator: str) -> tuple[dict[str, Any], bytes, int] | None:
    """The record starting at ``buf[pos]``, its bytes and where it ends in ``buf``, when it is followed by the
    next record and written in canonical form (what sedata writes); else None, and the strict parser reads it.

    The next record's start (``,{"recordType":``) cannot lie in a string (its quotes would end the string), so
    a cut before it that orjson reads as one value is the whole record. orjson writing the value back to the
    same bytes proves what the strict parser would check: no member given twice, no escape or spacing that
    parses differently, integers within 64 bits; what orjson takes and the strict parser refuses (non-integer
    numbers, nesting beyond the limit) is tested for here.
    """
    end = buf.find(separator, pos, pos + _FAST_WINDOW)
    if end < 0:
        return None
    text = buf[pos:end]
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    raw = text.encode("utf-8")
    if type(value) is not dict or orjson.dumps(value) != raw or not _integers_only(value):
        return None
    if raw.count(b"[") + raw.count(b"{") + 2 > MAX_DEPTH:  # the record's own brackets, in the records array
        return None
    return value, raw, end


def _integers_only(value: Any) -> bool:
    """No JSON number in ``value`` (an object or array) that is not an integer: the strict parser refuses them."""
    for item in value.values() if type(value) is dict else value:
        kind = type(item)
        if kind is float or ((kind is dict or kind is list) and not _integers_only(item)):
            return False
    return True


def _canonical_batch(
    values: Sequence[Any], order: tuple[str, ...], spec: Any, seen: dict[tuple[Any, Any, Any], bool]
) -> tuple[list[Any], ...] | None:
    """A batch's record types, data, operations, keys and versions (what from_json takes from each record) when
    every record of it, written in canonical form and holding no null, has its members in canonical order (so
    none unknown); else None, and the records are taken one by one."""
    if len(values) < 2:
        return None
    kinds = list(map(dict.get, values, repeat(order[0])))
    datas: list[Any] = list(map(dict.get, values, repeat(DATA)))
    if set(map(type, kinds)) != {str} or set(map(type, datas)) != {dict}:
        return None
    members = list(zip(map(tuple, values), kinds, map(tuple, datas), strict=True))
    verdicts: list[bool | None] = list(map(seen.get, members))
    for i in [i for i, ok in enumerate(verdicts) if ok is None]:
        verdicts[i] = found = _in_canonical_order(members[i], order, spec)
        if len(seen) < _ORDERS_KEPT:
            seen[members[i]] = found
    if not all(verdicts):
        return None
    return kinds, datas, *(list(map(dict.get, values, repeat(name))) for name in order[1:4])


def _in_canonical_order(members: tuple[Any, Any, Any], order: tuple[str, ...], spec: Any) -> bool:
    """Whether a record with ``members`` (its member names, record type and data member names) has them in
    canonical order, a known record type and its data in spec order: then, holding no null, it is its own
    canonical form, and its bytes, proven to be orjson's writing of it, are its canonical line."""
    names, kind, data = members
    return (
        names == tuple(name for name in order if name in names)
        and kind in spec.entities
        and _in_order(kind, data, spec)
    )


def raw_header(path: str | os.PathLike[str]) -> Any:
    """The ``header`` member of a JSON document as written (unchecked), or None; reads no further than it."""
    with open_binary(path) as f:
        start = len(UTF8_BOM) if f.read(len(UTF8_BOM)) == UTF8_BOM else 0
        f.seek(start)
        src = Scanner(f, start)
        try:
            src.expect("{", "{", "'{'")
            while src.peek() == '"':
                name = src.value(1)
                src.expect(":", "冒号", "':'")
                value = src.value(1)
                if name == HEADER:
                    return value
                src.expect(",", "逗号", "','")
        except (ScanError, ExchangeError):
            return None
    return None


def _kind(c: str) -> Any:
    """A stand-in value of the JSON type that starts with character ``c`` (for messages)."""
    return {"{": {}, "[": [], '"': "", "t": True, "f": False, "n": None}.get(c, 0)


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
