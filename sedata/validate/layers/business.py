"""Layer 4, business rules: facts of the regulations checked on each record (SE-BIZ-…).

Every threshold, interval and list comes from the rule's ``parameters`` in ``spec/rules/business.yaml``;
this module only knows how to apply them. A rule runs on a record only when the values it reads passed the
schema layer (one defect, one finding). Memory is constant per record except for SE-BIZ-010, which keeps one
8-byte digest per business key (see the rule's note).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from sedata.codes import InvalidCode, registration_cert
from sedata.spec import Spec
from sedata.spec.rule_params import (
    AccidentGrading,
    AccidentParams,
    CommissionedParams,
    Dated,
    Interval,
    IntervalParams,
    Validity,
    ValidityParams,
    in_force,
    severity_of,
)
from sedata.validate.context import FileContext, Where
from sedata.validate.masking import show
from sedata.validate.report import Finding, Text, severity
from sedata.validate.shapes import DataPath, EntityShape, FieldShape, pointer

Prefix = tuple[str | int, ...]


# --- parameters from the spec ------------------------------------------------------------------------
@dataclass(frozen=True)
class _Params:
    conclusions: dict[str, tuple[str, ...]]
    intervals: dict[str, IntervalParams]
    accident: AccidentParams
    validity: ValidityParams
    commissioned: CommissionedParams
    past_elements: frozenset[str]
    cert_categories: dict[str, frozenset[str]]
    parents: dict[str, str]
    """Catalogue code -> its parent (variety -> category -> kind), newest catalogue first."""
    checks: dict[str, tuple[Callable[[_Record], None], ...]]
    """The checks to run per entity, from each rule's ``applies_to`` in the spec."""


def _build(spec: Spec) -> _Params:
    typed = spec.rule_parameters
    conclusions: dict[str, list[str]] = {}
    for cs in spec.codesets["inspection-conclusion"].values():
        for e in cs.entries:
            for code in e.applies_to:
                conclusions.setdefault(code, []).append(e.code)
    parents: dict[str, str] = {}
    for cs in reversed(spec.codeset_versions(CATALOGUE)):
        for e in cs.entries:
            if e.parent is not None:
                parents.setdefault(e.code, e.parent)
    checks: dict[str, list[Callable[[_Record], None]]] = {}
    for rule_id, rule in spec.rules.items():
        check = _RULE_CHECKS.get(rule_id)
        if check is None or spec.rule_layers[rule_id] != "business":
            continue
        for entity_id in rule.applies_to or spec.entities:
            found = checks.setdefault(entity_id, [])
            if check not in found:
                found.append(check)
    return _Params(
        conclusions={k: tuple(dict.fromkeys(v)) for k, v in conclusions.items()},
        intervals={rid: typed[rid] for rid in _INTERVAL_RULES if rid in typed},
        accident=typed["SE-BIZ-006"],
        validity=typed["SE-BIZ-007"],
        commissioned=typed["SE-BIZ-008"],
        past_elements=frozenset(typed["SE-BIZ-009"].elements),
        cert_categories={
            e.code: frozenset(e.applies_to)
            for cs in spec.codesets[registration_cert.CATEGORY_SET].values()
            for e in cs.entries
        },
        parents=parents,
        checks={k: tuple(v) for k, v in checks.items()},
    )


CATALOGUE = "equipment-catalogue"
_INTERVAL_RULES = ("SE-BIZ-004", "SE-BIZ-005")
"""Interval rules in the order they are consulted: CONFIRMED intervals (errors) before the others (warnings)."""
_MEMO: dict[int, tuple[Spec, _Params]] = {}


def params(spec: Spec) -> _Params:
    """The business rules' parameters (read once per spec object)."""
    found = _MEMO.get(id(spec))
    if found is None or found[0] is not spec:
        found = _MEMO[id(spec)] = (spec, _build(spec))
    return found[1]


# --- small helpers ----------------------------------------------------------------------------------
def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value)
        return dt.datetime.fromisoformat(value).date()  # in its own UTC offset
    except ValueError:
        return None


