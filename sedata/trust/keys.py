"""Signature algorithms, keys and certificates: SM2 (through :mod:`sedata.trust.sm`), ECDSA P-256 and Ed25519
(through ``cryptography``), all kept in the usual PEM forms.

* Private keys: PKCS#8 ``PRIVATE KEY`` (SM2 as OpenSSL 3 and GmSSL write it: ``id-ecPublicKey`` with the
  ``sm2p256v1`` curve); SEC1 ``EC PRIVATE KEY`` is read too. Keys are written unencrypted: ``keygen`` makes
  test keys; production keys belong in a key store or a cryptographic device.
* Public keys: X.509 ``CERTIFICATE`` or ``PUBLIC KEY`` (SubjectPublicKeyInfo). ``keygen`` writes a self-signed
  certificate for every algorithm; the SM2 one is encoded here (``cryptography`` cannot sign with SM2) and
  signed SM2-with-SM3 with the default identity, which OpenSSL 3 verifies.
* Key id: the SHA-256 of the DER SubjectPublicKeyInfo, lower-case hex (what ``openssl pkey -pubout -outform
  DER | sha256sum`` prints), so a ``.sig`` names its key whatever file the key travels in.
* Signatures: ``SEQUENCE {r, s}`` DER for SM2 (GM/T 0009) and ECDSA; 64 bytes for Ed25519. The raw form
  (r ‖ s, 32 bytes each) is used where space counts (QR codes).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from cryptography.x509.oid import NameOID

from sedata.trust import der, sm
from sedata.trust.errors import TrustError

SM2, ECDSA_P256, ED25519 = "sm2", "ecdsa-p256", "ed25519"
ALGORITHMS: Final = (SM2, ECDSA_P256, ED25519)
"""The implemented signature algorithms: the codes of the spec's ``signature-algorithm`` code set."""
FILE_HASH: Final = {SM2: "sm3", ECDSA_P256: "sha256", ED25519: "sha256"}
"""The hash each algorithm is paired with, also for hashing file bytes (SM2 goes with SM3)."""

_EC_PUBLIC_KEY = der.oid("1.2.840.10045.2.1")
_SM2_CURVE = der.oid("1.2.156.10197.1.301")
_SM2_WITH_SM3 = der.oid("1.2.156.10197.1.501")
_RAW_SIZE = 64


def _bad_key(en: str, zh: str) -> TrustError:
    return TrustError("key-unusable", zh, en)


# --- public keys ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicKey:
    """A public key of one of :data:`ALGORITHMS`, kept as its DER SubjectPublicKeyInfo."""

    algorithm: str
    spki: bytes

    @property
    def key_id(self) -> str:
        """SHA-256 of the SubjectPublicKeyInfo, lower-case hex."""
        return hashlib.sha256(self.spki).hexdigest()

    def verify(self, signature: bytes, message: bytes, *, raw: bool = False) -> bool:
        """Whether ``signature`` (DER, or r ‖ s when ``raw``) is this key's signature of ``message``."""
        try:
            if self.algorithm == SM2:
                r, s = _split(signature, raw)
                return sm.verify(_sm2_point(self.spki), message, r, s)
            key = serialization.load_der_public_key(self.spki)
            if isinstance(key, ed25519.Ed25519PublicKey):
                key.verify(signature, message)
                return True
            if isinstance(key, ec.EllipticCurvePublicKey):
                if raw:
                    r, s = _split(signature, raw=True)
                    signature = encode_dss_signature(r, s)
                key.verify(signature, message, ec.ECDSA(hashes.SHA256()))
                return True
        except (InvalidSignature, ValueError):
            return False
        return False

    def to_pem(self) -> bytes:
        """The key as a PEM ``PUBLIC KEY`` block."""
        return der.pem("PUBLIC KEY", self.spki)


def _split(signature: bytes, raw: bool) -> tuple[int, int]:
    if raw:
        if len(signature) != _RAW_SIZE:
            raise ValueError("raw signature must be 64 bytes")
        return int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    r, s = decode_dss_signature(signature)
    if encode_dss_signature(r, s) != signature:  # only the one DER encoding counts (no malleable variants)
        raise ValueError("signature is not DER")
    return r, s


