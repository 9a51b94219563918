"""Business rules as Polars expressions: which rows of a batch could carry a finding of layer 4.

Compiled from the same typed parameters the row layer applies (:func:`sedata.validate.layers.business.params`:
the spec's ``spec/rules/business.yaml`` through :mod:`sedata.spec.rule_params`), for the rules each entity's
``applies_to`` names. Each expression is true on a row where the rule may fire: exact where the rule is a
comparison of columns and table look-ups (dates in order, intervals by kind, variety, grade and date in force,
conclusions per kind, certificate validity, commissioned inspections, dates in the future), loose where it
is not (accident grades: every dated, graded accident is flagged). SE-BIZ-010 (keys repeated within a file)
depends on other records: the screen finds repeats by grouping a batch's keys, and the run's key index the
rest (:mod:`sedata.columnar.screen`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from sedata.codes import registration_cert
from sedata.spec import Spec
from sedata.spec.rule_params import AccidentGrading, Dated, Interval, UseYearSchedule, Validity
from sedata.validate.layers import business
from sedata.validate.shapes import EntityShape

_Builder = Callable[["_Columns"], pl.Expr]


class _Columns:
    """An entity's columns by the fields' Python names (null where the entity has no such field)."""

    def __init__(self, entity: EntityShape, p: business._Params, message_type: str | None, today: dt.date):
        self.by_key = {f.key: f for f in entity.fields.values()}
        self.entity, self.p, self.message_type, self.today = entity, p, message_type, today
        self.loose: list[pl.Expr] = []
        """Rows the date columns cannot be read for exactly (not plain dates): flagged."""
        self.derived: list[dict[str, pl.Expr]] = [{}, {}, {}]
        """Columns made from the fields before the rules run (dates, catalogue codes): each is computed once,
        and the rules' expressions name them instead of repeating their expressions (which Polars would plan
        again and again in every branch that uses them)."""

    def derive(self, name: str, expr: pl.Expr, stage: int = 0) -> pl.Expr:
        """A column computed once per batch, named in the rules' expressions: at stage 0 from the fields, at
        each later stage from them and the columns of the stages before."""
        self.derived[stage].setdefault(name, expr)
        return pl.col(name)

    def has(self, key: str) -> bool:
        return key in self.by_key

    def __call__(self, key: str) -> pl.Expr:
        f = self.by_key.get(key)
        return pl.col(f.name) if f is not None else pl.lit(None, dtype=pl.String)

    def list(self, key: str) -> pl.Expr | None:
        """A repeated field's column (a list of strings), or None when the entity has no such field."""
        f = self.by_key.get(key)
        return pl.col(f.name) if f is not None and f.repeated else None

    def day(self, key: str) -> pl.Expr:
        """The field as a date; a value that is not a plain ``YYYY-MM-DD`` date flags the row (for the row engine)."""
        v = self(key)
        if not self.has(key):
            return pl.lit(None, dtype=pl.Date)
        if f"__day_{key}" not in self.derived[0]:
            self.loose.append(v.is_not_null() & (v.str.len_chars() != 10))
        return self.derive(
            f"__day_{key}", pl.when(v.str.len_chars() == 10).then(v.str.to_date("%Y-%m-%d", strict=False))
        )


def _chain(c: _Columns) -> list[pl.Expr]:
    """The record's catalogue codes, most specific first, as the row layer's ``_codes`` reads them: the variety,
    its parents, then the kind when not already among them (null past the end)."""
    ancestors: list[dict[str, str]] = []
    parents = c.p.parents
    for code in {*parents, *parents.values()}:
        line = [code]
        while (up := parents.get(line[-1])) is not None and up not in line:
            line.append(up)
        for k, found in enumerate(line[1:], start=1):
            while len(ancestors) < k:
                ancestors.append({})
            ancestors[k - 1][code] = found
    variety = c("equipment_variety") if c.has("equipment_variety") else pl.lit(None, dtype=pl.String)
    out, raw = [variety], [variety]
    for k, table in enumerate(ancestors, start=1):
        raw.append(variety.replace_strict(table, default=None, return_dtype=pl.String))
        out.append(c.derive(f"__chain_{k}", raw[-1]))
    kind = c("equipment_kind") if c.has("equipment_kind") else pl.lit(None, dtype=pl.String)
    already = pl.any_horizontal([(x == kind).fill_null(False) for x in raw])
    out.append(c.derive("__chain_kind", pl.when(~already).then(kind)))
    return out


