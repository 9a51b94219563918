"""Signed QR payloads for operator certificates (作业人员证): compact, versioned, verifiable offline.

The 2017 notice (SEED-2017-44) puts a QR code on every printed certificate for anti-counterfeit checks. The
payload here carries the certificate's facts with personal data masked, signed by the issuing platform's key:

``SE1:`` + Base32 (RFC 4648 alphabet, no padding) of::

    algorithm   1 byte    1 sm2, 2 ecdsa-p256, 3 ed25519 (signature-algorithm code set)
    key id      8 bytes   first 8 bytes of the SHA-256 of the signer's SubjectPublicKeyInfo
    issue date  2 bytes   days since 2000-01-01, unsigned big-endian
    expiry date 2 bytes   same
    5 texts     1-byte length + GB 18030 bytes each: certificate number (masked when it is a citizen ID),
                holder name (masked: 张*), item table (2019), item codes joined by ",", issuing authority
    signature   64 bytes  r ‖ s (SM2, ECDSA) or the Ed25519 signature, over b"sedata-cert-qr/1\\n" + all of the above

Why this shape: a QR code stores upper-case letters, digits and `` $%*+-./:`` in *alphanumeric* mode at 5.5
bits a character; Base32 uses only those characters (``SE1:`` too), costs 8.8 bits a byte, and unlike
Base45 (8.25 bits a byte) it has no space, ``%`` or ``+``, so the payload goes into a URL query or onto a
command line unescaped. GB 18030 stores a Chinese character in 2 bytes instead of UTF-8's 3; the authority's
name is most of the text. No holder ID number is carried: a masked certificate number is shown to be compared
with the printed certificate, and a hash of an ID number would not hide it (the unmasked digits are few).
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import struct
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import segno
from pydantic import ValidationError
from segno import consts

from sedata.codes import citizen_id, operator_item
from sedata.codes._base import InvalidCode
from sedata.privacy.values import mask_value
from sedata.trust import keys
from sedata.trust.errors import TrustError
from sedata.trust.text import mask_id_runs

PREFIX = "SE1:"
_CONTEXT = b"sedata-cert-qr/1\n"
_EPOCH = dt.date(2000, 1, 1)
_ALG_BYTE = {keys.SM2: 1, keys.ECDSA_P256: 2, keys.ED25519: 3}
_KEY_ID_BYTES = 8
_SIG_BYTES = 64
_FIXED = struct.Struct(">B8sHH")
_TEXT_ENCODING = "gb18030"
_ITEM_SEPARATOR = ","
_PROFILE = "share"  # the spec's masking profile for shared data (spec/privacy.yaml): 张*, 110105********002X
_QUIET_ZONE = 4  # modules of blank border ISO/IEC 18004 asks for


@dataclass(frozen=True)
class CertificateFacts:
    """What the QR code states about a certificate (personal data already masked)."""

    certificate_no: str
    holder_name: str
    item_table: str
    items: tuple[str, ...]
    issuing_authority: str
    issue_date: dt.date
    expiry_date: dt.date


def facts_from_record(data: dict[str, Any]) -> CertificateFacts:
    """The QR facts of an ``OperatorCertificate`` record (exchange names), checked and masked."""
    from sedata.elements import OperatorCertificate

    try:
        cert = OperatorCertificate.model_validate(data, by_alias=True, by_name=False)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '-'}: {e['msg']}" for e in exc.errors())
        raise TrustError(
            "certificate-invalid", f"证书记录无效：{problems}", f"invalid certificate record: {problems}"
        ) from None
    items = []
    for item in cert.operator_items:
        try:
            items.append(operator_item.validate(item, cert.item_table))
        except InvalidCode as exc:
            raise TrustError(
                "certificate-invalid", f"作业项目无效：{exc.zh}", f"invalid operator item: {exc.en}"
            ) from None
    number = cert.certificate_no
    # The number is widely held to be the holder's ID number (SE.OPC.0001 note): never carried whole then.
    if citizen_id.is_valid(number) or citizen_id.compact(number) == citizen_id.compact(cert.holder_citizen_id):
        number = mask_value("citizen-id", number, _PROFILE)
    return CertificateFacts(
        certificate_no=mask_id_runs(number),
        holder_name=mask_value("name", cert.holder_name, _PROFILE),
        item_table=cert.item_table,
        items=tuple(items),
        issuing_authority=mask_id_runs(cert.issuing_authority),
        issue_date=cert.issue_date,
        expiry_date=cert.expiry_date,
    )


def _days(day: dt.date, what: str) -> int:
    n = (day - _EPOCH).days
    if not 0 <= n <= 0xFFFF:
        raise TrustError(
            "certificate-invalid", f"{what}超出可编码范围（2000-2179年）", f"{what} out of range (2000-2179)"
        )
    return n


def _text(value: str) -> bytes:
    data = value.encode(_TEXT_ENCODING)
    if len(data) > 0xFF:
        raise TrustError("certificate-invalid", f"文字过长：{value[:20]}…", f"text too long: {value[:20]}…")
    return bytes([len(data)]) + data


def _body(facts: CertificateFacts, algorithm: str, key_id: str) -> bytes:
    fixed = _FIXED.pack(
        _ALG_BYTE[algorithm],
        bytes.fromhex(key_id)[:_KEY_ID_BYTES],
        _days(facts.issue_date, "发证日期 / issue date: "),
        _days(facts.expiry_date, "有效期 / expiry date: "),
    )
    texts = (
        facts.certificate_no,
        facts.holder_name,
        facts.item_table,
        _ITEM_SEPARATOR.join(facts.items),
        facts.issuing_authority,
    )
    return fixed + b"".join(_text(t) for t in texts)


def encode(facts: CertificateFacts, key: keys.PrivateKey) -> str:
    """The signed payload text ``SE1:…`` for ``facts``."""
    body = _body(facts, key.algorithm, key.public_key().key_id)
    signature = key.sign(_CONTEXT + body, raw=True)
    return PREFIX + base64.b32encode(body + signature).decode("ascii").rstrip("=")


@dataclass(frozen=True)
class Decoded:
    """A payload taken apart (not yet verified)."""

    facts: CertificateFacts
    algorithm: str
    key_id_prefix: str
    signed: bytes
    signature: bytes


def _malformed(zh: str, en: str) -> TrustError:
    return TrustError("payload-malformed", f"二维码内容无效：{zh}", f"malformed QR payload: {en}")


def extract(text: str) -> str:
    """The ``SE1:`` payload in ``text``: the payload itself, or a verification URL carrying it as ``c``."""
    text = text.strip()
    if "?" in text and "://" in text:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(text).query)
        values = query.get("c")
        if not values:
            raise _malformed("网址中没有参数 c", "the URL has no parameter c")
        text = values[0].strip()
    return text


def decode(text: str) -> Decoded:
    """Take a payload (or a URL carrying one) apart; ``payload-malformed`` when it is not one."""
    payload = extract(text)
    if payload[: len(PREFIX)].upper() != PREFIX:
        raise _malformed(f"应以 {PREFIX} 开头", f"it must start with {PREFIX}")
    b32 = re.sub(r"\s", "", payload[len(PREFIX) :]).upper()
    try:
        raw = base64.b32decode(b32 + "=" * (-len(b32) % 8))
    except ValueError:
        raise _malformed("不是 Base32", "not Base32") from None
    # Only the one encoding of the bytes counts: unused bits set in the last character (…Q7Z for …Q7Y) or a
    # length no encoder writes would give a second text for one signed payload.
    if base64.b32encode(raw).decode("ascii").rstrip("=") != b32:
        raise _malformed(
            "不是规范的 Base32 编码（末字符的填充位不为零或长度不符）",
            "not canonical Base32 (non-zero padding bits in the last character, or a length no encoder writes)",
        )
    if len(raw) < _FIXED.size + _SIG_BYTES:
        raise _malformed("过短", "too short")
    signed, signature = raw[:-_SIG_BYTES], raw[-_SIG_BYTES:]
    alg_byte, key_id, issued, expires = _FIXED.unpack_from(signed)
    algorithm = next((a for a, b in _ALG_BYTE.items() if b == alg_byte), None)
    if algorithm is None:
        raise TrustError(
            "unknown-algorithm", f"未知的签名算法编号 {alg_byte}", f"unknown signature algorithm number {alg_byte}"
        )
    texts: list[str] = []
    pos = _FIXED.size
    try:
        for _ in range(5):
            n = signed[pos]
            if pos + 1 + n > len(signed):
                raise IndexError
            texts.append(signed[pos + 1 : pos + 1 + n].decode(_TEXT_ENCODING))
            pos += 1 + n
    except (IndexError, UnicodeDecodeError):
        raise _malformed("字段不完整或编码错误", "a field is truncated or badly encoded") from None
    if pos != len(signed):
        raise _malformed("长度不符", "the length does not add up")
    number, holder, table, items, authority = texts
    facts = CertificateFacts(
        number,
        holder,
        table,
        tuple(items.split(_ITEM_SEPARATOR)) if items else (),
        authority,
        _EPOCH + dt.timedelta(days=issued),
        _EPOCH + dt.timedelta(days=expires),
    )
    return Decoded(facts, algorithm, key_id.hex(), signed, signature)


@dataclass(frozen=True)
class QrVerification:
    """The outcome of verifying a payload: its facts, whether the signature holds, and whether it is current."""

    decoded: Decoded
    key: keys.PublicKey | None
    """The trusted key the payload names, None when none of those given matches."""
    signature_valid: bool
    today: dt.date

    @property
    def expired(self) -> bool:
        """Past the last day of validity."""
        return self.today > self.decoded.facts.expiry_date

    @property
    def not_yet_valid(self) -> bool:
        """Before the issue date."""
        return self.today < self.decoded.facts.issue_date

    @property
    def ok(self) -> bool:
        """Authentic and within its validity."""
        return self.signature_valid and not self.expired and not self.not_yet_valid

    @property
    def exit_code(self) -> int:
        """0 authentic and current, 1 otherwise."""
        return 0 if self.ok else 1


def verify(text: str, trusted: list[keys.PublicKey], today: dt.date | None = None) -> QrVerification:
    """Verify a payload (or URL) with whichever of ``trusted`` its key id names, offline."""
    decoded = decode(text)
    key = next(
        (k for k in trusted if k.key_id.startswith(decoded.key_id_prefix) and k.algorithm == decoded.algorithm), None
    )
    valid = key is not None and key.verify(decoded.signature, _CONTEXT + decoded.signed, raw=True)
    return QrVerification(decoded, key, valid, today or dt.date.today())


def url(payload: str, base: str) -> str:
    """The verification URL ``base?c=payload`` (``&c=`` when ``base`` has a query already)."""
    return f"{base}{'&' if '?' in base else '?'}c={payload}"


@dataclass(frozen=True)
class Rendered:
    """What was drawn: QR version (1-40), error correction level, modules a side (without the quiet zone)."""

    version: int
    error: str
    modules: int
    module_mm: float
    size_mm: float


def make_qr(payload: str, *, url_base: str | None = None, error: str = "m") -> segno.QRCode:
    """The QR code of ``payload`` (alphanumeric mode), or of its URL (base in byte mode, payload alphanumeric)."""
    if url_base is None:
        return segno.make_qr(payload, error=error, mode="alphanumeric")
    prefix = url(payload, url_base)[: -len(payload)]
    # segno takes a list of (text, mode) segments, modes as its constants (its stubs declare only one text).
    segments: Any = [(prefix, consts.MODE_BYTE), (payload, consts.MODE_ALPHANUMERIC)]
    return segno.make_qr(segments, error=error)


def render(
    payload: str, out: str | Path, *, url_base: str | None = None, error: str = "m", size_mm: float = 25.0
) -> Rendered:
    """Draw the QR code to ``out`` (.png at 300 dpi, or .svg in mm) so that it prints ``size_mm`` wide."""
    qr = make_qr(payload, url_base=url_base, error=error)
    modules = int(qr.symbol_size(scale=1, border=0)[0])
    total = modules + 2 * _QUIET_ZONE
    target = Path(out)
    suffix = target.suffix.lower()
    if suffix == ".svg":
        qr.save(str(target), kind="svg", scale=size_mm / total, border=_QUIET_ZONE, unit="mm")
        module_mm = size_mm / total
    elif suffix == ".png":
        dpi = 300
        scale = max(1, round(size_mm / 25.4 * dpi / total))
        qr.save(str(target), kind="png", scale=scale, border=_QUIET_ZONE, dpi=dpi)
        module_mm = scale / dpi * 25.4
    else:
        raise TrustError("unknown-format", "输出文件应为 .png 或 .svg", "the output file must be .png or .svg")
    return Rendered(int(qr.version), str(qr.error), modules, round(module_mm, 3), round(module_mm * total, 1))
