"""One JSON value (a record, a header) parsed strictly, in linear time, within documented limits.

Both JSON readers hand each record's bytes to :func:`parse_value`, so JSON Lines and JSON documents
refuse the same things the same way: bytes that are not UTF-8 (raw surrogates included), strings holding
a lone surrogate escape such as ``"\\ud800"`` (no Unicode character; never replaced by ``?``), numbers
that are not integers, members given twice, and anything beyond the limits below. Python's own ``json``
scanner does the parsing (linear in the size of the value); the limits keep a hostile file from costing
unbounded time or memory and are reported as :class:`LimitError` findings, never as a crash.
"""

from __future__ import annotations

import json
import re
from typing import Any, NoReturn

from sedata.exchange.errors import (
    DuplicateMemberError,
    EncodingError,
    ExchangeError,
    LimitError,
    NonIntegerNumberError,
)

MAX_VALUE_BYTES = 16 << 20
"""Largest record or header, in bytes (a JSON Lines line, a record of a JSON document): 16 MiB."""
MAX_DEPTH = 64
"""Deepest nesting of arrays and objects counted from the top of the file (a record needs fewer than 10)."""
MAX_NUMBER_DIGITS = 1000
"""Longest number, in characters: far beyond any quantity of the spec and below Python's int-digit limit."""