def _plus_years(day: pl.Expr, years: int | pl.Expr) -> pl.Expr:
    """``business.plus_years`` in columns: the same day ``years`` later, 29 February becoming 28 February."""
    year = day.dt.year() + years
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    month, dom = day.dt.month(), day.dt.day()
    dom = pl.when((month == 2) & (dom == 29) & ~leap).then(28).otherwise(dom)
    return pl.date(year, month, dom)


def _in_force(v: Dated, day: pl.Expr) -> pl.Expr:
    cond = pl.lit(True)
    if v.valid_from is not None:
        cond = cond & (day >= pl.lit(v.valid_from.earliest()))
    if v.valid_to is not None:
        cond = cond & (day <= pl.lit(v.valid_to.latest()))
    return cond


def _by_start(versions: list[Dated]) -> list[Dated]:
    # ``in_force`` orders the versions in force by latest start first (stable): the same order, for every day.
    return sorted(versions, key=lambda v: v.valid_from.earliest() if v.valid_from else dt.date.min, reverse=True)


def _registration_cert(c: _Columns) -> pl.Expr:
    """SE-BIZ-001: flagged unless the number's variety digits and category character plainly agree."""
    cert, variety = c("registration_cert_no"), c("equipment_variety")
    digits = registration_cert.VARIETY_DIGITS
    start, width = digits.start or 0, (digits.stop or 0) - (digits.start or 0)
    pairs = [f"{cat}|{code}" for cat, codes in c.p.cert_categories.items() for code in codes]
    cat = cert.str.slice(0, 1)
    fits = pl.any_horizontal(
        pl.concat_str([cat, pl.lit("|"), v]).is_in(pairs)
        for v in (variety, variety.str.slice(0, 2) + "00", variety.str.slice(0, 1) + "000")
    )
    plain = (
        ~cert.str.contains(r"[\s（）a-z]")  # compact() would change the number: left to the row engine
        & ~variety.str.contains(r"[\sa-z]")
        & (cert.str.len_chars() >= 3)
        & (variety.str.len_chars() == 4)
        & (cert.str.slice(start, width) == variety.str.slice(start, width))
        & fits
    )
    return cert.is_not_null() & variety.is_not_null() & ~plain.fill_null(False)


def _conclusion(c: _Columns) -> pl.Expr:
    """SE-BIZ-002: the allowed conclusions of the most specific catalogue code that has any."""
    allowed = c.p.conclusions
    pairs = [f"{code}|{x}" for code, xs in allowed.items() for x in xs]
    resolved = pl.coalesce([pl.when(x.is_in(list(allowed))).then(x) for x in _chain(c)])
    conclusion = c("inspection_conclusion")
    wrong = ~pl.concat_str([resolved, pl.lit("|"), conclusion]).is_in(pairs)
    return conclusion.is_not_null() & resolved.is_not_null() & wrong


