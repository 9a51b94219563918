"""Whole messages: every message type and format, samples, examples and messages about individuals."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from sedata import exchange as X
from sedata.codes import citizen_id
from sedata.privacy import Masker, PrivacyError, mask_message, masked_ok, pseudonym
from sedata.spec.envelope import KEY_SEPARATOR
from sedata.validate.shapes import shapes

from .conftest import (
    EXTENSION,
    FORMATS,
    HOLDER_ID,
    KEY,
    MOBILE,
    OTHER_KEY,
    OWNER_ID,
    SPEC,
    USER_ID,
    entity_examples,
    personal_values,
    strip_personal,
    valid_ids,
)

PROFILES = ("share", "publish", "pseudonymise")
MOBILE_NUMBER = re.compile(r"1[3-9][0-9]{9}")


def _mask(messages: dict[str, Path], name: str, tmp_path: Path, profile: str, **kw: Any) -> tuple[Path, Path]:
    src = messages[name]
    dst = tmp_path / f"masked-{profile}{src.suffix}"
    mask_message(src, dst, profile, KEY if profile == "pseudonymise" else kw.pop("key", None), **kw)
    return src, dst


@pytest.fixture(scope="module")
def names(messages: dict[str, Path]) -> list[str]:
    return sorted(messages)


def test_every_input_is_covered(messages: dict[str, Path]) -> None:
    assert len([n for n in messages if n.startswith("sample-")]) == len(SPEC.messages) * len(FORMATS)
    assert len([n for n in messages if n.startswith("example-")]) >= len(SPEC.messages) * len(FORMATS)
    ids = {i for n, p in messages.items() for i in valid_ids(p.read_text("utf-8"))}
    assert {OWNER_ID, USER_ID, HOLDER_ID} <= ids  # the inputs do hold personal data


@pytest.mark.parametrize("profile", PROFILES)
def test_masked_messages_keep_everything_else_and_leak_no_id(
    messages: dict[str, Path], tmp_path: Path, profile: str
) -> None:
    for name in sorted(messages):
        src, dst = _mask(messages, name, tmp_path, profile)
        before, after = X.read(src), X.read(dst)  # the output reads back: count and digest verified
        assert after.format == before.format
        text = dst.read_text("utf-8")
        assert valid_ids(text) == set(), name
        mobiles = {
            value
            for r in before.records
            if r.data
            for _, kind, value in personal_values(shapes(SPEC)[r.type], r.data)
            if kind == "phone" and MOBILE_NUMBER.fullmatch(value)
        }
        assert [m for m in mobiles if m in text] == [], name  # people's mobile numbers (companies have fixed lines)
        assert MOBILE not in text  # an individual user's unit telephone
        expected_header = X.header_data(before.header) | {"maskingProfile": profile, "digest": after.header.digest}
        assert X.header_data(after.header) == expected_header
        assert len(after.records) == len(before.records)
        for old, new in zip(before.records, after.records, strict=True):
            assert (new.type, new.operation, new.version) == (old.type, old.operation, old.version)
            entity = shapes(SPEC)[old.type]
            if not any(f.personal for f in entity.key_fields):
                assert new.key == old.key
            if old.data is None:
                continue
            assert new.data is not None
            # Non-personal elements: canonical forms identical (personal ones judged by the validator's shapes).
            assert X.canonical_data(old.type, strip_personal(entity, old.data)) == X.canonical_data(
                new.type, strip_personal(entity, new.data)
            )
            if new.key is not None:
                assert new.key == X.record_key(new.type, new.data)  # the envelope still agrees with the data
            for (field, kind, value), (_, _, out) in zip(
                personal_values(entity, old.data), personal_values(entity, new.data), strict=True
            ):
                assert out == value or masked_ok(kind, profile, out), (name, field)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("profile", PROFILES)
def test_only_masked_bytes_change_in_a_file_sedata_wrote(
    messages: dict[str, Path], tmp_path: Path, profile: str, fmt: str
) -> None:
    """Byte for byte: the input with each personal value replaced where it stands, the digest and maskingProfile.

    Every input was written by sedata (the examples by examples/build_messages.py).
    """
    quote = "" if fmt == "xml" else '"'
    for name in (n for n in sorted(messages) if n.endswith(EXTENSION[fmt])):
        src, dst = _mask(messages, name, tmp_path, profile)
        before, after = X.read(src), X.read(dst)
        if fmt == "xml":
            old_head = f"<digest>{before.header.digest}</digest>"
            new_head = f"<digest>{after.header.digest}</digest><maskingProfile>{profile}</maskingProfile>"
        else:
            old_head = f'"digest":"{before.header.digest}"'
            new_head = f'"digest":"{after.header.digest}","maskingProfile":"{profile}"'
        text = src.read_text("utf-8")
        cursor = text.index(old_head) + len(old_head)
        expected = [text[: text.index(old_head)], new_head]
        for old, new in zip(before.records, after.records, strict=True):
            # In file order: the envelope's key first, then the data's personal values in spec order.
            pairs = [(old.key, new.key or "")] if old.key is not None else []
            if old.data is not None and new.data is not None:
                entity = shapes(SPEC)[old.type]
                olds, news = personal_values(entity, old.data), personal_values(entity, new.data)
                pairs += [(a, b) for (_, _, a), (_, _, b) in zip(olds, news, strict=True)]
            for a, b in pairs:
                at = text.index(f"{quote}{a}{quote}", cursor) + len(quote)
                expected += [text[cursor:at], b]
                cursor = at + len(a)
        expected.append(text[cursor:])
        assert dst.read_text("utf-8") == "".join(expected), name


@pytest.mark.parametrize(("fmt", "to"), [(a, b) for a in FORMATS for b in FORMATS if a != b])
def test_output_in_another_format_is_the_same_message(
    messages: dict[str, Path], tmp_path: Path, fmt: str, to: str
) -> None:
    src = messages[f"individuals-registration-download{EXTENSION[fmt]}"]
    same = tmp_path / f"same{EXTENSION[fmt]}"
    other = tmp_path / f"other{EXTENSION[to]}"
    mask_message(src, same, "pseudonymise", KEY)
    mask_message(src, other, "pseudonymise", KEY, to=to)
    assert X.detect_format(other) == to
    a, b = X.read(same), X.read(other)
    assert a.to_json_data() == b.to_json_data()  # same records, same header, same digest


def _data(path: Path, record_type: str) -> list[dict[str, Any]]:
    return [r.data for r in X.read(path).records if r.type == record_type and r.data is not None]


def test_individuals_acting_as_units_are_masked_not_companies(messages: dict[str, Path], tmp_path: Path) -> None:
    src = messages["individuals-registration-download.jsonl"]
    dst = tmp_path / "out.jsonl"
    mask_message(src, dst, "share", KEY)
    owner, organisation, user = _data(dst, "UseRegistration")
    # Unit codes reference a Unit's business key: pseudonymised like the key, so the link to the Unit holds.
    assert owner["propertyUnitName"] == "龙*" and owner["propertyUnitCode"] == pseudonym("citizen-id", OWNER_ID, KEY)
    assert owner["userUnitName"] == "湘西自治州峒河农产品物流有限公司"  # the user is a company: kept
    assert owner["userUnitAddress"] == entity_examples("UseRegistration")[0]["userUnitAddress"]
    assert owner["mobilePhone"] == "139****8816" and owner["safetyManager"] == "向*"
    assert organisation["userUnitCode"] == "91350603156120789F"
    assert user["userUnitName"] == "王*" and user["userUnitCode"] == pseudonym("citizen-id", USER_ID, KEY)
    assert user["userUnitAddress"] == "北京市朝阳区*" and user["useLocation"] == "北京市朝阳区*"
    assert user["unitPhone"] == "139****8816"
    # A construction notice carries no user unit code, so nothing shows the user is a company: masked.
    assert all(n["userUnitName"][1:] == "*" for n in _data(dst, "ConstructionNotice"))


def test_nested_related_units_and_keys_of_individuals(messages: dict[str, Path], tmp_path: Path) -> None:
    dst = tmp_path / "out.xml"
    mask_message(messages["individuals-inspection-upload.xml"], dst, "publish")
    related = [u for e in _data(dst, "Equipment") for u in e.get("relatedUnits", [])]
    owner = next(u for u in related if u["unitRole"] == "产权")
    assert owner["unitName"] == "*" and owner["unitCode"] == "*" * 18
    assert {"上海浦江电梯有限公司", "91350602MA2Y4K7B2N"} <= {v for u in related for v in u.values()}

    dst = tmp_path / "units.jsonl"
    mask_message(messages["individuals-licence-information.jsonl"], dst, "pseudonymise", KEY)
    units = [r for r in X.read(dst).records if r.type == "Unit"]
    person = next(r for r in units if r.data and r.data["unitName"].startswith("P:"))
    expected = pseudonym("citizen-id", HOLDER_ID, KEY)
    assert person.key == person.data["unitCode"] == expected  # type: ignore[index]
    assert units[-1].data is None and units[-1].key == expected  # the delete names the same pseudonym
    assert [r.key for r in units[:-2]] == [u["unitCode"] for u in entity_examples("Unit")]  # companies kept


def test_keys_in_share_are_unique_pseudonyms_and_deletes_follow(messages: dict[str, Path], tmp_path: Path) -> None:
    dst = tmp_path / "certs.jsonl"
    summary = mask_message(messages["individuals-operator-certificate-upload.jsonl"], dst, "share")
    records = X.read(dst).records
    keys = [r.key for r in records]
    assert all(k and k.startswith("P:") for k in keys)
    assert len(set(keys[:-1])) == len(keys) - 1  # distinct people, distinct keys (conventional masks collide)
    assert keys[-1] in keys[:-1]  # the delete of an earlier certificate names its pseudonym
    assert records[0].data and records[0].data["holderCitizenId"] == "350602********0371"
    assert summary.one_off_key and summary.warnings and summary.key_values == len(records)
    assert summary.masked == {"citizen-id": len(records) - 1, "name": len(records) - 1}


def test_pseudonyms_join_across_files_under_one_key_only(messages: dict[str, Path], tmp_path: Path) -> None:
    src = messages["sample-operator-certificate-upload.jsonl"]
    a, b, c = (tmp_path / f"{n}.jsonl" for n in "abc")
    mask_message(src, a, "pseudonymise", KEY)
    mask_message(src, b, "pseudonymise", KEY)
    mask_message(src, c, "pseudonymise", OTHER_KEY)
    assert a.read_bytes() == b.read_bytes()
    ka, kc = ([r.key for r in X.read(p).records] for p in (a, c))
    assert set(ka).isdisjoint(kc)
    shared = tmp_path / "shared.jsonl"
    mask_message(src, shared, "share", KEY)  # share with a key: keys joinable with the pseudonymised file
    assert [r.key for r in X.read(shared).records] == ka


def test_masking_again_keeps_or_strengthens_only(messages: dict[str, Path], tmp_path: Path) -> None:
    src = messages["individuals-registration-download.xml"]
    share, publish, again = tmp_path / "share.xml", tmp_path / "publish.xml", tmp_path / "again.xml"
    mask_message(src, share, "share", KEY)
    mask_message(share, again, "share", KEY)
    assert X.read(again).to_json_data() == X.read(share).to_json_data()
    mask_message(share, publish, "publish", KEY)
    direct = tmp_path / "direct.xml"
    mask_message(src, direct, "publish", KEY)
    assert X.read(publish).to_json_data() == X.read(direct).to_json_data()  # share → publish = publish
    for weaker, stronger in (("share", publish), ("pseudonymise", share)):
        with pytest.raises(PrivacyError) as refused:
            mask_message(stronger, tmp_path / "x.xml", weaker, KEY)
        assert refused.value.code == "already-masked"


def test_refusals_leave_the_target_untouched(messages: dict[str, Path], tmp_path: Path) -> None:
    src = messages["sample-accident-report.json"]
    target = tmp_path / "target.json"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(PrivacyError, match="key-required"):
        mask_message(src, target, "pseudonymise")
    copy = tmp_path / "copy.json"
    copy.write_bytes(src.read_bytes())
    with pytest.raises(PrivacyError, match="same-file"):
        mask_message(copy, tmp_path / "." / "copy.json", "share")
    assert copy.read_bytes() == src.read_bytes()
    broken = tmp_path / "broken.json"
    broken.write_text(src.read_text("utf-8").replace('"deaths":0', '"deaths":9', 1), encoding="utf-8")
    with pytest.raises(X.IntegrityError):
        mask_message(broken, target, "share")  # the digest no longer matches: nothing is written
    assert target.read_text("utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.json", "copy.json", "target.json"]


def test_person_records_and_free_text() -> None:
    masker = Masker("share")
    person = entity_examples("Person")[0]
    out = masker.record(X.Record("Person", person, "add", person["citizenId"], 1))
    assert out.data == {
        "citizenId": out.key,
        "personName": "林*",
        "mobilePhone": "138****2345",
        "employerName": "漳*",  # Person carries no unit code: nothing shows the employer is a company
    }
    assert out.key and out.key.startswith("P:")
    accident = dict(entity_examples("Accident")[0], accidentSummary="伤者张某（身份证号11010519491231002X）送医。")
    masked = masker.data("Accident", accident, top=True)
    assert masked["accidentSummary"] == "伤者张某（身份证号110105********002X）送医。" and masker.scrubbed == 1
    assert not citizen_id.is_valid(masked["accidentSummary"][8:26])
    key = KEY_SEPARATOR.join(["311010523201500318", "2024-01-01"])
    assert masker.record(X.Record("StatusChange", None, "delete", key, 2)).key == key
