"""The identifier expressions against the identifier modules themselves.

For every kind: on any string, ``clean`` ⇒ the codes layer finds nothing (never blind) and "the module
accepts" ⇒ ``accepts``. On canonical values (the forms the spec patterns admit: upper case, no separators)
``clean`` ⇔ the codes layer finds nothing, exactly, with one documented loose case: a division code whose
years of validity have a gap (then a citizen ID or an authority-form reading is left to the row engine).
Values are valid codes made by ``sedata.codes.X.generate`` and every single-character corruption of them.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sedata.codes import ValidationError, admin_division, equipment_code, org_code, uscc
from sedata.columnar import identifiers as ids
from sedata.testing.strategies import _identifiers, _varieties
from sedata.validate.layers.codes import _check

TODAY = dt.date.today()  # the codes layer reads identifiers as of today (its own default)
_NOISE = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZxz梯起闽宁()（） -"


def _manufacturer_codes() -> st.SearchStrategy[str]:
    """Manufacturer-form equipment codes (the sample generator's form) with national or provincial regions."""
    regions = st.sampled_from(["10", "11", "31", "44", "64", "99"])

    def make(variety: str, region: str, unit: int, year: int, seq: int) -> str:
        try:
            return equipment_code.generate(variety, year=year, sequence=seq, maker_code=f"{region}{unit:03d}")
        except ValidationError:  # a year the module finds implausible: drawn again
            return ""

    return st.builds(
        make,
        _varieties(),
        regions,
        st.integers(0, 999),
        st.integers(1899, TODAY.year + 2),
        st.integers(1, equipment_code.max_sequence("manufacturer")),
    ).filter(bool)


def _valid(kind: str) -> st.SearchStrategy[str]:
    made = _identifiers()[kind]
    return st.one_of(made, _manufacturer_codes()) if kind == "equipment_code" else made


def _corrupted(kind: str) -> st.SearchStrategy[str]:
    """A valid value, or it with one character replaced, inserted or deleted."""

    def corrupt(value: str, data: st.DataObject) -> str:
        how = data.draw(st.sampled_from(["keep", "replace", "insert", "delete"]))
        if how == "keep" or not value:
            return value
        i = data.draw(st.integers(0, len(value) - 1))
        c = data.draw(st.sampled_from(_NOISE))
        if how == "replace":
            return value[:i] + c + value[i + 1 :]
        if how == "insert":
            return value[:i] + c + value[i:]
        return value[:i] + value[i + 1 :]

    return st.builds(lambda v, d: corrupt(v, d), _valid(kind), st.data())


def _truth(kind: str, value: str) -> tuple[bool, bool]:
    """(accepted, clean) as the codes layer sees ``value`` for a field of this one kind."""
    notes, refusals = _check((kind,), value)
    return not refusals, not notes and not refusals


def _evaluate(kind: str, values: list[str]) -> list[tuple[bool, bool]]:
    found = ids.identifier(kind, pl.col("v"), TODAY)
    assert found is not None
    frame = pl.DataFrame({"v": values}, schema={"v": pl.String}).select(
        found.accepts.alias("a"), found.clean.alias("c")
    )
    return list(zip(frame["a"].to_list(), frame["c"].to_list(), strict=True))


def _canonical(kind: str, value: str) -> bool:
    if kind == "registration_cert":
        return re.search(r"[\s（）a-z]", value) is None
    return re.fullmatch(r"[0-9A-Z]*", value) is not None


def _gapped(kind: str, value: str) -> bool:
    low = ids._divisions()[0]
    if kind == "citizen_id":
        return value[:6] in admin_division.codes() and value[:6] not in low
    if kind == "equipment_code":
        return value[4:10] in admin_division.codes() and value[4:10] not in low
    return False


def _assert_agrees(kind: str, values: list[str]) -> None:
    for value, (accepts, clean) in zip(values, _evaluate(kind, values), strict=True):
        accepted, truly_clean = _truth(kind, value)
        assert not clean or truly_clean, f"{kind}: the screen passes {value!r}, the codes layer does not"
        assert accepts or not accepted, f"{kind}: {value!r} is accepted by the module, not by the screen"
        if _canonical(kind, value) and not _gapped(kind, value):
            assert clean == truly_clean, f"{kind}: {value!r} is clean but flagged (loose where it should be exact)"


_SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("kind", ids.VECTORISED)
@_SETTINGS
@given(data=st.data())
def test_corruptions_of_valid_codes(kind: str, data: st.DataObject) -> None:
    values = data.draw(st.lists(_corrupted(kind), min_size=1, max_size=30))
    _assert_agrees(kind, values)


@pytest.mark.parametrize("kind", ids.VECTORISED)
@_SETTINGS
@given(values=st.lists(st.text(st.sampled_from(_NOISE), max_size=20) | st.text(max_size=20), max_size=30))
def test_random_strings(kind: str, values: list[str]) -> None:
    _assert_agrees(kind, values)


@pytest.mark.parametrize("kind", ids.VECTORISED)
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_single_character_corruption(kind: str, data: st.DataObject) -> None:
    """Every position of a valid value, replaced by every character of the kinds' alphabets and some more."""
    seed = data.draw(_valid(kind))
    values = [seed[:i] + c + seed[i + 1 :] for i in range(len(seed)) for c in _NOISE]
    _assert_agrees(kind, [seed, *values])


def test_check_characters_come_from_the_modules() -> None:
    """Each residue maps to the character the module's own calc_check_digit gives (a table made by probing)."""
    _, checks = ids._org_tables()
    assert sorted(checks) == list(range(11)) and set(checks.values()) == set(org_code.CHECK_ALPHABET)
    _, uchecks, *_ = ids._uscc_tables()
    assert sorted(uchecks) == list(range(31)) and set(uchecks.values()) == set(uscc.ALPHABET)
    # A real code from the reference (domain.md §7.1) and its embedded organisation code, then each altered.
    frame = pl.DataFrame({"v": ["91110000600037341L", "91110000600037341X"]})
    assert frame.select(ids.uscc_expr(pl.col("v")).accepts)["v"].to_list() == [True, False]
    frame = pl.DataFrame({"v": ["600037341", "600037342"]})
    assert frame.select(ids.org_code_expr(pl.col("v")).clean)["v"].to_list() == [True, False]
    assert [org_code.is_valid(v) for v in ("600037341", "600037342")] == [True, False]


@settings(max_examples=10, deadline=None)
@given(unit=_identifiers()["uscc"], person=_identifiers()["citizen_id"])
def test_a_field_of_several_kinds_reads_them_in_order(unit: str, person: str) -> None:
    """A unit code is a USCC or a citizen ID: clean when the first kind that accepts it has no note."""
    values = [unit, person, "91110000600037341X", None]
    clean = ids.field_clean(("uscc", "citizen_id"), pl.col("v"), TODAY)
    assert clean is not None
    got = pl.DataFrame({"v": values}, schema={"v": pl.String}).select(clean.fill_null(False).alias("v"))["v"].to_list()
    want = [v is not None and _check(("uscc", "citizen_id"), v) == ((), ()) for v in values]
    assert got == want, values


_TEXTS = st.text(st.sampled_from("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz+- 梯\x00"), max_size=20)


@settings(max_examples=40, deadline=None)
@given(st.lists(_TEXTS, min_size=1, max_size=30), st.integers(0, 3))
def test_weighted_sums_by_table_are_the_sums_by_lookup(values: list[str], start: int) -> None:
    """The base-36 table reading of a weighted sum gives, on any text, what looking each character up gives."""
    tables = [
        (ids._uscc_tables()[0], uscc.WEIGHTS),
        (ids._org_tables()[0], org_code.WEIGHTS),
        ({str(d): d for d in range(10)}, ids._ric_tables()[0]),
    ]
    frame = pl.DataFrame({"v": values})
    for alphabet, weights in tables:
        got = frame.select(ids._weighted(pl.col("v"), start, alphabet, weights)).to_series().to_list()
        want = frame.select(ids._weighted_by_list(pl.col("v"), start, alphabet, weights)).to_series().to_list()
        assert got == want, values


_DIVISION_TEXTS = st.one_of(
    st.sampled_from(sorted(admin_division.codes())),
    st.text(st.sampled_from("0123456789+- "), min_size=5, max_size=7),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(_DIVISION_TEXTS, st.integers(1970, 2030)), min_size=1, max_size=30))
def test_division_tables_read_as_the_division_sets(pairs: list[tuple[str, int]]) -> None:
    """Dense-table look-ups of division codes agree with the code sets and spans they are made from."""
    low, high, ever, live = ids._divisions()
    frame = pl.DataFrame({"d": [d for d, _ in pairs], "y": [y for _, y in pairs]})
    d, y = pl.col("d"), pl.col("y")
    got = frame.select(
        ids._valid_in(d, y).alias("valid"),
        ids._division_known(d, ever, 1).alias("ever"),
        ids._division_known(d, live, 2).alias("live"),
    )
    assert got["valid"].to_list() == [c in low and low[c] <= yr <= high[c] for c, yr in pairs]
    assert got["ever"].to_list() == [c in ever for c, _ in pairs]
    assert got["live"].to_list() == [c in live for c, _ in pairs]