def _next_inspection(c: _Columns) -> pl.Expr:
    """SE-BIZ-003 (next not after the inspection), then SE-BIZ-004/005: the interval the row layer's own
    ``_interval`` chooses (CONFIRMED table first, most specific code, grade first, in force on the day)."""
    done, due = c.day("inspection_date"), c.day("next_inspection_date")
    commissioned = c.day("commissioning_date")
    table = _interval_table(c.p)
    era = (
        pl.sum_horizontal([(done >= pl.lit(b)).cast(pl.Int32) for b in table.boundaries])
        if table.boundaries
        else pl.lit(0)
    )
    grade = c("safety_grade").replace_strict(table.grades, default="", return_dtype=pl.String)
    # The key's parts other than the code are made once (they would be computed again for every code and rule).
    era_text = c.derive("__era", era.cast(pl.String), 1)
    rest = c.derive("__kind_grade", pl.concat_str([c("inspection_kind"), grade], separator="|"), 0)
    chosen: list[pl.Expr] = []
    for lookup in table.by_rule:
        hits = [
            pl.concat_str([era_text, code, rest], separator="|").replace_strict(
                lookup, default=None, return_dtype=pl.Int32
            )
            for code in _chain(c)
        ]
        chosen.append(pl.coalesce(hits))
    which = c.derive("__interval", pl.coalesce(chosen), 2)
    years = which.replace_strict(table.years, default=None, return_dtype=pl.Int32)
    # Intervals give years or a schedule, never both: the branches exclude each other.
    limit: pl.Expr = pl.when(years.is_not_null()).then(_plus_years(done, years))
    for index, schedule in table.schedules.items():
        limit = pl.when(which == index).then(_by_schedule(c, index, schedule, done, commissioned)).otherwise(limit)
    before = (due <= done).fill_null(False)
    beyond = (due > limit).fill_null(False)
    return before | beyond


@dataclass(frozen=True)
class _IntervalTable:
    """Per interval table (rules in the order the row layer consults them): ``era|code|kind|grade`` → interval."""

    boundaries: tuple[dt.date, ...]
    """Days on which some interval comes into or goes out of force: between two, the same intervals apply."""
    grades: dict[str, str]
    by_rule: tuple[dict[str, int], ...]
    years: dict[int, int]
    schedules: dict[int, UseYearSchedule]


def _interval_table(p: business._Params) -> _IntervalTable:
    """The interval look-up tables of the business layer's parameters ``p`` (made once per parameters object)."""
    found = _TABLES.get(id(p))
    if found is None or found[0] is not p:
        found = _TABLES[id(p)] = (p, _interval_tables(p))
    return found[1]


_TABLES: dict[int, tuple[business._Params, _IntervalTable]] = {}


def _interval_tables(p: business._Params) -> _IntervalTable:
    intervals = [iv for t in p.intervals.values() for iv in t.intervals if isinstance(iv, Interval)]
    edges: set[dt.date] = set()
    for iv in intervals:
        if iv.valid_from is not None:
            edges.add(iv.valid_from.earliest())
        if iv.valid_to is not None:
            edges.add(iv.valid_to.latest() + dt.timedelta(days=1))
    boundaries = tuple(sorted(edges))
    days = [dt.date.min, *boundaries]  # one day of each era: era k starts at days[k]
    codes = {code for iv in intervals for code in iv.codes}
    kinds = {iv.kind for iv in intervals}
    grades = {iv.grade for iv in intervals if iv.grade is not None}
    ids = {id(iv): n for n, iv in enumerate(intervals)}
    by_rule: list[dict[str, int]] = []
    for rule_id, table in p.intervals.items():
        only = dataclasses.replace(p, intervals={rule_id: table})
        lookup: dict[str, int] = {}
        for era, day in enumerate(days):
            for code in codes:
                for kind in kinds:
                    for grade in [*grades, None]:
                        # The row layer's own choice for this one code, kind, grade and day.
                        found = business._interval(only, [code], kind, grade, day)
                        if found is not None:
                            lookup[f"{era}|{code}|{kind}|{grade or ''}"] = ids[id(found[1])]
        by_rule.append(lookup)
    return _IntervalTable(
        boundaries,
        {g: g for g in grades},
        tuple(by_rule),
        {n: iv.years for n, iv in enumerate(intervals) if iv.years is not None},
        {n: iv.schedule for n, iv in enumerate(intervals) if iv.schedule is not None},
    )


