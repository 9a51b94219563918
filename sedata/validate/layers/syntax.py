"""Layer 1, syntax: every error the exchange readers raise becomes one finding of an SE-SYN rule.

The readers stop at such an error (a file that breaks off cannot be read further), so each yields one
finding; the record count and digest are compared after the last record, so their findings come after
the records' own. The detail of the message is the reader's own zh/en description.
"""

from __future__ import annotations

import os
from typing import Any

from lxml import etree

from sedata.exchange import (
    CountMismatchError,
    DigestMismatchError,
    DigestUnavailableError,
    EncodingError,
    ExchangeError,
    FileAccessError,
    HeaderError,
    LimitError,
    MalformedError,
    StructureError,
    TrailingContentError,
    TruncatedError,
    UnknownFormatError,
    UnknownSpecVersionError,
    UnsafeXmlError,
    detect_format,
    known_spec_versions,
)
from sedata.exchange.jsondoc import raw_header
from sedata.exchange.jsonvalue import parse_value
from sedata.spec.envelope import HEADER, HEADER_ENTITY
from sedata.validate.context import FileContext, Where
from sedata.validate.report import Finding, Text
from sedata.validate.shapes import pointer, record_pointer, shapes

# The SE-SYN rule of each exchange error class; a subclass not listed takes its nearest listed base.
RULE_OF: dict[type[ExchangeError], str] = {
    FileAccessError: "SE-SYN-001",
    EncodingError: "SE-SYN-002",
    UnknownFormatError: "SE-SYN-003",
    MalformedError: "SE-SYN-003",
    StructureError: "SE-SYN-003",
    UnsafeXmlError: "SE-SYN-004",
    TruncatedError: "SE-SYN-005",
    TrailingContentError: "SE-SYN-010",
    LimitError: "SE-SYN-011",
    HeaderError: "SE-SYN-006",
    DigestUnavailableError: "SE-SYN-006",
    UnknownSpecVersionError: "SE-SYN-007",
    CountMismatchError: "SE-SYN-008",
    DigestMismatchError: "SE-SYN-009",
    ExchangeError: "SE-SYN-003",
}


def rule_of(exc: ExchangeError) -> str:
    """The SE-SYN rule id for an exchange error."""
    for cls in type(exc).__mro__:
        rule = RULE_OF.get(cls)
        if rule is not None:
            return rule
    return RULE_OF[ExchangeError]  # pragma: no cover - ExchangeError is in every MRO above


def finding(ctx: FileContext, exc: ExchangeError, path: str | os.PathLike[str]) -> Finding:
    """The finding for an error raised while opening or reading ``path``."""
    rule = rule_of(exc)
    detail = Text(exc.zh, exc.en)
    where = Where(line=exc.line, column=exc.column, index=exc.index)
    at = pointer(HEADER) if isinstance(exc, HeaderError) else record_pointer(exc.index)
    header = shapes(ctx.spec)[HEADER_ENTITY]
    if isinstance(exc, TruncatedError):
        # The template counts records from 1 ("第 N 条"); 0 says that no record was read whole.
        last = 0 if exc.last_good is None else exc.last_good + 1
        return ctx.finding(rule, where, value=str(last), detail=detail, pointer=at)
    if isinstance(exc, TrailingContentError):
        read = 0 if exc.last_good is None else exc.last_good + 1
        return ctx.finding(rule, where, value=str(read), detail=detail, pointer=None)
    if isinstance(exc, UnknownSpecVersionError):
        field = header.by_key("spec_version")
        declared = declared_version(path)
        known = ", ".join(known_spec_versions(ctx.spec))
        if declared is not None and ":" in declared:  # XML declares its version by namespace
            known = f"{known} ({ctx.spec.info.namespace})"
        return ctx.finding(
            rule,
            Where(line=exc.line),
            element=field.ref,
            value="?" if declared is None else declared,
            expected=known,
            pointer=pointer(HEADER, field.name),
        )
    if isinstance(exc, CountMismatchError | DigestMismatchError):
        field = header.by_key("record_count" if isinstance(exc, CountMismatchError) else "digest")
        return ctx.finding(
            rule,
            element=field.ref,
            value=str(exc.actual),
            expected=str(exc.expected),
            pointer=pointer(HEADER, field.name),
        )
    return ctx.finding(rule, where, detail=detail, pointer=at)


def declared_version(path: str | os.PathLike[str]) -> str | None:
    """The spec version a file declares (for XML, its namespace), read without trusting the rest of it.

    Only called for a file the reader refused for its version, to name what it declared.
    """
    from sedata.exchange.header import SPEC_VERSION

    try:
        fmt = detect_format(path)
        with open(path, "rb") as f:
            if fmt == "xml":
                for _, el in etree.iterparse(
                    f, events=("start",), load_dtd=False, resolve_entities=False, no_network=True
                ):
                    return etree.QName(el).namespace or ""
                return None
            if fmt == "jsonl":
                first: Any = parse_value(f.readline().removeprefix(b"\xef\xbb\xbf"))
                value = first[HEADER][SPEC_VERSION]
            else:
                header = raw_header(path)
                value = header.get(SPEC_VERSION) if isinstance(header, dict) else None
    except (ExchangeError, OSError, ValueError, KeyError, TypeError, etree.XMLSyntaxError):
        return None
    return None if value is None else str(value)