def _sm2_spki(point: bytes) -> bytes:
    return der.seq(der.seq(_EC_PUBLIC_KEY, _SM2_CURVE), der.bit_string(point))


def _sm2_point(spki: bytes) -> bytes:
    _alg, key = der.children(der.read_one(spki, der.SEQUENCE))
    return der.bits(key[1])


def public_key_from_spki(spki: bytes) -> PublicKey:
    """The public key in a DER SubjectPublicKeyInfo (SM2, ECDSA P-256 or Ed25519), in canonical form."""
    try:
        alg, key = der.children(der.read_one(spki, der.SEQUENCE))
        ids = der.children(alg[1])
        if alg[0] == der.SEQUENCE and len(ids) == 2 and ids[0][2] == _EC_PUBLIC_KEY and ids[1][2] == _SM2_CURVE:
            point = der.bits(key[1])
            if not sm.valid_point(point):
                raise _bad_key("the SM2 public key is not a point on the curve", "SM2 公钥不是曲线上的点")
            return PublicKey(SM2, _sm2_spki(sm.uncompressed(point)))
        loaded = serialization.load_der_public_key(spki)
    except (ValueError, IndexError, UnsupportedAlgorithm) as exc:
        raise _bad_key(f"cannot read the public key: {exc}", f"无法读取公钥：{exc}") from None
    canonical = loaded.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    if isinstance(loaded, ed25519.Ed25519PublicKey):
        return PublicKey(ED25519, canonical)
    if isinstance(loaded, ec.EllipticCurvePublicKey) and isinstance(loaded.curve, ec.SECP256R1):
        return PublicKey(ECDSA_P256, canonical)
    raise _bad_key(
        f"unsupported key type {type(loaded).__name__} (use SM2, ECDSA P-256 or Ed25519)",
        f"不支持的密钥类型 {type(loaded).__name__}（应为 SM2、ECDSA P-256 或 Ed25519）",
    )


@dataclass(frozen=True)
class Certificate:
    """What a certificate says about its key's holder (no chain is validated: the file given is trusted)."""

    subject: str
    not_before: dt.datetime
    not_after: dt.datetime


def _spki_of_certificate(cert_der: bytes) -> bytes:
    tbs = der.children(der.read_one(cert_der, der.SEQUENCE))[0]
    fields = der.children(tbs[1])
    if fields and fields[0][0] == der.context(0):
        fields = fields[1:]  # version
    # serial, signature algorithm, issuer, validity, subject, subjectPublicKeyInfo
    return fields[5][2]


def load_public(data: bytes, *, file: str | None = None) -> tuple[PublicKey, Certificate | None]:
    """The key of the first ``CERTIFICATE`` or ``PUBLIC KEY`` PEM block in ``data``, with the certificate's facts."""
    try:
        blocks = der.pem_blocks(data)
    except ValueError as exc:
        raise TrustError("key-unusable", f"PEM 内容损坏：{exc}", f"corrupt PEM: {exc}", file=file) from None
    for label, body in blocks:
        try:
            if label == "CERTIFICATE":
                key = public_key_from_spki(_spki_of_certificate(body))
                cert = x509.load_der_x509_certificate(body)  # reads SM2 certificates too (the key is not parsed)
                return key, Certificate(
                    cert.subject.rfc4514_string(), cert.not_valid_before_utc, cert.not_valid_after_utc
                )
            if label == "PUBLIC KEY":
                return public_key_from_spki(body), None
        except TrustError as exc:
            exc.file = exc.file or file
            raise
        except (ValueError, IndexError) as exc:
            raise TrustError(
                "key-unusable", f"无法读取证书：{exc}", f"cannot read the certificate: {exc}", file=file
            ) from None
    raise TrustError(
        "key-unusable",
        "文件中没有 PEM 格式的证书（CERTIFICATE）或公钥（PUBLIC KEY）",
        "no PEM certificate (CERTIFICATE) or public key (PUBLIC KEY) in the file",
        file=file,
    )


def load_public_file(path: str | Path) -> tuple[PublicKey, Certificate | None]:
    """:func:`load_public` on a file."""
    return load_public(_read(path), file=str(path))


