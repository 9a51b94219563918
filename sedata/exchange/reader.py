"""What every format's reader does alike: header on open, records on iteration, then count and digest.

A format reader implements ``_read_header`` (called on open, so ``.header`` is there before the first
record) and ``_records``. The base folds each record into the running digest as it passes, and after
the last one compares count and digest with the header, so a message that lost or changed a record
never reads through cleanly.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, ClassVar

from sedata.elements import MessageHeader
from sedata.exchange.detect import Format, open_binary
from sedata.exchange.errors import (
    CountMismatchError,
    DigestMismatchError,
    ExchangeError,
    IntegrityError,
    MalformedError,
    TruncatedError,
)
from sedata.exchange.header import check_digest_algorithm
from sedata.exchange.records import Digester, Record, canonical_line
from sedata.exchange.rules import MessageRules
from sedata.spec import Spec, current


class MessageReader(ABC):
    """A message file opened for streaming: ``.header`` now, :class:`Record` objects on iteration."""

    format: ClassVar[Format]

    def __init__(self, path: str | os.PathLike[str], spec: Spec | None = None):
        self.path = Path(path)
        self.file = str(path)
        self.spec = spec or current()
        self.count = 0
        """Records read so far (all of them once iteration has finished)."""
        self.digest: str | None = None
        """The digest of the records read, once iteration has finished."""
        self.verified = False
        """True once every record was read and count and digest matched the header."""
        self._started = False
        self._f: BinaryIO = open_binary(path)
        try:
            self.header: MessageHeader = self._read_header()
            check_digest_algorithm(self.header.digest_algorithm, self.spec)
        except ExchangeError as exc:
            self.close()
            raise exc.locate(file=self.file) from None
        except BaseException:
            self.close()
            raise
        self.rules = MessageRules(self.header, self.spec)

    @abstractmethod
    def _read_header(self) -> MessageHeader:
        """Read up to the end of the header and return it, checked."""

    @abstractmethod
    def _records(self) -> Iterator[Record]:
        """The records in file order, each checked against ``self.rules``, with index (and line) set."""

    def _records_with_lines(self) -> Iterator[tuple[Record, bytes | None]]:
        """The records, each with its canonical line when the format reader already holds it, else None.

        A reader that finds a record written in canonical form says so, sparing a second serialisation.
        """
        for record in self._records():
            yield record, None

    def __iter__(self) -> Iterator[Record]:
        return (record for record, _ in self.with_canonical())

    def with_canonical(self) -> Iterator[tuple[Record, bytes]]:
        """Each record with its ``canonical_line`` (computed for the digest anyway; a converter reuses it)."""
        if self._started:
            raise RuntimeError("a message can be read once; open it again / 报文只能读取一次，请重新打开")
        self._started = True
        return self._checked()

    def _checked(self) -> Iterator[tuple[Record, bytes]]:
        digester = Digester(self.header.digest_algorithm, self.spec)
        spec = self.spec
        try:
            for record, known in self._records_with_lines():
                line = canonical_line(record, spec) if known is None else known
                digester.add_line(line)
                self.count = digester.count
                yield record, line
        except ExchangeError as exc:
            raise exc.locate(file=self.file) from None
        finally:
            self.close()
        self.digest = digester.hexdigest()
        problem = integrity_error(self.header, self.count, self.digest, self.file)
        if problem is not None:
            raise problem
        self.verified = True

    def broken(
        self,
        zh: str,
        en: str,
        *,
        truncated: bool,
        line: int | None = None,
        offset: int | None = None,
        column: int | None = None,
    ) -> MalformedError:
        """A malformed- or truncated-file error naming the last record read whole."""
        last = self.count - 1 if self.count else None
        good_zh = f"；最后一条完整记录为 records[{last}]" if last is not None else "；尚未读到完整记录"
        good_en = f"; the last complete record is records[{last}]" if last is not None else "; no complete record"
        cls = TruncatedError if truncated else MalformedError
        return cls(zh + good_zh, en + good_en, file=self.file, line=line, offset=offset, last_good=last, column=column)

    def position(self) -> int:
        """Bytes of the file read so far (the parser reads ahead a little): for progress bars."""
        try:
            return self._f.tell()
        except (OSError, ValueError):
            return 0  # closed, or a stream that cannot tell

    def close(self) -> None:
        """Close the file (iteration does this at its end)."""
        self._f.close()

    def __enter__(self) -> MessageReader:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def integrity_error(header: MessageHeader, count: int, digest: str, file: str) -> IntegrityError | None:
    """The error when ``count`` records with ``digest`` are not what ``header`` declares (None when they are)."""
    expected = header.record_count
    if count != expected:
        return CountMismatchError(
            f"记录数不符：报文头声明 {expected} 条，实际读到 {count} 条",
            f"record count mismatch: the header declares {expected}, the file holds {count}",
            expected=expected,
            actual=count,
            file=file,
        )
    if digest != header.digest:
        return DigestMismatchError(
            f"记录摘要不符（{header.digest_algorithm}）：报文头为 {header.digest}，"
            f"按读到的记录计算为 {digest}；记录有改动",
            f"digest mismatch ({header.digest_algorithm}): the header says {header.digest}, "
            f"the records read give {digest}; a record was altered",
            expected=header.digest,
            actual=digest,
            file=file,
        )
    return None
