"""Exchange: messages in JSON, JSON Lines and XML, read and written faithfully at any size.

``read(path)`` / ``iter_records(path)`` / ``open_message(path)`` read any of the three formats (told
from the content), checking the header against the spec and count and digest against the records;
``write(path, records, ...)`` writes one atomically in constant memory; ``convert`` goes between formats
without loss. Every error is an :class:`ExchangeError` with a stable code and Chinese and English text.
"""

from sedata.exchange.api import Message, Summary, convert, iter_records, open_message, read, summarize, write
from sedata.exchange.detect import FORMATS, Format, detect_format, format_from_extension
from sedata.exchange.errors import (
    CountMismatchError,
    DigestMismatchError,
    DigestUnavailableError,
    DuplicateMemberError,
    EncodingError,
    ExchangeError,
    FileAccessError,
    HeaderError,
    IntegrityError,
    LimitError,
    MalformedError,
    NonIntegerNumberError,
    StructureError,
    TrailingContentError,
    TruncatedError,
    UnknownFormatError,
    UnknownMessageTypeError,
    UnknownSpecVersionError,
    UnsafeXmlError,
    UnwritableRecordError,
)
from sedata.exchange.header import CHINA_STANDARD_TIME, header_data, known_spec_versions, new_header, parse_header
from sedata.exchange.reader import MessageReader
from sedata.exchange.records import Digester, Record, canonical_data, canonical_line
from sedata.exchange.rules import MessageRules, record_key

__all__ = [
    "CHINA_STANDARD_TIME",
    "FORMATS",
    "CountMismatchError",
    "DigestMismatchError",
    "DigestUnavailableError",
    "Digester",
    "DuplicateMemberError",
    "EncodingError",
    "ExchangeError",
    "FileAccessError",
    "Format",
    "HeaderError",
    "IntegrityError",
    "LimitError",
    "MalformedError",
    "Message",
    "MessageReader",
    "MessageRules",
    "NonIntegerNumberError",
    "Record",
    "StructureError",
    "Summary",
    "TrailingContentError",
    "TruncatedError",
    "UnknownFormatError",
    "UnknownMessageTypeError",
    "UnknownSpecVersionError",
    "UnsafeXmlError",
    "UnwritableRecordError",
    "canonical_data",
    "canonical_line",
    "convert",
    "detect_format",
    "format_from_extension",
    "header_data",
    "iter_records",
    "known_spec_versions",
    "new_header",
    "open_message",
    "parse_header",
    "read",
    "record_key",
    "summarize",
    "write",
]
