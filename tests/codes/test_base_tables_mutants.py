"""What the identifier modules share (sedata/codes/_base.py, _tables.py, __init__.py), where the mutation run
(bench/mutate.py) showed the tests blind: the errors' stable codes and default language, the deprecated
alias's warning place, parse results, and the date-aware reading of the equipment catalogue's two versions
(pre2014-elevator until 2014, 2014 from 2014: in force together, uncertainly, during 2014 only).
"""

from __future__ import annotations

import datetime as dt
import warnings
from types import SimpleNamespace

import pytest

import sedata.codes as codes
from sedata.codes import _tables, citizen_id
from sedata.codes._base import (
    InvalidChecksum,
    InvalidCode,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    Note,
    Parsed,
    Segment,
    as_text,
    deprecated_alias,
)
from sedata.codes._tables import (
    CATALOGUE,
    as_variety,
    children,
    find,
    in_force_during,
    lineage,
    named,
    only_version,
    table_label,
    varieties,
    year_span,
)
from sedata.spec import current

SPEC = current()
PRE2014, V2014 = SPEC.codeset_versions(CATALOGUE)  # oldest first


# --- _base ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind", "error"),
    [
        ("123", InvalidLength, "invalid_length"),
        ("11010519491231002A", InvalidFormat, "invalid_format"),
        ("110105194913310021", InvalidComponent, "invalid_component"),  # month 13
        ("110105194912310021", InvalidChecksum, "invalid_checksum"),
    ],
)
def test_errors_carry_their_stable_code(value: str, kind: type[InvalidCode], error: str) -> None:
    with pytest.raises(kind) as caught:
        citizen_id.validate(value)
    assert caught.value.error == error
    assert caught.value.message() == caught.value.zh == caught.value.message("zh")  # Chinese by default
    assert caught.value.message("en") == caught.value.en != caught.value.zh


def test_the_base_error() -> None:
    base = InvalidCode("错", "wrong", position=3, segment="check")
    assert (base.error, base.position, base.segment, base.message(), base.message("en")) == (
        "invalid_code",
        3,
        "check",
        "错",
        "wrong",
    )
    assert str(base) == "错 / wrong"


def test_only_text_is_an_identifier() -> None:
    assert as_text("110105") == "110105"
    with pytest.raises(InvalidFormat, match="not int"):
        as_text(110105)


def test_a_deprecated_alias_warns_at_its_caller_and_answers() -> None:
    old = deprecated_alias(citizen_id.generate, "build")
    assert old.__name__ == "build" and "generate" in (old.__doc__ or "")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        number = old("110105", dt.date(1949, 12, 31), 2)
    assert number == "11010519491231002X"
    assert caught[0].category is DeprecationWarning and caught[0].filename == __file__
    assert "sedata.codes.citizen_id.build is deprecated; use generate" in str(caught[0].message)


def test_parse_results() -> None:
    parsed = citizen_id.parse("11010519491231002X")
    check = parsed.segment("check")
    assert (check.key, check.start, check.end, check.value) == ("check", 17, 18, "X")
    assert (parsed.segment("address").end, parsed.segment("birth_date").end) == (6, 14)
    with pytest.raises(KeyError):
        parsed.segment("no-such-segment")
    assert parsed.assemble() == "11010519491231002X"
    as_dict = parsed.to_dict()
    assert as_dict["value"] == "11010519491231002X" and as_dict["segments"][-1]["value"] == "X"
    made = Parsed("x", "ab", (Segment("a", "甲", "A", 0, "a"), Segment("b", "乙", "B", 1, "b")))
    assert made.segment("b").start == 1 and made.assemble() == "ab" and made.warnings == ()


def test_a_note_speaks_chinese_first() -> None:
    note = Note("partial", "部分确认", "partly confirmed", "PARTIAL")
    assert (note.message(), note.message("zh"), note.message("en")) == ("部分确认", "部分确认", "partly confirmed")


def test_the_package_exports_what_it_lists() -> None:
    assert all(getattr(codes, name) is not None for name in codes.__all__)
    assert all(getattr(_tables, name) is not None for name in _tables.__all__)
    assert codes.KINDS[0] == "equipment_code" and "citizen_id" in codes.KINDS
    for kind in codes.KINDS:  # every name is an importable identifier module
        module = __import__(f"sedata.codes.{kind}", fromlist=["validate"])
        assert callable(module.validate)


