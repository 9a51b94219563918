"""Masking records and messages where the mutation run (bench/mutate.py) showed the tests blind, on small
inputs so that it stays quick: what the masker counts, business keys in data and envelope (a key that agrees
with the data is pseudonymised once, one that does not is masked on its own), deletes, nested units, the
same-file refusal through a hard link, the warnings' text and the order of profiles.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from sedata import exchange as X
from sedata.privacy import Masker, PrivacyError, mask_message, pseudonym
from sedata.spec.envelope import KEY_SEPARATOR

from .conftest import HOLDER_ID, KEY, RECEIVER, SENDER, USER_ID, entity_examples

ID = "11010519491231002X"
COMPANY = "91350602MA2Y4K7B2N"
PERSON = entity_examples("Person")[0]  # 林志强, 350602198603140371


def _certificates() -> list[dict[str, Any]]:
    return entity_examples("OperatorCertificate")[:2]


def _write(path: Path, mode: str, certificates: list[dict[str, Any]] | None = None) -> Path:
    """A small operator-certificate message (a snapshot's records carry no operation, key or version)."""
    changes = mode == "changes"
    records = [
        X.Record("OperatorCertificate", c, "add", c["certificateNo"], 1)
        if changes
        else X.Record("OperatorCertificate", c)
        for c in certificates or _certificates()
    ]
    X.write(path, records, message_type="operator-certificate-upload", sender=SENDER, receiver=RECEIVER, mode=mode)
    return path


# --- the masker ---------------------------------------------------------------------------------------------


def test_a_key_is_checked_and_required_where_the_profile_says() -> None:
    with pytest.raises(PrivacyError) as short:
        Masker("share", b"short")
    assert short.value.code == "short-key"
    with pytest.raises(PrivacyError) as keyless:
        Masker("pseudonymise")
    assert keyless.value.code == "key-required" and "profile pseudonymise needs a key" in keyless.value.en
    Masker("share")  # share and publish need none


def test_values_are_counted_when_they_change_only() -> None:
    masker = Masker("share", KEY)
    assert (masker.masked, masker.key_values, masker.scrubbed, masker.one_off_key) == ({}, 0, 0, False)
    assert masker.value("name", "林志强") == "林*"  # not in a key unless said
    assert masker.value("name", "") == ""
    assert masker.value("name", "林*") == "林*"
    assert masker.value("citizen-id", ID, in_key=True) == pseudonym("citizen-id", ID, KEY)
    already = pseudonym("citizen-id", HOLDER_ID, KEY)
    assert masker.value("citizen-id", already, in_key=True) == already
    assert (dict(masker.masked), masker.key_values) == ({"name": 1}, 1)
    assert not masker.one_off_key  # a key was given: the pseudonyms join with other files


def test_without_a_key_business_keys_use_a_one_off_key() -> None:
    masker = Masker("share")
    assert not masker.one_off_key  # nothing pseudonymised yet
    first = masker.value("citizen-id", ID, in_key=True)
    assert masker.one_off_key and first.startswith("P:") and first != pseudonym("citizen-id", ID, KEY)
    assert masker.value("citizen-id", ID, in_key=True) == first  # stable within the masker


def test_a_person_record_is_pseudonymised_once_and_its_key_agrees() -> None:
    masker = Masker("share", KEY)
    out = masker.record(X.Record("Person", PERSON, "add", PERSON["citizenId"], 1))
    expected = pseudonym("citizen-id", PERSON["citizenId"], KEY)
    assert out.key == expected and out.data is not None and out.data["citizenId"] == expected
    assert out.data["personName"] == "林*" and out.data["mobilePhone"] == "138****2345"
    assert masker.key_values == 1  # the key taken from the masked data, not pseudonymised a second time
    assert (out.type, out.operation, out.version) == ("Person", "add", 1)


def test_an_envelope_key_that_disagrees_with_the_data_is_masked_on_its_own() -> None:
    masker = Masker("share", KEY)
    out = masker.record(X.Record("Person", PERSON, "update", ID, 2))
    assert out.key == pseudonym("citizen-id", ID, KEY)
    assert out.data is not None and out.data["citizenId"] == pseudonym("citizen-id", PERSON["citizenId"], KEY)


def test_without_top_a_key_field_is_masked_as_any_value() -> None:
    out = Masker("share", KEY).data("Person", PERSON)
    assert out["citizenId"] == "350602********0371"


def test_deletes_name_the_pseudonym_of_a_personal_key_only() -> None:
    masker = Masker("share", KEY)
    assert masker.record(X.Record("Person", None, "delete", ID, 3)).key == pseudonym("citizen-id", ID, KEY)
    assert masker.record(X.Record("Unit", None, "delete", COMPANY, 3)).key == COMPANY  # a company's code
    assert masker.record(X.Record("Unit", None, "delete", USER_ID, 3)).key == pseudonym("citizen-id", USER_ID, KEY)
    # A key of the wrong number of parts: whatever part is a citizen ID is pseudonymised, the rest kept.
    odd = KEY_SEPARATOR.join([ID, "x"])
    assert masker.record(X.Record("Person", None, "delete", odd, 3)).key == KEY_SEPARATOR.join(
        [pseudonym("citizen-id", ID, KEY), "x"]
    )
    assert masker.key_values == 3
    unkeyed = X.Record("Person", None, "delete", None, 3)
    assert masker.record(unkeyed).key is None


def test_records_and_data_without_anything_to_mask_are_returned_as_they_are() -> None:
    masker = Masker("publish")
    header = {"sender": SENDER}
    assert masker.data("MessageHeader", header) is header  # no personal field
    assert masker.data("NoSuchEntity", header) is header
    record = X.Record("NoSuchEntity", {"a": ID}, "add", ID, 1)
    assert masker.record(record) is record


def test_absent_fields_stay_absent_and_non_strings_are_kept() -> None:
    out = Masker("publish").data("Person", {"citizenId": ID, "personName": 7})
    assert out == {"citizenId": "*" * 18, "personName": 7}


def test_units_are_personal_by_their_code() -> None:
    masker = Masker("publish", KEY)
    company = dict(unitCode=COMPANY, unitName="漳州市鑫达电梯工程有限公司", unitPhone="0596-2035168")
    assert masker.data("Unit", company, top=True) == company
    person = dict(unitCode=HOLDER_ID, unitName="陈国平", unitPhone="0596-2035169")
    assert masker.data("Unit", person, top=True) == {
        "unitCode": pseudonym("citizen-id", HOLDER_ID, KEY),
        "unitName": "*",
        "unitPhone": "*" * 12,
    }


def test_nested_units_as_a_list_or_a_single_object() -> None:
    masker = Masker("publish", KEY)
    owner = {"unitRole": "产权", "unitName": "陈国平", "unitCode": HOLDER_ID}
    maker = {"unitRole": "制造", "unitName": "上海浦江电梯有限公司", "unitCode": COMPANY}
    masked_owner = {"unitRole": "产权", "unitName": "*", "unitCode": "*" * 18}
    out = masker.data("Equipment", {"relatedUnits": [owner, maker, "?"]})
    assert out == {"relatedUnits": [masked_owner, maker, "?"]}
    assert masker.data("Equipment", {"relatedUnits": owner}) == {"relatedUnits": masked_owner}


def test_certificate_numbers_that_are_no_id_are_scanned_as_free_text() -> None:
    masker = Masker("share", KEY)
    cert = dict(_certificates()[0], certificateNo=f"证{ID}号")
    out = masker.data("OperatorCertificate", cert, top=True)
    assert out["certificateNo"] == "证110105********002X号" and masker.scrubbed == 1
    status = dict(cert, certificateNo="TS-1", issuingAuthority=f"局{ID}")
    assert masker.data("OperatorCertificate", status)["issuingAuthority"] == "局110105********002X"


# --- whole messages -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "zh", "en"),
    [
        (
            "changes",
            "（增量报文的后续变更将无法对上）",
            " (later change sets will not match these records)",
        ),
        ("snapshot", "", ""),
    ],
)
def test_one_off_keys_are_warned_about(tmp_path: Path, mode: str, zh: str, en: str) -> None:
    src = _write(tmp_path / "in.jsonl", mode)
    summary = mask_message(src, tmp_path / "out.jsonl", "share")
    assert summary.one_off_key and summary.key_values == 2 and summary.records == 2 and summary.scrubbed == 0
    assert summary.masked == {"citizen-id": 2, "name": 2}
    assert summary.header.masking_profile == "share" == X.read(tmp_path / "out.jsonl").header.masking_profile
    assert summary.warnings == [
        (
            "业务键中的个人信息已用一次性密钥假名化：本文件内唯一，但与其他文件无法按业务键对应"
            + zh
            + "；需要跨文件关联时请用 --key-file 提供密钥",
            "personal data in business keys was pseudonymised with a one-off key: unique within this file, "
            "but not joinable with other files" + en + "; give a key with --key-file to keep them joinable",
        )
    ]
    assert mask_message(src, tmp_path / "keyed.jsonl", "share", KEY).warnings == []


