"""The trust model (docs/trust-model.md): who may sign for whom, certificates judged, nothing passed over in silence.

Each test is an attack or a mistake from issue 17, run through the validator as a receiver runs it.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.x509.oid import NameOID, ObjectIdentifier
from typer.testing import CliRunner

from sedata.cli.main import app
from sedata.trust import keys, sm
from sedata.trust.errors import TrustError
from sedata.trust.package import sig_path_for, sign_package, to_be_signed, verify_package
from sedata.trust.policy import TrustStore
from sedata.validate import validate_files
from sedata.validate.engine import Signatures

from .conftest import MESSAGES

runner = CliRunner()
# The example operator-certificate upload's sender (a provincial regulator) and another unit; both valid USCCs.
SENDER = "11350000003624150X"
OTHER = "91310115MA1K3BTP2B"
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
DAY = dt.timedelta(days=1)
SIGNING = x509.KeyUsage(True, False, False, False, False, False, False, False, False)
ISSUING = x509.KeyUsage(False, False, False, False, False, True, True, False, False)
ENCIPHERING = x509.KeyUsage(False, False, True, False, False, False, False, False, False)
OLD = {"start": dt.datetime(2015, 1, 1, tzinfo=dt.UTC), "until": dt.datetime(2016, 1, 1, tzinfo=dt.UTC)}
"""A certificate that expired in 2016."""


def _key() -> keys.PrivateKey:
    return keys.PrivateKey(keys.ED25519, key=ed25519.Ed25519PrivateKey.generate())


def _cert(
    key: keys.PrivateKey,
    cn: str,
    *,
    issuer: tuple[keys.PrivateKey, str] | None = None,
    ca: bool = False,
    usage: x509.KeyUsage | None = SIGNING,
    start: dt.datetime = NOW - DAY,
    until: dt.datetime = NOW + 30 * DAY,
    serial_number: str | None = None,
    uscc_extension: str | None = None,
) -> bytes:
    """A PEM certificate of ``key`` (self-signed unless ``issuer`` = (its key, its common name) is given)."""
    subject = [x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    if serial_number:
        subject.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial_number))
    signer_key, issuer_cn = issuer or (key, cn)
    issuer_name = subject if issuer is None else [x509.NameAttribute(NameOID.COMMON_NAME, issuer_cn)]
    inner, signer = key._key, signer_key._key
    assert isinstance(inner, ed25519.Ed25519PrivateKey) and isinstance(signer, ed25519.Ed25519PrivateKey)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name(subject))
        .issuer_name(x509.Name(issuer_name))
        .public_key(inner.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if usage is not None:
        builder = builder.add_extension(usage, critical=True)
    if uscc_extension is not None:  # the GB/T 20518 identity extension, as a UTF8String
        value = b"\x0c" + bytes([len(uscc_extension)]) + uscc_extension.encode()
        builder = builder.add_extension(
            x509.UnrecognizedExtension(ObjectIdentifier("1.2.156.10260.4.1.4"), value), critical=False
        )
    return builder.sign(signer, None).public_bytes(serialization.Encoding.PEM)


def _signers(folder: Path, *entries: tuple[str, list[str], bool]) -> None:
    """``signers.yaml`` in ``folder``: (certificate file, senders, testKey) per entry."""
    lines = ["format: sedata-signers", "version: 1", "signers:"]
    for cert, senders, test_key in entries:
        lines += [f"  - certificate: {cert}", f"    senders: {json.dumps(senders)}"]
        lines.append(f"    testKey: {str(test_key).lower()}")
    (folder / "signers.yaml").write_text("\n".join(lines) + "\n", "utf-8")


def _package(tmp_path: Path, name: str = "p", sender: str = SENDER) -> Path:
    path = tmp_path / f"{name}.json"
    text = (MESSAGES / "operator-certificate-upload.json").read_text("utf-8")
    path.write_text(text.replace(f'"sender":"{SENDER}"', f'"sender":"{sender}"'), "utf-8")
    return path


def _rules(path: Path, trust: Path, *, required: bool = True, ledger: Path | None = None) -> list[str]:
    report = validate_files([path], signatures=Signatures((str(trust),), required), ledger=ledger, today=NOW.date())
    return sorted(f.rule for f in report.files[0].findings if f.layer in ("trust", "sequence"))


def _cli(*args: str) -> tuple[int, str]:
    done = runner.invoke(app, list(args))
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exception
    assert "Traceback" not in done.output and "internal error" not in done.output
    return done.exit_code, done.output


@pytest.fixture
def two_units(tmp_path: Path) -> tuple[Path, keys.PrivateKey, keys.PrivateKey]:
    """A trust folder with two units' keys: ``mine`` may sign for OTHER, ``theirs`` for SENDER (signer map)."""
    trust = tmp_path / "trust"
    trust.mkdir()
    mine, theirs = _key(), _key()
    (trust / "mine.pem").write_bytes(_cert(mine, "unit A"))
    (trust / "theirs.pem").write_bytes(_cert(theirs, "unit B"))
    _signers(trust, ("mine.pem", [OTHER], True), ("theirs.pem", [SENDER], True))
    return trust, mine, theirs