def _number(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def plus_years(day: dt.date, years: int) -> dt.date:
    """``day`` plus calendar years (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _codes(p: _Params, data: dict[str, Any], kind_name: str | None, variety_name: str | None) -> list[str]:
    """The record's catalogue codes, most specific first: variety, its category, its kind (the catalogue's tree)."""
    out: list[str] = []
    code = data.get(variety_name) if variety_name else None
    while isinstance(code, str) and code not in out:
        out.append(code)
        code = p.parents.get(code)
    kind = data.get(kind_name) if kind_name else None
    if isinstance(kind, str) and kind not in out:
        out.append(kind)
    return out


# --- the layer --------------------------------------------------------------------------------------
@dataclass
class Business:
    """The business layer for one file: the message type, 'today' and the keys seen so far."""

    ctx: FileContext
    message_type: str | None
    today: dt.date
    seen: dict[str, set[int]] = field(default_factory=dict)
    unique_elsewhere: bool = False
    """SE-BIZ-010 is left to the run's key index (a run keeps one index of keys, not one per layer)."""

    def __post_init__(self) -> None:
        self.p = params(self.ctx.spec)
        self.today_iso = self.today.isoformat()
        self.keys: dict[str, dict[str, FieldShape]] = {}
        self.past: dict[str, tuple[FieldShape, ...]] = {}

    def fields(self, entity: EntityShape) -> dict[str, FieldShape]:
        """The entity's fields by Python name (built once per entity)."""
        found = self.keys.get(entity.id)
        if found is None:
            found = self.keys[entity.id] = {f.key: f for f in entity.fields.values()}
            self.past[entity.id] = tuple(f for f in entity.fields.values() if f.element in self.p.past_elements)
        return found

    def findings(
        self,
        entity: EntityShape,
        data: dict[str, Any],
        bad: set[DataPath],
        prefix: Prefix,
        where: Where,
        version: object = None,
    ) -> list[Finding]:
        """The business findings of one record's data (values in ``bad`` failed the schema layer).

        ``version`` is the record's version in a change set: successive versions of one key are not duplicates.
        """
        rec = _Record(self, entity, self.fields(entity), data, bad, prefix, where, version)
        for check in self.p.checks.get(entity.id, ()):
            check(rec)
        return rec.out


@dataclass(slots=True)
class _Record:
    layer: Business
    entity: EntityShape
    by_key: dict[str, FieldShape]
    data: dict[str, Any]
    bad: set[DataPath]
    prefix: Prefix
    where: Where
    version: object = None
    out: list[Finding] = field(default_factory=list)

    def field(self, key: str) -> FieldShape | None:
        return self.by_key.get(key)

    def get(self, key: str) -> Any:
        """The value of the field named ``key`` (Python name), or None when absent or schema-invalid."""
        f = self.by_key.get(key)
        if f is None or (self.bad and (f.name,) in self.bad):
            return None
        return self.data.get(f.name)

    def name(self, key: str) -> str | None:
        f = self.field(key)
        return None if f is None else f.name

    def add(
        self,
        rule_id: str,
        key: str,
        value: str,
        expected: Text | str | None = None,
        detail: Text | str | None = None,
        version: Dated | None = None,
    ) -> None:
        """A finding on field ``key``; made with a dated ``version``, at the severity its status gives."""
        f = self.field(key)
        assert f is not None
        found = self.layer.ctx.finding(
            rule_id,
            self.where,
            element=f.ref,
            value=show(value, f.personal),
            expected=expected,
            detail=detail,
            pointer=pointer(*self.prefix, f.name),
        )
        if version is not None:
            level = severity(severity_of(self.layer.ctx.spec.rules[rule_id], version))
            found = found if level == found.severity else dataclasses.replace(found, severity=level)
        self.out.append(found)


