"""The message header: read and checked with the generated ``MessageHeader`` model, or made new for writing.

The spec version and message type are checked before the rest of the header, so a file from a spec
release this sedata does not know is refused with that reason rather than with whatever else differs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import Any

from pydantic import ValidationError

from sedata.elements import MessageHeader
from sedata.elements._core import CODES_LAYER
from sedata.exchange.errors import (
    DigestUnavailableError,
    HeaderError,
    UnknownMessageTypeError,
    UnknownSpecVersionError,
)
from sedata.exchange.jsonvalue import shown
from sedata.exchange.records import canonical_data
from sedata.spec import Spec, current
from sedata.spec.envelope import HEADER_ENTITY, SNAPSHOT

# Creation times are written in China Standard Time (UTC+8), as the exchanging systems keep them.
CHINA_STANDARD_TIME = dt.timezone(dt.timedelta(hours=8))
# SHA-256 unless SM3 is asked for (spec/codesets/digest-algorithm.1.yaml).
DEFAULT_DIGEST = "sha256"


def _alias(field: str) -> str:
    alias = MessageHeader.model_fields[field].validation_alias
    assert isinstance(alias, str)
    return alias


SPEC_VERSION = _alias("spec_version")
MESSAGE_TYPE = _alias("message_type")
MODE = _alias("mode")


def known_spec_versions(spec: Spec | None = None) -> tuple[str, ...]:
    """The spec versions this release reads: the current one and those it declares as previous."""
    spec = spec or current()
    return (spec.info.spec_version, *spec.info.previous_versions)


def parse_header(
    data: Any, spec: Spec | None = None, *, file: str | None = None, line: int | None = None
) -> MessageHeader:
    """Check header data (exchange names, JSON data model) and return the validated ``MessageHeader``."""
    spec = spec or current()
    where: dict[str, Any] = {"file": file, "line": line}
    if not isinstance(data, dict):
        raise HeaderError("报文头应为对象", f"the header must be an object, not {type(data).__name__}", **where)
    version = data.get(SPEC_VERSION)
    known = known_spec_versions(spec)
    if version is None:
        raise HeaderError(f"报文头缺少 {SPEC_VERSION}", f"the header has no {SPEC_VERSION}", **where)
    if not isinstance(version, str) or version not in known:
        version = shown(repr(version))
        raise UnknownSpecVersionError(
            f"报文声明的规范版本 {version} 不为本版本 sedata 所知（已知：{', '.join(known)}），拒绝读取",
            f"the message declares spec version {version}, which this sedata does not know "
            f"(known: {', '.join(known)}); refused",
            **where,
        )
    message_type = data.get(MESSAGE_TYPE)
    if not isinstance(message_type, str) or message_type not in spec.messages:  # a list is not even hashable
        message_type = shown(repr(message_type))
        raise UnknownMessageTypeError(
            f"未知报文类型 {message_type}（规范定义：{', '.join(spec.messages)}）",
            f"unknown message type {message_type} (the spec defines: {', '.join(spec.messages)})",
            **where,
        )
    try:
        # Identifiers in the header (sender, receiver) are the codes layer's to report, as in records.
        header = MessageHeader.model_validate(data, by_alias=True, by_name=False, context={CODES_LAYER: True})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '-'}: {e['msg']}" for e in exc.errors())
        raise HeaderError(f"报文头无效：{problems}", f"invalid header: {problems}", **where) from None
    modes = spec.messages[header.message_type].modes
    if header.mode not in modes:
        raise HeaderError(
            f"报文类型 {header.message_type} 不允许方式 {header.mode!r}（允许：{', '.join(modes)}）",
            f"message type {header.message_type} does not allow mode {header.mode!r} (allowed: {', '.join(modes)})",
            **where,
        )
    return header


def header_data(header: MessageHeader, spec: Spec | None = None) -> dict[str, Any]:
    """The header as canonical JSON data (exchange names, spec order)."""
    return canonical_data(HEADER_ENTITY, header.to_data(), spec or current())


def empty_digest(algorithm: str, spec: Spec | None = None) -> str:
    """The digest of a message without records (what a new header carries until the writer fills it)."""
    check_digest_algorithm(algorithm, spec)
    return hashlib.new(algorithm).hexdigest()


def check_digest_algorithm(algorithm: str, spec: Spec | None = None) -> None:
    """Raise :class:`DigestUnavailableError` unless ``algorithm`` is a spec digest this Python provides."""
    spec = spec or current()
    element = MessageHeader.element_of("digest_algorithm")
    known = tuple(spec.domains[element].codes or ()) if element else ()
    if algorithm not in known:
        raise DigestUnavailableError(
            f"未知摘要算法 {algorithm!r}（可用：{', '.join(known)}）",
            f"unknown digest algorithm {algorithm!r} (use one of: {', '.join(known)})",
        )
    if algorithm not in hashlib.algorithms_available:
        raise DigestUnavailableError(
            f"本机 Python 的 OpenSSL 不提供 {algorithm}", f"this Python's OpenSSL does not provide {algorithm}"
        )


def new_header(
    message_type: str,
    sender: str,
    receiver: str,
    sequence: int,
    mode: str = SNAPSHOT,
    *,
    digest_algorithm: str = DEFAULT_DIGEST,
    message_id: str | None = None,
    created_at: dt.datetime | None = None,
    spec: Spec | None = None,
) -> MessageHeader:
    """A header for a new message: UUID4 id, created now in +08:00; the writer fills record count and digest."""
    spec = spec or current()
    when = created_at or dt.datetime.now(CHINA_STANDARD_TIME).replace(microsecond=0)
    data = {
        SPEC_VERSION: spec.info.spec_version,
        MESSAGE_TYPE: message_type,
        _alias("message_id"): message_id or str(uuid.uuid4()),
        _alias("sender"): sender,
        _alias("receiver"): receiver,
        _alias("created_at"): when,
        _alias("sequence"): sequence,
        MODE: mode,
        _alias("record_count"): 0,
        _alias("digest_algorithm"): digest_algorithm,
        _alias("digest"): empty_digest(digest_algorithm, spec),
    }
    return parse_header(data, spec)
