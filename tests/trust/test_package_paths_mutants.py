"""Package signing details the full mutation run of sedata/trust/package.py (bench/mutate.py) showed untested:
where the detached signature lives by default, the exact bytes a signature covers (docs/trust-model.md: the
prefix line, then the document without ``signature`` as sorted, compact UTF-8 JSON), what reading a package
found when it stops early (no message, no header, an unknown digest, a record cut off), signature files that
cannot be read or decoded, what signing writes (whole seconds, the SM2 signer ID) and refuses, and the texts
of checks that pass or are not made.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sedata.exchange import FileAccessError, convert
from sedata.trust import keys
from sedata.trust import package as package_module
from sedata.trust.errors import TrustError
from sedata.trust.package import (
    _sender_check,
    certificate_checks,
    load_sig,
    observe,
    sig_path_for,
    sign_package,
    to_be_signed,
    verify_package,
    verify_with,
)


def test_the_signature_lives_beside_the_package(package: Callable[[str], Path], sm2_key: keys.PrivateKey) -> None:
    path = package("json")
    assert sig_path_for(path) == path.parent / "operator-certificate-upload.json.sig"
    assert sig_path_for("out/a.xml") == Path("out/a.xml.sig")
    doc = sign_package(path, sm2_key)
    written = path.parent / "operator-certificate-upload.json.sig"
    assert json.loads(written.read_text("utf-8")) == doc
    assert verify_package(path, sm2_key.public_key()).ok  # found where signing put it


def test_the_signed_bytes_are_the_prefix_and_sorted_compact_utf8_json() -> None:
    doc = {"version": 1, "header": {"sender": "漳州", "a": [1, 2]}, "signature": "ignored", "format": "x"}
    expected = '{"format":"x","header":{"a":[1,2],"sender":"漳州"},"version":1}'
    assert to_be_signed(doc) == b"sedata-signature/1\n" + expected.encode("utf-8")


def test_observe_says_where_reading_stopped(package: Callable[[str], Path], tmp_path: Path) -> None:
    path = package("jsonl")
    whole = observe(path, "sha256")
    assert (whole.format, whole.problem) == ("jsonl", None) and whole.count is not None and whole.digest
    assert whole.header is not None and whole.header["messageType"] == "operator-certificate-upload"

    unknown = observe(path, "no-such-digest")  # the header reads, the records are not digested
    assert unknown.format == "jsonl" and unknown.header == whole.header
    assert (unknown.count, unknown.digest) == (None, None) and "no-such-digest" in str(unknown.problem)

    lines = path.read_text("utf-8").splitlines(keepends=True)
    broken = tmp_path / "broken.jsonl"
    broken.write_text("".join(lines[:-1]) + lines[-1][:10] + "\n", encoding="utf-8")  # the last record cut off
    cut = observe(broken, "sha256")
    assert cut.format == "jsonl" and cut.header == whole.header and cut.problem is not None
    assert (cut.count, cut.digest) == (None, None)

    headless = tmp_path / "headless.json"
    headless.write_text("{}\n", encoding="utf-8")  # a JSON document, but no message: it cannot be opened
    no_header = observe(headless, "sha256")
    assert no_header.format == "json" and no_header.header is None and no_header.problem is not None

    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(b"\x00\x01 not a message")
    nothing = observe(garbage, "sha256")
    assert (nothing.format, nothing.header, nothing.count) == ("unknown", None, None) and nothing.problem is not None


def test_signature_files_that_cannot_be_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(TrustError) as missing:
        load_sig(tmp_path / "none.sig")
    assert (missing.value.code, missing.value.zh, missing.value.en) == (
        "sig-missing",
        "找不到签名文件",
        "the signature file does not exist",
    )
    folder = tmp_path / "folder.sig"
    folder.mkdir()
    with pytest.raises(TrustError) as irregular:
        load_sig(folder)
    assert (irregular.value.code, irregular.value.en) == (
        "file-access",
        "cannot read the signature file: Is a directory",
    )
    fifo = tmp_path / "fifo.sig"
    os.mkfifo(fifo)
    with pytest.raises(TrustError) as pipe:
        load_sig(fifo)
    assert (pipe.value.code, pipe.value.en) == ("file-access", "the signature file is not a regular file")
    listed = tmp_path / "list.sig"
    listed.write_text("[]", encoding="utf-8")
    with pytest.raises(TrustError) as top:
        load_sig(listed)
    assert (top.value.code, top.value.zh) == ("sig-malformed", "签名文件无效：顶层应为对象")

    def unreadable(path: object, **_: object) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(package_module, "read_limited", unreadable)
    with pytest.raises(TrustError) as denied:
        load_sig(listed)
    assert (denied.value.code, denied.value.en) == ("file-access", "cannot read the signature file: Permission denied")


def test_an_sm2_id_that_is_no_text_is_a_malformed_signature_file(
    package: Callable[[str], Path], sm2_key: keys.PrivateKey
) -> None:
    path = package("json")
    doc = sign_package(path, sm2_key)
    doc["sm2Id"] = "\ud800"  # a lone surrogate: JSON can carry it escaped, UTF-8 cannot
    sig = sig_path_for(path)
    sig.write_text(json.dumps(doc), encoding="ascii")
    with pytest.raises(TrustError) as bad:
        load_sig(sig)
    assert bad.value.code == "sig-malformed" and "cannot be encoded" in bad.value.en


def test_a_signature_that_is_no_base64_is_a_malformed_signature_file(
    package: Callable[[str], Path], sm2_key: keys.PrivateKey
) -> None:
    path = package("json")
    doc = sign_package(path, sm2_key)
    doc["signature"] = doc["signature"][:-4] + "!!!!"  # lenient base64 would drop the stray characters
    sig = sig_path_for(path)
    sig.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(TrustError) as bad:
        load_sig(sig)
    assert bad.value.code == "sig-malformed" and bad.value.en.startswith("malformed signature file: signature or")


def test_what_signing_writes(package: Callable[[str], Path], private_keys: dict[str, keys.PrivateKey]) -> None:
    when = dt.datetime(2026, 12, 6, 10, 0, 0, 123456, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    sm2 = sign_package(package("json"), private_keys[keys.SM2], now=when)
    assert sm2["signedAt"] == "2026-12-06T10:00:00+08:00"  # whole seconds
    assert sm2["sm2Id"] == "1234567812345678"  # GB/T 35276's default signer ID, written out
    other = sign_package(package("xml"), private_keys[keys.ED25519], now=when)
    assert "sm2Id" not in other and other["algorithm"] == keys.ED25519


def test_a_package_that_cannot_be_read_is_not_signed(
    package: Callable[[str], Path], sm2_key: keys.PrivateKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = package("jsonl")
    lines = path.read_text("utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]) + lines[-1][:10] + "\n", encoding="utf-8")
    with pytest.raises(TrustError) as unreadable:
        sign_package(path, sm2_key)
    assert unreadable.value.code == "package-unreadable"
    assert unreadable.value.en.startswith("the package cannot be signed: ") and not sig_path_for(path).exists()

    def locked(*_: object, **__: object) -> None:
        raise FileAccessError("无法读取", "cannot read it")

    monkeypatch.setattr(package_module, "open_message", locked)
    with pytest.raises(TrustError) as access:
        sign_package(package("json"), sm2_key)
    assert (access.value.code, access.value.en) == ("file-access", "the package cannot be signed: cannot read it")


def test_the_passing_signing_time_and_a_certificate_naming_no_unit_say_so() -> None:
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    cert = keys.Certificate("CN=k", t0, t0 + dt.timedelta(days=30), key_usage=frozenset({"digitalSignature"}))
    (*_, signed) = certificate_checks(cert, (t0 + dt.timedelta(hours=1)).isoformat(), t0 + dt.timedelta(days=1))
    assert (signed.name, signed.status, signed.en) == ("signedAt", "ok", "signed within the certificate's validity")
    sender = _sender_check(cert, {"sender": "11350000003624150X"})
    assert (sender.status, sender.code) == ("not-checked", None)
    assert sender.zh.startswith("证书未载明统一社会信用代码") and sender.zh.endswith("（signers.yaml）")
    assert sender.en.startswith("the certificate names no unified social credit code") and sender.en.endswith(
        "(signers.yaml) to say whom it may sign for"
    )


def test_the_signature_is_written_beside_its_target_or_not_at_all(
    package: Callable[[str], Path], sm2_key: keys.PrivateKey, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = package("json")
    with pytest.raises(TrustError) as nowhere:
        sign_package(path, sm2_key, tmp_path / "missing" / "x.sig")
    assert nowhere.value.code == "file-access" and nowhere.value.en.startswith("cannot write the signature file")
    made: list[str] = []
    real = tempfile.mkstemp

    def spy(*args: Any, **kwargs: Any) -> tuple[int, str]:
        fd, name = real(*args, **kwargs)
        made.append(name)
        return fd, name

    monkeypatch.setattr(tempfile, "mkstemp", spy)
    monkeypatch.chdir(tmp_path)
    target = path.parent / "elsewhere" / "x.sig"
    target.parent.mkdir()
    sign_package(path, sm2_key, target)
    # Written in the target's folder and renamed over it (atomic on one file system), never in the working folder.
    assert [Path(m).parent for m in made] == [target.parent] and target.exists() and not Path(made[0]).exists()


def test_exit_codes_tell_unusable_input_from_failed_checks(
    package: Callable[[str], Path], sm2_key: keys.PrivateKey
) -> None:
    path = package("json")
    unsigned = verify_package(path, sm2_key.public_key())
    assert (unsigned.error is not None and unsigned.error.code, unsigned.ok, unsigned.exit_code) == (
        "sig-missing",
        False,
        2,
    )
    sign_package(path, sm2_key)
    assert verify_package(path, sm2_key.public_key()).exit_code == 0
    other = keys.PrivateKey.generate(keys.SM2).public_key()
    assert verify_package(path, other).exit_code == 1  # a wrong key: a failed check, not unusable input


def test_keys_named_by_the_signature_and_their_checks(package: Callable[[str], Path], sm2_key: keys.PrivateKey) -> None:
    path = package("json")
    sign_package(path, sm2_key)
    public = sm2_key.public_key()
    assert verify_with(path, {public.key_id: public}).ok  # the .sig's keyId picks the trusted key
    untrusted = verify_package(path, None)
    assert [(c.name, c.status, c.code) for c in untrusted.checks[:2]] == [
        ("key", "failed", "wrong-key"),
        ("signature", "not-checked", None),
    ]
    assert (untrusted.checks[1].zh, untrusted.checks[1].en) == ("没有可用的公钥", "no key to check it with")
    other = verify_package(path, keys.PrivateKey.generate(keys.SM2).public_key())
    assert [(c.name, c.status, c.code) for c in other.checks[:2]] == [
        ("key", "failed", "wrong-key"),
        ("signature", "not-checked", None),
    ]
    assert (other.checks[1].zh, other.checks[1].en) == (
        "密钥不符，未验证签名值",
        "wrong key: the signature was not checked",
    )


def test_an_unfit_certificate_says_why_in_both_languages() -> None:
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    unfit = keys.Certificate("CN=k", t0, t0 + dt.timedelta(days=30), key_usage=frozenset({"keyCertSign"}), ca=True)
    (check, *_) = certificate_checks(unfit, t0.isoformat(), t0)
    assert (check.name, check.code) == ("certificate", "certificate-unfit")
    assert check.zh.startswith("证书不能用于签名：") and check.zh.count("；") == 1
    assert check.en.startswith("the certificate may not sign: ") and check.en.count("; ") == 1


def test_a_converted_package_is_checked_by_content(package: Callable[[str], Path], sm2_key: keys.PrivateKey) -> None:
    path = package("json")
    sign_package(path, sm2_key)
    converted = path.with_name("converted.xml")
    convert(path, converted)
    result = verify_package(converted, sm2_key.public_key(), sig_path_for(path))
    assert [(c.name, c.status) for c in result.checks] == [
        ("key", "ok"),
        ("signature", "ok"),
        ("bytes", "not-checked"),
        ("read", "ok"),
        ("header", "ok"),
        ("count", "ok"),
        ("digest", "ok"),
    ]


def test_a_missing_package_is_unusable_input(tmp_path: Path, sm2_key: keys.PrivateKey) -> None:
    missing = tmp_path / "gone.json"
    result = verify_package(missing, sm2_key.public_key())
    assert result.error is not None and result.checks == [] and result.exit_code == 2
    assert (result.error.code, result.error.zh, result.error.en, result.error.file) == (
        "file-access",
        "找不到报文文件",
        "the package file does not exist",
        str(missing),
    )


def test_the_texts_of_passing_and_failing_checks(package: Callable[[str], Path], sm2_key: keys.PrivateKey) -> None:
    path = package("json")
    doc = sign_package(path, sm2_key)
    result = verify_package(path, sm2_key.public_key())
    read = result.check("read")
    assert (read.status, read.zh, read.en) == ("ok", "报文可完整读取", "the package reads through")
    doc["signedAt"] = "2020-01-01T00:00:00+08:00"  # signed content changed, the signature value kept
    sig_path_for(path).write_text(json.dumps(doc), encoding="utf-8")
    altered = verify_package(path, sm2_key.public_key()).check("signature")
    assert (altered.name, altered.status, altered.code) == ("signature", "failed", "signature-invalid")
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    fit = keys.Certificate("CN=k", t0, t0 + dt.timedelta(days=30), key_usage=frozenset({"digitalSignature"}))
    (check, *_) = certificate_checks(fit, t0.isoformat(), t0)
    assert (check.name, check.status, check.zh, check.en) == (
        "certificate",
        "ok",
        "证书可用于签名",
        "the certificate may sign",
    )


def test_the_sender_of_an_unreadable_package_is_judged_by_the_signed_header(
    package: Callable[[str], Path], sm2_key: keys.PrivateKey
) -> None:
    path = package("json")
    _public, cert = keys.load_public(keys.self_signed_certificate(sm2_key, "k", days=30))
    sign_package(path, sm2_key)
    path.write_bytes(b"\x00 no longer a message")
    named = dataclasses.replace(cert, senders=("11350000003624150X",))  # the example package's sender
    result = verify_package(path, sm2_key.public_key(), certificate=named)
    assert result.check("header").status == "not-checked" and result.check("sender").status == "ok"
