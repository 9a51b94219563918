"""Masking one value where the mutation run (bench/mutate.py) showed the tests blind: the key-strength estimate
bit for bit, the key checks at their bounds, a spec without privacy.yaml, the pseudonym recomputed from its
definition (spec/privacy.yaml: HMAC-SHA-256 over kind, U+001F and the normalised value, base32, 16 characters),
keep-ends at its length bound, the GB/T 2260 name tables by level, and the citizen-ID scan in free text.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac

import pytest

from sedata.privacy import PrivacyError, is_pseudonym, mask_value, masked_ok, masked_shapes, pseudonym, redact
from sedata.privacy.values import (
    _division_names,
    check_key,
    division_prefix,
    holds_citizen_id,
    key_strength,
    profile_of,
    scrub_citizen_ids,
)

from .conftest import KEY, SPEC

NO_PRIVACY = dataclasses.replace(SPEC, privacy=None)
ALPHABET = ("按字符集估计", "from the alphabet it uses")
ID = "11010519491231002X"  # GB 11643's worked example


def _hmac_pseudonym(kind: str, normalised: str, key: bytes) -> str:
    """The pseudonym as spec/privacy.yaml defines it, computed here independently of sedata."""
    mac = hmac.new(key, f"{kind}\x1f{normalised}".encode(), hashlib.sha256).digest()
    return "P:" + base64.b32encode(mac).decode()[:16]


# --- key strength -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "bits"),
    [
        (b"3141592653589793238462643383279502884197", 132),  # 40 digits: 40 × log2 10 = 132.9
        (b"38368884f335db6bd4d1ecb1b391640d", 128),  # 32 lower-case hex digits × 4
        (b"38368884F335DB6BD4D1ECB1B391640D", 128),  # upper-case hex is hex as well
        (b"HA3IRBHTGXNWXVGR5SY3HELEBXGWUNBD", 160),  # 32 base32 characters × 5
        (b"LXEWQrcmsEQBYnyp+6wy9chT", 144),  # 24 base64 characters × 6
        (b"oBElJjX1x3NWyJa6ae2et7o5tIAoRCLaqac6+9D554FIw0NtUDXz3MtuLjwVHA6c", 384),  # 64 × 6 (× log2 65 = 385)
        (b"k#8Lz!pQ2@wR5^mT9&vY", 130),  # 20 characters of other printable text × 6.5
        (b"k#8Lz~pQ2@wR5^mT9&vY", 130),  # "~" (0x7E) is still printable text
        (b"k#8Lz\x7fpQ2@wR5^mT9&vY", 160),  # DEL (0x7F) is not: the key is binary, 8 bits a byte
        (b"\x1fk#8Lz!pQ2@wR5^mT9&v", 160),  # nor is a control character (0x1F)
        (hashlib.sha256(b"sedata-mask").digest()[:16], 128),  # 16 random bytes × 8
        (hashlib.shake_256(b"sedata").digest(200), 1600),  # 200 random bytes × 8 (× log2 257 = 1601)
        (b"correct horse battery staple", 56),  # a phrase with spaces: 2 bits a character
    ],
)
def test_bits_follow_the_smallest_alphabet_that_holds_the_key(key: bytes, bits: int) -> None:
    assert key_strength(key) == (bits, ALPHABET)


def test_few_distinct_characters_count_for_what_they_hold() -> None:
    # A random 32-digit hex key shows about 14 distinct digits; fewer than half of that (6.99) is no random key.
    assert key_strength(b"0c28a4628c06a240c8264a06c2a84608") == (128, ALPHABET)  # 7 distinct: accepted
    assert key_strength(b"0a28a4628206a240a8264a06a2a84608") == (
        24,
        ("只用了 6 个不同字符", "only 6 distinct characters"),
    )


def test_a_repeated_pattern_counts_once() -> None:
    assert key_strength(b"a" * 32) == (4, ("以 1 个字符为周期重复", "it repeats a pattern of 1 characters"))
    assert key_strength(b"3a7f0c9e1b58d264" * 2) == (
        64,
        ("以 16 个字符为周期重复", "it repeats a pattern of 16 characters"),
    )
    # 33 characters repeating after 17: longer than half the key, so no pattern (only prefix and suffix agree).
    assert key_strength(b"3a7f0c9e1b58d26403a7f0c9e1b58d264") == (132, ALPHABET)


def test_a_run_through_the_alphabet_counts_for_the_rest() -> None:
    assert key_strength(b"c8f3a9012345e0b7d2f8c4a1e9b6d3f7") == (
        104,  # (32 - 6) × 4
        ("含 6 个连续递增或递减的字符", "it holds a run of 6 consecutive characters"),
    )
    # Runs of 5, at the start and (descending) after other characters, are what random keys show: no penalty.
    assert key_strength(b"12345c0e8a3f98765b1d7f2a9c4e0b6d") == (128, ALPHABET)


def test_key_checks_at_their_bounds() -> None:
    binary = hashlib.sha256(b"sedata-mask").digest()
    check_key(binary[:16])  # 16 bytes, 128 bits: exactly enough
    with pytest.raises(PrivacyError) as short:
        check_key(binary[:15])
    assert short.value.code == "short-key" and "16" in short.value.en and "16" in short.value.zh
    check_key(b"38368884f335db6bd4d1ecb1b391640d")  # 32 hex digits: 128 bits
    with pytest.raises(PrivacyError) as weak:
        check_key(b"38368884f335db6bd4d1ecb1b391640")  # 31 hex digits: 124 bits
    assert weak.value.code == "weak-key" and "124" in weak.value.en and "128" in weak.value.en
    with pytest.raises(PrivacyError) as phrase:
        check_key(b"correct horse battery staple")
    assert phrase.value.code == "weak-key"


def test_without_privacy_yaml() -> None:
    binary = hashlib.sha256(b"sedata-mask").digest()
    check_key(binary[:16], NO_PRIVACY)  # the built-in minimum is 16 bytes too
    with pytest.raises(PrivacyError) as short:
        check_key(binary[:15], NO_PRIVACY)
    assert short.value.code == "short-key"
    with pytest.raises(PrivacyError) as none:
        pseudonym("name", "林志强", KEY, NO_PRIVACY)
    assert (none.value.code, none.value.zh, none.value.en) == (
        "no-privacy-spec",
        "规范中没有 privacy.yaml",
        "the spec has no privacy.yaml",
    )
    with pytest.raises(PrivacyError) as unknown:
        profile_of("share", NO_PRIVACY)
    assert unknown.value.code == "unknown-profile"


def test_an_unknown_profile_names_the_known_ones() -> None:
    with pytest.raises(PrivacyError) as unknown:
        profile_of("secret")
    assert unknown.value.code == "unknown-profile"
    assert "(one of: share, publish, pseudonymise)" in unknown.value.en
    assert profile_of("publish").id == "publish"
    with pytest.raises(PrivacyError) as keyless:
        mask_value("name", "林志强", "pseudonymise")
    assert (keyless.value.code, keyless.value.zh, keyless.value.en) == (
        "key-required",
        "假名化需要密钥",
        "pseudonymisation needs a key",
    )
    with pytest.raises(PrivacyError) as kind:
        mask_value("email", "a@b.cn", "share")
    assert (kind.value.code, kind.value.en) == ("unknown-kind", "unknown kind of personal data 'email'")


# --- the pseudonym ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "normalised"),
    [
        ("citizen-id", "11010519491231002x", ID),  # compacted, x upper-cased
        ("citizen-id", "110105491231002", ID),  # a valid legacy number is its 18-digit form
        ("citizen-id", "110105491331002", "110105491331002"),  # an invalid one (month 13) is kept as it is
        ("phone", "138-5961-2345", "13859612345"),
        ("phone", "138 5961 2345", "13859612345"),
        ("name", " 林志强 ", "林志强"),
        ("address", "北京市朝阳区 ", "北京市朝阳区"),
    ],
)
def test_the_pseudonym_is_the_hmac_of_kind_and_normalised_value(kind: str, value: str, normalised: str) -> None:
    assert pseudonym(kind, value, KEY) == _hmac_pseudonym(kind, normalised, KEY)
    assert mask_value(kind, value, "pseudonymise", KEY) == _hmac_pseudonym(kind, normalised, KEY)


# --- masking methods ----------------------------------------------------------------------------------------


def test_keep_ends_hides_values_no_longer_than_its_ends() -> None:
    assert mask_value("phone", "1234567", "share") == "*******"  # 3 + 4 characters: nothing kept
    assert mask_value("phone", "12345", "share") == "*****"
    assert mask_value("phone", "12345678", "share") == "123*5678"


def test_empty_and_pseudonymised_values_are_left_alone() -> None:
    for profile in ("share", "publish", "pseudonymise"):
        assert mask_value("name", "", profile, KEY) == ""
        assert mask_value("citizen-id", "", profile, KEY) == ""
        already = pseudonym("name", "林志强", KEY)
        assert mask_value("name", already, profile, KEY) == already


def test_a_citizen_id_is_compacted_before_it_is_masked() -> None:
    assert mask_value("citizen-id", "110105 19491231 002x", "share") == "110105********002X"
    assert mask_value("citizen-id", "110105-19491231-002x", "publish") == "*" * 18
    assert mask_value("name", "林 志强", "publish") == "*"
    assert mask_value("phone", "138 5961", "publish") == "*" * 8  # other kinds keep their spaces


def test_division_names_by_level() -> None:
    province, prefecture, county, longest = _division_names()
    assert {"福建省", "北京市", "湖南省"} <= province
    assert {"漳州市", "湘西土家族苗族自治州"} <= prefecture and not {"福建省", "北京市"} & prefecture
    # 漳州市 was also a county-level city (352501) until 1985: every name a code ever carried counts.
    assert {"芗城区", "朝阳区", "道县", "漳州市"} <= county and not {"福建省", "北京市"} & county
    for placeholder in ("市辖区", "县"):  # rows of GB/T 2260 that name no place
        assert placeholder not in province | prefecture | county
    assert longest == max(len(n) for n in province | prefecture | county) >= len("湘西土家族苗族自治州")


@pytest.mark.parametrize(
    ("level", "kept"),
    [("province", "湖南省"), ("prefecture", "湖南省永州市"), ("county", "湖南省永州市道县")],
)
def test_division_prefix_stops_at_its_level(level: str, kept: str) -> None:
    assert division_prefix("湖南省永州市道县潇水中路8号", level) == kept  # 道县: a two-character name
    assert division_prefix("潇水中路8号", level) == ""


# --- citizen IDs in values and in text ----------------------------------------------------------------------


def test_a_number_past_the_uscc_check_is_still_an_individuals() -> None:
    # Its 18th character is the USCC check character of the first 17 (5), but it is neither a valid USCC
    # (the embedded organisation code fails) nor a valid ID: a mistyped ID, still personal.
    assert holds_citizen_id("110105194912310005")


def test_the_scan_hands_each_number_to_replace_and_finds_it_at_any_offset() -> None:
    text = f"甲9{ID}乙{ID}丙"  # the first inside a 19-digit run, at an odd offset
    out, found = scrub_citizen_ids(text, lambda n: f"<{n[-4:]}>")
    assert (out, found) == ("甲9<002X>乙<002X>丙", 2)
    out, found = scrub_citizen_ids("旧号110105491231002", lambda n: f"<{n}>")
    assert (out, found) == ("旧号<110105491231002>", 1)


def test_redact_keeps_the_first_three_and_last_four_digits_of_a_mobile_number() -> None:
    assert redact("电话13859612345。") == "电话138****2345。"


def test_the_package_exports_what_it_lists() -> None:
    import sedata.privacy as privacy

    assert len(privacy.__all__) == 11 and all(callable(getattr(privacy, name)) for name in privacy.__all__)


def test_shapes_of_a_spec_without_privacy_yaml() -> None:
    assert masked_shapes(NO_PRIVACY) == {}
    assert masked_ok("name", "share", "林*", NO_PRIVACY) is False
    assert is_pseudonym(pseudonym("name", "林志强", KEY), NO_PRIVACY) is False
    assert masked_ok("name", "share", "林志强") is False and masked_ok("name", "share", "林*") is True


def test_no_shape_makes_a_valid_citizen_id_an_acceptable_masked_value() -> None:
    assert SPEC.privacy is not None
    share = SPEC.privacy.by_id["share"]
    loose = {kind: how.model_copy(update={"shape": "[0-9X]{18}|[0-9]{15}"}) for kind, how in share.kinds.items()}
    privacy = SPEC.privacy.model_copy(update={"profiles": [share.model_copy(update={"kinds": loose})]})
    spec = dataclasses.replace(SPEC, privacy=privacy)
    assert masked_ok("citizen-id", "share", ID, spec) is False  # fits the shape, but it is a valid ID
    assert masked_ok("citizen-id", "share", "110105491231002", spec) is False  # a valid legacy number too
    assert masked_ok("citizen-id", "share", "110105194912310021", spec) is True  # a wrong check: no ID
    assert masked_ok("name", "share", ID, spec) is True  # the rule is the citizen ID kind's