# --- who may sign for whom -----------------------------------------------------------------------------------


def test_a_trusted_key_cannot_sign_for_another_unit(tmp_path: Path, two_units) -> None:  # type: ignore[no-untyped-def]
    trust, mine, theirs = two_units
    impersonation = _package(tmp_path, "imp")  # names SENDER, signed with the key granted OTHER only
    sign_package(impersonation, mine)
    genuine = _package(tmp_path, "genuine")
    sign_package(genuine, theirs)
    assert _rules(impersonation, trust) == ["SE-SIG-011"]
    assert _rules(genuine, trust) == []
    report = validate_files([impersonation], signatures=Signatures((str(trust),), True))
    finding = report.files[0].findings[0]
    assert finding.severity == "error" and finding.pointer == "/header/sender" and finding.value == SENDER
    assert OTHER in finding.message.en and "签名者" in finding.message.zh
    code, out = _cli("validate", str(impersonation), "--trust", str(trust), "--require-signature")
    assert code == 1 and "SE-SIG-011" in out


def test_verify_with_a_certificate_naming_a_unit_catches_impersonation(tmp_path: Path) -> None:
    key = _key()
    cert = tmp_path / "a.pem"
    cert.write_bytes(keys.self_signed_certificate(key, "unit A", uscc=OTHER))
    bare = tmp_path / "b.pem"  # made before signing: a certificate must be valid at the signing time
    bare.write_bytes(keys.self_signed_certificate(key, "unit A"))
    imp, own = _package(tmp_path, "imp"), _package(tmp_path, "own", sender=OTHER)
    sign_package(imp, key)
    sign_package(own, key)
    code, out = _cli("verify", str(imp), "--cert", str(cert))
    assert code == 1 and "sender-not-certified" in out and f"应为 / expected: {OTHER}" in out
    assert _cli("verify", str(own), "--cert", str(cert))[0] == 0
    code, out = _cli("verify", str(imp), "--cert", str(bare))
    assert code == 0 and "signers.yaml" in out  # said as not checked: no code in the certificate


def test_the_certificate_names_the_unit_in_its_subject_or_extension(tmp_path: Path) -> None:
    root_key, leaf_key, other_leaf = _key(), _key(), _key()
    trust = tmp_path / "trust"
    trust.mkdir()
    (trust / "root.pem").write_bytes(_cert(root_key, "省级 CA 根", ca=True, usage=ISSUING, until=NOW + 3650 * DAY))
    (trust / "leaf.pem").write_bytes(_cert(leaf_key, "unit B", issuer=(root_key, "省级 CA 根"), uscc_extension=SENDER))
    (trust / "other.pem").write_bytes(_cert(other_leaf, f"unit A@{OTHER}", issuer=(root_key, "省级 CA 根")))
    store = TrustStore.load([trust])
    assert store.senders_of(leaf_key.public_key().key_id, None) == {SENDER}
    assert store.senders_of(other_leaf.public_key().key_id, None) == {OTHER}
    signed, forged = _package(tmp_path, "b"), _package(tmp_path, "a")
    sign_package(signed, leaf_key)
    sign_package(forged, other_leaf)
    assert _rules(signed, trust) == []  # chained to the root, granted by its certificate: no signer map needed
    assert _rules(forged, trust) == ["SE-SIG-011"]


def test_a_chain_is_required_when_a_root_is_given(tmp_path: Path) -> None:
    root, stranger_root, leaf, self_signed = _key(), _key(), _key(), _key()
    trust = tmp_path / "trust"
    trust.mkdir()
    (trust / "root.pem").write_bytes(_cert(root, "root", ca=True, usage=ISSUING))
    # Issued under a root of the same name the store does not hold: the signature on the certificate fails.
    (trust / "leaf.pem").write_bytes(_cert(leaf, "leaf", issuer=(stranger_root, "root"), serial_number=SENDER))
    (trust / "self.pem").write_bytes(_cert(self_signed, "self", serial_number=SENDER))
    a, b = _package(tmp_path, "a"), _package(tmp_path, "b")
    sign_package(a, leaf)
    sign_package(b, self_signed)
    assert _rules(a, trust) == ["SE-SIG-014"]
    assert _rules(b, trust) == ["SE-SIG-014"]  # a self-signed test key needs the receiver's word
    assert TrustStore.load([trust], allow_test_keys=True).chain_problem(self_signed.public_key().key_id, None) is None