def _by_schedule(c: _Columns, index: int, schedule: UseYearSchedule, done: pl.Expr, commissioned: pl.Expr) -> pl.Expr:
    """The next inspection a use-year schedule allows (the row layer's ``_due_by`` for a schedule)."""
    years = done.dt.year() - commissioned.dt.year()
    passed = years - (_plus_years(commissioned, years) > done).cast(pl.Int32)
    nxt = c.derive(
        f"__next_use_{index}",
        (passed + 1).replace_strict(
            {u: schedule.next_use_year(u) for u in range(1, 201)}, default=None, return_dtype=pl.Int32
        ),
        1,
    )
    unknown = commissioned.is_null() | (commissioned > done)
    # A year of use past the table (200) gives no limit: the inspection day itself, so the row is flagged.
    by_use = pl.when(nxt.is_null()).then(done).otherwise(_plus_years(commissioned, nxt))
    return pl.when(unknown).then(_plus_years(done, schedule.longest_gap)).otherwise(by_use)


def _accident_grade(c: _Columns) -> pl.Expr:
    """SE-BIZ-006: the gravest grade any criterion reaches (thresholds, stranding by kind, events) under the
    grading in force on the day of the accident, against the declared grade."""
    declared = c("accident_grade")
    occurred = c("occurred_at")
    day = occurred.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    # The row layer reads a date and time in its own offset: its first ten characters, when they are a date.
    c.loose.append(occurred.is_not_null() & day.is_null())
    out: pl.Expr = pl.lit(False)
    for g in reversed([g for g in _by_start(list(c.p.accident.gradings)) if isinstance(g, AccidentGrading)]):
        out = pl.when(_in_force(g, day)).then(_grade_wrong(c, g, declared)).otherwise(out)
    return (declared.is_not_null() & day.is_not_null() & out).fill_null(False)


def _number(c: _Columns, key: str) -> pl.Expr:
    """The field as a float; a text the float cannot order exactly against a threshold flags the row."""
    v = c(key)
    f = c.by_key.get(key)
    if f is None or f.domain is None or f.domain.data_type == "integer":
        return v.cast(pl.Float64, strict=False)
    text = v.cast(pl.String)
    # Up to 15 significant digits a decimal text converts to the double that orders as it does against the
    # (exactly representable) thresholds.
    plain = text.str.contains(r"^-?[0-9]+(\.[0-9]+)?$") & (text.str.replace_all(r"[^0-9]", "").str.len_chars() <= 15)
    c.loose.append(text.is_not_null() & ~plain.fill_null(False))
    return text.cast(pl.Float64, strict=False)


def _grade_wrong(c: _Columns, g: AccidentGrading, declared: pl.Expr) -> pl.Expr:
    levels: list[pl.Expr] = []

    def first_reached(conditions: list[tuple[int, pl.Expr]]) -> pl.Expr | None:
        level: pl.Expr | None = None
        for i, cond in reversed(conditions):
            level = pl.when(cond).then(pl.lit(i)).otherwise(level) if level is not None else pl.when(cond).then(i)
        return level

    for key, thresholds in g.thresholds.items():
        value = _number(c, key)
        found = first_reached([(i, value >= float(t)) for i, t in enumerate(thresholds) if t is not None])
        if found is not None:
            levels.append(found)
    kind = c("equipment_kind")
    hours, people = _number(c, "stranded_hours"), _number(c, "stranded_people")
    for code, hour_limits in g.stranded_hours.items():
        steps = []
        for i, (t, need) in enumerate(zip(hour_limits, g.stranded_people, strict=True)):
            if t is None:
                continue
            enough = (
                pl.lit(True)
                if need is None
                else pl.when(people.is_not_null()).then(people >= float(need)).otherwise(pl.lit(need <= 1))
            )
            steps.append((i, (kind == code) & hours.is_not_null() & (hours >= float(t)) & enough))
        found = first_reached(steps)
        if found is not None:
            levels.append(found)
    events = c.list("accident_events")
    if events is not None and g.events:
        index = {e: g.grades.index(grade) for e, grade in g.events.items()}
        levels.append(
            events.list.eval(pl.element().replace_strict(index, default=None, return_dtype=pl.Int32)).list.min()
        )
    if not levels:
        return pl.lit(False)
    best = pl.min_horizontal(levels)
    named = best.replace_strict(dict(enumerate(g.grades)), default=None, return_dtype=pl.String)
    return best.is_not_null() & (named != declared).fill_null(True)