# --- private keys --------------------------------------------------------------------------------------------


class PrivateKey:
    """A private key of one of :data:`ALGORITHMS`."""

    def __init__(self, algorithm: str, *, sm2_d: int | None = None, key: object | None = None) -> None:
        self.algorithm = algorithm
        self._d = sm2_d
        self._key = key

    @classmethod
    def generate(cls, algorithm: str) -> PrivateKey:
        """A new random key."""
        if algorithm == SM2:
            d, _ = sm.generate()
            return cls(SM2, sm2_d=d)
        if algorithm == ECDSA_P256:
            return cls(ECDSA_P256, key=ec.generate_private_key(ec.SECP256R1()))
        if algorithm == ED25519:
            return cls(ED25519, key=ed25519.Ed25519PrivateKey.generate())
        raise unknown_algorithm(algorithm)

    def public_key(self) -> PublicKey:
        """The matching public key."""
        if self._d is not None:
            return PublicKey(SM2, _sm2_spki(sm.public_point(self._d)))
        assert isinstance(self._key, ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey)
        spki = self._key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return PublicKey(self.algorithm, spki)

    def sign(self, message: bytes, *, raw: bool = False) -> bytes:
        """The signature of ``message``: DER (SM2, ECDSA) or 64 bytes (Ed25519); r ‖ s when ``raw``."""
        if self._d is not None:
            r, s = sm.sign(self._d, message)
        elif isinstance(self._key, ed25519.Ed25519PrivateKey):
            return self._key.sign(message)
        else:
            assert isinstance(self._key, ec.EllipticCurvePrivateKey)
            r, s = decode_dss_signature(self._key.sign(message, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big") if raw else encode_dss_signature(r, s)

    def to_pem(self) -> bytes:
        """The key as an unencrypted PKCS#8 ``PRIVATE KEY`` block."""
        if self._d is not None:
            inner = der.seq(
                der.integer(1),
                der.octet_string(self._d.to_bytes(sm.KEY_BYTES, "big")),
                der.explicit(1, der.bit_string(sm.public_point(self._d))),
            )
            body = der.seq(der.integer(0), der.seq(_EC_PUBLIC_KEY, _SM2_CURVE), der.octet_string(inner))
            return der.pem("PRIVATE KEY", body)
        assert isinstance(self._key, ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey)
        return self._key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )


def _sm2_from_ec_private_key(body: bytes, curve_known: bool) -> PrivateKey | None:
    """The SM2 key in a SEC1 ECPrivateKey, or None when it names another curve."""
    parts = der.children(der.read_one(body, der.SEQUENCE))
    named = [p for p in parts if p[0] == der.context(0)]
    if named and der.children(named[0][1])[0][2] != _SM2_CURVE:
        return None
    if not named and not curve_known:
        return None
    d = int.from_bytes(parts[1][1], "big")
    if parts[1][0] != der.OCTET_STRING or not sm.valid_private(d):
        raise ValueError("the SM2 private key is out of range")
    return PrivateKey(SM2, sm2_d=d)


def load_private(data: bytes, *, file: str | None = None) -> PrivateKey:
    """The private key in the first PEM ``PRIVATE KEY`` or ``EC PRIVATE KEY`` block of ``data``."""
    try:
        for label, body in der.pem_blocks(data):
            if label == "PRIVATE KEY":
                _version, alg, inner = der.children(der.read_one(body, der.SEQUENCE))[:3]
                ids = der.children(alg[1])
                if len(ids) == 2 and ids[0][2] == _EC_PUBLIC_KEY and ids[1][2] == _SM2_CURVE:
                    key = _sm2_from_ec_private_key(inner[1], curve_known=True)
                    if key is not None:
                        return key
                return _from_cryptography(body)
            if label == "EC PRIVATE KEY":
                return _sm2_from_ec_private_key(body, curve_known=False) or _from_cryptography(body, sec1=True)
            if label == "ENCRYPTED PRIVATE KEY":
                raise TrustError(
                    "key-unusable",
                    "不支持加密的私钥文件，请先解密（或使用密码设备）",
                    "encrypted private keys are not supported; decrypt it first (or use a cryptographic device)",
                    file=file,
                )
    except TrustError as exc:
        exc.file = exc.file or file
        raise
    except (ValueError, IndexError, UnsupportedAlgorithm) as exc:
        raise TrustError(
            "key-unusable", f"无法读取私钥：{exc}", f"cannot read the private key: {exc}", file=file
        ) from None
    raise TrustError(
        "key-unusable",
        "文件中没有 PEM 格式的私钥（PRIVATE KEY）",
        "no PEM private key (PRIVATE KEY) in the file",
        file=file,
    )


def _from_cryptography(body: bytes, *, sec1: bool = False) -> PrivateKey:
    key = serialization.load_der_private_key(body, password=None)
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return PrivateKey(ED25519, key=key)
    if isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP256R1):
        return PrivateKey(ECDSA_P256, key=key)
    raise _bad_key(
        f"unsupported key type {type(key).__name__} (use SM2, ECDSA P-256 or Ed25519)",
        f"不支持的密钥类型 {type(key).__name__}（应为 SM2、ECDSA P-256 或 Ed25519）",
    )


