"""Trust material handled safely: private key files, bounded and linear parsing, canonical QR payloads, SM3 sources."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sedata.cli.main import app
from sedata.privacy.errors import PrivacyError
from sedata.privacy.values import check_key
from sedata.trust import der, keys, qr, sm
from sedata.trust.errors import TrustError
from sedata.trust.files import write_new
from sedata.trust.text import mask_id_runs, printable, shown

from .conftest import CERTIFICATES

runner = CliRunner()


def _cli(*args: str) -> tuple[int, str]:
    done = runner.invoke(app, list(args))
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exception
    return done.exit_code, done.output


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


# --- key files ---------------------------------------------------------------------------------------------------


def test_keygen_key_files_are_0600_also_when_force_replaces_a_0644_file(tmp_path: Path) -> None:
    old = tmp_path / "ed25519-key.pem"
    old.write_text("an old key, world-readable\n")
    old.chmod(0o644)
    code, out = _cli("keygen", "--alg", "ed25519", "--out", str(tmp_path))
    assert code == 2 and "--force" in out and old.read_text() == "an old key, world-readable\n"
    code, out = _cli("keygen", "--alg", "ed25519", "--out", str(tmp_path), "--force")
    assert code == 0, out
    assert _mode(old) == 0o600 and b"PRIVATE KEY" in old.read_bytes()
    assert _mode(tmp_path / "ed25519-cert.pem") == 0o644
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # no temporary file left behind
    fresh = tmp_path / "fresh"
    assert _cli("keygen", "--alg", "sm2", "--out", str(fresh))[0] == 0
    assert _mode(fresh / "sm2-key.pem") == 0o600


def test_keygen_never_writes_through_a_symbolic_link(tmp_path: Path) -> None:
    victim = tmp_path / "elsewhere" / "victim.pem"
    victim.parent.mkdir()
    out = tmp_path / "keys"
    out.mkdir()
    (out / "ed25519-key.pem").symlink_to(victim)  # dangling: passes an exists() check
    code, text = _cli("keygen", "--alg", "ed25519", "--out", str(out))
    assert code == 2 and "symbolic link" in text and not victim.exists()
    victim.write_text("precious\n")
    # --force replaces regular files only: a link is refused (issue 11), its target never written through.
    code, text = _cli("keygen", "--alg", "ed25519", "--out", str(out), "--force")
    assert code == 2 and "symbolic link" in text
    assert victim.read_text() == "precious\n" and (out / "ed25519-key.pem").is_symlink()


def test_write_new_refuses_to_replace_without_replace(tmp_path: Path) -> None:
    target = tmp_path / "k"
    write_new(target, b"one")
    with pytest.raises(FileExistsError):
        write_new(target, b"two")
    write_new(target, b"two", replace=True)
    assert target.read_bytes() == b"two" and _mode(target) == 0o600


def test_ledger_files_are_private(tmp_path: Path) -> None:
    from sedata.ledger import Ledger, LedgerError

    with Ledger(tmp_path / "l.sqlite"):
        pass
    assert _mode(tmp_path / "l.sqlite") == 0o600
    (tmp_path / "dangling.sqlite").symlink_to(tmp_path / "nowhere" / "x.sqlite")
    with pytest.raises(LedgerError):
        Ledger(tmp_path / "dangling.sqlite")


# --- pseudonymisation keys -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "weak", [b"a" * 16, b"1234567890123456", b"0123456789abcdef0123456789abcdef", b"correct horse battery staple"]
)
def test_weak_pseudonym_keys_are_refused(weak: bytes) -> None:
    with pytest.raises(PrivacyError) as exc:
        check_key(weak)
    assert exc.value.code in ("weak-key", "short-key") and "keygen --mask" in str(exc.value)


def test_keygen_mask_writes_a_key_mask_accepts(tmp_path: Path) -> None:
    assert _cli("keygen", "--mask", "--out", str(tmp_path))[0] == 0
    key_file = tmp_path / "mask-key.txt"
    assert _mode(key_file) == 0o600
    key = key_file.read_bytes().strip()
    assert len(key) == 64 and int(key, 16) > 0
    check_key(key)
    check_key(os.urandom(16))  # raw generator bytes are fine too


# --- parsing trust material -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("filler", [b"\n", b" "])
def test_pem_search_is_linear(filler: bytes) -> None:
    # 5 KB of newlines after a BEGIN line took 35 s with the old regex, 8,000 spaces 148 s; 400 KB now is instant.
    data = b"-----BEGIN CERTIFICATE-----" + filler * 400_000 + b"-----END PUBLIC KEY-----"
    start = time.perf_counter()
    assert der.pem_blocks(data) == []
    many = (b"-----BEGIN CERTIFICATE-----" + filler * 10) * 20_000
    assert der.pem_blocks(many) == []
    assert time.perf_counter() - start < 2.0
    with pytest.raises(TrustError):
        keys.load_public(data)


def test_a_backtracking_pem_in_the_trust_folder_is_refused_at_once(tmp_path: Path, package) -> None:  # type: ignore[no-untyped-def]
    trust = tmp_path / "trust"
    trust.mkdir()
    (trust / "good.pem").write_bytes(keys.self_signed_certificate(_KEY, "good"))
    (trust / "evil.pem").write_bytes(b"-----BEGIN CERTIFICATE-----" + b"\n" * 5_000 + b" " * 8_000)
    start = time.perf_counter()
    code, out = _cli("validate", str(package("json")), "--trust", str(trust))
    assert time.perf_counter() - start < 10  # 35 s + 148 s per validation with the backtracking regex
    assert code == 2 and "evil.pem" in out and "PEM" in out


@settings(max_examples=200, deadline=None)
@given(
    body=st.binary(max_size=300),
    label=st.sampled_from(["CERTIFICATE", "PUBLIC KEY", "PRIVATE KEY", "EC PRIVATE KEY"]),
    before=st.binary(max_size=80).filter(lambda b: b"-----" not in b),
    blank=st.sampled_from([b"", b"\n", b"\r\n", b" \t\n\n"]),
)
def test_pem_blocks_round_trip_amid_any_text(body: bytes, label: str, before: bytes, blank: bytes) -> None:
    block = der.pem(label, body).replace(b"\n", blank + b"\n")
    assert der.pem_blocks(before + block + before) == [(label, body)]


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=400))
def test_pem_blocks_raise_only_value_error(data: bytes) -> None:
    text = b"-----BEGIN CERTIFICATE-----" + data + b"-----END CERTIFICATE-----"
    for candidate in (data, text):
        try:
            der.pem_blocks(candidate)
        except ValueError:
            pass  # bad Base64 (binascii.Error is a ValueError): load_public turns it into a located TrustError


def test_trust_paths_that_are_not_regular_files_fail_fast(tmp_path: Path) -> None:
    start = time.perf_counter()
    with pytest.raises(TrustError) as exc:
        keys.load_public_file("/dev/zero")
    assert exc.value.code == "file-access" and "regular" in exc.value.en
    fifo = tmp_path / "fifo.pem"
    os.mkfifo(fifo)
    with pytest.raises(TrustError):
        keys.load_public_file(fifo)
    big = tmp_path / "big.pem"
    with big.open("wb") as f:
        f.truncate(2 << 20)
    with pytest.raises(TrustError, match="too large"):
        keys.load_public_file(big)
    assert time.perf_counter() - start < 2.0


# --- QR payloads ----------------------------------------------------------------------------------------------------

_KEY = keys.PrivateKey.generate(keys.ED25519)


def _record() -> dict:  # type: ignore[type-arg]
    data = json.loads(CERTIFICATES.read_text("utf-8"))
    return dict(data[0] if isinstance(data, list) else data)


def test_only_the_canonical_base32_text_verifies() -> None:
    facts = qr.facts_from_record(_record())
    checked = 0
    for suffix in ("", "x", "xy", "xyz", "xyzw"):  # payload lengths with and without unused bits
        payload = qr.encode(
            qr.CertificateFacts(**{**facts.__dict__, "issuing_authority": facts.issuing_authority + suffix}), _KEY
        )
        assert qr.verify(payload, [_KEY.public_key()]).signature_valid
        body = payload[len(qr.PREFIX) :]
        raw = base64.b32decode(body + "=" * (-len(body) % 8))
        twins = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" if c != body[-1] and _decodes_to(body[:-1] + c, raw)]
        for c in twins:  # e.g. …Q7Y → …Q7Z: the same bytes, another text
            with pytest.raises(TrustError) as exc:
                qr.verify(qr.PREFIX + body[:-1] + c, [_KEY.public_key()])
            assert exc.value.code == "payload-malformed" and "canonical" in exc.value.en
            checked += 1
    assert checked > 0


def _decodes_to(text: str, raw: bytes) -> bool:
    try:
        return base64.b32decode(text + "=" * (-len(text) % 8)) == raw
    except ValueError:
        return False


def test_any_id_like_run_is_masked_in_the_payload() -> None:
    record = _record()
    holder = record["holderCitizenId"]
    wrong = holder[:-2] + str((int(holder[-2]) + 1) % 10) + holder[-1]  # one wrong digit: not a valid ID any more
    record["certificateNo"] = wrong
    facts = qr.facts_from_record(record)
    assert wrong not in facts.certificate_no and facts.certificate_no == wrong[:6] + "*" * 8 + wrong[-4:]
    assert mask_id_runs("证号 350602900101037 与 T-12345678901234") == "证号 350602*****1037 与 T-12345678901234"
    assert shown("CN=张三\nserialNumber=350602198603140372") == "CN=张三\\nserialNumber=350602********0372"
    assert shown("O=漳州分院,serialNumber=123506004885497331") == "O=漳州分院,serialNumber=123506004885497331"


def test_cert_verify_shows_unverified_facts_under_a_banner_escaped(tmp_path: Path) -> None:
    forger = keys.PrivateKey.generate(keys.ED25519)
    facts = qr.facts_from_record(_record())
    forged = qr.CertificateFacts(
        **{**facts.__dict__, "issuing_authority": "某局\n签名 / Signature: 有效（ed25519）\n验证通过 / verified"}
    )
    payload = qr.encode(forged, forger)
    cert = tmp_path / "issuer.pem"
    cert.write_bytes(keys.self_signed_certificate(_KEY, "issuer"))
    code, out = _cli("cert", "verify", payload, "--cert", str(cert))
    lines = out.splitlines()
    assert code == 1
    assert lines[0].startswith("签名 / Signature: 无匹配的证书")
    assert "UNVERIFIED" in lines[1]
    assert "验证通过 / verified" not in lines and lines[-1] == "验证未通过 / not verified"
    assert any("某局\\n签名" in line for line in lines)
    assert printable("a\u202eb\x1b[31m") == "a\\u202eb\\x1b[31m"


# --- SM3 ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("source", sm.SM3_SOURCES)
def test_every_sm3_source_gives_the_standard_vector(source: str) -> None:
    h = sm.new_hash("sm3", source=source)
    h.update(b"abc")  # GB/T 32905-2016 Annex A.1
    assert h.hexdigest() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_sm3_prefers_hashlib_then_cryptography_then_gmalg() -> None:
    assert sm.sm3_source(lambda s: True) == "hashlib"
    assert sm.sm3_source(lambda s: s == "cryptography") == "cryptography"
    assert sm.sm3_source(lambda s: False) == "gmalg"


def test_signing_time_in_the_future_fails_verify(tmp_path: Path, package) -> None:  # type: ignore[no-untyped-def]
    from sedata.trust.package import sign_package, verify_package

    key = keys.PrivateKey.generate(keys.ED25519)
    _pub, cert = keys.load_public(keys.self_signed_certificate(key, "k", days=30))
    path = package("json")
    sign_package(path, key, now=dt.datetime.now(dt.UTC) + dt.timedelta(days=2))
    result = verify_package(path, key.public_key(), certificate=cert)
    assert result.check("signedAt").code == "signed-in-future" and result.exit_code == 1
