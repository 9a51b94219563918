"""GB 11714 organisation codes (domain.md §7.2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sedata.codes import InvalidChecksum, InvalidCode, InvalidFormat, InvalidLength, org_code

from ._messages import is_bilingual

DATA = Path(__file__).parent / "data"
STDNUM_USCC = [
    line for line in (DATA / "stdnum_uscc.txt").read_text("utf-8").splitlines() if line and not line.startswith("#")
]
ALPHABET = org_code.BODY_ALPHABET  # every character a body may hold; the check position takes 0-9 and X

# §7.2 worked and listed examples, each the 9-17 slice of a USCC in §7.1.
EXAMPLES = ["60003734-1", "MA1K3BTP-2", "71526726-X", "07837941-X", "L0151012-8"]


@pytest.mark.parametrize("value", EXAMPLES)
def test_section_7_2_examples(value: str) -> None:
    code = value.replace("-", "")
    assert org_code.validate(value) == code
    assert org_code.format(code) == value
    assert org_code.calc_check_digit(code[:8]) == code[8]


def test_worked_sums() -> None:
    # §7.2: 60003734 → Σ = 109 → 11 - 109 mod 11 = 1; MA1K3BTP → values 22,10,1,20,3,11,29,25, Σ = 614 → 2.
    assert [org_code._value(c) for c in "MA1K3BTP"] == [22, 10, 1, 20, 3, 11, 29, 25]
    assert sum(org_code._value(c) * w for c, w in zip("60003734", org_code.WEIGHTS, strict=True)) == 109
    assert sum(org_code._value(c) * w for c, w in zip("MA1K3BTP", org_code.WEIGHTS, strict=True)) == 614


@pytest.mark.parametrize("uscc", STDNUM_USCC)
def test_embedded_in_every_stdnum_uscc(uscc: str) -> None:
    # §7.1: all 200 python-stdnum test USCCs also carry a valid GB 11714 code in positions 9-17.
    assert org_code.is_valid(uscc[8:17])


def test_spec_value_domain_examples(spec) -> None:
    for value in spec.value_domains["org-code"].examples:
        assert org_code.is_valid(value)


@pytest.mark.parametrize(
    ("value", "error", "position"),
    [
        ("60003734", InvalidLength, None),
        ("600037341X", InvalidLength, None),
        ("6000373#1", InvalidFormat, 7),
        ("60003734A", InvalidFormat, 8),
        ("600037342", InvalidChecksum, 8),
        ("60003734-X", InvalidChecksum, 8),
    ],
)
def test_invalid(value: str, error: type[InvalidCode], position: int | None) -> None:
    with pytest.raises(error) as e:
        org_code.validate(value)
    assert e.value.position == position
    assert is_bilingual(e.value)
    assert not org_code.is_valid(value)


def test_check_character_rules() -> None:
    # C = 11 - (Σ mod 11): 10 → X and 11 → 0, found among the real examples.
    assert org_code.calc_check_digit("71526726") == "X"
    zero = next(u[8:17] for u in STDNUM_USCC if u[16] == "0")
    assert sum(org_code._value(c) * w for c, w in zip(zero, org_code.WEIGHTS, strict=False)) % 11 == 0


def test_parse() -> None:
    parsed = org_code.parse("MA1K3BTP-2")
    assert parsed.value == "MA1K3BTP2" == parsed.assemble()
    assert [(s.key, s.value) for s in parsed.segments] == [("body", "MA1K3BTP"), ("check", "2")]


bodies = st.text(alphabet=ALPHABET, min_size=8, max_size=8)


@given(bodies)
def test_round_trip(body: str) -> None:
    code = org_code.generate(body)
    assert org_code.validate(org_code.format(org_code.compact(code))) == code
    assert org_code.validate(code.lower()) == code
    parsed = org_code.parse(code)
    assert parsed.assemble() == parsed.value == code


def _mutations(code: str) -> set[str]:
    subs = {code[:i] + c + code[i + 1 :] for i in range(len(code)) for c in ALPHABET}
    swaps = {code[:i] + code[i + 1] + code[i] + code[i + 2 :] for i in range(len(code) - 1)}
    return (subs | swaps) - {code}


def _undetectable(code: str) -> set[str]:
    """The single substitutions and adjacent transpositions GB 11714's check cannot catch, in closed form.

    The code satisfies Σ w_i·v_i + q ≡ 0 (mod 11) over the body (weights 3,7,9,10,5,8,4,2) and the check
    value q (X = 10). 11 is prime and no weight is ≡ 0, so a body substitution v → v' goes unnoticed exactly
    when v' ≡ v (mod 11): values run to 35, so 0/B/M/X, 1/C/N/Y, 2/D/O/Z … collide. The check position alone
    has 11 distinct values for 11 residues, so any change there is caught. Adjacent weights differ mod 11,
    so swapping body neighbours goes unnoticed exactly when their values are ≡ (mod 11) but the characters
    differ. Swapping the last body character a (weight 2) with the check k (weight 1) needs a in 0-9/X and
    2·v(a) + q(k) ≡ 2·v(k) + q(a): for digits that means a = k; with X (body value 33 ≡ 0, check value 10)
    it holds only for the pair 1 and X.
    """
    v = org_code._value
    missed = {
        code[:i] + c + code[i + 1 :]
        for i in range(8)
        for c in ALPHABET
        if c != code[i] and v(c) % 11 == v(code[i]) % 11
    }
    missed |= {
        code[:i] + code[i + 1] + code[i] + code[i + 2 :]
        for i in range(7)
        if code[i] != code[i + 1] and v(code[i]) % 11 == v(code[i + 1]) % 11
    }
    if {code[7], code[8]} == {"1", "X"}:
        missed.add(code[:7] + code[8] + code[7])
    return missed


def _accepted_mutations(code: str) -> set[str]:
    return {m for m in _mutations(code) if org_code.is_valid(m)}


@pytest.mark.parametrize("value", [u[8:17] for u in STDNUM_USCC] + EXAMPLES)
def test_mutations_of_real_codes(value: str) -> None:
    code = org_code.compact(value)
    assert _accepted_mutations(code) == _undetectable(code)


@given(bodies)
def test_mutations_of_generated_codes(body: str) -> None:
    code = org_code.generate(body)
    assert _accepted_mutations(code) == _undetectable(code)


@given(st.text(alphabet=ALPHABET, min_size=7, max_size=7), st.sampled_from("1X"))
def test_last_transposition_blind_spot(prefix: str, last: str) -> None:
    # Draw bodies ending in 1 or X so the one transposition the check misses is exercised often.
    code = org_code.generate(prefix + last)
    assert _accepted_mutations(code) == _undetectable(code)