def load_private_file(path: str | Path) -> PrivateKey:
    """:func:`load_private` on a file."""
    return load_private(_read(path), file=str(path))


def _read(path: str | Path) -> bytes:
    from sedata.io import InputError
    from sedata.io.limits import KEY_FILE_LIMIT, read_limited

    try:  # bounded: /dev/zero given as a key must not exhaust memory
        return read_limited(path, KEY_FILE_LIMIT)
    except InputError as exc:
        raise TrustError("file-access", exc.zh, exc.en, file=str(path)) from None


def unknown_algorithm(algorithm: str) -> TrustError:
    """The error for an algorithm this release does not implement."""
    return TrustError(
        "unknown-algorithm",
        f"未知的签名算法 {algorithm!r}（可用：{'、'.join(ALGORITHMS)}）",
        f"unknown signature algorithm {algorithm!r} (known: {', '.join(ALGORITHMS)})",
    )


# --- self-signed certificates --------------------------------------------------------------------------------


def self_signed_certificate(key: PrivateKey, common_name: str, days: int = 365) -> bytes:
    """A PEM self-signed end-entity certificate for ``key`` (digital signature only), valid from now for ``days``."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    until = now + dt.timedelta(days=days)
    serial = secrets.randbits(127) | 1 << 126  # positive, 16 bytes, never zero
    if key.algorithm == SM2:
        return _sm2_certificate(key, common_name, now, until, serial)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    inner = key._key
    assert isinstance(inner, ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(inner.public_key())
        .serial_number(serial)
        .not_valid_before(now)
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)
    )
    algorithm = None if isinstance(inner, ed25519.Ed25519PrivateKey) else hashes.SHA256()
    return builder.sign(inner, algorithm).public_bytes(serialization.Encoding.PEM)


def _sm2_certificate(key: PrivateKey, cn: str, start: dt.datetime, until: dt.datetime, serial: int) -> bytes:
    name = der.seq(der.tlv(der.SET, der.seq(der.oid("2.5.4.3"), der.utf8(cn))))
    critical = der.tlv(der.BOOLEAN, b"\xff")
    extensions = der.seq(
        der.seq(der.oid("2.5.29.19"), critical, der.octet_string(der.seq())),  # basicConstraints: not a CA
        # keyUsage: digitalSignature only (a BIT STRING of one bit: 7 unused bits, 0x80)
        der.seq(der.oid("2.5.29.15"), critical, der.octet_string(der.tlv(der.BIT_STRING, b"\x07\x80"))),
    )
    tbs = der.seq(
        der.explicit(0, der.integer(2)),
        der.integer(serial),
        der.seq(_SM2_WITH_SM3),
        name,
        der.seq(der.time(start), der.time(until)),
        name,
        key.public_key().spki,
        der.explicit(3, extensions),
    )
    cert = der.seq(tbs, der.seq(_SM2_WITH_SM3), der.bit_string(key.sign(tbs)))
    return der.pem("CERTIFICATE", cert)
