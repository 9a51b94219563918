"""Segment layouts read from spec patterns (sedata/codes/_layout.py), where the mutation run (bench/mutate.py)
showed the tests blind: atoms and their widths for every quantifier, alternatives and classes/groups that hold
``|``, ``(``, ``)`` or ``]``, the positions ``diagnose`` reports, and the spec value domains' lengths.

The patterns are the spec's own (equipment-code, registration-cert-no) where they exist, and small ones for
the constructs no spec pattern has yet.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from sedata.codes import _layout
from sedata.codes._layout import (
    Atom,
    LayoutError,
    Part,
    alternatives,
    atoms,
    domain_layouts,
    domain_lengths,
    fixed_length,
    layout,
)
from sedata.spec import current

EQUIPMENT = current().value_domains["equipment-code"].pattern
CERT = current().value_domains["registration-cert-no"].pattern
assert EQUIPMENT is not None and CERT is not None
MAKER_FORM = [("variety", 1), ("maker", 1), ("year", 2), ("sequence", 1)]
CERT_SHAPE = [("kind", 1), ("year", 1), ("province", 1), ("city", 1), ("serial", 1), ("suffix", 1)]


def test_the_spec_patterns_split_into_their_alternatives() -> None:
    assert alternatives(EQUIPMENT) == [
        "[0-9A-Z]{4}[0-9]{5}[12][0-9]{3}[0-9A-Z]{5}",
        "[0-9A-Z]{4}[0-9]{6}[12][0-9]{3}[0-9A-Z]{4}",
    ]
    assert alternatives(CERT) == [CERT]  # its | is inside a group


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("a|b", ["a", "b"]),
        ("[|]a|b", ["[|]a", "b"]),  # | inside a class
        ("[a|]x|y", ["[a|]x", "y"]),  # and not its first character
        (r"a\||b", [r"a\|", "b"]),  # an escaped |
        ("(c|d)e|f", ["(c|d)e", "f"]),
        ("((c|d)|e)|f", ["((c|d)|e)", "f"]),
        ("[)]|x", ["[)]", "x"]),  # ) inside a class opens and closes nothing
        ("|a", ["", "a"]),
        ("abc", ["abc"]),
    ],
)
def test_alternatives(pattern: str, expected: list[str]) -> None:
    assert alternatives(pattern) == expected


def test_atoms_of_the_spec_patterns() -> None:
    assert atoms(alternatives(EQUIPMENT)[0]) == [
        Atom("[0-9A-Z]{4}", 4, 4),
        Atom("[0-9]{5}", 5, 5),
        Atom("[12]", 1, 1),
        Atom("[0-9]{3}", 3, 3),
        Atom("[0-9A-Z]{5}", 5, 5),
    ]
    assert atoms(CERT) == [
        Atom("[一-鿿]", 1, 1),
        Atom("[0-9]{2}", 2, 2),
        Atom("[一-鿿]", 1, 1),
        Atom("[A-Z]", 1, 1),
        Atom("[0-9A-Z]{4,6}", 4, 6),
        Atom(r"(\([0-9]{2}\)|（[0-9]{2}）)", 0, None),  # a group's width is not needed
    ]


@pytest.mark.parametrize(
    ("alternative", "expected"),
    [
        ("a?", [Atom("a?", 0, 1)]),
        ("b*", [Atom("b*", 0, None)]),
        ("c+", [Atom("c+", 1, None)]),
        ("d{0}", [Atom("d{0}", 0, 0)]),
        ("X1", [Atom("X", 1, 1), Atom("1", 1, 1)]),
        (r"\-\d{2}", [Atom(r"\-", 1, 1), Atom(r"\d{2}", 2, 2)]),
        ("[12]", [Atom("[12]", 1, 1)]),
        (r"[\]]x", [Atom(r"[\]]", 1, 1), Atom("x", 1, 1)]),
        ("[(]x", [Atom("[(]", 1, 1), Atom("x", 1, 1)]),
        ("([)]x)y", [Atom("([)]x)", 0, None), Atom("y", 1, 1)]),
        ("((a)b)c", [Atom("((a)b)", 0, None), Atom("c", 1, 1)]),
        ("(ab)?c", [Atom("(ab)?", 0, None), Atom("c", 1, 1)]),
    ],
)
def test_atoms_and_their_widths(alternative: str, expected: list[Atom]) -> None:
    assert atoms(alternative) == expected


@pytest.mark.parametrize("unbalanced", ["[0-9", "(ab", "((a)b", r"[\]"])
def test_an_unbalanced_pattern_is_a_layout_error(unbalanced: str) -> None:
    with pytest.raises(LayoutError, match="unbalanced"):
        atoms(unbalanced)


def test_a_layout_names_its_segments() -> None:
    maker = layout(alternatives(EQUIPMENT)[0], MAKER_FORM)
    assert maker.parts == (
        Part("variety", "[0-9A-Z]{4}", 4, 4),
        Part("maker", "[0-9]{5}", 5, 5),
        Part("year", "[12][0-9]{3}", 4, 4),
        Part("sequence", "[0-9A-Z]{5}", 5, 5),
    )
    assert maker.part("year").width == 4 and maker.max_len == 18
    with pytest.raises(KeyError):
        maker.part("month")
    assert maker.part("year").matches("2015") and not maker.part("year").matches("3015")
    assert maker.split("311010523201500318") == [
        ("variety", 0, "3110"),
        ("maker", 4, "10523"),
        ("year", 9, "2015"),
        ("sequence", 13, "00318"),
    ]
    assert maker.split("31101052320150031") is None
    with pytest.raises(LayoutError) as wrong:
        layout(alternatives(EQUIPMENT)[0], [("variety", 1), ("rest", 3)])
    assert "has 5 atoms, sedata.codes expects 4" in str(wrong.value) and "5 个部件" in str(wrong.value)


def test_variable_segments() -> None:
    cert = layout(CERT, CERT_SHAPE)
    assert cert.part("serial") == Part("serial", "[0-9A-Z]{4,6}", 4, 6)
    assert cert.part("suffix").max_len is None and cert.max_len is None
    with pytest.raises(LayoutError, match="no fixed width"):
        _ = cert.part("serial").width
    both = layout("a{2}b+c?", [("ab", 2), ("c", 1)])
    assert (both.part("ab").min_len, both.part("ab").max_len) == (3, None)
    assert (both.part("c").min_len, both.part("c").max_len) == (0, 1)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("311010523201500318", None),
        ("3110a0523201500318", (4, "maker")),  # the variety fits its 4 characters exactly
        ("311010523301500318", (9, "year")),
        ("3110105232015003", (16, "sequence")),  # ends early
        ("3110105232015003189", (18, "sequence")),  # one character too many
        ("", (0, "variety")),
    ],
)
def test_diagnose_fixed_segments(text: str, where: tuple[int, str] | None) -> None:
    assert layout(alternatives(EQUIPMENT)[0], MAKER_FORM).diagnose(text) == where


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("容15闽E00088(17)", None),
        ("容15闽E008(17)", (8, "serial")),  # 3 characters where 4 to 6 are needed
        ("容15闽E0008[17]", (9, "suffix")),
        ("容15闽E0000000(17)", (11, "suffix")),  # 6 characters at most: the 7th is not the suffix
        ("容15闽E0008(17)x", (13, "suffix")),  # past the group
        ("容1闽E0008(17)", (2, "year")),
    ],
)
def test_diagnose_variable_segments_and_groups(text: str, where: tuple[int, str] | None) -> None:
    assert layout(CERT, CERT_SHAPE).diagnose(text) == where


def test_diagnose_quantified_groups() -> None:
    optional = layout("(ab)?c", [("opt", 1), ("c", 1)])
    assert optional.diagnose("x") == (0, "c")
    twice = layout("(ab){2}c+", [("ab", 1), ("c", 1)])
    assert twice.diagnose("ababx") == (4, "c")
    assert twice.diagnose("ababcc") is None and twice.diagnose("ababccx") == (6, "c")


def test_domain_layouts_and_lengths() -> None:
    maker, authority = domain_layouts(
        "equipment-code", MAKER_FORM, [("variety", 1), ("authority", 1), ("year", 2), ("sequence", 1)]
    )
    assert maker.part("maker").width == 5 and authority.part("authority").width == 6
    with pytest.raises(LayoutError) as count:
        domain_layouts("equipment-code", MAKER_FORM)
    assert "has 2 alternatives, sedata.codes expects 1" in str(count.value)
    with pytest.raises(LayoutError, match="admin-division has no pattern"):
        domain_layouts("admin-division", [("code", 1)])
    assert domain_lengths("equipment-code") == (18, 18) and fixed_length("equipment-code") == 18
    assert domain_lengths("registration-cert-no") == (1, 20)  # an..20
    assert domain_lengths("date") == (None, None)
    with pytest.raises(LayoutError, match="registration-cert-no has no fixed length"):
        fixed_length("registration-cert-no")
    with pytest.raises(LayoutError, match="date has no fixed length"):
        fixed_length("date")


def test_a_value_domain_without_a_data_type_is_a_string(monkeypatch: pytest.MonkeyPatch) -> None:
    untyped = SimpleNamespace(data_type=None, format="an..5", pattern=None)
    monkeypatch.setattr(_layout, "current", lambda: SimpleNamespace(value_domains={"x": untyped}))
    assert domain_lengths("x") == (1, 5)
