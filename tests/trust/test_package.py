"""Signing and verifying packages: round trips per algorithm and format, conversions, and tampering.

"Any one-byte change" means here: any byte of the signed package file (header, records, whitespace, XML
declaration — all of it) replaced by any other value. The signature covers the file's exact bytes as well
as its canonical content, so every such change fails verification, whatever it does to the parse. A file
converted to another format cannot keep the bytes; it verifies by its canonical header and records instead.
The ``.sig`` is covered by its content, not its layout: re-indenting it changes nothing signed.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sedata.exchange import convert, read, write
from sedata.trust import keys
from sedata.trust.package import load_sig, sig_path_for, sign_package, to_be_signed, verify_package

from .conftest import FORMATS


def _failed(result) -> set[str]:  # type: ignore[no-untyped-def]
    return {c.code for c in result.failures if c.code}


@pytest.mark.parametrize("algorithm", keys.ALGORITHMS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip(package, private_keys: dict[str, keys.PrivateKey], algorithm: str, fmt: str) -> None:
    path = package(fmt)
    key = private_keys[algorithm]
    doc = sign_package(path, key)
    assert sig_path_for(path).exists()
    assert doc["algorithm"] == algorithm and doc["keyId"] == key.public_key().key_id
    assert doc["file"]["digestAlgorithm"] == keys.FILE_HASH[algorithm]
    assert ("sm2Id" in doc) == (algorithm == keys.SM2)
    result = verify_package(path, key.public_key())
    assert result.ok and result.exit_code == 0, result.checks
    assert [c.status for c in result.checks] == ["ok"] * 7


@pytest.mark.parametrize(("source", "target"), [("json", "xml"), ("xml", "jsonl"), ("jsonl", "json")])
def test_converted_package_still_verifies(package, sm2_key: keys.PrivateKey, source: str, target: str) -> None:
    path = package(source)
    sign_package(path, sm2_key)
    converted = path.with_name(f"converted.{target}")
    convert(path, converted)
    result = verify_package(converted, sm2_key.public_key(), sig_path_for(path))
    assert result.ok, result.checks
    assert result.check("bytes").status == "not-checked"
    assert "converted" in result.check("bytes").en
    # ... and back to the signed format gives the signed bytes again (sedata writes canonical files).
    back = path.with_name(f"back.{source}")
    convert(converted, back)
    assert verify_package(back, sm2_key.public_key(), sig_path_for(path)).check("bytes").status == "ok"


def test_sm3_package_digest(package, sm2_key: keys.PrivateKey, tmp_path: Path) -> None:
    message = read(package("json"))
    target = tmp_path / "sm3.xml"
    write(target, message.records, header=message.header, digest_algorithm="sm3")
    doc = sign_package(target, sm2_key)
    assert doc["payload"]["digestAlgorithm"] == "sm3"
    assert verify_package(target, sm2_key.public_key()).ok


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
@pytest.mark.parametrize("fmt", FORMATS)
def test_any_one_byte_change_fails(package, sm2_key: keys.PrivateKey, fmt: str, data: st.DataObject) -> None:
    path = package(fmt)
    sig = path.with_name(path.name + ".sig")
    if not sig.exists():
        sign_package(path, sm2_key)
    original = path.read_bytes()
    at = data.draw(st.integers(0, len(original) - 1), label="byte")
    value = data.draw(st.integers(0, 255).filter(lambda v: v != original[at]), label="value")
    tampered = path.with_name(f"tampered.{fmt}")
    tampered.write_bytes(original[:at] + bytes([value]) + original[at + 1 :])
    result = verify_package(tampered, sm2_key.public_key(), sig)
    assert not result.ok and result.exit_code == 1
    assert result.failures
    assert result.check("signature").status == "ok"  # the .sig itself is intact: the package is what changed


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_one_byte_change_of_the_sig_fails_unless_only_its_layout_changed(
    package, sm2_key: keys.PrivateKey, data: st.DataObject
) -> None:
    path = package("json")
    sig = sig_path_for(path)
    if not sig.exists():
        sign_package(path, sm2_key)
    original = sig.read_bytes()
    at = data.draw(st.integers(0, len(original) - 1), label="byte")
    value = data.draw(st.integers(0, 255).filter(lambda v: v != original[at]), label="value")
    tampered = path.with_name("tampered.sig")
    tampered.write_bytes(original[:at] + bytes([value]) + original[at + 1 :])
    result = verify_package(path, sm2_key.public_key(), tampered)
    try:
        same_content = json.loads(tampered.read_bytes()) == json.loads(original)
    except ValueError:
        same_content = False
    assert result.ok == same_content
    if not same_content:
        assert result.exit_code in (1, 2)


def _resign_free_edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    return path


@pytest.mark.parametrize("fmt", FORMATS)
def test_header_change_is_named(package, sm2_key: keys.PrivateKey, fmt: str) -> None:
    path = package(fmt)
    sign_package(path, sm2_key)
    sequence = {"json": '"sequence":12', "jsonl": '"sequence":12', "xml": "<sequence>12</sequence>"}[fmt]
    _resign_free_edit(path, sequence, sequence.replace("12", "13"))
    result = verify_package(path, sm2_key.public_key())
    assert _failed(result) == {"bytes-changed", "header-changed"}
    header = result.check("header")
    assert "sequence" in header.en and header.expected == "sequence=12" and header.actual == "sequence=13"


def test_record_change_is_a_digest_mismatch(package, sm2_key: keys.PrivateKey) -> None:
    path = package("jsonl")
    sign_package(path, sm2_key)
    _resign_free_edit(path, "林志强", "林志刚")
    result = verify_package(path, sm2_key.public_key())
    assert _failed(result) == {"bytes-changed", "digest-mismatch"}
    assert result.check("count").status == "ok" and result.check("header").status == "ok"


def test_consistently_rewritten_package_fails_on_the_signed_values(package, sm2_key: keys.PrivateKey) -> None:
    # An attacker who drops a record and fixes count and digest in the header: the package is
    # self-consistent, so only the signed values show what happened.
    path = package("json")
    sign_package(path, sm2_key)
    message = read(path)
    header = message.header
    write(path, message.records[:1], header=header)
    result = verify_package(path, sm2_key.public_key())
    assert result.check("read").status == "ok"
    assert {"count-mismatch", "digest-mismatch", "header-changed", "bytes-changed"} <= _failed(result)
    assert "recordCount" in result.check("header").en and "digest" in result.check("header").en


def test_whitespace_only_change_fails_on_bytes_alone(package, sm2_key: keys.PrivateKey) -> None:
    path = package("json")
    sign_package(path, sm2_key)
    path.write_bytes(path.read_bytes().replace(b'{"header":', b'{ "header":', 1))
    result = verify_package(path, sm2_key.public_key())
    assert _failed(result) == {"bytes-changed"}  # the content is intact, the bytes are not


def test_wrong_key(package, private_keys: dict[str, keys.PrivateKey]) -> None:
    path = package("xml")
    sign_package(path, private_keys[keys.SM2])
    other = keys.PrivateKey.generate(keys.SM2).public_key()
    for key in (other, private_keys[keys.ED25519].public_key()):
        result = verify_package(path, key)
        assert _failed(result) == {"wrong-key"} and result.exit_code == 1
        assert result.check("signature").status == "not-checked"


def _edit_sig(path: Path, **changes: object) -> None:
    sig = sig_path_for(path)
    doc = json.loads(sig.read_text("utf-8"))
    doc.update(changes)
    sig.write_text(json.dumps(doc), "utf-8")


def test_signature_invalid_when_signed_content_changes(package, sm2_key: keys.PrivateKey) -> None:
    path = package("json")
    doc = sign_package(path, sm2_key)
    _edit_sig(path, signedAt="2020-01-01T00:00:00+08:00")
    assert _failed(verify_package(path, sm2_key.public_key())) == {"signature-invalid"}
    raw = bytearray(base64.b64decode(doc["signature"]))
    raw[-1] ^= 1
    _edit_sig(path, signedAt=doc["signedAt"], signature=base64.b64encode(bytes(raw)).decode())
    assert _failed(verify_package(path, sm2_key.public_key())) == {"signature-invalid"}


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"algorithm": "rsa-pss"}, "unknown-algorithm"),
        ({"version": 2}, "sig-malformed"),
        ({"payload": {"recordCount": 2}}, "sig-malformed"),
        ({"extra": 1}, "sig-malformed"),
        ({"signature": "not base64!"}, "sig-malformed"),
        ({"file": {"format": "json", "size": 1, "digestAlgorithm": "md5", "digest": "00"}}, "sig-malformed"),
    ],
)
def test_unusable_sig_exits_2(package, sm2_key: keys.PrivateKey, changes: dict[str, object], code: str) -> None:
    path = package("json")
    sign_package(path, sm2_key)
    _edit_sig(path, **changes)
    result = verify_package(path, sm2_key.public_key())
    assert result.error is not None and result.error.code == code and result.exit_code == 2
    assert result.error.zh and result.error.en


def test_missing_sig_and_package(package, sm2_key: keys.PrivateKey, tmp_path: Path) -> None:
    path = package("json")
    result = verify_package(path, sm2_key.public_key())
    assert result.error is not None and result.error.code == "sig-missing" and result.exit_code == 2
    gone = verify_package(tmp_path / "missing.json", sm2_key.public_key())
    assert gone.error is not None and gone.error.code == "file-access" and gone.exit_code == 2


def test_inconsistent_package_is_not_signed(package, sm2_key: keys.PrivateKey) -> None:
    from sedata.trust.errors import TrustError

    path = package("json")
    _resign_free_edit(path, "林志强", "林志刚")
    with pytest.raises(TrustError) as caught:
        sign_package(path, sm2_key)
    assert caught.value.code == "package-unreadable" and not sig_path_for(path).exists()


def test_to_be_signed_is_layout_independent(package, sm2_key: keys.PrivateKey) -> None:
    path = package("json")
    doc = sign_package(path, sm2_key)
    reordered = dict(reversed(list(load_sig(sig_path_for(path)).items())))
    assert to_be_signed(reordered) == to_be_signed(doc)
    assert to_be_signed(doc).startswith(b"sedata-signature/1\n")
    assert b'"signature"' not in to_be_signed(doc)