_BRACKETS = re.compile(r'[\[\]{}]|"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SHOWN = 40  # characters of a refused number quoted in a message


class JsonSyntax(ValueError):
    """Not valid JSON: ``pos`` is the byte offset in the value, ``msg`` the parser's reason."""

    def __init__(self, msg: str, pos: int):
        self.msg, self.pos = msg, pos
        super().__init__(msg)


class _NonInteger(ValueError):
    pass


class _TooLong(ValueError):
    pass


class _Duplicate(ValueError):
    pass


def _refuse_number(text: str) -> NoReturn:
    raise _NonInteger(text)


def _integer(text: str) -> int:
    if len(text) > MAX_NUMBER_DIGITS:
        raise _TooLong(text)
    return int(text)


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for name, _ in pairs:
            if name in seen:
                raise _Duplicate(name)
            seen.add(name)
    return obj


_DECODER = json.JSONDecoder(
    parse_float=_refuse_number, parse_int=_integer, parse_constant=_refuse_number, object_pairs_hook=_unique
)


def shown(text: str) -> str:
    """``text`` for a message: cut to a few dozen characters, with its length when cut."""
    return text if len(text) <= _SHOWN else f"{text[:_SHOWN]}…({len(text)})"


def depth_error(offset: int | None) -> LimitError:
    """The error for nesting deeper than :data:`MAX_DEPTH`."""
    return LimitError(
        f"数组与对象嵌套超过 {MAX_DEPTH} 层", f"arrays and objects nested deeper than {MAX_DEPTH} levels", offset=offset
    )


def size_error(size: int, offset: int | None = None) -> LimitError:
    """The error for a record or header longer than :data:`MAX_VALUE_BYTES`."""
    return LimitError(
        f"一条记录（或报文头）超过 {MAX_VALUE_BYTES} 字节（已读到 {size}）",
        f"a record (or the header) is longer than {MAX_VALUE_BYTES} bytes ({size} read so far)",
        offset=offset,
    )


def decode_at(text: str, idx: int, depth: int = 0, index: int | None = None) -> tuple[Any, int]:
    """Parse the JSON value that starts at ``text[idx]``; return it and the index just past it.

    ``depth`` is how many arrays and objects stand around it in the file. Raises ``json.JSONDecodeError``
    for invalid (or, in a buffer, incomplete) JSON, and an :class:`ExchangeError` for a number that is not
    an integer or too long, a repeated member, a lone surrogate or nesting beyond :data:`MAX_DEPTH`.
    """
    try:
        value, end = _DECODER.raw_decode(text, idx)
    except (_NonInteger, _TooLong, _Duplicate, RecursionError) as exc:
        raise _refused(exc, index) from None
    _check(value, text, idx, end, depth, index)
    return value, end


def _refused(exc: Exception, index: int | None) -> ExchangeError:
    if isinstance(exc, _NonInteger):
        return NonIntegerNumberError(
            f"数值 {shown(str(exc))} 不是整数；小数须以字符串书写",
            f"the number {shown(str(exc))} is not an integer; decimals are written as strings",
            index=index,
        )
    if isinstance(exc, _TooLong):
        return LimitError(
            f"数值 {shown(str(exc))} 超过 {MAX_NUMBER_DIGITS} 位",
            f"the number {shown(str(exc))} is longer than {MAX_NUMBER_DIGITS} digits",
            index=index,
        )
    if isinstance(exc, _Duplicate):
        name = shown(str(exc))
        return DuplicateMemberError(f"成员 {name!r} 重复出现", f"member {name!r} appears twice", index=index)
    return depth_error(None).locate(index=index)  # RecursionError: deeper than the parser goes


def _check(value: Any, text: str, idx: int, end: int, depth: int, index: int | None) -> None:
    """The checks the parser does not make: nesting depth and lone surrogates (each cheap to rule out)."""
    if text.count("[", idx, end) + text.count("{", idx, end) + depth > MAX_DEPTH:
        for m in _BRACKETS.finditer(text, idx, end):
            c = text[m.start()]
            if c in "[{":
                depth += 1
                if depth > MAX_DEPTH:
                    raise depth_error(None).locate(index=index)
            elif c in "]}":
                depth -= 1
    if text.find("\\u", idx, end) >= 0 and _SURROGATE_ESCAPE.search(text, idx, end) is not None:
        _check_surrogates(value, index)


def parse_value(raw: bytes, depth: int = 0, *, index: int | None = None) -> Any:
    """Parse one JSON value (white space around it allowed) from UTF-8 bytes under the limits.

    Raises :class:`JsonSyntax` for invalid JSON and an :class:`ExchangeError` for everything else; offsets
    in both are relative to ``raw``.
    """
    if len(raw) > MAX_VALUE_BYTES:
        raise size_error(len(raw), 0)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise encoding_error(raw, exc.start, exc.reason) from None
    try:
        value = _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise JsonSyntax(exc.msg, len(text[: exc.pos].encode("utf-8"))) from None
    except (_NonInteger, _TooLong, _Duplicate, RecursionError) as exc:
        raise _refused(exc, index) from None
    # The cheap tests on the bytes (faster than on text) rule out nearly every value before _check runs.
    if raw.count(b"[") + raw.count(b"{") + depth > MAX_DEPTH or raw.find(b"\\u") >= 0:
        _check(value, text, 0, len(text), depth, index)
    return value


def encoding_error(raw: bytes, at: int, reason: str) -> EncodingError:
    """The error for bytes that are not UTF-8 at ``raw[at]`` (a UTF-8-encoded surrogate named as such)."""
    surrogate = raw[at : at + 1] == b"\xed" and raw[at + 1 : at + 2] >= b"\xa0"
    what = "代理码位的 UTF-8 编码（不是字符）" if surrogate else "无效字节"
    what_en = "a UTF-8-encoded surrogate (no character)" if surrogate else f"invalid bytes ({reason})"
    # A fault of the file's bytes, not of a record: no record index.
    return EncodingError(f"JSON 必须使用 UTF-8 编码：有{what}", f"JSON must be UTF-8: {what_en}", offset=at)


def _check_surrogates(value: Any, index: int | None) -> None:
    # Escapes of surrogate pairs (emoji) are fine; one standing alone decodes to no character at all.
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        escape = f"\\u{ord(exc.object[exc.start]):04x}"
        raise EncodingError(
            f"字符串含孤立的代理码位 {escape}（不是 Unicode 字符）",
            f"a string holds a lone surrogate {escape} (no Unicode character)",
            index=index,
        ) from None
