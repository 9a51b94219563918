"""Detached signatures of exchange packages (``FILE.sig``) and their verification, check by check.

What is signed (format ``sedata-signature`` version 1, see ``docs/signatures.md``): the canonical header
(which carries record count, digest algorithm and records digest), the count and digest recomputed from the
records, and the hash of the file's exact bytes with its format and size. The to-be-signed bytes are
``b"sedata-signature/1\\n"`` followed by the ``.sig`` document without its ``signature`` member as compact
JSON with sorted keys (UTF-8, no ASCII escaping).

So a file verifies when it is byte for byte the file signed; a file in *another* format (a conversion, which
cannot keep the bytes) verifies when its header and records are canonically identical to what was signed.
Every one-byte change of the signed file fails: either the bytes, the header, the records or the parse.

Both passes over the package stream (file bytes in 1 MiB blocks, records one at a time): constant memory.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sedata.exchange import (
    CHINA_STANDARD_TIME,
    Digester,
    ExchangeError,
    FileAccessError,
    IntegrityError,
    detect_format,
    header_data,
    open_message,
)
from sedata.spec import current
from sedata.spec.envelope import digest_algorithms
from sedata.trust import keys, sm
from sedata.trust.errors import TrustError
from sedata.trust.files import read_limited

SIG_FORMAT = "sedata-signature"
SIG_VERSION = 1
SIG_SUFFIX = ".sig"
_PREFIX = b"sedata-signature/1\n"
_BLOCK = 1 << 20
_MEMBERS = {
    "format": str,
    "version": int,
    "algorithm": str,
    "keyId": str,
    "signedAt": str,
    "header": dict,
    "payload": dict,
    "file": dict,
    "signature": str,
}
_OPTIONAL = {"sm2Id": str}
_PAYLOAD = {"recordCount": int, "digestAlgorithm": str, "digest": str}
_FILE = {"format": str, "size": int, "digestAlgorithm": str, "digest": str}

Status = Literal["ok", "failed", "not-checked"]


def sig_path_for(path: str | os.PathLike[str]) -> Path:
    """Where the detached signature of ``path`` lives: ``path`` + ``.sig``."""
    return Path(str(path) + SIG_SUFFIX)


def to_be_signed(doc: dict[str, Any]) -> bytes:
    """The exact bytes a signature covers: prefix + sorted compact JSON of ``doc`` without ``signature``."""
    body = {k: v for k, v in doc.items() if k != "signature"}
    return _PREFIX + json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def file_digest(path: str | os.PathLike[str], algorithm: str) -> tuple[str, int]:
    """The hash of the file's bytes (streamed) and its size."""
    h = sm.new_hash(algorithm)
    size = 0
    try:
        with open(path, "rb") as f:
            while block := f.read(_BLOCK):
                h.update(block)
                size += len(block)
    except OSError as exc:
        raise TrustError(
            "file-access", f"无法读取文件：{exc.strerror}", f"cannot read the file: {exc.strerror}", file=str(path)
        ) from None
    return h.hexdigest(), size


@dataclass
class Observed:
    """What reading a package found: its canonical header, and count and digest of its records."""

    format: str
    header: dict[str, Any] | None = None
    count: int | None = None
    digest: str | None = None
    problem: ExchangeError | None = None
    """Why the package could not be read through (the values above stop where it broke)."""


def observe(path: str | os.PathLike[str], digest_algorithm: str) -> Observed:
    """Read a package through once, digesting its records with ``digest_algorithm`` (whatever the header says)."""
    try:
        fmt = detect_format(path)
    except ExchangeError as exc:
        return Observed("unknown", problem=exc)
    seen = Observed(fmt)
    try:
        reader = open_message(path)
    except ExchangeError as exc:
        seen.problem = exc
        return seen
    seen.header = header_data(reader.header)
    try:
        digester = Digester(digest_algorithm)
    except ValueError as exc:
        reader.close()
        seen.problem = ExchangeError(str(exc), str(exc))
        return seen
    try:
        for _record, line in reader.with_canonical():
            digester.add_line(line)
    except IntegrityError:
        pass  # the header's own count or digest disagrees: compared with the signed values below
    except ExchangeError as exc:
        seen.problem = exc
        return seen
    seen.count, seen.digest = digester.count, digester.hexdigest()
    return seen


