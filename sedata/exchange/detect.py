"""Which of the three formats a file holds, told from its first bytes (the extension only names a default).

``<`` first (after a byte-order mark and white space) is XML. ``{`` is JSON: JSON Lines when the first
object holds only ``header`` (however long that line is) or the first line is a whole object that is no
message document (a record line: the JSON Lines reader then says the header line is missing), otherwise
one JSON document. JSON is UTF-8 only, so UTF-16 text that is not XML is refused here with that reason;
UTF-32 is refused for every format.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO, Literal

from sedata.exchange.errors import EncodingError, ExchangeError, FileAccessError, UnknownFormatError
from sedata.exchange.jsonscan import ScanError, Scanner
from sedata.exchange.jsonvalue import JsonSyntax, parse_value
from sedata.spec.envelope import HEADER, RECORDS

Format = Literal["json", "jsonl", "xml"]
FORMATS: tuple[Format, ...] = ("json", "jsonl", "xml")
EXTENSIONS: dict[str, Format] = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".xml": "xml"}

UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF32_STARTS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"<\x00\x00\x00", b"\x00\x00\x00<", b"{\x00\x00\x00")
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


_KINDS = (
    (stat.S_ISFIFO, "管道（FIFO）", "a pipe (FIFO)"),
    (stat.S_ISCHR, "字符设备", "a character device"),
    (stat.S_ISBLK, "块设备", "a block device"),
    (stat.S_ISSOCK, "套接字", "a socket"),
)


def _regular(path: str | os.PathLike[str]) -> None:
    """Refuse a pipe, device or socket before opening it (opening a FIFO nobody writes to never returns)."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return  # open() reports it (missing, no permission, a bad name) in its own words
    for test, zh, en in _KINDS:
        if test(mode):
            raise FileAccessError(
                f"不是普通文件，而是{zh}：报文读取器要在文件中来回定位（检测格式后再读取），请先存为文件",
                f"not a regular file but {en}: the reader seeks in the file (it detects the format, then "
                "reads), so save the stream to a file first",
                file=str(path),
            )


def open_binary(path: str | os.PathLike[str]) -> BinaryIO:
    """Open the regular file ``path`` for reading bytes, turning OS errors into :class:`FileAccessError`."""
    _regular(path)
    try:
        return open(path, "rb")
    except OSError as exc:
        raise FileAccessError(
            f"无法打开文件：{exc.strerror or exc}", f"cannot open the file: {exc.strerror or exc}", file=str(path)
        ) from None


def detect_format(path: str | os.PathLike[str]) -> Format:
    """The format of the message in ``path``, from its content."""
    name = str(path)
    _regular(path)
    try:
        with open(path, "rb") as f:
            head = f.read(64)
            if head.startswith(_UTF32_STARTS) or head[:3] == b"\x00\x00\x00":
                raise EncodingError(
                    "文件为 UTF-32 编码，不受支持（报文用 UTF-8；XML 也可声明 UTF-16、GB18030 或 GBK）",
                    "the file is UTF-32, which is not supported (messages are UTF-8; XML may also declare "
                    "UTF-16, GB18030 or GBK)",
                    file=name,
                    line=1,
                    offset=0,
                )
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
            return _json_kind(f, start)
    except OSError as exc:
        raise FileAccessError(
            f"无法读取文件：{exc.strerror or exc}", f"cannot read the file: {exc.strerror or exc}", file=name
        ) from None
    except ExchangeError as exc:
        raise exc.locate(file=name) from None


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


def _json_kind(f: BinaryIO, start: int) -> Format:
    """``jsonl`` or ``json`` for a file starting with ``{``, read only as far as the first member's value."""
    src = Scanner(f, start)
    try:
        src.expect("{", "{", "'{'")
        if src.peek() != '"':
            return "json"  # an empty or broken object: the document reader says what is wrong
        name = src.value(1)
        if name == RECORDS:
            return "json"
        if name == HEADER:
            src.expect(":", "冒号", "':'")
            src.value(1)
            return "jsonl" if src.peek() == "}" else "json"
    except (ScanError, ExchangeError):
        return "json"  # the document reader reports it, with its line and offset
    # Some other member first: a record line of JSON Lines without its header line, or a broken document.
    f.seek(start)
    line = f.readline(1 << 20)
    try:
        return "jsonl" if line.endswith(b"\n") and isinstance(parse_value(line), dict) else "json"
    except (JsonSyntax, ExchangeError):
        return "json"
