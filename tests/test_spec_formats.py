"""Representation formats (``an..50``, ``n6``, ``n..18,3`` …) and the portable regex core."""

from __future__ import annotations

import re
from decimal import Decimal
from xml.sax.saxutils import quoteattr

import pytest
from lxml import etree

from sedata.spec.formats import (
    DATE_FORMAT,
    DATE_PATTERN,
    DATETIME_FORMAT,
    DATETIME_PATTERN,
    Format,
    FormatError,
    check_portable_pattern,
    decimal_bounds,
    parse_format,
)

XS = "http://www.w3.org/2001/XMLSchema"


def xsd_pattern_schema(pattern: str) -> etree.XMLSchema:
    """A one-type schema whose root element ``v`` is a string restricted by ``pattern``."""
    text = (
        f'<xs:schema xmlns:xs="{XS}">'
        '<xs:element name="v"><xs:simpleType><xs:restriction base="xs:string">'
        f"<xs:pattern value={quoteattr(pattern)}/>"
        "</xs:restriction></xs:simpleType></xs:element>"
        "</xs:schema>"
    )
    return etree.XMLSchema(etree.fromstring(text.encode("utf-8")))


def xsd_accepts(schema: etree.XMLSchema, value: str) -> bool:
    root = etree.Element("v")
    root.text = value
    return schema.validate(etree.ElementTree(root))


def xsd_compiles(pattern: str) -> bool:
    try:
        xsd_pattern_schema(pattern)
    except etree.XMLSchemaParseError:
        return False
    return True


# --- parse_format ---------------------------------------------------------------------------------


def test_an_variable_length_is_any_characters_up_to_l() -> None:
    fmt = parse_format("string", "an..50")
    assert fmt == Format("string", min_length=1, max_length=50, char_pattern=None)


def test_n_fixed_length_is_exactly_l_digits() -> None:
    fmt = parse_format("string", "n6")
    assert (fmt.min_length, fmt.max_length) == (6, 6)
    assert fmt.char_pattern == "[0-9]{6}"
    assert re.fullmatch(fmt.char_pattern, "363000")
    assert not re.fullmatch(fmt.char_pattern, "36300")
    assert not re.fullmatch(fmt.char_pattern, "36300A")


def test_a_variable_length_is_letters_only() -> None:
    fmt = parse_format("string", "a..10")
    assert (fmt.min_length, fmt.max_length) == (1, 10)
    assert fmt.char_pattern == "[A-Za-z]{1,10}"
    assert re.fullmatch(fmt.char_pattern, "Boiler")
    assert not re.fullmatch(fmt.char_pattern, "Boiler1")
    assert not re.fullmatch(fmt.char_pattern, "锅炉")


def test_an_fixed_length_has_no_character_class() -> None:
    fmt = parse_format("string", "an18")
    assert (fmt.min_length, fmt.max_length, fmt.char_pattern) == (18, 18, None)


def test_integer_n_variable_length_bounds() -> None:
    fmt = parse_format("integer", "n..4")
    assert fmt.data_type == "integer"
    assert fmt.total_digits == 4
    assert fmt.lexical_pattern is None
    assert decimal_bounds(fmt) == (Decimal(0), Decimal(9999))


def test_decimal_format_digits_bounds_and_lexical_pattern() -> None:
    fmt = parse_format("decimal", "n..18,3")
    assert (fmt.data_type, fmt.total_digits, fmt.fraction_digits) == ("decimal", 18, 3)
    low, high = decimal_bounds(fmt)
    assert low == Decimal(0)
    assert high == Decimal("999999999999999.999")
    assert fmt.lexical_pattern is not None
    for ok in ("12.5", "0.125", "123456789012345", "0", "999999999999999.999"):
        assert re.fullmatch(fmt.lexical_pattern, ok), ok
    for bad in ("1e3", "-1", ".5", "1.", "12.3456", "1234567890123456", "+1", " 1", "1,5", ""):
        assert not re.fullmatch(fmt.lexical_pattern, bad), bad


def test_decimal_with_zero_scale_has_no_fraction() -> None:
    fmt = parse_format("decimal", "n..5,0")
    assert fmt.lexical_pattern == "[0-9]{1,5}"
    assert decimal_bounds(fmt) == (Decimal(0), Decimal(99999))


def test_date_and_datetime_formats() -> None:
    date = parse_format("date", DATE_FORMAT)
    assert date == Format("date", lexical_pattern=DATE_PATTERN)
    assert re.fullmatch(DATE_PATTERN, "2024-02-29")
    assert not re.fullmatch(DATE_PATTERN, "20240229")
    assert not re.fullmatch(DATE_PATTERN, "2024-2-9")

    stamp = parse_format("datetime", DATETIME_FORMAT)
    assert stamp == Format("datetime", lexical_pattern=DATETIME_PATTERN)
    for ok in ("2025-06-01T14:30:00+08:00", "2025-06-01T06:30:00Z", "2025-06-01T06:30:00-03:30"):
        assert re.fullmatch(DATETIME_PATTERN, ok), ok
    for bad in ("2025-06-01T14:30:00", "2025-06-01 14:30:00+08:00", "2025-06-01T14:30+08:00"):
        assert not re.fullmatch(DATETIME_PATTERN, bad), bad


