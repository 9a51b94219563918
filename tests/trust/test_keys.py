"""Keys and certificates: PEM round trips, key ids, DER helpers, and unusable key files reported, not raised raw."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from sedata.trust import der, keys
from sedata.trust.errors import TrustError


@pytest.mark.parametrize("algorithm", keys.ALGORITHMS)
def test_pem_round_trip_and_key_id(private_keys: dict[str, keys.PrivateKey], algorithm: str) -> None:
    key = private_keys[algorithm]
    again = keys.load_private(key.to_pem())
    assert again.algorithm == algorithm and again.public_key() == key.public_key()
    public = key.public_key()
    assert keys.load_public(public.to_pem()) == (public, None)
    assert public.key_id == hashlib.sha256(public.spki).hexdigest()
    signature = again.sign(b"m")
    assert public.verify(signature, b"m") and not public.verify(signature, b"n")
    raw = again.sign(b"m", raw=True)
    assert len(raw) == 64 and public.verify(raw, b"m", raw=True)
    assert public.verify(raw, b"m") == (algorithm == keys.ED25519)  # Ed25519 has one form; the others DER


@pytest.mark.parametrize("algorithm", keys.ALGORITHMS)
def test_self_signed_certificate(private_keys: dict[str, keys.PrivateKey], algorithm: str) -> None:
    key = private_keys[algorithm]
    public, cert = keys.load_public(keys.self_signed_certificate(key, "广东省市场监督管理局", days=10))
    assert public == key.public_key()
    assert cert is not None and "广东省市场监督管理局" in cert.subject
    assert dt.timedelta(days=9) < cert.not_after - cert.not_before <= dt.timedelta(days=10)


def test_sm2_key_forms(sm2_key: keys.PrivateKey) -> None:
    # SEC1 "EC PRIVATE KEY" naming the SM2 curve, as `openssl ecparam -name SM2 -genkey` writes it.
    d = sm2_key._d
    assert d is not None
    sec1 = der.seq(
        der.integer(1),
        der.octet_string(d.to_bytes(32, "big")),
        der.explicit(0, der.oid("1.2.156.10197.1.301")),
    )
    assert keys.load_private(der.pem("EC PRIVATE KEY", sec1)).public_key() == sm2_key.public_key()
    # A compressed public point is accepted and named by the key id of its uncompressed form.
    point = der.bits(der.children(der.read_one(sm2_key.public_key().spki, der.SEQUENCE))[1][1])
    compressed = bytes([2 + (point[-1] & 1)]) + point[1:33]
    spki = der.seq(der.seq(der.oid("1.2.840.10045.2.1"), der.oid("1.2.156.10197.1.301")), der.bit_string(compressed))
    assert keys.public_key_from_spki(spki) == sm2_key.public_key()


def test_other_curves_are_refused() -> None:
    p384 = ec.generate_private_key(ec.SECP384R1())
    pem = p384.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(TrustError) as caught:
        keys.load_private(pem)
    assert caught.value.code == "key-unusable" and "P-256" in caught.value.en
    pub = p384.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    with pytest.raises(TrustError):
        keys.load_public(pub)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not a key",
        b"-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n",
        b"-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n",
        b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAA=\n-----END ENCRYPTED PRIVATE KEY-----\n",
    ],
)
def test_unusable_private_keys(content: bytes) -> None:
    with pytest.raises(TrustError) as caught:
        keys.load_private(content, file="k.pem")
    assert caught.value.code == "key-unusable" and caught.value.exit_code == 2 and caught.value.file == "k.pem"


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n",
        b"-----BEGIN PUBLIC KEY-----\nMAA=\n-----END PUBLIC KEY-----\n",
    ],
)
def test_unusable_public_keys(content: bytes) -> None:
    with pytest.raises(TrustError) as caught:
        keys.load_public(content)
    assert caught.value.code == "key-unusable"


def test_missing_key_file(tmp_path: Path) -> None:
    with pytest.raises(TrustError) as caught:
        keys.load_private_file(tmp_path / "none.pem")
    assert caught.value.code == "file-access" and caught.value.exit_code == 2


def test_der_helpers() -> None:
    assert der.integer(0) == b"\x02\x01\x00"
    assert der.integer(128) == b"\x02\x02\x00\x80"
    assert der.oid("1.2.840.10045.2.1").hex() == "06072a8648ce3d0201"
    assert der.oid("1.2.156.10197.1.301").hex() == "06082a811ccf5501822d"
    long = der.octet_string(b"x" * 300)
    assert long[:4] == b"\x04\x82\x01\x2c" and der.read_one(long, der.OCTET_STRING) == b"x" * 300
    for bad in (b"\x30", b"\x30\x05\x00", b"\x30\x81\x05" + b"\x00" * 5, b"\x1f\x01\x00"):
        with pytest.raises(ValueError):
            der.read(bad)
    assert der.time(dt.datetime(2049, 12, 31, tzinfo=dt.UTC))[0] == der.UTC_TIME
    assert der.time(dt.datetime(2050, 1, 1, tzinfo=dt.UTC))[0] == der.GENERALIZED_TIME


def test_implemented_algorithms_are_the_spec_code_set_and_the_cli_choices() -> None:
    # The spec names the algorithms; Python holds one implementation per code, and the CLI offers exactly those.
    from sedata.cli.trust_cmd import Alg
    from sedata.spec import current

    (codeset,) = current().codesets["signature-algorithm"].values()
    assert tuple(e.code for e in codeset.entries) == keys.ALGORITHMS == tuple(a.value for a in Alg)
    assert set(keys.FILE_HASH) == set(keys.ALGORITHMS)