def _registration_cert(rec: _Record) -> None:
    cert, variety = rec.get("registration_cert_no"), rec.get("equipment_variety")
    if not isinstance(cert, str) or not isinstance(variety, str):
        return
    if _cert_agrees(rec.layer.p, cert, variety):
        return  # fast path: the full cross-check below parses the number again (slow) to say what is wrong
    try:
        registration_cert.parse(cert, today=rec.layer.today)
    except InvalidCode:
        return  # the codes layer reports the number itself
    try:
        registration_cert.parse(cert, variety=variety, today=rec.layer.today)
    except InvalidCode as exc:
        rec.add("SE-BIZ-001", "registration_cert_no", cert, variety, Text(exc.zh, exc.en))


def _cert_agrees(p: _Params, cert: str, variety: str) -> bool:
    """Whether the number's variety digits and category character plainly agree with ``variety``.

    False means "not plainly": :func:`registration_cert.parse` then decides.
    """
    value = registration_cert.compact(cert)
    v = variety.strip().upper()
    if len(value) < 3 or len(v) != 4 or value[registration_cert.VARIETY_DIGITS] != v[registration_cert.VARIETY_DIGITS]:
        return False
    allowed = p.cert_categories.get(value[0])
    if allowed is None:
        return False
    lineage, code = {v}, p.parents.get(v)
    while code is not None and code not in lineage:  # the catalogue's own parent links, not the code's digits
        lineage.add(code)
        code = p.parents.get(code)
    return bool(allowed & lineage)


def _conclusion(rec: _Record) -> None:
    conclusion = rec.get("inspection_conclusion")
    if not isinstance(conclusion, str):
        return
    codes = _codes(rec.layer.p, rec.data, rec.name("equipment_kind"), rec.name("equipment_variety"))
    allowed = next((rec.layer.p.conclusions[c] for c in codes if c in rec.layer.p.conclusions), None)
    if allowed is not None and conclusion not in allowed:
        rec.add("SE-BIZ-002", "inspection_conclusion", conclusion, "、".join(allowed))


def _next_inspection(rec: _Record) -> None:
    done, due = _date(rec.get("inspection_date")), _date(rec.get("next_inspection_date"))
    if done is None or due is None:
        return
    if due <= done:
        rec.add("SE-BIZ-003", "next_inspection_date", due.isoformat(), done.isoformat())
        return
    kind = rec.get("inspection_kind")
    if not isinstance(kind, str):
        return
    grade = rec.get("safety_grade")
    codes = _codes(rec.layer.p, rec.data, rec.name("equipment_kind"), rec.name("equipment_variety"))
    found = _interval(rec.layer.p, codes, kind, grade if isinstance(grade, str) else None, done)
    if found is None:
        return
    rule_id, interval = found
    limit, how = _due_by(interval, done, _date(rec.get("commissioning_date")))
    if due > limit:
        detail = Text(
            f"{interval.cited()}：{'、'.join(interval.codes)} {kind}，{how.zh}",
            f"{interval.cited()}: {' '.join(interval.codes)} {kind}, {how.en}",
        )
        rec.add(rule_id, "next_inspection_date", due.isoformat(), limit.isoformat(), detail, interval)


def _interval(p: _Params, codes: list[str], kind: str, grade: str | None, done: dt.date) -> tuple[str, Interval] | None:
    """The interval in force on ``done`` for the most specific code (a CONFIRMED one before an unconfirmed one)."""
    for rule_id, table in p.intervals.items():
        live = [iv for iv in in_force(table.intervals, done) if isinstance(iv, Interval) and iv.kind == kind]
        for code in codes:
            for want in (grade, None) if grade is not None else (None,):
                hit = next((iv for iv in live if code in iv.codes and iv.grade == want), None)
                if hit is not None:
                    return rule_id, hit
    return None