def test_signer_map_mistakes_are_located(tmp_path: Path) -> None:
    key = _key()
    (tmp_path / "k.pem").write_bytes(_cert(key, "k"))
    _signers(tmp_path, ("k.pem", ["91310115MA1K3BTP2C"], True))  # wrong check character
    with pytest.raises(TrustError) as exc:
        TrustStore.load([tmp_path])
    assert exc.value.code == "signers-invalid" and "signers.yaml" in str(exc.value.file)
    assert "signers[0] (line 4) senders: 91310115MA1K3BTP2C is not a valid" in exc.value.en
    assert "signers[0]（第 4 行） senders：" in exc.value.zh
    (tmp_path / "signers.yaml").write_text("format: sedata-signers\nversion: 1\nsigners:\n  - keyId: abc\n", "utf-8")
    with pytest.raises(TrustError, match="senders"):
        TrustStore.load([tmp_path])


# --- no silent downgrade -----------------------------------------------------------------------------------------


def test_a_stripped_signature_is_reported_under_trust(tmp_path: Path, two_units) -> None:  # type: ignore[no-untyped-def]
    trust, _mine, theirs = two_units
    path = _package(tmp_path)
    sign_package(path, theirs)
    path.write_text(path.read_text("utf-8").replace("林志强", "林志刚"), "utf-8")
    assert "SE-SIG-008" in _rules(path, trust, required=False)
    sig_path_for(path).unlink()  # the attacker deletes the signature that gives them away
    report = validate_files([path], signatures=Signatures((str(trust),), False))
    fr = report.files[0]
    stripped = [f for f in fr.findings if f.rule == "SE-SIG-001"]
    assert len(stripped) == 1 and stripped[0].severity == "warning"
    assert {f"SE-SIG-{n:03d}" for n in range(2, 15)} <= set(fr.not_checked)
    assert "not signed" in fr.not_checked["SE-SIG-005"].en
    code, out = _cli("validate", str(path), "--trust", str(trust))
    assert "SE-SIG-001" in out
    code, out = _cli("validate", str(path), "--trust", str(trust), "--require-signature")
    assert code == 1 and "SE-SIG-001" in out


def test_an_untrusted_signer_leaves_the_signer_rules_not_checked(tmp_path: Path, two_units) -> None:  # type: ignore[no-untyped-def]
    trust, _mine, _theirs = two_units
    path = _package(tmp_path)
    sign_package(path, _key())
    fr = validate_files([path], signatures=Signatures((str(trust),), True)).files[0]
    assert [f.rule for f in fr.findings if f.layer == "trust"] == ["SE-SIG-004"]
    assert {"SE-SIG-005", "SE-SIG-011", "SE-SIG-014"} <= set(fr.not_checked)
    assert "SE-SIG-008" not in fr.not_checked  # the content was checked all the same


def test_parallel_workers_keep_the_not_checked_trust_rules(tmp_path: Path, two_units) -> None:  # type: ignore[no-untyped-def]
    trust, _mine, _theirs = two_units
    files = [_package(tmp_path, f"u{i}") for i in range(2)]
    report = validate_files(files, signatures=Signatures((str(trust),), False), jobs=2)
    for fr in report.files:
        assert [f.rule for f in fr.findings if f.layer == "trust"] == ["SE-SIG-001"]
        assert "SE-SIG-005" in fr.not_checked