def test_ids_found_in_free_text_are_warned_about(tmp_path: Path) -> None:
    cert = dict(_certificates()[0], issuingAuthority=f"漳州市{ID}")
    src = _write(tmp_path / "in.json", "snapshot", [cert])
    summary = mask_message(src, tmp_path / "out.json", "share", KEY)
    assert summary.scrubbed == 1
    assert summary.warnings == [
        (
            "在未标为个人信息的文本数据元中发现并遮蔽了 1 个公民身份号码",
            "1 citizen ID number(s) found and masked in free-text elements not marked personal",
        )
    ]


def test_the_source_is_never_the_target_not_even_through_a_hard_link(tmp_path: Path) -> None:
    src = _write(tmp_path / "in.jsonl", "snapshot")
    link = tmp_path / "link.jsonl"
    os.link(src, link)
    before = src.read_bytes()
    with pytest.raises(PrivacyError) as same:
        mask_message(src, link, "share")
    assert (same.value.code, same.value.zh, same.value.en) == (
        "same-file",
        "输出文件不能是输入文件本身（原文件不得被覆盖）",
        "the output must not be the input file itself (the original is never overwritten)",
    )
    assert src.read_bytes() == before
    missing = tmp_path / "missing.jsonl"
    with pytest.raises(PrivacyError) as also:
        mask_message(missing, tmp_path / "." / "missing.jsonl", "share")
    assert also.value.code == "same-file"


def test_a_masked_message_can_only_be_kept_or_made_stronger(tmp_path: Path) -> None:
    src = _write(tmp_path / "in.jsonl", "snapshot")
    share, again, publish = (tmp_path / f"{n}.jsonl" for n in ("share", "again", "publish"))
    mask_message(src, share, "share", KEY)
    assert mask_message(share, again, "share", KEY).profile == "share"
    assert mask_message(share, publish, "publish", KEY).header.masking_profile == "publish"
    with pytest.raises(PrivacyError) as weaker:
        mask_message(publish, tmp_path / "x.jsonl", "share", KEY)
    assert weaker.value.code == "already-masked" and "already masked with publish" in weaker.value.en
    with pytest.raises(PrivacyError) as other:
        mask_message(share, tmp_path / "y.jsonl", "pseudonymise", KEY)
    assert other.value.code == "already-masked"