def _due_by(interval: Interval, done: dt.date, commissioned: dt.date | None) -> tuple[dt.date, Text]:
    """The latest next-inspection date ``interval`` allows after an inspection on ``done``, and why."""
    if interval.years is not None:
        return plus_years(done, interval.years), Text(f"{interval.years}年", f"{interval.years} year(s)")
    schedule = interval.schedule
    assert schedule is not None
    listed = "、".join(map(str, schedule.inspect_in_use_years))
    if commissioned is None or commissioned > done:
        gap = schedule.longest_gap
        return plus_years(done, gap), Text(
            f"未知投入使用日期，按检验安排（使用第 {listed} 年）的最长间隔 {gap} 年",
            f"date put into service unknown: the schedule's (years of use {listed}) longest gap, {gap} year(s)",
        )
    use_year = _years_between(commissioned, done) + 1
    nxt = schedule.next_use_year(use_year)
    return plus_years(commissioned, nxt), Text(
        f"{commissioned} 投入使用，本次为使用第 {use_year} 年，下次定期检验在使用第 {nxt} 年（第 {listed} 年检验）",
        f"put into service {commissioned}, inspected in year of use {use_year}, next in year of use {nxt} "
        f"(inspected in years {listed})",
    )


def _years_between(start: dt.date, end: dt.date) -> int:
    """Whole years from ``start`` to ``end`` (anniversaries passed)."""
    years = end.year - start.year
    return years - 1 if plus_years(start, years) > end else years


def _grade_of(rec: _Record, p: AccidentGrading) -> tuple[int | None, list[Text]]:
    """The index of the computed grade in ``grades`` (lower is graver) and the criteria that reached it."""
    reached: list[tuple[int, Text]] = []

    def said(key: str, value: object) -> Text:
        f = rec.field(key)
        assert f is not None
        return Text(f"{f.ref.name.zh} {value}", f"{f.ref.name.en} {value}")

    def level(key: str, thresholds: tuple[Decimal | None, ...]) -> None:
        value = _number(rec.get(key))
        if value is None:
            return
        for i, t in enumerate(thresholds):
            if t is not None and value >= t:
                reached.append((i, said(key, value)))
                return

    for key, thresholds in p.thresholds.items():
        level(key, tuple(thresholds))
    kind = rec.get("equipment_kind")
    hours, people = _number(rec.get("stranded_hours")), _number(rec.get("stranded_people"))
    if isinstance(kind, str) and kind in p.stranded_hours and hours is not None:
        for i, (t, need) in enumerate(zip(p.stranded_hours[kind], p.stranded_people, strict=True)):
            enough = (people >= need) if people is not None and need is not None else (need is None or need <= 1)
            if t is not None and hours >= t and enough:
                reached.append((i, said("stranded_hours", hours)))
                break
    events = rec.get("accident_events")
    for event in events if isinstance(events, list) else ():
        if isinstance(event, str) and event in p.events:
            reached.append((p.grades.index(p.events[event]), Text(event, event)))
    if not reached:
        return None, []
    best = min(i for i, _ in reached)
    return best, [w for i, w in reached if i == best]


def _accident_grade(rec: _Record) -> None:
    declared = rec.get("accident_grade")
    occurred = _date(rec.get("occurred_at"))
    if not isinstance(declared, str) or occurred is None:
        return
    live = in_force(rec.layer.p.accident.gradings, occurred)
    if not live:
        return  # no grading in force on that day (before the 2009 条例): not judged by a later text
    grading = live[0]
    assert isinstance(grading, AccidentGrading)
    best, why = _grade_of(rec, grading)
    if best is None or grading.grades[best] == declared:
        return  # reaching no grade may only mean facts not known yet (an early report): not checked
    detail = Text(
        f"{grading.cited()}，依据：" + "、".join(w.zh for w in why),
        f"{grading.cited()}, reached by: " + ", ".join(w.en for w in why),
    )
    rec.add("SE-BIZ-006", "accident_grade", declared, grading.grades[best], detail, grading)