# --- the .sig document ---------------------------------------------------------------------------------------


def _malformed(zh: str, en: str, file: str | None) -> TrustError:
    return TrustError("sig-malformed", f"签名文件无效：{zh}", f"malformed signature file: {en}", file=file)


def _check_members(
    obj: dict[str, Any], required: Mapping[str, type], optional: Mapping[str, type], where: str, file: str
) -> None:
    place = where.strip() or "the document"  # ``where`` ends in a space to prefix the Chinese text
    for name in required:
        if name not in obj:
            raise _malformed(f"{where}缺少 {name}", f"{place} has no {name}", file)
    for name, value in obj.items():
        kind: type | None = required.get(name) or optional.get(name)
        if kind is None:
            raise _malformed(f"{where}有未知成员 {name}", f"unknown member {name} in {place}", file)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise _malformed(f"{where}{name} 类型不对", f"{name} in {place} has the wrong type", file)


def load_sig(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The ``.sig`` document at ``path``, its structure checked (``sig-malformed`` / ``unknown-algorithm``)."""
    file = str(path)
    try:
        raw = read_limited(path, what="signature file")
    except FileNotFoundError:
        raise TrustError("sig-missing", "找不到签名文件", "the signature file does not exist", file=file) from None
    except OSError as exc:
        raise TrustError(
            "file-access",
            f"无法读取签名文件：{exc.strerror}",
            f"cannot read the signature file: {exc.strerror}",
            file=file,
        ) from None
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        # ValueError covers JSONDecodeError and integers longer than Python converts (4,300 digits).
        raise _malformed(f"不是 UTF-8 JSON（{exc}）", f"not UTF-8 JSON ({exc})", file) from None
    if not isinstance(doc, dict):
        raise _malformed("顶层应为对象", "the top level must be an object", file)
    if doc.get("format") != SIG_FORMAT:
        raise _malformed(f"format 应为 {SIG_FORMAT}", f"format must be {SIG_FORMAT}", file)
    if doc.get("version") != SIG_VERSION:
        raise _malformed(
            f"不支持的版本 {doc.get('version')!r}（支持 {SIG_VERSION}）",
            f"unsupported version {doc.get('version')!r} (this release reads {SIG_VERSION})",
            file,
        )
    _check_members(doc, _MEMBERS, _OPTIONAL, "", file)
    _check_members(doc["payload"], _PAYLOAD, {}, "payload ", file)
    _check_members(doc["file"], _FILE, {}, "file ", file)
    known = set(keys.FILE_HASH.values()) | set(digest_algorithms(current()))
    if doc["file"]["digestAlgorithm"] not in known or doc["payload"]["digestAlgorithm"] not in known:
        raise _malformed(
            f"摘要算法应为 {'、'.join(sorted(known))}",
            f"digest algorithms must be one of {', '.join(sorted(known))}",
            file,
        )
    if doc["algorithm"] not in keys.ALGORITHMS:
        err = keys.unknown_algorithm(doc["algorithm"])
        err.file = file
        raise err
    sm2_id = doc.get("sm2Id")
    if sm2_id is not None and not 0 < len(sm2_id.encode("utf-8", "surrogatepass")) < 8192:
        raise _malformed("sm2Id 应为 1 至 8191 字节", "sm2Id must be 1 to 8191 bytes", file)
    try:
        base64.b64decode(doc["signature"], validate=True)
        to_be_signed(doc)
    except (ValueError, UnicodeEncodeError) as exc:
        raise _malformed(
            f"签名值或内容无法编码（{exc}）", f"signature or content cannot be encoded ({exc})", file
        ) from None
    return doc


# --- signing -------------------------------------------------------------------------------------------------


def sign_package(
    path: str | os.PathLike[str],
    key: keys.PrivateKey,
    sig_path: str | os.PathLike[str] | None = None,
    *,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Sign a package (which must be intact: count and digest match its header); write and return the ``.sig``."""
    file = str(path)
    file_hash = keys.FILE_HASH[key.algorithm]
    digest_before, size = file_digest(path, file_hash)
    try:
        with open_message(path) as reader:
            for _record in reader:
                pass
            header = header_data(reader.header)
            fmt = reader.format
            payload = {
                "recordCount": reader.count,
                "digestAlgorithm": reader.header.digest_algorithm,
                "digest": reader.digest,
            }
    except ExchangeError as exc:
        code = "file-access" if isinstance(exc, FileAccessError) else "package-unreadable"
        raise TrustError(
            code, f"报文无法签名：{exc.zh}", f"the package cannot be signed: {exc.en}", file=file
        ) from None
    if file_digest(path, file_hash) != (digest_before, size):
        raise TrustError(
            "package-changed", "签名过程中文件被改动", "the file changed while it was being signed", file=file
        )
    when = (now or dt.datetime.now(CHINA_STANDARD_TIME)).replace(microsecond=0)
    doc: dict[str, Any] = {
        "format": SIG_FORMAT,
        "version": SIG_VERSION,
        "algorithm": key.algorithm,
        "keyId": key.public_key().key_id,
        "signedAt": when.isoformat(),
    }
    if key.algorithm == keys.SM2:
        doc["sm2Id"] = sm.DEFAULT_ID.decode("ascii")
    doc |= {
        "header": header,
        "payload": payload,
        "file": {"format": fmt, "size": size, "digestAlgorithm": file_hash, "digest": digest_before},
    }
    doc["signature"] = base64.b64encode(key.sign(to_be_signed(doc))).decode("ascii")
    _write_atomically(sig_path_for(path) if sig_path is None else Path(sig_path), doc)
    return doc


def _write_atomically(target: Path, doc: dict[str, Any]) -> None:
    data = (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    try:
        fd, tmp = tempfile.mkstemp(prefix=target.name + ".", suffix=".tmp", dir=target.parent or ".")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, target)
    except OSError as exc:
        raise TrustError(
            "file-access",
            f"无法写入签名文件：{exc.strerror}",
            f"cannot write the signature file: {exc.strerror}",
            file=str(target),
        ) from None


# --- verification --------------------------------------------------------------------------------------------


@dataclass
class Check:
    """One verification step: what was checked, its outcome, and a bilingual explanation."""

    name: str
    """``key``, ``signature``, ``bytes``, ``read``, ``header``, ``count`` or ``digest``; with a certificate also
    ``certificate``, ``validity``, ``signedAt`` and ``sender``."""
    status: Status
    code: str | None = None
    """The failure's stable code (``wrong-key``, ``signature-invalid``, ``bytes-changed``, ``package-unreadable``,
    ``header-changed``, ``count-mismatch``, ``digest-mismatch``, ``certificate-unfit``, ``certificate-expired``,
    ``certificate-not-yet-valid``, ``signed-outside-validity``, ``signed-in-future``, ``signing-time-invalid``,
    ``sender-not-certified``), None when it passed or was not checked."""
    zh: str = ""
    en: str = ""
    expected: str | None = None
    actual: str | None = None


@dataclass
class Verification:
    """The outcome of verifying one package against its ``.sig`` and a public key."""

    file: str
    sig_file: str
    doc: dict[str, Any] | None = None
    checks: list[Check] = field(default_factory=list)
    error: TrustError | None = None
    """Unusable input (missing or malformed ``.sig``, unknown algorithm, unreadable key): nothing was verified."""
    observed: Observed | None = None
    """What reading the package found (header, count, digest), when it was read."""

    @property
    def ok(self) -> bool:
        """True when the input was usable and no check failed."""
        return self.error is None and not any(c.status == "failed" for c in self.checks)

    @property
    def failures(self) -> list[Check]:
        """The checks that failed."""
        return [c for c in self.checks if c.status == "failed"]

    @property
    def exit_code(self) -> int:
        """0 verified, 1 a check failed, 2 unusable input."""
        if self.error is not None:
            return self.error.exit_code
        return 0 if self.ok else 1

    def check(self, name: str) -> Check:
        """The check called ``name``."""
        return next(c for c in self.checks if c.name == name)


def verify_package(
    path: str | os.PathLike[str],
    key: keys.PublicKey | None,
    sig_path: str | os.PathLike[str] | None = None,
    *,
    certificate: keys.Certificate | None = None,
    now: dt.datetime | None = None,
) -> Verification:
    """Verify ``path`` against its ``.sig`` with ``key`` (None: no trusted key); every check runs and is reported.

    With the key's ``certificate``, the certificate is judged too: fit for signing, valid ``now`` (default: the
    current time) and at the signing time, which must not lie in the future.
    """
    sig_file = sig_path_for(path) if sig_path is None else Path(sig_path)
    result = Verification(str(path), str(sig_file))
    if not Path(path).is_file():
        result.error = TrustError("file-access", "找不到报文文件", "the package file does not exist", file=str(path))
        return result
    try:
        doc = load_sig(sig_file)
    except TrustError as exc:
        result.error = exc
        return result
    result.doc = doc
    try:
        result.observed = observe(path, doc["payload"]["digestAlgorithm"])
        result.checks = [*_key_checks(doc, key), *_content_checks(path, doc, result.observed)]
        if certificate is not None:
            result.checks += certificate_checks(certificate, doc["signedAt"], now)
            result.checks.append(_sender_check(certificate, result.observed.header or doc["header"]))
    except TrustError as exc:  # the package became unreadable as a file (permissions, removed meanwhile)
        result.error = exc
    return result


def verify_with(
    path: str | os.PathLike[str], trusted: dict[str, keys.PublicKey], sig_path: str | os.PathLike[str] | None = None
) -> Verification:
    """Verify with whichever of ``trusted`` (key id → key) the ``.sig`` names; ``wrong-key`` when none."""
    sig_file = sig_path_for(path) if sig_path is None else Path(sig_path)
    key_id = None
    try:
        key_id = load_sig(sig_file).get("keyId")
    except TrustError:
        pass  # verify_package reports it
    return verify_package(path, trusted.get(key_id) if isinstance(key_id, str) else None, sig_path)


def _key_checks(doc: dict[str, Any], key: keys.PublicKey | None) -> Iterator[Check]:
    signed_key, algorithm = doc["keyId"], doc["algorithm"]
    if key is None:
        yield Check(
            "key", "failed", "wrong-key",
            f"签名者密钥（{signed_key[:16]}…）不在信任的证书中",
            f"the signer's key ({signed_key[:16]}…) is not among the trusted certificates",
            expected=signed_key,
        )  # fmt: skip
        yield Check("signature", "not-checked", zh="没有可用的公钥", en="no key to check it with")
    elif key.key_id != signed_key or key.algorithm != algorithm:
        yield Check(
            "key", "failed", "wrong-key",
            f"签名所用密钥（{algorithm} {signed_key[:16]}…）与所给证书（{key.algorithm} {key.key_id[:16]}…）不符",
            f"signed with another key ({algorithm} {signed_key[:16]}…) than the certificate's "
            f"({key.algorithm} {key.key_id[:16]}…)",
            expected=signed_key, actual=key.key_id,
        )  # fmt: skip
        yield Check(
            "signature", "not-checked", zh="密钥不符，未验证签名值", en="wrong key: the signature was not checked"
        )
    else:
        yield Check("key", "ok", zh=f"密钥相符（{key.key_id[:16]}…）", en=f"key matches ({key.key_id[:16]}…)")
        signature = base64.b64decode(doc["signature"])
        uid = doc.get("sm2Id", sm.DEFAULT_ID.decode("ascii")).encode("utf-8", "surrogatepass")
        if key.verify(signature, to_be_signed(doc), sm2_id=uid):
            yield Check("signature", "ok", zh=f"{algorithm} 签名有效", en=f"{algorithm} signature valid")
        else:
            yield Check(
                "signature", "failed", "signature-invalid",
                f"{algorithm} 签名无效：签名文件的内容或签名值被改动",
                f"{algorithm} signature invalid: the signature file's content or signature value was altered",
            )  # fmt: skip


CLOCK_SKEW = dt.timedelta(minutes=5)
"""How far a signing time may lie ahead of the verifier's clock before it counts as in the future."""


def certificate_checks(cert: keys.Certificate, signed_at: str, now: dt.datetime | None = None) -> list[Check]:
    """The signing certificate judged: ``certificate`` (fit for signing), ``validity`` (valid ``now``) and
    ``signedAt`` (the signing time within the validity and not in the future)."""
    now = now or dt.datetime.now(dt.UTC)
    out = []
    problems = cert.signing_problems()
    if problems:
        out.append(
            Check(
                "certificate", "failed", "certificate-unfit",
                "证书不能用于签名：" + "；".join(zh for zh, _ in problems),
                "the certificate may not sign: " + "; ".join(en for _, en in problems),
                expected="digitalSignature | nonRepudiation, cA false",
            )
        )  # fmt: skip
    else:
        out.append(Check("certificate", "ok", zh="证书可用于签名", en="the certificate may sign"))
    if cert.valid_at(now):
        out.append(Check("validity", "ok", zh="证书在有效期内", en="the certificate is within its validity"))
    else:
        late = now > cert.not_after
        out.append(
            Check(
                "validity", "failed", "certificate-expired" if late else "certificate-not-yet-valid",
                f"证书{'已过期' if late else '尚未生效'}（有效期 {cert.validity()}）",
                f"the certificate {'has expired' if late else 'is not valid yet'} (valid {cert.validity()})",
                expected=cert.validity(), actual=now.isoformat(timespec="seconds"),
            )
        )  # fmt: skip
    try:
        when = dt.datetime.fromisoformat(signed_at)
        if when.tzinfo is None:
            raise ValueError("no time zone")
    except ValueError:
        out.append(
            Check(
                "signedAt", "failed", "signing-time-invalid", "签名时间不是带时区的 ISO 8601 时间",
                "the signing time is not an ISO 8601 time with a zone", expected=cert.validity(), actual=signed_at,
            )
        )  # fmt: skip
        return out
    if when > now + CLOCK_SKEW:
        out.append(
            Check(
                "signedAt", "failed", "signed-in-future", f"签名时间 {signed_at} 晚于当前时间",
                f"the signing time {signed_at} lies in the future", expected=f"≤ {now.isoformat(timespec='seconds')}",
                actual=signed_at,
            )
        )  # fmt: skip
    elif not cert.valid_at(when):
        out.append(
            Check(
                "signedAt", "failed", "signed-outside-validity", f"签名时间 {signed_at} 不在证书有效期内",
                f"the signing time {signed_at} lies outside the certificate's validity",
                expected=cert.validity(), actual=signed_at,
            )
        )  # fmt: skip
    else:
        out.append(Check("signedAt", "ok", zh="签名时间在证书有效期内", en="signed within the certificate's validity"))
    return out


def _sender_check(cert: keys.Certificate, header: dict[str, Any]) -> Check:
    """Whether the certificate names the header's sender (the USCC it carries; docs/trust-model.md)."""
    sender = str(header.get("sender", ""))
    if not cert.senders:
        return Check(
            "sender", "not-checked",
            zh="证书未载明统一社会信用代码：谁可代表哪个单位，请用 validate --trust 与签名者授权表（signers.yaml）",
            en="the certificate names no unified social credit code: use validate --trust with a signer map "
            "(signers.yaml) to say whom it may sign for",
        )  # fmt: skip
    if sender in cert.senders:
        return Check("sender", "ok", zh=f"证书载明发送方 {sender}", en=f"the certificate names the sender {sender}")
    if not sender:
        return Check(
            "sender", "failed", "sender-not-certified",
            f"报文头未写发送方，无法与证书载明的单位（{'、'.join(cert.senders)}）核对",
            f"the package's header names no sender to match against the units the certificate names "
            f"({', '.join(cert.senders)})",
            expected=", ".join(cert.senders), actual="",
        )  # fmt: skip
    return Check(
        "sender", "failed", "sender-not-certified",
        f"报文发送方 {sender} 不是证书载明的单位（{'、'.join(cert.senders)}）",
        f"the package's sender {sender} is not the unit the certificate names ({', '.join(cert.senders)})",
        expected=", ".join(cert.senders), actual=sender,
    )  # fmt: skip


def _content_checks(path: str | os.PathLike[str], doc: dict[str, Any], seen: Observed) -> Iterator[Check]:
    signed_file, payload = doc["file"], doc["payload"]
    digest, size = file_digest(path, signed_file["digestAlgorithm"])
    same_format = seen.format == signed_file["format"] or seen.format == "unknown"
    if (digest, size) == (signed_file["digest"], signed_file["size"]):
        yield Check("bytes", "ok", zh="文件字节与签名时完全相同", en="the file's bytes are exactly those signed")
    elif same_format:
        yield Check(
            "bytes", "failed", "bytes-changed",
            f"文件字节与签名时不同（{signed_file['digestAlgorithm']}，{size} 字节，签名时 {signed_file['size']} 字节）",
            f"the file's bytes differ from those signed ({signed_file['digestAlgorithm']}, {size} bytes, "
            f"{signed_file['size']} when signed)",
            expected=signed_file["digest"], actual=digest,
        )  # fmt: skip
    else:
        yield Check(
            "bytes", "not-checked",
            zh=f"已由 {signed_file['format']} 转换为 {seen.format}：字节不可比，按规范化内容核对",
            en=f"converted from {signed_file['format']} to {seen.format}: bytes not comparable, content checked",
        )  # fmt: skip
    if seen.problem is not None:
        yield Check(
            "read", "failed", "package-unreadable",
            f"报文无法完整读取：{seen.problem.zh}", f"the package cannot be read through: {seen.problem.en}",
        )  # fmt: skip
    else:
        yield Check("read", "ok", zh="报文可完整读取", en="the package reads through")
    yield _header_check(doc["header"], seen.header)
    if seen.count is None:
        yield Check("count", "not-checked", zh="报文未能读完", en="the package could not be read through")
    elif seen.count != payload["recordCount"]:
        yield Check(
            "count", "failed", "count-mismatch",
            f"记录数不符：签名时 {payload['recordCount']} 条，现有 {seen.count} 条",
            f"record count mismatch: {payload['recordCount']} signed, {seen.count} now",
            expected=str(payload["recordCount"]), actual=str(seen.count),
        )  # fmt: skip
    else:
        yield Check("count", "ok", zh=f"记录数相符（{seen.count}）", en=f"record count matches ({seen.count})")
    if seen.digest is None:
        yield Check("digest", "not-checked", zh="报文未能读完", en="the package could not be read through")
    elif seen.digest != payload["digest"]:
        yield Check(
            "digest", "failed", "digest-mismatch",
            f"记录摘要不符（{payload['digestAlgorithm']}）：记录有改动",
            f"records digest mismatch ({payload['digestAlgorithm']}): a record was altered",
            expected=payload["digest"], actual=seen.digest,
        )  # fmt: skip
    else:
        algorithm = payload["digestAlgorithm"]
        yield Check("digest", "ok", zh=f"记录摘要相符（{algorithm}）", en=f"records digest matches ({algorithm})")


def _header_check(signed: dict[str, Any], now: dict[str, Any] | None) -> Check:
    if now is None:
        return Check("header", "not-checked", zh="报文头无法读取", en="the header cannot be read")
    changed = sorted(k for k in signed.keys() | now.keys() if signed.get(k) != now.get(k))
    if not changed:
        return Check("header", "ok", zh="报文头与签名时相同", en="the header is the one signed")
    names = ", ".join(changed)
    return Check(
        "header", "failed", "header-changed",
        f"报文头与签名时不同：{names}", f"the header differs from the one signed: {names}",
        expected="; ".join(f"{k}={signed.get(k)}" for k in changed),
        actual="; ".join(f"{k}={now.get(k)}" for k in changed),
    )  # fmt: skip