# --- _tables -------------------------------------------------------------------------------------------------


def test_only_version() -> None:
    assert only_version("digest-algorithm").id == "digest-algorithm"
    with pytest.raises(LookupError, match="code set equipment-catalogue has 2 versions"):
        only_version(CATALOGUE)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (dt.date(2013, 1, 1), dt.date(2013, 12, 31), [("pre2014-elevator", True)]),
        (dt.date(2014, 1, 1), dt.date(2014, 1, 1), [("2014", False), ("pre2014-elevator", False)]),
        (dt.date(2014, 12, 31), dt.date(2014, 12, 31), [("2014", True), ("pre2014-elevator", False)]),
        (dt.date(2013, 12, 31), dt.date(2013, 12, 31), [("pre2014-elevator", True)]),
        (dt.date(2015, 1, 1), dt.date(2015, 1, 1), [("2014", True)]),
        (dt.date(2013, 6, 1), dt.date(2015, 6, 1), [("2014", False), ("pre2014-elevator", False)]),
    ],
)
def test_catalogue_versions_in_force_during_a_period(
    start: dt.date, end: dt.date, expected: list[tuple[str, bool]]
) -> None:
    found = in_force_during(CATALOGUE, start, end)
    assert [(f.codeset.version, f.certain) for f in found] == expected


@pytest.mark.parametrize(
    ("year", "month", "span"),
    [
        (2024, None, (dt.date(2024, 1, 1), dt.date(2024, 12, 31))),
        (2024, 2, (dt.date(2024, 2, 1), dt.date(2024, 2, 29))),
        (2023, 11, (dt.date(2023, 11, 1), dt.date(2023, 11, 30))),
        (2023, 12, (dt.date(2023, 12, 1), dt.date(2023, 12, 31))),
    ],
)
def test_year_span(year: int, month: int | None, span: tuple[dt.date, dt.date]) -> None:
    assert year_span(year, month) == span


def test_the_catalogue_tree() -> None:
    assert [e.code for e in children(V2014, "3100")] == ["3110", "3120", "3130"]
    assert children(V2014, "3110") == []
    assert [e.code for e in lineage(V2014, "3110")] == ["3110", "3100", "3000"]
    assert [e.code for e in lineage(PRE2014, "3110")] == ["3110", "3000"]
    assert lineage(V2014, "9999") == []
    assert find(V2014, "3110") is not None and find(V2014, "9999") is None
    assert [table_label(cs) for cs in (PRE2014, V2014)] == [
        "equipment-catalogue@pre2014-elevator",
        "equipment-catalogue@2014",
    ]


def test_lineage_stops_at_a_cycle() -> None:
    a, b = SimpleNamespace(code="a", parent="b"), SimpleNamespace(code="b", parent="a")
    cyclic = SimpleNamespace(by_code={"a": a, "b": b})
    assert lineage(cyclic, "a") == [a, b]  # type: ignore[arg-type]


def test_varieties_and_categories_used_as_varieties() -> None:
    (in2014,) = in_force_during(CATALOGUE, dt.date(2020, 1, 1), dt.date(2020, 1, 1))
    lift = as_variety(in2014, "3110")
    assert lift is not None and not lift.category_only
    assert [e.code for e in lift.lineage] == ["3110", "3100", "3000"]
    cable = as_variety(in2014, "4900")  # 缆索式起重机: a 类别 without 品种
    assert cable is not None and cable.category_only
    for not_a_variety in ("3100", "3000", "9999"):
        assert as_variety(in2014, not_a_variety) is None
    both = in_force_during(CATALOGUE, dt.date(2014, 6, 1), dt.date(2014, 6, 1))
    assert [(v.table.codeset.version, v.category_only) for v in varieties(both, "3110")] == [
        ("2014", False),
        ("pre2014-elevator", False),  # its two levels: 种类 and 品种
    ]
    assert varieties(both, "3100") == []


def test_names_for_meanings() -> None:
    assert named(find(V2014, "3110")) == "曳引驱动乘客电梯"  # type: ignore[arg-type]
    grade = only_version("accident-grade")
    assert named(find(grade, "特别重大事故")) == "特别重大事故 / Extraordinarily serious accident"  # type: ignore[arg-type]
    sha = only_version("digest-algorithm")
    assert named(find(sha, "sha256")) == "SHA-256"  # type: ignore[arg-type]  # the same in both languages
