"""The one exception family of reading and writing messages: where it happened, a stable code, zh + en text.

Every error a reader or writer raises is an :class:`ExchangeError`. It names the file and, where known,
the line, the byte offset and the record index (``records[i]``, counted from 0), and for a broken file
the last record that was read whole. ``code`` is stable and meant for programs; ``zh`` (normative) and
``en`` are for people. The CLI prints both and never a traceback.
"""

from __future__ import annotations

from typing import ClassVar


class ExchangeError(Exception):
    """Base of every exchange error: a stable ``code``, Chinese and English text, and the location."""

    code: ClassVar[str] = "exchange-error"

    def __init__(
        self,
        zh: str,
        en: str,
        *,
        file: str | None = None,
        line: int | None = None,
        offset: int | None = None,
        index: int | None = None,
        last_good: int | None = None,
        column: int | None = None,
    ) -> None:
        self.zh, self.en = zh, en
        self.file, self.line, self.offset, self.index, self.last_good = file, line, offset, index, last_good
        self.column = column
        """Column (from 1, in characters) on ``line``, where the reader knows it."""
        super().__init__(self.message())

    def where(self) -> str:
        """The location as ``file:line (byte N, records[i])``, empty when nothing is known."""
        head = self.file or ""
        if self.line is not None:
            head = f"{head}:{self.line}" if head else f"line {self.line}"
            if self.column is not None:
                head = f"{head}:{self.column}"
        extra = []
        if self.offset is not None:
            extra.append(f"byte {self.offset}")
        if self.index is not None:
            extra.append(f"records[{self.index}]")
        return f"{head} ({', '.join(extra)})" if extra else head

    def message(self) -> str:
        """``[code] where: zh / en`` on one line."""
        where = self.where()
        return f"[{self.code}] {where + ': ' if where else ''}{self.zh} / {self.en}"

    def locate(
        self,
        *,
        file: str | None = None,
        line: int | None = None,
        offset: int | None = None,
        index: int | None = None,
    ) -> ExchangeError:
        """Fill in location parts that are still unknown (for errors raised below the reader); return self."""
        self.file = self.file or file
        self.line = self.line if self.line is not None else line
        self.offset = self.offset if self.offset is not None else offset
        self.index = self.index if self.index is not None else index
        self.args = (self.message(),)
        return self


class FileAccessError(ExchangeError):
    """The file cannot be opened, read or written (missing, a folder, no permission, disk full)."""

    code = "file-access"


class UnknownFormatError(ExchangeError):
    """The content is neither JSON, JSON Lines nor XML (or the file is empty), or a format name is unknown."""

    code = "unknown-format"


class EncodingError(ExchangeError):
    """JSON that is not UTF-8, XML in an encoding that is not declared or not supported, or invalid bytes."""

    code = "encoding"


class UnsafeXmlError(ExchangeError):
    """A DOCTYPE, DTD or entity declaration: refused before parsing, so nothing is expanded or fetched."""

    code = "unsafe-xml"


class MalformedError(ExchangeError):
    """Not well-formed JSON or XML."""

    code = "malformed"


class TruncatedError(MalformedError):
    """The file ends in the middle of the message: ``last_good`` is the last record read whole."""

    code = "truncated"


class TrailingContentError(MalformedError):
    """More content follows the end of the message (a second message, garbage): every record was read first."""

    code = "trailing-content"


class LimitError(ExchangeError):
    """A reading limit was exceeded (a number, string, record or attribute too long, nesting too deep …).

    The limits keep a hostile file from costing more than linear time or a bounded amount of memory; each
    is documented where it is defined and named in the message.
    """

    code = "limit"


class StructureError(ExchangeError):
    """Well-formed, but not a message: wrong members or elements, wrong types, records the message may not carry."""

    code = "structure"


class NonIntegerNumberError(StructureError):
    """A JSON number that is not an integer: decimals travel as strings, so a float is refused, not rounded."""

    code = "non-integer-number"


class DuplicateMemberError(StructureError):
    """A JSON member or a single-valued XML element given twice: parsers disagree which one counts."""

    code = "duplicate-member"


class HeaderError(ExchangeError):
    """The header is missing or does not validate against the ``MessageHeader`` model."""

    code = "header-invalid"


class UnknownSpecVersionError(HeaderError):
    """The header declares a spec version (or the XML a namespace) this release does not know."""

    code = "unknown-spec-version"


class UnknownMessageTypeError(HeaderError):
    """The header declares a message type the spec does not define."""

    code = "unknown-message-type"


class IntegrityError(ExchangeError):
    """What was read does not match the header's record count or digest."""

    code = "integrity"

    def __init__(self, zh: str, en: str, *, expected: str | int, actual: str | int, file: str | None = None) -> None:
        self.expected, self.actual = expected, actual
        super().__init__(zh, en, file=file)


class CountMismatchError(IntegrityError):
    """The header's ``recordCount`` differs from the number of records in the file."""

    code = "count-mismatch"


class DigestMismatchError(IntegrityError):
    """The header's ``digest`` differs from the digest of the records in the file: something was altered."""

    code = "digest-mismatch"


class DigestUnavailableError(ExchangeError):
    """The digest algorithm is unknown, or this Python's OpenSSL does not provide it (SM3 on some builds)."""

    code = "digest-unavailable"


class UnwritableRecordError(ExchangeError):
    """A record that cannot travel losslessly in every format (wrong value type, unknown field, empty list …)."""

    code = "unwritable-record"
