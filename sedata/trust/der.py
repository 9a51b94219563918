"""The little DER (X.690) that SM2 keys and certificates need, since ``cryptography`` does not load SM2 curves.

Only definite lengths and single-byte tags are read, which is all that keys and certificates use; anything
else raises ``ValueError``. Writing covers the types of a key file and a self-signed certificate.
"""

from __future__ import annotations

import base64
import datetime as dt
import re

SEQUENCE, SET = 0x30, 0x31
BOOLEAN, INTEGER, BIT_STRING, OCTET_STRING, NULL, OID = 0x01, 0x02, 0x03, 0x04, 0x05, 0x06
UTF8_STRING, UTC_TIME, GENERALIZED_TIME = 0x0C, 0x17, 0x18


def context(n: int, constructed: bool = True) -> int:
    """The tag of ``[n]`` (explicit tags are constructed)."""
    return (0xA0 if constructed else 0x80) | n


# --- reading -------------------------------------------------------------------------------------------------


def read(data: bytes, pos: int = 0) -> tuple[int, bytes, int]:
    """The TLV at ``pos``: tag, content and the position after it."""
    if pos + 2 > len(data):
        raise ValueError("DER: truncated")
    tag, first = data[pos], data[pos + 1]
    if tag & 0x1F == 0x1F:
        raise ValueError("DER: multi-byte tags are not supported")
    pos += 2
    if first < 0x80:
        length = first
    else:
        n = first & 0x7F
        if n == 0 or n > 4 or pos + n > len(data):
            raise ValueError("DER: bad length")
        length = int.from_bytes(data[pos : pos + n], "big")
        if length < 0x80 or data[pos] == 0:
            raise ValueError("DER: length not minimal")
        pos += n
    end = pos + length
    if end > len(data):
        raise ValueError("DER: truncated")
    return tag, data[pos:end], end


def read_one(data: bytes, tag: int) -> bytes:
    """The content of ``data``, which must be exactly one TLV with ``tag``."""
    got, content, end = read(data)
    if got != tag or end != len(data):
        raise ValueError(f"DER: expected one element with tag {tag:#x}")
    return content


def children(content: bytes) -> list[tuple[int, bytes, bytes]]:
    """The TLVs inside a constructed value, as (tag, content, whole encoding) triples."""
    out: list[tuple[int, bytes, bytes]] = []
    pos = 0
    while pos < len(content):
        start = pos
        tag, value, pos = read(content, pos)
        out.append((tag, value, content[start:pos]))
    return out


def to_int(content: bytes) -> int:
    """The value of an INTEGER's content (non-negative integers only)."""
    if not content or content[0] & 0x80:
        raise ValueError("DER: negative or empty INTEGER")
    return int.from_bytes(content, "big")


def bits(content: bytes) -> bytes:
    """The bytes of a BIT STRING whose length is a whole number of bytes."""
    if not content or content[0] != 0:
        raise ValueError("DER: BIT STRING with unused bits")
    return content[1:]


# --- writing -------------------------------------------------------------------------------------------------


def tlv(tag: int, content: bytes) -> bytes:
    """One TLV with a minimal definite length."""
    n = len(content)
    if n < 0x80:
        return bytes([tag, n]) + content
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + content


def seq(*items: bytes) -> bytes:
    """A SEQUENCE of already encoded items."""
    return tlv(SEQUENCE, b"".join(items))


def integer(n: int) -> bytes:
    """A non-negative INTEGER."""
    body = n.to_bytes(n.bit_length() // 8 + 1, "big")  # one spare bit keeps the sign bit clear
    while len(body) > 1 and body[0] == 0 and not body[1] & 0x80:
        body = body[1:]
    return tlv(INTEGER, body)


def oid(dotted: str) -> bytes:
    """An OBJECT IDENTIFIER from its dotted form."""
    arcs = [int(a) for a in dotted.split(".")]
    out = bytearray([40 * arcs[0] + arcs[1]])
    for arc in arcs[2:]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        out.extend(reversed(chunk))
    return tlv(OID, bytes(out))


def bit_string(data: bytes) -> bytes:
    """A BIT STRING of whole bytes."""
    return tlv(BIT_STRING, b"\x00" + data)


def octet_string(data: bytes) -> bytes:
    """An OCTET STRING."""
    return tlv(OCTET_STRING, data)


def utf8(text: str) -> bytes:
    """A UTF8String."""
    return tlv(UTF8_STRING, text.encode("utf-8"))


def time(when: dt.datetime) -> bytes:
    """UTCTime until 2049, GeneralizedTime after (RFC 5280 §4.1.2.5), in UTC to the second."""
    when = when.astimezone(dt.UTC)
    if when.year < 2050:
        return tlv(UTC_TIME, when.strftime("%y%m%d%H%M%SZ").encode("ascii"))
    return tlv(GENERALIZED_TIME, when.strftime("%Y%m%d%H%M%SZ").encode("ascii"))


def explicit(n: int, content: bytes) -> bytes:
    """``[n] EXPLICIT`` around an encoded item."""
    return tlv(context(n), content)


# --- PEM -----------------------------------------------------------------------------------------------------

# A label is short; bounding it keeps the search linear whatever follows a BEGIN line.
_BEGIN = re.compile(rb"-----BEGIN ([A-Z0-9 ]{1,64})-----")
_WHITESPACE = b" \t\r\n\v\f"


def pem_blocks(text: bytes) -> list[tuple[str, bytes]]:
    """Every PEM block in ``text`` as (label, DER bytes), found in time linear in ``len(text)``.

    Each BEGIN line is matched to the next END line of its label by plain search (no backtracking regex:
    a BEGIN line followed by kilobytes of blanks once took seconds); a BEGIN without its END ends the search.
    """
    out = []
    pos = 0
    while (m := _BEGIN.search(text, pos)) is not None:
        label = m.group(1)
        end_line = b"-----END " + label + b"-----"
        end = text.find(end_line, m.end())
        if end < 0:
            break
        body = text[m.end() : end].translate(None, _WHITESPACE)
        out.append((label.decode("ascii"), base64.b64decode(body, validate=True)))
        pos = end + len(end_line)
    return out


def pem(label: str, der: bytes) -> bytes:
    """A PEM block with 64-character lines."""
    b64 = base64.b64encode(der).decode("ascii")
    lines = [b64[i : i + 64] for i in range(0, len(b64), 64)]
    return (f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n").encode("ascii")
