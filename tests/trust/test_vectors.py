"""SM3 and SM2 against published vectors, and SM2 interoperability with OpenSSL.

What is covered, honestly:

* SM3: the two examples of GB/T 32905-2016 (GM/T 0004-2012) Annex A, through the hash the package code uses
  (the platform's OpenSSL where it has SM3) and through gmalg's own SM3.
* SM2, the standard's own example (GB/T 32918.2-2016 Annex A.2, GM/T 0003.2): on the Fp-256 *example* curve
  with ID ALICE123@YAHOO.COM, message "message digest", the published private key and random k, gmalg
  reproduces the published public key, Z_A, and signature (r, s), and verifies it. The example curve is not
  the recommended one, so this drives gmalg's curve-generic core directly.
* SM2 on the recommended curve (GB/T 32918.5) with a fixed k: a known answer published in Bouncy Castle's
  SM2 signer tests (an independent implementation; the standard gives no example on this curve), through
  sedata's own adapter, default and explicit user IDs.
* Interoperability: OpenSSL 3 signatures (SM3, distid 1234567812345678) verify here and ours verify in
  OpenSSL; our PEM keys and self-signed SM2 certificate are read and verified by OpenSSL; key ids equal the
  SHA-256 of OpenSSL's DER public key. Skipped where the openssl binary lacks SM2.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import gmalg
import pytest
from gmalg import ellipticcurve
from gmalg.sm2 import SM2Core

from sedata.trust import keys, sm

SM3_VECTORS = [
    (b"abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"),
    (b"abcd" * 16, "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"),
]


@pytest.mark.parametrize(("message", "digest"), SM3_VECTORS)
def test_sm3_standard_vectors(message: bytes, digest: str) -> None:
    assert sm.sm3(message).hex() == digest
    h = sm.new_hash("sm3")
    for i in range(len(message)):  # streamed one byte at a time
        h.update(message[i : i + 1])
    assert h.hexdigest() == digest
    own = gmalg.SM3()
    own.update(message)
    assert own.value().hex() == digest


def test_sm3_fallback_matches_openssl() -> None:
    fallback = sm._GmalgSm3()
    fallback.update(b"abc")
    assert fallback.hexdigest() == SM3_VECTORS[0][1]
    if "sm3" in hashlib.algorithms_available:
        data = bytes(range(256)) * 5
        other = sm._GmalgSm3()
        other.update(data)
        assert other.hexdigest() == hashlib.new("sm3", data).hexdigest()


# GB/T 32918.2-2016 Annex A.2: the Fp-256 example curve and the signature example on it.
EXAMPLE_CURVE = ellipticcurve.ECDLP(
    0x8542D69E_4C044F18_E8B92435_BF6FF7DE_45728391_5C45517D_722EDB8B_08F1DFC3,
    0x787968B4_FA32C3FD_2417842E_73BBFEFF_2F3C848B_6831D7E0_EC65228B_3937E498,
    0x63E4C6D3_B23B0C84_9CF84241_484BFE48_F61D59A5_B16BA06E_6E12D1DA_27C5249A,
    (
        0x421DEBD6_1B62EAB6_746434EB_C3CC315E_32220B3B_ADD50BDC_4C4E6C14_7FEDD43D,
        0x0680512B_CBB42C07_D47349D2_153B70C4_E5D7FDFC_BFA36EA1_A85841B9_E46E09A2,
    ),
    0x8542D69E_4C044F18_E8B92435_BF6FF7DD_29772063_0485628D_5AE74EE7_C32E79B7,
)
EXAMPLE = {
    "id": b"ALICE123@YAHOO.COM",
    "message": b"message digest",
    "d": 0x128B2FA8_BD433C6C_068C8D80_3DFF7979_2A519A55_171B1B65_0C23661D_15897263,
    "x": 0x0AE4C779_8AA0F119_471BEE11_825BE462_02BB79E2_A5844495_E97C04FF_4DF2548A,
    "y": 0x7C0240F8_8F1CD4E1_6352A73C_17B7F16F_07353E53_A176D684_A9FE0C6B_B798E857,
    "z": "f4a38489e32b45b6f876e3ac2168ca392362dc8f23459c1d1146fc3dbfb7bc9a",
    "k": 0x6CB28D99_385C175C_94F94E93_4817663F_C176D925_DD72B727_260DBAAE_1FB2F96F,
    "r": 0x40F1EC59_F793D9F4_9E09DCEF_49130D41_94F79FB1_EED2CAA5_5BACDB49_C4E755D1,
    "s": 0x6FC6DAC3_2C5D5CF1_0C77DFB2_0F7C2EB6_67A45787_2FB09EC5_6327A67E_C7DEEBE7,
}


def test_sm2_standard_example_on_the_example_curve() -> None:
    core = SM2Core(EXAMPLE_CURVE, gmalg.SM3(), lambda _bits: EXAMPLE["k"])
    public = core.generate_pk(EXAMPLE["d"])
    assert public == (EXAMPLE["x"], EXAMPLE["y"])
    assert core.entity_info(EXAMPLE["id"], public).hex() == EXAMPLE["z"]
    r, s = core.sign(EXAMPLE["message"], EXAMPLE["d"], EXAMPLE["id"], public)
    assert (r, s) == (EXAMPLE["r"], EXAMPLE["s"])
    assert core.verify(EXAMPLE["message"], r, s, EXAMPLE["id"], public)
    assert not core.verify(b"message digesT", r, s, EXAMPLE["id"], public)
    assert not core.verify(EXAMPLE["message"], r, s, b"ALICE123@YAHOO.CON", public)


# Bouncy Castle SM2SignerTest "FpStandard" (sm2p256v1, SM3): d, fixed k, and the (r, s) it expects.
RECOMMENDED = {
    "id": b"sm2test@example.com",
    "message": b"hi chappy",
    "d": 0x110E7973_206F68C1_9EE5F732_8C036F26_911C8C73_B4E4F36A_E3291097_F8984FFC,
    "k": 0x3174C6FF_C3C279D2_422F3FC0_A9F3E574_674A4490_FE45A532_5CAF7D3E_C4C8F96C,
    "r": 0x05890B90_77B92E47_B17A1FF4_2A814280_E556AFD9_2B4A98B9_670BF8B1_A274C2FA,
    "s": 0xE3ABBB8D_B2B6ECD9_B24ECCEA_7F679FB9_A4B1DB52_F4AA985E_443AD732_37FA1993,
}


def test_sm2_known_answer_on_the_recommended_curve() -> None:
    v = RECOMMENDED
    r, s = sm.sign(v["d"], v["message"], v["id"], rnd=lambda _bits: v["k"])
    assert (r, s) == (v["r"], v["s"])
    point = sm.public_point(v["d"])
    assert sm.verify(point, v["message"], r, s, v["id"])
    assert not sm.verify(point, v["message"], r, s)  # the default ID gives another Z_A
    assert not sm.verify(point, v["message"] + b"!", r, s, v["id"])
    assert not sm.verify(point, v["message"], r, (s + 1) % sm.ORDER, v["id"])
    assert not sm.verify(point, v["message"], 0, s, v["id"])


def test_sm2_round_trip_with_the_default_id() -> None:
    d, point = sm.generate()
    assert sm.valid_private(d) and sm.valid_point(point) and point == sm.public_point(d)
    r, s = sm.sign(d, b"package")
    assert sm.verify(point, b"package", r, s)
    assert sm.verify(point, b"package", r, s, sm.DEFAULT_ID)
    assert not sm.verify(point, b"package", r, s, b"another id")
    assert not sm.valid_point(b"\x04" + b"\x01" * 64)


# --- OpenSSL interoperability --------------------------------------------------------------------------------

OPENSSL = shutil.which("openssl")


def _openssl(*args: str, input: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    assert OPENSSL is not None
    return subprocess.run([OPENSSL, *args], input=input, capture_output=True, timeout=30, check=False)


@pytest.fixture(scope="module")
def openssl_sm2(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if OPENSSL is None:
        pytest.skip("no openssl binary")
    folder = tmp_path_factory.mktemp("openssl")
    if _openssl("genpkey", "-algorithm", "SM2", "-out", str(folder / "key.pem")).returncode != 0:
        pytest.skip("this openssl has no SM2")
    _openssl("pkey", "-in", str(folder / "key.pem"), "-pubout", "-out", str(folder / "pub.pem"))
    return folder


def test_openssl_signature_verifies_here(openssl_sm2: Path) -> None:
    (openssl_sm2 / "msg").write_bytes(b"sedata interop")
    done = _openssl(
        "dgst", "-sm3", "-sign", str(openssl_sm2 / "key.pem"), "-sigopt", "distid:1234567812345678",
        "-out", str(openssl_sm2 / "msg.sig"), str(openssl_sm2 / "msg"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    public, _ = keys.load_public_file(openssl_sm2 / "pub.pem")
    assert public.algorithm == keys.SM2
    signature = (openssl_sm2 / "msg.sig").read_bytes()
    assert public.verify(signature, b"sedata interop")
    assert not public.verify(signature, b"sedata interoP")
    # The private key OpenSSL wrote is read here, and names the same key.
    assert keys.load_private_file(openssl_sm2 / "key.pem").public_key().key_id == public.key_id


def test_our_signature_verifies_in_openssl(openssl_sm2: Path, sm2_key: keys.PrivateKey) -> None:
    (openssl_sm2 / "ours.pem").write_bytes(sm2_key.public_key().to_pem())
    (openssl_sm2 / "ours.msg").write_bytes(b"signed by sedata")
    (openssl_sm2 / "ours.sig").write_bytes(sm2_key.sign(b"signed by sedata"))
    done = _openssl(
        "dgst", "-sm3", "-verify", str(openssl_sm2 / "ours.pem"), "-sigopt", "distid:1234567812345678",
        "-signature", str(openssl_sm2 / "ours.sig"), str(openssl_sm2 / "ours.msg"),
    )  # fmt: skip
    assert done.returncode == 0 and b"Verified OK" in done.stdout, done.stderr


@pytest.mark.parametrize("algorithm", keys.ALGORITHMS)
def test_openssl_reads_our_keys_and_certificates(
    openssl_sm2: Path, private_keys: dict[str, keys.PrivateKey], algorithm: str
) -> None:
    key = private_keys[algorithm]
    (openssl_sm2 / f"{algorithm}.key").write_bytes(key.to_pem())
    (openssl_sm2 / f"{algorithm}.crt").write_bytes(keys.self_signed_certificate(key, "互操作测试"))
    der = _openssl("pkey", "-in", str(openssl_sm2 / f"{algorithm}.key"), "-pubout", "-outform", "DER")
    assert der.returncode == 0, der.stderr
    assert hashlib.sha256(der.stdout).hexdigest() == key.public_key().key_id
    crt = str(openssl_sm2 / f"{algorithm}.crt")
    checked = _openssl("verify", "-CAfile", crt, crt)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    public, cert = keys.load_public_file(crt)
    assert public == key.public_key() and cert is not None and cert.subject == "CN=互操作测试"