# --- certificates judged -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("what", "cert_kw", "signed_at", "rules"),
    [
        ("expired in 2016", OLD, dt.datetime(2015, 6, 1, tzinfo=dt.UTC), ["SE-SIG-013"]),
        ("expired and back-dated", OLD, None, ["SE-SIG-010", "SE-SIG-013"]),
        ("CA, keyCertSign only", {"ca": True, "usage": ISSUING}, None, ["SE-SIG-012"]),
        ("keyEncipherment only", {"usage": ENCIPHERING}, None, ["SE-SIG-012"]),
        ("signed in the future", {}, NOW + 7 * DAY, ["SE-SIG-010"]),
        ("sound", {}, None, []),
    ],
)  # fmt: skip
def test_certificates_are_judged(  # type: ignore[no-untyped-def]
    tmp_path: Path,
    what: str,
    cert_kw: dict,
    signed_at,
    rules: list[str],  # type: ignore[type-arg]
) -> None:
    key = _key()
    trust = tmp_path / "trust"
    trust.mkdir()
    (trust / "k.pem").write_bytes(_cert(key, what, **cert_kw))
    _signers(trust, ("k.pem", [SENDER], True))
    path = _package(tmp_path)
    sign_package(path, key, now=signed_at)
    assert _rules(path, trust) == rules, what
    code, out = _cli("verify", str(path), "--cert", str(trust / "k.pem"))
    assert code == (1 if rules else 0), out
    assert ("验证通过" in out) == (not rules)


def test_a_certificate_of_version_integer_3_is_a_located_error(tmp_path: Path, two_units) -> None:  # type: ignore[no-untyped-def]
    trust, _mine, theirs = two_units
    pem = (trust / "theirs.pem").read_bytes()
    der_body = x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
    assert b"\xa0\x03\x02\x01\x02" in der_body
    bad = tmp_path / "v4.pem"
    from sedata.trust import der

    bad.write_bytes(der.pem("CERTIFICATE", der_body.replace(b"\xa0\x03\x02\x01\x02", b"\xa0\x03\x02\x01\x03", 1)))
    with pytest.raises(TrustError) as exc:
        keys.load_public_file(bad)
    assert exc.value.code == "key-unusable" and exc.value.file == str(bad)
    path = _package(tmp_path)
    sign_package(path, theirs)
    code, out = _cli("verify", str(path), "--cert", str(bad))
    assert code == 2 and "v4.pem" in out
    shutil.copy(bad, trust / "v4.pem")
    code, out = _cli("validate", str(path), "--trust", str(trust))
    assert code == 2 and "v4.pem" in out and "无法读取证书" in out


def test_a_sig_with_a_5000_digit_integer_is_one_finding_of_the_batch(tmp_path: Path, two_units) -> None:  # type: ignore[no-untyped-def]
    trust, _mine, theirs = two_units
    bad, good = _package(tmp_path, "bad"), _package(tmp_path, "good")
    sign_package(good, theirs)
    sig_path_for(bad).write_text('{"format": "sedata-signature", "version": 1, "n": ' + "7" * 5000 + "}", "utf-8")
    report = validate_files([bad, good], signatures=Signatures((str(trust),), True))
    assert [sorted(f.rule for f in fr.findings if f.layer == "trust") for fr in report.files] == [["SE-SIG-002"], []]
    code, out = _cli("verify", str(bad), "--cert", str(trust / "theirs.pem"))
    assert code == 2 and "sig-malformed" in out


def test_the_sm2_id_of_the_signature_file_is_honoured(tmp_path: Path, sm2_key: keys.PrivateKey) -> None:
    path = _package(tmp_path)
    doc = sign_package(path, sm2_key)
    doc["sm2Id"] = "ALICE123@YAHOO.COM"  # GB/T 35276 example identity; the signature is made with it
    assert sm2_key._d is not None
    r, s = sm.sign(sm2_key._d, to_be_signed(doc), doc["sm2Id"].encode())
    from sedata.trust import der

    doc["signature"] = __import__("base64").b64encode(der.seq(der.integer(r), der.integer(s))).decode()
    sig_path_for(path).write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    assert verify_package(path, sm2_key.public_key()).ok
    doc["sm2Id"] = sm.DEFAULT_ID.decode()  # the same signature value read with the default identity fails
    sig_path_for(path).write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    assert verify_package(path, sm2_key.public_key()).check("signature").status == "failed"


def test_signers_shows_who_may_sign_for_whom(tmp_path: Path, two_units) -> None:  # type: ignore[no-untyped-def]
    trust, mine, theirs = two_units
    code, out = _cli("signers", str(trust), "--json")
    data = json.loads(out)
    assert code == 0 and data["exitCode"] == 0
    grants = {k["keyId"]: [s for g in k["maySignFor"] for s in g["senders"]] for k in data["keys"]}
    assert grants == {mine.public_key().key_id: [OTHER], theirs.public_key().key_id: [SENDER]}
    (trust / "signers.yaml").unlink()  # without the map: self-signed keys nobody vouches for, granted nothing
    code, out = _cli("signers", str(trust))
    assert code == 1 and "may sign for no unit" in out and "testKey" in out