def _certificate_expiry(rec: _Record) -> None:
    issued, expiry = _date(rec.get("issue_date")), _date(rec.get("expiry_date"))
    if issued is None or expiry is None:
        return
    live = in_force(rec.layer.p.validity.validities, issued)
    if not live:
        return  # issued before any text the spec knows: not judged by a later one
    version = live[0]
    assert isinstance(version, Validity)
    years = version.years
    end = plus_years(issued, years)
    if expiry not in (end, end - dt.timedelta(days=1)):
        detail = Text(
            f"{version.cited()}：发证日期 {issued.isoformat()} 起 {years} 年",
            f"{version.cited()}: {years} years from the issue date {issued}",
        )
        expected = f"{end - dt.timedelta(days=1)} / {end}"
        rec.add("SE-BIZ-007", "expiry_date", expiry.isoformat(), expected, detail, version)


def _commissioned(rec: _Record) -> None:
    nature = rec.get("inspection_nature")
    p = rec.layer.p.commissioned
    if nature == p.nature and rec.layer.message_type in p.messages:
        rec.add("SE-BIZ-008", "inspection_nature", nature, rec.layer.message_type)


def _future(rec: _Record) -> None:
    today = rec.layer.today
    data = rec.data
    for f in rec.layer.past[rec.entity.id]:
        value = data.get(f.name)
        if value is None or (rec.bad and (f.name,) in rec.bad):
            continue
        if isinstance(value, str) and value[:10] <= rec.layer.today_iso:
            continue  # ISO dates compare as text; only a later one needs parsing (and an offset thought about)
        day = _date(value)
        if day is not None and day > today:
            rec.add("SE-BIZ-009", f.key, str(rec.data[f.name]), today.isoformat())


def _unique(rec: _Record) -> None:
    fields = rec.entity.key_fields
    if rec.layer.unique_elsewhere or not fields or (rec.bad and any((f.name,) in rec.bad for f in fields)):
        return
    parts = [rec.data.get(f.name) for f in fields]
    if any(p is None for p in parts):
        return
    if rec.version is not None:
        parts.append(rec.version)
    digest = key_digest(rec.entity.id, "\x1e".join(str(p) for p in parts))
    seen = rec.layer.seen.setdefault(rec.entity.id, set())
    if digest in seen:
        rec.out.append(duplicate_finding(rec.layer.ctx, rec.entity, rec.where, pointer(*rec.prefix)))
    else:
        seen.add(digest)


def key_digest(record_type: str, key: str) -> int:
    """The 8-byte digest SE-BIZ-010 keeps per business key (stable across processes, unlike ``hash``)."""
    return int.from_bytes(hashlib.blake2b(f"{record_type}\x1f{key}".encode(), digest_size=8).digest(), "big")


DUPLICATE = "SE-BIZ-010"
"""Business keys unique within a file: in a run, checked by the run's key index (see ``Business.unique_elsewhere``)."""


def duplicate_finding(ctx: FileContext, entity: EntityShape, where: Where, at: str) -> Finding:
    """SE-BIZ-010 for the record at ``where``, whose business key an earlier record of the file has."""
    fields = entity.key_fields
    names = "、".join(f"{f.ref.name.zh}（{f.ref.id}）" for f in fields)
    names_en = ", ".join(f"{f.ref.name.en} ({f.ref.id})" for f in fields)
    detail = Text(f"{names} 与前面的记录相同", f"{names_en} same as an earlier record")
    return ctx.finding(DUPLICATE, where, value=entity.id, detail=detail, pointer=at)


_RULE_CHECKS: dict[str, Callable[[_Record], None]] = {
    "SE-BIZ-001": _registration_cert,
    "SE-BIZ-002": _conclusion,
    "SE-BIZ-003": _next_inspection,
    "SE-BIZ-004": _next_inspection,
    "SE-BIZ-005": _next_inspection,
    "SE-BIZ-006": _accident_grade,
    "SE-BIZ-007": _certificate_expiry,
    "SE-BIZ-008": _commissioned,
    "SE-BIZ-009": _future,
    "SE-BIZ-010": _unique,
}
"""How each business rule is checked; which records it checks is the rule's ``applies_to`` in the spec."""
