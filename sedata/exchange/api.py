"""The public entry points: open, read, iterate, write, convert and summarise messages in any format."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NoReturn

from sedata.elements import MessageHeader
from sedata.elements._core import SpecModel
from sedata.exchange.detect import Format, detect_format, format_from_extension, format_name
from sedata.exchange.errors import IntegrityError, UnknownFormatError
from sedata.exchange.header import DEFAULT_DIGEST, header_data, new_header
from sedata.exchange.jsondoc import JsonDocEncoder, JsonDocReader
from sedata.exchange.jsonl import JsonlEncoder, JsonlReader
from sedata.exchange.reader import MessageReader
from sedata.exchange.records import Record
from sedata.exchange.writer import Encoder, write_canonical, write_message
from sedata.exchange.xmldoc import XmlEncoder, XmlReader
from sedata.spec import Spec, current
from sedata.spec.envelope import HEADER, RECORDS, SNAPSHOT

READERS: dict[Format, type[MessageReader]] = {"json": JsonDocReader, "jsonl": JsonlReader, "xml": XmlReader}
ENCODERS: dict[Format, type[Encoder]] = {"json": JsonDocEncoder, "jsonl": JsonlEncoder, "xml": XmlEncoder}

PathLike = str | os.PathLike[str]
RecordLike = Record | SpecModel | dict[str, Any]


def open_message(path: PathLike, spec: Spec | None = None) -> MessageReader:
    """Open a message (format from its content) for streaming: ``.header``, ``.format``, iterate for records."""
    return READERS[detect_format(path)](path, spec)


@dataclass
class Message:
    """A whole message in memory (for small files): header, format read from, and records."""

    header: MessageHeader
    format: Format
    records: list[Record] = field(default_factory=list)

    def to_json_data(self, spec: Spec | None = None) -> dict[str, Any]:
        """The canonical document ``{"header": …, "records": […]}`` (the same whatever format it came from)."""
        spec = spec or current()
        return {HEADER: header_data(self.header, spec), RECORDS: [r.to_json_data(spec) for r in self.records]}


def read(path: PathLike, spec: Spec | None = None) -> Message:
    """Read a whole message, count and digest checked (keeps every record in memory: for small files)."""
    with open_message(path, spec) as reader:
        return Message(reader.header, reader.format, list(reader))


def iter_records(path: PathLike, spec: Spec | None = None) -> Iterator[Record]:
    """The records of a message one at a time; count and digest are checked after the last one."""
    with open_message(path, spec) as reader:
        yield from reader


def write(
    path: PathLike,
    records: Iterable[RecordLike],
    *,
    header: MessageHeader | None = None,
    message_type: str | None = None,
    sender: str | None = None,
    receiver: str | None = None,
    sequence: int = 1,
    mode: str = SNAPSHOT,
    format: str | None = None,
    digest_algorithm: str | None = None,
    spec: Spec | None = None,
) -> MessageHeader:
    """Write a message atomically in constant memory; return the header written (count and digest filled).

    Give either ``header`` (kept as it is but for count, digest and, if named, ``digest_algorithm``) or
    ``message_type``, ``sender`` and ``receiver`` for a new one. The format is ``format``, else the
    extension of ``path`` (``.json``, ``.jsonl``, ``.xml``), else JSON.
    """
    spec = spec or current()
    fmt = format_name(format) if format else (format_from_extension(path) or "json")
    if header is None:
        if message_type is None or sender is None or receiver is None:
            raise TypeError(
                "write() needs header=, or message_type=, sender= and receiver= / 须给出报文头或报文类型与收发方"
            )
        header = new_header(
            message_type,
            sender,
            receiver,
            sequence,
            mode,
            digest_algorithm=digest_algorithm or DEFAULT_DIGEST,
            spec=spec,
        )
    elif digest_algorithm and digest_algorithm != header.digest_algorithm:
        header = header.model_copy(update={"digest_algorithm": digest_algorithm})
    return write_message(path, ENCODERS[fmt], header, records, spec)


def convert(
    source: PathLike,
    target: PathLike,
    to: str | None = None,
    *,
    digest_algorithm: str | None = None,
    spec: Spec | None = None,
) -> MessageHeader:
    """Convert a message to another format (``to``, else the target's extension); the header is kept as is.

    The source's count and digest are checked while it streams through; the written message carries the
    same digest, since the digest is over the canonical form, unless ``digest_algorithm`` changes it.
    """
    spec = spec or current()
    fmt = format_name(to) if to else format_from_extension(target)
    if fmt is None:
        _raise_unknown_target(target)
    with open_message(source, spec) as reader:
        header = reader.header
        if digest_algorithm and digest_algorithm != header.digest_algorithm:
            # Another algorithm means another digest: the records go through write() and are digested anew.
            return write(target, reader, header=header, format=fmt, digest_algorithm=digest_algorithm, spec=spec)
        return write_canonical(target, ENCODERS[fmt], header, reader.with_canonical(), spec)


def _raise_unknown_target(target: PathLike) -> NoReturn:
    """Refuse a conversion whose target format is neither given nor told by the extension."""
    raise UnknownFormatError(
        "无法由目标文件扩展名判断格式，请用 --to 指定 json、jsonl 或 xml",
        "cannot tell the target format from its extension; name it with --to json, jsonl or xml",
        file=str(target),
    )


@dataclass
class Summary:
    """What ``inspect`` reports: header, format, counts per record type and operation, integrity."""

    header: MessageHeader
    format: Format
    counts: Counter[tuple[str, str | None]]
    records: int
    digest: str | None
    verified: bool
    problem: IntegrityError | None


def summarize(path: PathLike, spec: Spec | None = None) -> Summary:
    """Read a message through, counting records per type and operation; integrity problems are reported."""
    counts: Counter[tuple[str, str | None]] = Counter()
    problem: IntegrityError | None = None
    with open_message(path, spec) as reader:
        try:
            for record in reader:
                counts[record.type, record.operation] += 1
        except IntegrityError as exc:
            problem = exc
        return Summary(reader.header, reader.format, counts, reader.count, reader.digest, reader.verified, problem)