def _certificate_expiry(c: _Columns) -> pl.Expr:
    """SE-BIZ-007: expiry is the issue date plus the validity in force on it, or the day before."""
    issued, expiry = c.day("issue_date"), c.day("expiry_date")
    live = [v for v in _by_start(list(c.p.validity.validities)) if isinstance(v, Validity)]
    wrong: pl.Expr | None = None
    for v in reversed(live):
        end = _plus_years(issued, v.years)
        bad = (expiry != end) & (expiry != end - pl.duration(days=1))
        wrong = pl.when(_in_force(v, issued)).then(bad).otherwise(wrong if wrong is not None else pl.lit(False))
    if wrong is None:
        return pl.lit(False)
    return (issued.is_not_null() & expiry.is_not_null() & wrong).fill_null(False)


def _commissioned(c: _Columns) -> pl.Expr:
    """SE-BIZ-008: a commissioned inspection in a message type that must not carry one."""
    p = c.p.commissioned
    if c.message_type not in p.messages:
        return pl.lit(False)
    return c("inspection_nature") == p.nature


def _future(c: _Columns) -> pl.Expr:
    """SE-BIZ-009: a past-only date after today (compared as ISO text, as the row layer's fast path does)."""
    today = c.today.isoformat()
    out: list[pl.Expr] = [
        (pl.col(f.name).cast(pl.String).str.slice(0, 10) > today)
        for f in c.entity.fields.values()
        if f.element in c.p.past_elements and f.entity is None and not f.repeated
    ]
    return pl.any_horizontal(out) if out else pl.lit(False)


def _unique(c: _Columns) -> pl.Expr:
    return pl.lit(False)  # SE-BIZ-010: keys are grouped by the screen, not judged row by row


_RULE_EXPRS: dict[Callable[..., None], _Builder] = {
    business._registration_cert: _registration_cert,
    business._conclusion: _conclusion,
    business._next_inspection: _next_inspection,
    business._accident_grade: _accident_grade,
    business._certificate_expiry: _certificate_expiry,
    business._commissioned: _commissioned,
    business._future: _future,
    business._unique: _unique,
}
"""The expression of each row check the business layer runs (an unknown check flags every row: never blind)."""


@dataclass(frozen=True)
class BusinessScreen:
    """The business rules of one record type on a batch: columns to derive first, then the flag."""

    derived: list[dict[str, pl.Expr]]
    """Columns to add first, stage by stage."""
    flag: pl.Expr
    """True on the rows where a business rule other than SE-BIZ-010 could fire (names the derived columns)."""


def business_flags(spec: Spec, entity: EntityShape, message_type: str | None, today: dt.date) -> BusinessScreen:
    """Where a business rule (other than SE-BIZ-010) could fire on the rows of ``entity``."""
    p = business.params(spec)
    cols = _Columns(entity, p, message_type, today)
    parts: list[pl.Expr] = []
    for check in p.checks.get(entity.id, ()):
        build = _RULE_EXPRS.get(check)
        parts.append(build(cols) if build is not None else pl.lit(True))
    parts.extend(cols.loose)
    flag = pl.any_horizontal([x.fill_null(False) for x in parts]) if parts else pl.lit(False)
    return BusinessScreen(cols.derived, flag)
