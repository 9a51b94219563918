"""The business-rule expressions against the business layer itself, on drawn records.

For records drawn around the rules' edges (dates either side of an interval's end and of today, every
catalogue code with an interval or a conclusion table, grades, commissioning dates, certificate validities,
accident facts either side of each threshold), a record with a business finding (other than SE-BIZ-010)
is always flagged. Where the expression is exact (every rule but the date and number texts it cannot read)
a flagged record has a finding too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sedata.columnar.business import _RULE_EXPRS, _Columns, business_flags
from sedata.columnar.compile import entity_screens
from sedata.columnar.screen import _column
from sedata.spec import current
from sedata.validate.context import FileContext, Where
from sedata.validate.layers import business

SPEC = current()
SCREENS = entity_screens(SPEC)
P = business.params(SPEC)
TODAY = dt.date(2026, 12, 6)

_KINDS = sorted({iv.kind for t in P.intervals.values() for iv in t.intervals} | {"监督检验"})
_CODES = sorted({c for t in P.intervals.values() for iv in t.intervals for c in iv.codes} | set(P.conclusions))
_VARIETIES = sorted(c for c in P.parents if len(c) == 4)
_CONCLUSIONS = sorted({x for xs in P.conclusions.values() for x in xs})


def _iso(day: dt.date) -> str:
    return day.isoformat()


@st.composite
def _inspection(draw: st.DrawFn) -> dict[str, Any]:
    done = draw(st.dates(dt.date(2008, 1, 1), dt.date(2027, 12, 31)))
    # The next date lands near the end of a year or a few: either side of an interval's end.
    years = draw(st.integers(0, 10))
    nudge = draw(st.sampled_from([-400, -1, 0, 1, 2, 30]))
    due = business.plus_years(done, years) + dt.timedelta(days=nudge)
    data: dict[str, Any] = {
        "inspectionDate": _iso(done),
        "nextInspectionDate": _iso(due),
        "inspectionKind": draw(st.sampled_from(_KINDS)),
        "equipmentVariety": draw(st.sampled_from(_VARIETIES)),
        "equipmentKind": draw(st.sampled_from([c for c in _CODES if c.endswith("000")] or ["3000"])),
        "inspectionConclusion": draw(st.sampled_from(_CONCLUSIONS)),
        "inspectionNature": draw(st.sampled_from(["法定", "法定", "法定", "委托"])),
    }
    codes = business._codes(P, data, "equipmentKind", "equipmentVariety")
    allowed = next((P.conclusions[c] for c in codes if c in P.conclusions), None)
    if allowed and draw(st.integers(0, 3)):  # mostly an allowed conclusion, so the interval rules show
        data["inspectionConclusion"] = draw(st.sampled_from(allowed))
    if draw(st.booleans()):
        data["safetyGrade"] = draw(st.sampled_from(["1", "2", "3", "4", "5"]))
    if draw(st.booleans()):
        data["commissioningDate"] = _iso(done - dt.timedelta(days=draw(st.integers(-30, 20 * 366))))
    return data


@st.composite
def _certificate(draw: st.DrawFn) -> dict[str, Any]:
    issued = draw(st.dates(dt.date(2010, 1, 1), dt.date(2026, 12, 31)))
    expiry = business.plus_years(issued, draw(st.integers(3, 5))) + dt.timedelta(days=draw(st.sampled_from([-1, 0, 1])))
    return {"issueDate": _iso(issued), "expiryDate": _iso(expiry)}


@st.composite
def _accident(draw: st.DrawFn) -> dict[str, Any]:
    grading = P.accident.gradings[0]
    data: dict[str, Any] = {
        "occurredAt": f"{draw(st.dates(dt.date(2005, 1, 1), dt.date(2026, 12, 1)))}T08:00:00+08:00",
        "accidentGrade": draw(st.sampled_from(list(grading.grades))),
        "equipmentKind": draw(st.sampled_from(["3000", "6000", "9000", "4000"])),
    }
    edges = sorted({int(t) for ts in grading.thresholds.values() for t in ts if t is not None})
    for name in ("deaths", "seriousInjuries", "peopleEvacuated", "strandedPeople"):
        if draw(st.booleans()):
            data[name] = max(0, draw(st.sampled_from(edges)) + draw(st.sampled_from([-1, 0, 1])))
    for name in ("directEconomicLoss", "strandedHours"):
        if draw(st.booleans()):
            data[name] = f"{max(0, draw(st.sampled_from(edges)) + draw(st.sampled_from([-1, 0, 1]))):.2f}"
    if draw(st.booleans()):
        data["accidentEvents"] = draw(st.lists(st.sampled_from([*grading.events, "其他"]), max_size=2))
    return data


def _row_findings(entity_id: str, data: dict[str, Any], message_type: str) -> set[str]:
    layer = business.Business(FileContext(SPEC, "drawn.jsonl"), message_type, TODAY)
    layer.unique_elsewhere = True
    found = layer.findings(SCREENS[entity_id].shape, data, set(), ("records", 0, "data"), Where(index=0))
    return {f.rule for f in found}


def _flags(entity_id: str, datas: list[dict[str, Any]], message_type: str) -> list[bool]:
    es = SCREENS[entity_id]
    columns = {fs.shape.name: _column(fs, [d.get(fs.shape.name) for d in datas])[0] for fs in es.fields}
    for ls in es.lists:
        columns[ls.shape.name] = pl.Series(ls.shape.name, [d.get(ls.shape.name) for d in datas], pl.List(pl.String))
    expr = business_flags(SPEC, es.shape, message_type, TODAY)
    frame = pl.DataFrame(columns)
    for stage in expr.derived:
        frame = frame.with_columns(**stage)
    return frame.with_columns(expr.flag.alias("f"))["f"].to_list()


def _agree(entity_id: str, datas: list[dict[str, Any]], message_type: str) -> None:
    for data, flagged in zip(datas, _flags(entity_id, datas, message_type), strict=True):
        rules = _row_findings(entity_id, data, message_type)
        assert flagged or not rules, f"{rules} on {data} but not flagged"
        assert rules or not flagged, f"flagged with no finding: {data}"


def _agree_per_rule(entity_id: str, datas: list[dict[str, Any]], message_type: str) -> None:
    """Each row check of the layer on its own against its own expression, both ways."""
    es = SCREENS[entity_id]
    columns = {fs.shape.name: _column(fs, [d.get(fs.shape.name) for d in datas])[0] for fs in es.fields}
    layer = business.Business(FileContext(SPEC, "drawn.jsonl"), message_type, TODAY)
    for check in P.checks[entity_id]:
        if check is business._unique:
            continue
        cols = _Columns(es.shape, P, message_type, TODAY)
        expr = pl.any_horizontal([x.fill_null(False) for x in [_RULE_EXPRS[check](cols), *cols.loose]])
        frame = pl.DataFrame(columns)
        for stage in cols.derived:
            frame = frame.with_columns(**stage)
        flags = frame.with_columns(expr.alias("f"))["f"].to_list()
        for data, flagged in zip(datas, flags, strict=True):
            rec = business._Record(
                layer, es.shape, layer.fields(es.shape), data, set(), ("records", 0, "data"), Where(index=0)
            )
            check(rec)
            assert flagged == bool(rec.out), f"{check.__name__}: {[f.rule for f in rec.out]} on {data}"


_SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(datas=st.lists(_inspection(), min_size=1, max_size=40), message=st.sampled_from(["inspection-upload", "x"]))
def test_inspections(datas: list[dict[str, Any]], message: str) -> None:
    """SE-BIZ-002/003/004/005/008/009: exact, both ways, each rule on its own too."""
    _agree("Inspection", datas, message)
    _agree_per_rule("Inspection", datas, message)


@_SETTINGS
@given(datas=st.lists(_certificate(), min_size=1, max_size=40))
def test_certificates(datas: list[dict[str, Any]]) -> None:
    """SE-BIZ-007 (and SE-BIZ-009 on the issue date): exact, both ways."""
    _agree("OperatorCertificate", datas, "operator-certificate-upload")


@_SETTINGS
@given(datas=st.lists(_accident(), min_size=1, max_size=40))
def test_accidents(datas: list[dict[str, Any]]) -> None:
    """SE-BIZ-006 (thresholds, stranding by kind, events) and SE-BIZ-009: exact, both ways."""
    _agree("Accident", datas, "accident-report")


def test_a_date_text_the_expressions_cannot_read_is_flagged() -> None:
    """A date and time where a date is expected: the row engine decides (never blind)."""
    data = {"inspectionDate": "2024-01-01T00:00:00+08:00", "nextInspectionDate": "2023-01-01"}
    assert _flags("Inspection", [data], "inspection-upload") == [True]
