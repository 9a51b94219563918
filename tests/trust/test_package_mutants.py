"""Signature-file checks the mutation run (bench/mutate.py) showed untested: each structural check of ``load_sig``
with the member and place it names, the sm2Id bounds, and the file digest's size.

The package is the example operator-certificate upload, signed once with a fresh SM2 key.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sedata.trust import keys
from sedata.trust.errors import TrustError
from sedata.trust.package import file_digest, load_sig, sig_path_for, sign_package, to_be_signed

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
