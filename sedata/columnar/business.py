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

import datetime as dt
from collections.abc import Callable

import polars as pl

from sedata.codes import registration_cert
from sedata.spec import Spec
from sedata.spec.rule_params import AccidentGrading, Dated, Interval, Validity
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
        if self.has(key):
            self.loose.append(v.is_not_null() & (v.str.len_chars() != 10))
        return pl.when(v.str.len_chars() == 10).then(v.str.to_date("%Y-%m-%d", strict=False))


def _chain(c: _Columns) -> list[pl.Expr]:
    """The record's catalogue codes, most specific first, as the row layer's ``_codes`` reads them: the variety,
    its parents, then the kind when not already among them (null past the end)."""
    parents = c.p.parents
    depth = 1
    for code in parents:  # the catalogue's depth bounds the chain
        n, seen = 1, {code}
        while (code := parents.get(code)) is not None and code not in seen:
            seen.add(code)
            n += 1
        depth = max(depth, n)
    out = [c("equipment_variety") if c.has("equipment_variety") else pl.lit(None, dtype=pl.String)]
    for _ in range(depth - 1):
        out.append(out[-1].replace_strict(parents, default=None, return_dtype=pl.String))
    kind = c("equipment_kind") if c.has("equipment_kind") else pl.lit(None, dtype=pl.String)
    already = pl.any_horizontal([(x == kind).fill_null(False) for x in out])
    out.append(pl.when(~already).then(kind))
    return out


def _plus_years(day: pl.Expr, years: int | pl.Expr) -> pl.Expr:
    # Polars keeps the day of the month and clamps to the month's end, as ``business.plus_years`` does.
    if isinstance(years, int):
        return day.dt.offset_by(f"{years}y")
    return day.dt.offset_by(pl.format("{}y", years))


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
    """SE-BIZ-003 (next not after the inspection), then SE-BIZ-004/005: the interval in force for the most
    specific code, grade first, CONFIRMED table first; a schedule counts years of use from commissioning."""
    done, due = c.day("inspection_date"), c.day("next_inspection_date")
    kind, grade = c("inspection_kind"), c("safety_grade")
    commissioned = c.day("commissioning_date")
    codes = _chain(c)
    limit: pl.Expr | None = None
    branches: list[tuple[pl.Expr, pl.Expr]] = []
    for table in c.p.intervals.values():
        live = [iv for iv in _by_start(list(table.intervals)) if isinstance(iv, Interval)]
        for code in codes:
            for graded in (True, False):
                for iv in live:
                    if (iv.grade is not None) != graded:
                        continue
                    cond = (kind == iv.kind) & _in_force(iv, done) & code.is_in(list(iv.codes))
                    cond = cond & (grade == iv.grade) if graded else cond
                    branches.append((cond.fill_null(False), _due_by(iv, done, commissioned)))
    for cond, then in reversed(branches):
        limit = pl.when(cond).then(then).otherwise(limit) if limit is not None else pl.when(cond).then(then)
    before = (due <= done).fill_null(False)
    beyond = (due > limit).fill_null(False) if limit is not None else pl.lit(False)
    return before | beyond


def _due_by(iv: Interval, done: pl.Expr, commissioned: pl.Expr) -> pl.Expr:
    if iv.years is not None:
        return _plus_years(done, iv.years)
    schedule = iv.schedule
    assert schedule is not None
    years = done.dt.year() - commissioned.dt.year()
    passed = years - (_plus_years(commissioned, years) > done).cast(pl.Int32)
    use_year = passed + 1
    # The schedule's own answer for every year of use a record can have (years of use past 200: left unbounded,
    # which the row engine would judge; such a record is flagged by the null limit below being loose-checked).
    nxt = use_year.replace_strict(
        {u: schedule.next_use_year(u) for u in range(1, 201)}, default=None, return_dtype=pl.Int32
    )
    unknown = commissioned.is_null() | (commissioned > done)
    by_schedule = _plus_years(commissioned, nxt)
    # A year of use outside the table gives no limit: pull the limit to the inspection day itself (flagged).
    by_schedule = pl.when(nxt.is_null()).then(done).otherwise(by_schedule)
    return pl.when(unknown).then(_plus_years(done, schedule.longest_gap)).otherwise(by_schedule)


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


def business_flags(spec: Spec, entity: EntityShape, message_type: str | None, today: dt.date) -> pl.Expr:
    """True on the rows of ``entity`` where a business rule other than SE-BIZ-010 could fire."""
    p = business.params(spec)
    cols = _Columns(entity, p, message_type, today)
    parts: list[pl.Expr] = []
    for check in p.checks.get(entity.id, ()):
        build = _RULE_EXPRS.get(check)
        parts.append(build(cols) if build is not None else pl.lit(True))
    parts.extend(cols.loose)
    if not parts:
        return pl.lit(False)
    return pl.any_horizontal([x.fill_null(False) for x in parts])