@pytest.mark.parametrize(
    ("data_type", "fmt", "message"),
    [
        ("string", "x50", "expected a format"),
        ("string", "an.50", "expected a format"),
        ("string", "an..0", "expected a format"),
        ("string", "an..", "expected a format"),
        ("string", "", "expected a format"),
        ("integer", "n6", "an integer is written n..L"),
        ("integer", "an..6", "an integer is written n..L"),
        ("integer", "a..6", "an integer is written n..L"),
        ("decimal", "n..3,3", "fewer than digits"),
        ("decimal", "n..3,5", "fewer than digits"),
        ("decimal", "n..18.3", "a decimal is written n..p,s"),
        ("decimal", "n..5", "a decimal is written n..p,s"),
        ("date", "YYYYMMDD", "a date is written YYYY-MM-DD"),
        ("datetime", "YYYY-MM-DD", "a date-time is written"),
        ("boolean", "an..5", "unknown data type 'boolean'"),
        ("String", "an..5", "unknown data type 'String'"),
    ],
)
def test_format_errors(data_type: str, fmt: str, message: str) -> None:
    with pytest.raises(FormatError, match=re.escape(message)):
        parse_format(data_type, fmt)


@pytest.mark.parametrize(
    ("data_type", "fmt"),
    [
        ("string", "an..50"),
        ("string", "n6"),
        ("string", "a..10"),
        ("string", "n..4"),
        ("decimal", "n..18,3"),
        ("decimal", "n..5,0"),
        ("date", DATE_FORMAT),
        ("datetime", DATETIME_FORMAT),
    ],
)
def test_generated_patterns_are_portable_themselves(data_type: str, fmt: str) -> None:
    """The patterns parse_format writes into the artefacts obey the rule it imposes on authors."""
    parsed = parse_format(data_type, fmt)
    patterns = [p for p in (parsed.char_pattern, parsed.lexical_pattern) if p]
    for pattern in patterns:
        check_portable_pattern(pattern)
        assert xsd_compiles(pattern), pattern


# --- check_portable_pattern -----------------------------------------------------------------------

# Each accepted pattern with values it must / must not match, so Python and XSD are shown to agree.
PORTABLE = {
    "[0-9A-Z]{4}[0-9]{5}": (["215010890", "ABCD12345"], ["2150a0890", "2150", "ABCD123456"]),
    "梯[0-9]{2}": (["梯11"], ["梯1", "起11", "梯111"]),
    "(\\([0-9]{2}\\)|（[0-9]{2}）)": (["(16)", "（14）"], ["(16）", "16", "(1)"]),
    "[0-9 \\-]{4,29}": (["0596-2345", "591 8765"], ["059", "0596_2345", "0" * 30]),
    "[0-9+][0-9 \\-]{4,29}": (["+86 591 87654321", "13859612345"], ["电话", "12"]),
    "[一-鿿][0-9]{2}[一-鿿][A-Z]": (["梯11闽E"], ["梯11闽e", "T11闽E"]),
    "[0-9A-HJ-NP-RTUWXY]{2}": (["91", "MA"], ["IO", "9"]),
    "[^0-9]{2}": (["ab"], ["a1"]),
    "a|bc": (["a", "bc"], ["abc", "b"]),
    "x?y*z+": (["z", "xyyz", "zz"], ["x", "xy"]),
    "\\.\\[\\]\\{\\}\\|\\?\\*\\+\\^\\\\": ([".[]{}|?*+^\\"], ["x"]),
}


@pytest.mark.parametrize("pattern", list(PORTABLE))
def test_portable_patterns_are_accepted_and_mean_the_same_in_xsd(pattern: str) -> None:
    check_portable_pattern(pattern)  # must not raise
    schema = xsd_pattern_schema(pattern)  # must compile as an XSD 1.0 pattern facet
    good, bad = PORTABLE[pattern]
    for value in good:
        assert re.fullmatch(pattern, value), (pattern, value)
        assert xsd_accepts(schema, value), (pattern, value)
    for value in bad:
        assert not re.fullmatch(pattern, value), (pattern, value)
        assert not xsd_accepts(schema, value), (pattern, value)


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("\\d{4}", "escape \\d"),
        ("\\w+", "escape \\w"),
        ("\\s", "escape \\s"),
        ("\\1", "escape \\1"),
        ("(a)\\1", "escape \\1"),
        ("\\u4e00", "escape \\u"),
        ("\\p{L}", "escape \\p"),
        ("a\\", "escape \\ at"),
        ("^x$", "not anchored"),
        ("x$", "not anchored"),
        (".", "'.' at 0"),
        ("a.b", "'.' at 1"),
        ("(?:a)", "'(?' at 0"),
        ("(?=a)", "'(?' at 0"),
        ("(?P<n>a)", "'(?' at 0"),
        ("a{,3}", "quantifier at 1"),
        ("a{3,}", "quantifier at 1"),
        ("a{x}", "quantifier at 1"),
        ("a{3", "quantifier at 1"),
        ("[a", "unbalanced brackets"),
        ("(a", "unbalanced brackets"),
        ("a)", "unbalanced ')' at 1"),
        ("[[a]]", "nested class"),
        ("[]a]", "empty class"),
        ("a{5,3}", "does not compile"),
        ("*a", "does not compile"),
    ],
)
def test_non_portable_patterns_are_rejected(pattern: str, message: str) -> None:
    with pytest.raises(FormatError, match=re.escape(message)):
        check_portable_pattern(pattern)


# Python accepts these, XSD 1.0 does not (lazy and possessive quantifiers, a stray `]`).
NOT_XSD = ["[0-9]+?", "a*?", "a{2}?", "[0-9]{2,4}?", "a?+", "a*+", "a]"]


@pytest.mark.parametrize("pattern", NOT_XSD)
def test_lazy_possessive_and_stray_bracket_do_not_compile_in_xsd(pattern: str) -> None:
    """Evidence for the xfail below: Python compiles these, libxml2's XSD regex engine does not."""
    re.compile(pattern)
    assert not xsd_compiles(pattern)


@pytest.mark.parametrize("pattern", NOT_XSD)
def test_patterns_xsd_cannot_compile_are_rejected(pattern: str) -> None:
    with pytest.raises(FormatError):
        check_portable_pattern(pattern)
