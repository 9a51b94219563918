"""One value at a time: the spec's examples and test vectors, the shapes, the pseudonym, idempotence."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sedata.codes import admin_division, citizen_id
from sedata.privacy import PrivacyError, is_pseudonym, leaks, mask_value, masked_ok, pseudonym, redact
from sedata.privacy.values import _division_names, division_prefix, holds_citizen_id, scrub_citizen_ids

from .conftest import KEY, OTHER_KEY, SPEC

assert SPEC.privacy is not None
PRIVACY = SPEC.privacy
PROFILES = tuple(PRIVACY.by_id)
KINDS = ("citizen-id", "name", "phone", "address")
EXAMPLES = [
    (profile.id, kind, ex.value, ex.masked)
    for profile in PRIVACY.profiles
    for kind, how in profile.kinds.items()
    for ex in how.examples
]
DIVISIONS = [c for c in admin_division.codes() if c[4:] != "00"]


@st.composite
def citizen_ids(draw: st.DrawFn) -> str:
    """Valid 18-digit citizen IDs (division valid in the birth year, birth date in the past)."""
    code = draw(st.sampled_from(DIVISIONS))
    years = [y for v in admin_division.periods(code) for y in (v.start or 1980, min(v.end or 2020, 2020))]
    born = draw(st.dates(dt.date(max(min(years), 1900), 1, 1), dt.date(min(max(years), 2020), 12, 31)))
    try:
        return citizen_id.generate(code, born, draw(st.integers(1, 999)))
    except Exception:  # a code not valid in that year: use a fixed, known-valid number instead
        return "11010519491231002X"


@pytest.mark.parametrize(("profile", "kind", "value", "masked"), EXAMPLES)
def test_spec_examples(profile: str, kind: str, value: str, masked: str) -> None:
    assert mask_value(kind, value, profile) == masked
    assert masked_ok(kind, profile, masked)


@pytest.mark.parametrize("vector", PRIVACY.pseudonym.test_vectors, ids=lambda v: v.kind)
def test_pseudonym_test_vectors(vector: object) -> None:
    key, kind, value, expected = (getattr(vector, a) for a in ("key", "kind", "value", "pseudonym"))
    assert pseudonym(kind, value, key.encode()) == expected
    assert mask_value(kind, value, "pseudonymise", key.encode()) == expected


def test_every_profile_says_what_it_does_with_every_kind() -> None:
    for profile in PRIVACY.profiles:
        assert set(profile.kinds) == set(KINDS)


@given(citizen_ids())
def test_no_masked_form_of_an_id_is_a_valid_id(number: str) -> None:
    assert citizen_id.is_valid(number)
    for profile in PROFILES:
        masked = mask_value("citizen-id", number, profile, KEY)
        assert not citizen_id.is_valid(masked)
        assert masked_ok("citizen-id", profile, masked)
        assert not masked_ok("citizen-id", profile, number)
        assert not masked_ok("name", profile, number)
        assert leaks("citizen-id", number) and not leaks("citizen-id", masked)


@given(citizen_ids())
def test_share_keeps_the_conventional_ends(number: str) -> None:
    masked = mask_value("citizen-id", number, "share")
    assert masked == number[:6] + "*" * 8 + number[-4:] == citizen_id.mask(number)


@given(st.text(min_size=1, max_size=40), st.sampled_from(KINDS), st.sampled_from(PROFILES))
def test_masking_is_idempotent(value: str, kind: str, profile: str) -> None:
    once = mask_value(kind, value, profile, KEY)
    assert mask_value(kind, once, profile, KEY) == once


@given(st.text(min_size=1, max_size=40), st.sampled_from(KINDS))
def test_publish_refines_share(value: str, kind: str) -> None:
    """Masking a share-masked value with publish gives the publish form (so share → publish is allowed)."""
    assert mask_value(kind, mask_value(kind, value, "share"), "publish") == mask_value(kind, value, "publish")


@given(st.text(min_size=1, max_size=30), st.sampled_from(KINDS))
def test_pseudonyms_are_stable_per_key_and_differ_across_keys(value: str, kind: str) -> None:
    a = pseudonym(kind, value, KEY)
    assert pseudonym(kind, value, KEY) == a
    assert is_pseudonym(a) and len(a) == 18
    assert pseudonym(kind, value, OTHER_KEY) != a
    assert not citizen_id.is_valid(a)


def test_pseudonyms_of_kinds_differ_and_id_spellings_agree() -> None:
    assert pseudonym("name", "13859612345", KEY) != pseudonym("phone", "13859612345", KEY)
    assert pseudonym("citizen-id", "11010519491231002x", KEY) == pseudonym("citizen-id", "11010519491231002X", KEY)
    assert pseudonym("phone", "138 5961 2345", KEY) == pseudonym("phone", "13859612345", KEY)
    legacy = "110105491231002"
    assert pseudonym("citizen-id", legacy, KEY) == pseudonym("citizen-id", citizen_id.to_18(legacy), KEY)


@given(st.text(alphabet="省市区县路号街道0123456789福建北京朝阳漳州芗城西胜利", max_size=30))
def test_addresses_keep_division_names_only(address: str) -> None:
    names = _division_names()[:3]
    for level in ("province", "prefecture", "county"):
        kept = division_prefix(address, level)
        assert address.startswith(kept)
        assert not re.search(r"[0-9]", kept)
        rest = kept  # kept is a run of GB/T 2260 names (道县 is a county), nothing of a street
        for table in names:
            rest = rest[next((n for n in range(len(rest), 1, -1) if rest[:n] in table), 0) :]
        assert rest == ""


@pytest.mark.parametrize("profile", PROFILES)
def test_masked_shapes_refuse_unmasked_values(profile: str) -> None:
    for kind, value in (
        ("citizen-id", "11010519491231002X"),
        ("name", "林志强"),
        ("phone", "13859612345"),
        ("address", "北京市朝阳区酒仙桥北路9号"),
    ):
        assert not masked_ok(kind, profile, value)
        assert masked_ok(kind, profile, mask_value(kind, value, profile, KEY))
        assert masked_ok(kind, profile, pseudonym(kind, value, KEY))  # business keys, in every profile
    assert not masked_ok("citizen-id", "no-such-profile", "110105********002X")


def test_values_that_hold_a_citizen_id() -> None:
    assert holds_citizen_id("11010519491231002X")
    assert holds_citizen_id("110105194912310021")  # a mistyped ID is still an individual's
    assert holds_citizen_id("110105********002X") and holds_citizen_id(pseudonym("citizen-id", "x", KEY))
    assert not holds_citizen_id("91110000600037341L")
    assert not holds_citizen_id("123506004885497331")  # an all-digit USCC is a unit's


def test_citizen_ids_are_found_in_free_text() -> None:
    text = "报告人 11010519491231002X；设备代码 311010523201500318；旧号 110105491231002。"
    out, found = scrub_citizen_ids(text, lambda n: "<ID>")
    assert found == 2
    assert out == "报告人 <ID>；设备代码 311010523201500318；旧号 <ID>。"
    assert scrub_citizen_ids("no number", str.upper) == ("no number", 0)


def test_redact_masks_ids_and_mobile_numbers() -> None:
    assert redact("ID 11010519491231002X tel 13859612345 code 91110000600037341L") == (
        "ID 110105********002X tel 138****2345 code 91110000600037341L"
    )


def test_refusals_are_bilingual() -> None:
    with pytest.raises(PrivacyError) as unknown:
        mask_value("name", "林志强", "no-such-profile")
    assert unknown.value.code == "unknown-profile" and "未知" in unknown.value.zh
    with pytest.raises(PrivacyError) as keyless:
        mask_value("name", "林志强", "pseudonymise")
    assert keyless.value.code == "key-required"
    with pytest.raises(PrivacyError) as short:
        mask_value("name", "林志强", "pseudonymise", b"short")
    assert short.value.code == "short-key"
