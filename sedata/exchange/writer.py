"""Writing a message in constant memory, atomically.

The header comes first in every format but holds the record count and digest, known only after the
last record. So the body is spooled to a temporary file next to the target while it is digested; then
header, body and closing markup go to a second temporary file that replaces the target in one rename.
A reader never sees a half-written message, and a failed write leaves the old target untouched.
"""

from __future__ import annotations

import os
import shutil
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, ClassVar

from sedata.elements import MessageHeader
from sedata.elements._core import SpecModel
from sedata.exchange.detect import Format
from sedata.exchange.errors import ExchangeError, FileAccessError
from sedata.exchange.header import check_digest_algorithm
from sedata.exchange.records import Digester, Record, canonical_line
from sedata.exchange.rules import MessageRules
from sedata.io import OutputError
from sedata.io import output as safe
from sedata.spec import Spec

_COPY_BUFFER = 1 << 20


class Encoder(ABC):
    """How one format lays out a message: the bytes before, of each record, and after."""

    format: ClassVar[Format]

    def __init__(self, spec: Spec, rules: MessageRules):
        self.spec = spec
        self.rules = rules

    @abstractmethod
    def prefix(self, header: MessageHeader) -> bytes:
        """Everything before the first record (the header included)."""

    @abstractmethod
    def record(self, record: Record, canonical: bytes, first: bool) -> bytes:
        """The bytes of one record; ``canonical`` is its ``canonical_line``, already computed for the digest."""

    @abstractmethod
    def suffix(self) -> bytes:
        """Everything after the last record."""


def write_message(
    path: str | os.PathLike[str],
    encoder_type: type[Encoder],
    template: MessageHeader,
    records: Iterable[Record | SpecModel | dict[str, Any]],
    spec: Spec,
) -> MessageHeader:
    """Write ``records`` under ``template`` (count and digest replaced) to ``path``; return the header written."""
    rules = MessageRules(template, spec)

    def lines() -> Iterator[tuple[Record, bytes]]:
        for index, item in enumerate(records):
            record = rules.writable(item, index)
            yield record, canonical_line(record, spec)

    return _write(path, encoder_type, rules, lines(), spec)


def write_canonical(
    path: str | os.PathLike[str],
    encoder_type: type[Encoder],
    template: MessageHeader,
    pairs: Iterable[tuple[Record, bytes]],
    spec: Spec,
) -> MessageHeader:
    """Like :func:`write_message` for records that come with their canonical line (from a reader)."""
    rules = MessageRules(template, spec)

    def checked() -> Iterator[tuple[Record, bytes]]:
        for record, line in pairs:
            rules.check_writable(record)
            yield record, line

    return _write(path, encoder_type, rules, checked(), spec)


def _write(
    path: str | os.PathLike[str],
    encoder_type: type[Encoder],
    rules: MessageRules,
    pairs: Iterator[tuple[Record, bytes]],
    spec: Spec,
) -> MessageHeader:
    target = Path(path)
    template = rules.header
    check_digest_algorithm(template.digest_algorithm, spec)
    encoder = encoder_type(spec, rules)
    digester = Digester(template.digest_algorithm, spec)
    body_path = final_path = None
    try:
        safe.check_target(target)  # never a device, FIFO, folder or symbolic link, even as root
        body_path, body = _temporary(target, ".body")
        with body:
            first = True
            for record, line in pairs:
                digester.add_line(line)
                body.write(encoder.record(record, line, first))
                first = False
        header = template.model_copy(update={"record_count": digester.count, "digest": digester.hexdigest()})
        final_path, out = _temporary(target, ".part")
        with out, open(body_path, "rb") as spooled:
            out.write(encoder.prefix(header))
            shutil.copyfileobj(spooled, out, _COPY_BUFFER)
            out.write(encoder.suffix())
            out.flush()
            os.fsync(out.fileno())
        safe.commit(final_path, target)
        final_path = None
        return header
    except ExchangeError as exc:
        raise exc.locate(file=str(target)) from None
    except OutputError as exc:
        raise FileAccessError(exc.zh, exc.en, file=str(target)) from None
    except OSError as exc:
        raise FileAccessError(
            f"无法写入文件：{exc.strerror or exc}", f"cannot write the file: {exc.strerror or exc}", file=str(target)
        ) from None
    finally:
        safe.discard(body_path)
        safe.discard(final_path)


def _temporary(target: Path, suffix: str) -> tuple[Path, BinaryIO]:
    # Next to the target, so the final rename stays on one file system and is atomic; named so that a later
    # run removes it if this one is killed (safe.clean_stale).
    return safe.temporary(target, suffix, buffering=_COPY_BUFFER)
