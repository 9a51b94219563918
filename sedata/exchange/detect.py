"""Which of the three formats a file holds, told from its first bytes (the extension only names a default).

``<`` first (after a byte-order mark and white space) is XML. ``{`` is JSON: JSON Lines when the first
line is a complete object holding only ``header``, otherwise one JSON document. JSON is UTF-8 only, so
UTF-16/UTF-32 text that is not XML is refused here with that reason.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import BinaryIO, Literal

from sedata.exchange.errors import EncodingError, FileAccessError, UnknownFormatError
from sedata.spec.envelope import HEADER

Format = Literal["json", "jsonl", "xml"]
FORMATS: tuple[Format, ...] = ("json", "jsonl", "xml")
EXTENSIONS: dict[str, Format] = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".xml": "xml"}

UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# A JSON Lines header line is a few hundred bytes; a first line longer than this is a JSON document.
_FIRST_LINE_LIMIT = 1 << 20
_WHITESPACE = b" \t\r\n"


def format_from_extension(path: str | os.PathLike[str]) -> Format | None:
    """The format a file name's extension suggests (``.json``, ``.jsonl``/``.ndjson``, ``.xml``), or None."""
    return EXTENSIONS.get(Path(path).suffix.lower())


def format_name(name: str) -> Format:
    """Check a format name given by a caller."""
    for fmt in FORMATS:
        if name == fmt:
            return fmt
    raise UnknownFormatError(
        f"未知格式 {name!r}（可用：{', '.join(FORMATS)}）",
        f"unknown format {name!r} (use one of: {', '.join(FORMATS)})",
    )


def open_binary(path: str | os.PathLike[str]) -> BinaryIO:
    """Open ``path`` for reading bytes, turning OS errors into :class:`FileAccessError`."""
    try:
        return open(path, "rb")
    except OSError as exc:
        raise FileAccessError(
            f"无法打开文件：{exc.strerror}", f"cannot open the file: {exc.strerror}", file=str(path)
        ) from None


def detect_format(path: str | os.PathLike[str]) -> Format:
    """The format of the message in ``path``, from its content."""
    name = str(path)
    try:
        with open(path, "rb") as f:
            head = f.read(64)
            if head.startswith(_UTF16_BOMS) or b"\x00" in head[:4]:
                return _wide(head, name)
            start = len(UTF8_BOM) if head.startswith(UTF8_BOM) else 0
            f.seek(start)
            first = _first_non_space(f)
            if first is None:
                raise UnknownFormatError("文件为空", "the file is empty", file=name)
            if first == b"<":
                return "xml"
            if first != b"{":
                raise UnknownFormatError(
                    f"不是 JSON 或 XML 报文（以 {first!r} 开头）",
                    f"not a JSON or XML message (it starts with {first!r})",
                    file=name,
                )
            f.seek(start)
            line = f.readline(_FIRST_LINE_LIMIT)
    except OSError as exc:
        raise FileAccessError(
            f"无法读取文件：{exc.strerror}", f"cannot read the file: {exc.strerror}", file=name
        ) from None
    return "jsonl" if _is_header_line(line) else "json"


def _first_non_space(f: BinaryIO) -> bytes | None:
    while True:
        chunk = f.read(4096)
        if not chunk:
            return None
        stripped = chunk.lstrip(_WHITESPACE)
        if stripped:
            return stripped[:1]


def _wide(head: bytes, name: str) -> Format:
    # UTF-16 is legal for XML (the XML declaration or BOM says so) but never for JSON here.
    if head.startswith(_UTF16_BOMS):
        codec = "utf-16"
    elif head[:2] == b"<\x00":
        codec = "utf-16-le"
    elif head[:2] == b"\x00<":
        codec = "utf-16-be"
    else:
        codec = ""
    text = head.decode(codec, errors="ignore").lstrip("\ufeff \t\r\n") if codec else ""
    if text.startswith("<"):
        return "xml"
    raise EncodingError(
        "JSON 报文必须使用 UTF-8 编码（本文件看似 UTF-16 或 UTF-32）",
        "a JSON message must be UTF-8 (this file looks like UTF-16 or UTF-32)",
        file=name,
        offset=0,
    )


def _is_header_line(line: bytes) -> bool:
    if len(line) >= _FIRST_LINE_LIMIT and not line.endswith(b"\n"):
        return False
    try:
        value = json.loads(line.decode("utf-8").lstrip("\ufeff"))
    except (UnicodeDecodeError, ValueError):
        return False
    return isinstance(value, dict) and list(value) == [HEADER]
