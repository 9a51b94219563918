"""Signature checks the mutation run (bench/mutate.py) showed untested: each structural check of ``load_sig`` with
the member and place it names, the sm2Id bounds, the file digest's size, and the certificate, signing-time and
sender checks of a verification.

The package is the example operator-certificate upload, signed once with a fresh SM2 key.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from sedata.exchange import ExchangeError
from sedata.trust import keys
from sedata.trust.errors import TrustError
from sedata.trust.package import (
    CLOCK_SKEW,
    Check,
    Observed,
    _content_checks,
    _sender_check,
    certificate_checks,
    file_digest,
    load_sig,
    sig_path_for,
    sign_package,
    to_be_signed,
    verify_package,
)

from .conftest import MESSAGES


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory, sm2_key: keys.PrivateKey) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("signed") / "operator-certificate-upload.json"
    path.write_bytes((MESSAGES / "operator-certificate-upload.json").read_bytes())
    sign_package(path, sm2_key)
    return json.loads(sig_path_for(path).read_text("utf-8"))


def _load(tmp_path: Path, doc: object) -> dict[str, Any]:
    target = tmp_path / "x.json.sig"
    target.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    return load_sig(target)


def _refused(tmp_path: Path, doc: object) -> TrustError:
    with pytest.raises(TrustError) as e:
        _load(tmp_path, doc)
    return e.value


def test_the_signed_document_loads_as_written(tmp_path: Path, signed: dict[str, Any]) -> None:
    assert _load(tmp_path, signed) == signed


@pytest.mark.parametrize(
    ("change", "zh", "en"),
    [
        ({"format": "other"}, "format 应为 sedata-signature", "format must be sedata-signature"),
        ({"version": 2}, "不支持的版本 2（支持 1）", "unsupported version 2 (this release reads 1)"),
        ({"keyId": None}, "keyId 类型不对", "keyId in the document has the wrong type"),
        ({"extra": 1}, "有未知成员 extra", "unknown member extra in the document"),
        ({"sm2Id": 5}, "sm2Id 类型不对", "sm2Id in the document has the wrong type"),
        ({"sm2Id": ""}, "sm2Id 应为 1 至 8191 字节", "sm2Id must be 1 to 8191 bytes"),
        ({"sm2Id": "x" * 8192}, "sm2Id 应为 1 至 8191 字节", "sm2Id must be 1 to 8191 bytes"),
    ],
)
def test_document_checks_name_what_is_wrong(
    tmp_path: Path, signed: dict[str, Any], change: dict[str, object], zh: str, en: str
) -> None:
    err = _refused(tmp_path, {**signed, **change})
    assert err.code == "sig-malformed" and err.file is not None and err.file.endswith("x.json.sig")
    assert err.zh == f"签名文件无效：{zh}" and err.en == f"malformed signature file: {en}"


def test_sm2_ids_of_1_and_8191_bytes_are_accepted(tmp_path: Path, signed: dict[str, Any]) -> None:
    for sm2_id in ("a", "a" * 8191, "中" * 2730):  # 2730 × 3 = 8190 bytes
        assert _load(tmp_path, {**signed, "sm2Id": sm2_id})["sm2Id"] == sm2_id


@pytest.mark.parametrize("member", ["format", "version", "algorithm", "keyId", "signedAt", "header", "payload"])
def test_a_missing_member_is_named(tmp_path: Path, signed: dict[str, Any], member: str) -> None:
    err = _refused(tmp_path, {k: v for k, v in signed.items() if k != member})
    assert err.code == "sig-malformed"
    if member not in ("format", "version"):  # those two are checked by value first
        assert err.en == f"malformed signature file: the document has no {member}"


@pytest.mark.parametrize(
    ("part", "change", "en"),
    [
        ("payload", {"recordCount": True}, "recordCount in payload has the wrong type"),
        ("payload", {"recordCount": "1"}, "recordCount in payload has the wrong type"),
        ("payload", {"more": 1}, "unknown member more in payload"),
        ("file", {"size": 1.5}, "size in file has the wrong type"),
        ("file", {"format": None}, "format in file has the wrong type"),
    ],
)
def test_payload_and_file_members_are_checked(
    tmp_path: Path, signed: dict[str, Any], part: str, change: dict[str, object], en: str
) -> None:
    err = _refused(tmp_path, {**signed, part: {**signed[part], **change}})
    assert err.en == f"malformed signature file: {en}"


@pytest.mark.parametrize("part", ["payload", "file"])
def test_a_missing_payload_or_file_member_is_named(tmp_path: Path, signed: dict[str, Any], part: str) -> None:
    err = _refused(tmp_path, {**signed, part: {k: v for k, v in signed[part].items() if k != "digest"}})
    assert err.zh == f"签名文件无效：{part} 缺少 digest"
    assert err.en == f"malformed signature file: {part} has no digest"


@pytest.mark.parametrize("part", ["payload", "file"])
def test_each_digest_algorithm_must_be_known(tmp_path: Path, signed: dict[str, Any], part: str) -> None:
    err = _refused(tmp_path, {**signed, part: {**signed[part], "digestAlgorithm": "md5"}})
    assert err.code == "sig-malformed" and err.en.startswith("malformed signature file: digest algorithms must be")
    assert "sha256" in err.en and "sm3" in err.en


def test_not_json_or_not_an_object(tmp_path: Path) -> None:
    target = tmp_path / "x.json.sig"
    target.write_bytes(b"\xff{}")
    with pytest.raises(TrustError) as e:
        load_sig(target)
    assert e.value.code == "sig-malformed" and e.value.en.startswith("malformed signature file: not UTF-8 JSON")
    err = _refused(tmp_path, [1, 2])
    assert err.en == "malformed signature file: the top level must be an object"
    with pytest.raises(TrustError) as gone:
        load_sig(tmp_path / "missing.sig")
    assert (gone.value.code, gone.value.en) == ("sig-missing", "the signature file does not exist")


def test_an_unknown_algorithm_names_the_file(tmp_path: Path, signed: dict[str, Any]) -> None:
    err = _refused(tmp_path, {**signed, "algorithm": "rsa-pss"})
    assert err.code == "unknown-algorithm" and err.file is not None and err.file.endswith("x.json.sig")


def test_file_digest_is_of_every_byte(tmp_path: Path) -> None:
    import hashlib

    data = b"x" * ((1 << 20) + 3)  # more than one 1 MiB block
    target = tmp_path / "f"
    target.write_bytes(data)
    assert file_digest(target, "sha256") == (hashlib.sha256(data).hexdigest(), len(data))
    with pytest.raises(TrustError) as e:
        file_digest(tmp_path / "missing", "sha256")
    assert e.value.code == "file-access" and e.value.en.startswith("cannot read the file: ")


def test_to_be_signed_is_the_prefix_and_sorted_compact_json(signed: dict[str, Any]) -> None:
    body = {k: v for k, v in signed.items() if k != "signature"}
    expected = b"sedata-signature/1\n" + json.dumps(
        body, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode("utf-8")
    assert to_be_signed(signed) == expected


# --- certificate, signing time and sender -----------------------------------------------------------------------
SENDER = "11350000003624150X"  # the example package's header sender (a USCC)
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _cert(**changes: Any) -> keys.Certificate:
    base = keys.Certificate("CN=k", T0, T0 + dt.timedelta(days=30), key_usage=frozenset({"digitalSignature"}))
    return dataclasses.replace(base, **changes)


def _by_name(checks: list[Any]) -> dict[str, tuple[str, str | None]]:
    return {c.name: (c.status, c.code) for c in checks}


def test_a_fit_certificate_valid_now_and_at_signing_passes() -> None:
    now = T0 + dt.timedelta(days=1)
    checks = certificate_checks(_cert(), (T0 + dt.timedelta(hours=1)).isoformat(), now)
    assert _by_name(checks) == {"certificate": ("ok", None), "validity": ("ok", None), "signedAt": ("ok", None)}


@pytest.mark.parametrize(
    ("changes", "en"),
    [
        (
            {"ca": True},
            "the certificate may not sign: a CA certificate (basicConstraints cA): for issuing certificates only",
        ),
        ({"key_usage": frozenset({"keyCertSign"})}, "the certificate may not sign: its keyUsage allows neither"),
        ({"key_usage": frozenset({"nonRepudiation"})}, None),
        ({"key_usage": None}, None),
    ],
)
def test_a_certificate_must_be_fit_for_signing(changes: dict[str, Any], en: str | None) -> None:
    (check, *_) = certificate_checks(_cert(**changes), T0.isoformat(), T0)
    if en is None:
        assert (check.name, check.status) == ("certificate", "ok")
    else:
        assert (check.status, check.code) == ("failed", "certificate-unfit") and check.en.startswith(en)
        assert check.expected == "digitalSignature | nonRepudiation, cA false"


def test_both_unfitness_reasons_are_joined() -> None:
    (check, *_) = certificate_checks(_cert(ca=True, key_usage=frozenset({"keyCertSign"})), T0.isoformat(), T0)
    # Whole texts: a separator is only seen between the two reasons, so "contains ；" would not notice "XX；XX".
    assert check.zh == (
        "证书不能用于签名：是 CA 证书（basicConstraints cA），只能签发证书；"
        "密钥用途（keyUsage）不含 digitalSignature 或 nonRepudiation（只有 keyCertSign）"
    )
    assert check.en == (
        "the certificate may not sign: a CA certificate (basicConstraints cA): for issuing certificates only; "
        "its keyUsage allows neither digitalSignature nor nonRepudiation (only keyCertSign)"
    )


@pytest.mark.parametrize(
    ("now", "code", "en"),
    [
        (T0 + dt.timedelta(days=31), "certificate-expired", "the certificate has expired"),
        (T0 - dt.timedelta(days=1), "certificate-not-yet-valid", "the certificate is not valid yet"),
    ],
)
def test_a_certificate_outside_its_validity_now(now: dt.datetime, code: str, en: str) -> None:
    checks = certificate_checks(_cert(), T0.isoformat(), now)
    validity = next(c for c in checks if c.name == "validity")
    assert (validity.status, validity.code) == ("failed", code) and validity.en.startswith(en)
    assert validity.actual == now.isoformat(timespec="seconds") and validity.expected == _cert().validity()


def test_the_validity_bounds_are_inclusive() -> None:
    for now in (T0, T0 + dt.timedelta(days=30)):
        assert _by_name(certificate_checks(_cert(), T0.isoformat(), now))["validity"] == ("ok", None)


@pytest.mark.parametrize(
    ("signed_at", "code"),
    [
        ("2026-01-02T00:00:00", "signing-time-invalid"),  # no zone
        ("yesterday", "signing-time-invalid"),
        ("2025-12-31T23:59:59+00:00", "signed-outside-validity"),
        ((T0 + dt.timedelta(days=2) + CLOCK_SKEW + dt.timedelta(seconds=1)).isoformat(), "signed-in-future"),
    ],
)
def test_the_signing_time(signed_at: str, code: str) -> None:
    now = T0 + dt.timedelta(days=2)
    signed = next(c for c in certificate_checks(_cert(), signed_at, now) if c.name == "signedAt")
    assert (signed.status, signed.code, signed.actual) == ("failed", code, signed_at)


def test_a_signing_time_within_the_clock_skew_is_not_in_the_future() -> None:
    now = T0 + dt.timedelta(days=2)
    signed_at = (now + CLOCK_SKEW).isoformat()
    assert _by_name(certificate_checks(_cert(), signed_at, now))["signedAt"] == ("ok", None)
    assert CLOCK_SKEW == dt.timedelta(minutes=5)


def test_the_sender_is_judged_by_the_usccs_the_certificate_names(
    tmp_path: Path, sm2_key: keys.PrivateKey, signed: dict[str, Any]
) -> None:
    path = tmp_path / "operator-certificate-upload.json"
    path.write_bytes((MESSAGES / "operator-certificate-upload.json").read_bytes())
    # The certificate first: it is valid from its own second on, and the signing time must fall within it.
    _pub, cert = keys.load_public(keys.self_signed_certificate(sm2_key, "k", days=30))
    sign_package(path, sm2_key)
    none = verify_package(path, sm2_key.public_key(), certificate=cert).check("sender")
    assert (none.status, none.code) == ("not-checked", None)
    named = dataclasses.replace(cert, senders=(SENDER,))
    ok = verify_package(path, sm2_key.public_key(), certificate=named)
    assert ok.check("sender").status == "ok" and ok.ok and ok.exit_code == 0
    other = dataclasses.replace(cert, senders=("91110000600037341L", "91310115MA1K3BTP2B"))
    bad = verify_package(path, sm2_key.public_key(), certificate=other)
    check = bad.check("sender")
    assert (check.status, check.code, check.actual) == ("failed", "sender-not-certified", SENDER)
    assert check.expected == "91110000600037341L, 91310115MA1K3BTP2B"
    assert "（91110000600037341L、91310115MA1K3BTP2B）" in check.zh
    assert bad.exit_code == 1 and [c.name for c in bad.failures] == ["sender"]


def test_a_package_whose_header_cannot_be_read_is_observed_as_far_as_it_goes(
    tmp_path: Path, sm2_key: keys.PrivateKey
) -> None:
    from sedata.trust.package import observe

    path = tmp_path / "operator-certificate-upload.json"
    path.write_bytes((MESSAGES / "operator-certificate-upload.json").read_bytes())
    sign_package(path, sm2_key)
    path.write_bytes(b'{"header": 1, "records": []}')
    seen = observe(path, "sha256")
    assert (seen.format, seen.header, seen.count, seen.digest) == ("json", None, None, None)
    assert seen.problem is not None
    result = verify_package(path, sm2_key.public_key())
    assert result.exit_code == 1 and result.error is None
    assert {c.name: (c.status, c.code) for c in result.checks} == {
        "key": ("ok", None),
        "signature": ("ok", None),
        "bytes": ("failed", "bytes-changed"),
        "read": ("failed", "package-unreadable"),
        "header": ("not-checked", None),
        "count": ("not-checked", None),
        "digest": ("not-checked", None),
    }


def test_a_file_that_changes_while_it_is_signed_is_not_signed(
    tmp_path: Path, sm2_key: keys.PrivateKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sedata.trust.package as package

    path = tmp_path / "operator-certificate-upload.json"
    path.write_bytes((MESSAGES / "operator-certificate-upload.json").read_bytes())
    real = package.file_digest
    calls: list[int] = []

    def changing(p: Any, algorithm: str) -> tuple[str, int]:
        calls.append(1)
        digest, size = real(p, algorithm)
        return (digest, size) if len(calls) == 1 else (digest, size + 1)  # the second reading sees another file

    monkeypatch.setattr(package, "file_digest", changing)
    with pytest.raises(TrustError) as e:
        sign_package(path, sm2_key)
    assert (e.value.code, e.value.zh, e.value.en) == (
        "package-changed",
        "签名过程中文件被改动",
        "the file changed while it was being signed",
    )
    assert not sig_path_for(path).exists()


def test_no_trusted_key_is_a_wrong_key_and_the_signature_is_not_checked(
    tmp_path: Path, sm2_key: keys.PrivateKey
) -> None:
    path = tmp_path / "operator-certificate-upload.json"
    path.write_bytes((MESSAGES / "operator-certificate-upload.json").read_bytes())
    doc = sign_package(path, sm2_key)
    result = verify_package(path, None)
    key, signature = result.check("key"), result.check("signature")
    assert (key.status, key.code, key.expected) == ("failed", "wrong-key", doc["keyId"])
    assert key.en == f"the signer's key ({doc['keyId'][:16]}…) is not among the trusted certificates"
    assert (signature.status, signature.code) == ("not-checked", None)
    assert result.exit_code == 1 and [c.name for c in result.failures] == ["key"]


def test_bytes_that_are_no_message_at_all_are_changed_bytes(tmp_path: Path, sm2_key: keys.PrivateKey) -> None:
    # A file of unknown format is no conversion: its bytes are compared with those signed, and differ.
    path = tmp_path / "operator-certificate-upload.json"
    path.write_bytes((MESSAGES / "operator-certificate-upload.json").read_bytes())
    sign_package(path, sm2_key)
    whole = verify_package(path, sm2_key.public_key())
    assert (whole.check("header").zh, whole.check("header").en) == (
        "报文头与签名时相同",
        "the header is the one signed",
    )
    intact = whole.check("bytes")
    assert (intact.status, intact.zh, intact.en) == (
        "ok",
        "文件字节与签名时完全相同",
        "the file's bytes are exactly those signed",
    )
    path.write_bytes(b"hello")
    result = verify_package(path, sm2_key.public_key())
    assert result.observed is not None and result.observed.format == "unknown"
    assert (result.check("bytes").status, result.check("bytes").code) == ("failed", "bytes-changed")
    assert result.check("read").code == "package-unreadable"


def test_an_altered_record_fails_the_digest_check_by_name(tmp_path: Path, sm2_key: keys.PrivateKey) -> None:
    path = tmp_path / "operator-certificate-upload.jsonl"
    path.write_bytes((MESSAGES / "operator-certificate-upload.jsonl").read_bytes())
    doc = sign_package(path, sm2_key)
    path.write_text(path.read_text("utf-8").replace("林志强", "林志刚", 1), "utf-8")
    digest = verify_package(path, sm2_key.public_key()).check("digest")
    assert (digest.status, digest.code, digest.expected) == ("failed", "digest-mismatch", doc["payload"]["digest"])
    assert digest.en == "records digest mismatch (sha256): a record was altered"


# Whole checks, every field: a check's texts, expected and actual are what a report shows, so each is asserted.
VALIDITY = "2026-01-01T00:00:00+00:00 – 2026-01-31T00:00:00+00:00"
FIT = Check("certificate", "ok", zh="证书可用于签名", en="the certificate may sign")
VALID = Check("validity", "ok", zh="证书在有效期内", en="the certificate is within its validity")
SIGNED_WITHIN = Check("signedAt", "ok", zh="签名时间在证书有效期内", en="signed within the certificate's validity")


def test_every_check_of_a_fit_certificate_valid_now_and_at_signing() -> None:
    assert _cert().validity() == VALIDITY
    now = T0 + dt.timedelta(days=2)
    assert certificate_checks(_cert(), "2026-01-01T01:00:00+00:00", now) == [FIT, VALID, SIGNED_WITHIN]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (
            dt.datetime(2026, 2, 1, tzinfo=dt.UTC),
            Check(
                "validity", "failed", "certificate-expired", f"证书已过期（有效期 {VALIDITY}）",
                f"the certificate has expired (valid {VALIDITY})", expected=VALIDITY,
                actual="2026-02-01T00:00:00+00:00",
            ),
        ),
        (
            dt.datetime(2025, 12, 31, 12, 30, 15, 999, tzinfo=dt.UTC),
            Check(
                "validity", "failed", "certificate-not-yet-valid", f"证书尚未生效（有效期 {VALIDITY}）",
                f"the certificate is not valid yet (valid {VALIDITY})", expected=VALIDITY,
                actual="2025-12-31T12:30:15+00:00",
            ),
        ),
    ],
)  # fmt: skip
def test_every_field_of_a_validity_failure(now: dt.datetime, expected: Check) -> None:
    assert certificate_checks(_cert(), "2026-01-01T01:00:00+00:00", now)[1] == expected


NOW = T0 + dt.timedelta(days=2)
FUTURE = "2026-01-03T00:05:01+00:00"  # NOW + CLOCK_SKEW + 1 s


@pytest.mark.parametrize(
    ("signed_at", "expected"),
    [
        (
            "yesterday",
            Check(
                "signedAt", "failed", "signing-time-invalid", "签名时间不是带时区的 ISO 8601 时间",
                "the signing time is not an ISO 8601 time with a zone", expected=VALIDITY, actual="yesterday",
            ),
        ),
        (
            "2026-01-02T00:00:00",
            Check(
                "signedAt", "failed", "signing-time-invalid", "签名时间不是带时区的 ISO 8601 时间",
                "the signing time is not an ISO 8601 time with a zone", expected=VALIDITY,
                actual="2026-01-02T00:00:00",
            ),
        ),
        (
            FUTURE,
            Check(
                "signedAt", "failed", "signed-in-future", f"签名时间 {FUTURE} 晚于当前时间",
                f"the signing time {FUTURE} lies in the future", expected="≤ 2026-01-03T00:00:00+00:00",
                actual=FUTURE,
            ),
        ),
        (
            "2025-12-31T23:59:59+00:00",
            Check(
                "signedAt", "failed", "signed-outside-validity", "签名时间 2025-12-31T23:59:59+00:00 不在证书有效期内",
                "the signing time 2025-12-31T23:59:59+00:00 lies outside the certificate's validity",
                expected=VALIDITY, actual="2025-12-31T23:59:59+00:00",
            ),
        ),
    ],
)  # fmt: skip
def test_every_field_of_a_signing_time_failure(signed_at: str, expected: Check) -> None:
    assert certificate_checks(_cert(), signed_at, NOW) == [FIT, VALID, expected]


def test_every_field_of_the_sender_check() -> None:
    header = {"sender": SENDER, "receiver": "other"}
    assert _sender_check(_cert(), header) == Check(
        "sender", "not-checked",
        zh="证书未载明统一社会信用代码：谁可代表哪个单位，请用 validate --trust 与签名者授权表（signers.yaml）",
        en="the certificate names no unified social credit code: use validate --trust with a signer map "
        "(signers.yaml) to say whom it may sign for",
    )  # fmt: skip
    named = _cert(senders=("91110000600037341L", SENDER))
    assert _sender_check(named, header) == Check(
        "sender", "ok", zh=f"证书载明发送方 {SENDER}", en=f"the certificate names the sender {SENDER}"
    )
    other = _cert(senders=("91110000600037341L", "91310115MA1K3BTP2B"))
    assert _sender_check(other, header) == Check(
        "sender", "failed", "sender-not-certified",
        f"报文发送方 {SENDER} 不是证书载明的单位（91110000600037341L、91310115MA1K3BTP2B）",
        f"the package's sender {SENDER} is not the unit the certificate names (91110000600037341L, 91310115MA1K3BTP2B)",
        expected="91110000600037341L, 91310115MA1K3BTP2B", actual=SENDER,
    )  # fmt: skip
    # A header without a sender is not certified either, and says so without an empty name in the sentence.
    nameless = _sender_check(other, {k: v for k, v in header.items() if k != "sender"})
    assert (nameless.status, nameless.code, nameless.actual) == ("failed", "sender-not-certified", "")
    assert "  " not in nameless.en and "未写发送方" in nameless.zh
    assert "91110000600037341L, 91310115MA1K3BTP2B" in nameless.en


# --- the content checks, whole: what was signed against what reading the package found ---------------------------
SIGNED_BYTES = b'{"as": "signed"}\n'
RECORDS_DIGEST = "a" * 64


def _signed_doc(path: Path) -> dict[str, Any]:
    path.write_bytes(SIGNED_BYTES)
    digest, size = file_digest(path, "sha256")
    return {
        "file": {"format": "json", "size": size, "digestAlgorithm": "sha256", "digest": digest},
        "payload": {"recordCount": 2, "digestAlgorithm": "sha256", "digest": RECORDS_DIGEST},
        "header": {"messageType": "m", "recordCount": 2, "sender": SENDER},
    }


def test_every_check_of_an_intact_package(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    doc = _signed_doc(path)
    seen = Observed("json", header=dict(doc["header"]), count=2, digest=RECORDS_DIGEST)
    assert list(_content_checks(path, doc, seen)) == [
        Check("bytes", "ok", zh="文件字节与签名时完全相同", en="the file's bytes are exactly those signed"),
        Check("read", "ok", zh="报文可完整读取", en="the package reads through"),
        Check("header", "ok", zh="报文头与签名时相同", en="the header is the one signed"),
        Check("count", "ok", zh="记录数相符（2）", en="record count matches (2)"),
        Check("digest", "ok", zh="记录摘要相符（sha256）", en="records digest matches (sha256)"),
    ]


def test_every_check_of_a_package_changed_throughout(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    doc = _signed_doc(path)
    path.write_bytes(b'{"as": "changed", "and": "longer"}\n')
    changed, size = file_digest(path, "sha256")
    header = {"messageType": "m", "recordCount": 3, "sender": "91110000600037341L", "extra": "x"}
    seen = Observed("json", header=header, count=3, digest="b" * 64)
    assert list(_content_checks(path, doc, seen)) == [
        Check(
            "bytes", "failed", "bytes-changed", f"文件字节与签名时不同（sha256，{size} 字节，签名时 17 字节）",
            f"the file's bytes differ from those signed (sha256, {size} bytes, 17 when signed)",
            expected=doc["file"]["digest"], actual=changed,
        ),
        Check("read", "ok", zh="报文可完整读取", en="the package reads through"),
        Check(
            "header", "failed", "header-changed", "报文头与签名时不同：extra, recordCount, sender",
            "the header differs from the one signed: extra, recordCount, sender",
            expected=f"extra=None; recordCount=2; sender={SENDER}",
            actual="extra=x; recordCount=3; sender=91110000600037341L",
        ),
        Check(
            "count", "failed", "count-mismatch", "记录数不符：签名时 2 条，现有 3 条",
            "record count mismatch: 2 signed, 3 now", expected="2", actual="3",
        ),
        Check(
            "digest", "failed", "digest-mismatch", "记录摘要不符（sha256）：记录有改动",
            "records digest mismatch (sha256): a record was altered", expected=RECORDS_DIGEST, actual="b" * 64,
        ),
    ]  # fmt: skip


def test_a_converted_package_compares_content_not_bytes(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    doc = _signed_doc(path)
    path.write_bytes(b"<message/>")
    seen = Observed("xml", header=dict(doc["header"]), count=2, digest=RECORDS_DIGEST)
    (bytes_check, *rest) = _content_checks(path, doc, seen)
    assert bytes_check == Check(
        "bytes", "not-checked",
        zh="已由 json 转换为 xml：字节不可比，按规范化内容核对",
        en="converted from json to xml: bytes not comparable, content checked",
    )  # fmt: skip
    assert [c.status for c in rest] == ["ok"] * 4


def test_every_check_of_a_package_that_cannot_be_read(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    doc = _signed_doc(path)
    path.write_bytes(b"\x00")
    seen = Observed("unknown", problem=ExchangeError("无法识别格式", "the format is not recognised"))
    (bytes_check, *rest) = _content_checks(path, doc, seen)
    assert (bytes_check.status, bytes_check.code) == ("failed", "bytes-changed")  # an unknown format is no conversion
    assert rest == [
        Check(
            "read", "failed", "package-unreadable", "报文无法完整读取：无法识别格式",
            "the package cannot be read through: the format is not recognised",
        ),
        Check("header", "not-checked", zh="报文头无法读取", en="the header cannot be read"),
        Check("count", "not-checked", zh="报文未能读完", en="the package could not be read through"),
        Check("digest", "not-checked", zh="报文未能读完", en="the package could not be read through"),
    ]  # fmt: skip
