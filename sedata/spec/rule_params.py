"""Typed rule parameters: one pydantic model per rule that reads any, checked when the spec is loaded.

A rule's ``parameters`` in ``spec/rules/*.yaml`` are data, not code; this module says what shape each rule's
data has (unknown keys are errors, numbers are numbers), which dated version applies on a given day, and what
each rule reads from a record, so the loader can tell a rule scope that names an entity without those fields.
The numbers themselves live in the spec only.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from sedata.spec.model import PartialDate, Rule, SourceList, SourceRef, Status

if TYPE_CHECKING:
    from sedata.spec.loader import Spec

Problem = tuple[tuple[str | int, ...], str]
"""Where inside a rule's parameters (a YAML path) and what is wrong."""


def _words(value: object) -> object:
    """Let authors write a list as space-separated words (``1 4 7``) or as a YAML list."""
    return value.split() if isinstance(value, str) else value


def _threshold(value: object) -> object:
    return None if value == "-" else value


Threshold = Annotated[Decimal | None, BeforeValidator(_threshold)]
Words = Annotated[list[str], BeforeValidator(_words)]


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def problems(self, spec: Spec) -> list[Problem]:
        """References to the rest of the spec that do not resolve (codes, elements, messages)."""
        return []


class NoParameters(_Params):
    """A rule whose check reads no parameters."""


class Dated(_Params):
    """A version of a rule's data: the text it comes from and the days it applies to.

    ``valid_from`` / ``valid_to`` bound the date that matters to the rule (inspection date, accident date, issue
    date), not the date of the text; a transition period moves them (TSG T7001-2023 judges inspections from
    2024-04-02). A bound known only to the year or month applies from its earliest / to its latest day.
    """

    id: str = Field(min_length=1)
    """How findings name this version (e.g. ``TSG T7001-2023``)."""
    valid_from: PartialDate | None = None
    valid_to: PartialDate | None = None
    sources: SourceList = Field(min_length=1)
    status: Status = "CONFIRMED"
    note: str | None = None

    def in_force(self, day: dt.date) -> bool:
        """Whether this version may apply on ``day``."""
        if self.valid_from is not None and day < self.valid_from.earliest():
            return False
        return self.valid_to is None or day <= self.valid_to.latest()

    def cited(self) -> str:
        """The version and its first source, as a finding names them."""
        first: SourceRef = self.sources[0]
        clause = f" {first.clause}" if first.clause else ""
        return f"{self.id} [{first.ref}{clause}]"


def severity_of(rule: Rule, version: Dated) -> str:
    """The severity of a finding ``rule`` makes with ``version``: its status's in the rule's severity_by_status."""
    return rule.severity_by_status.get(version.status, rule.severity)


def in_force(versions: Iterable[Dated], day: dt.date) -> list[Dated]:
    """The versions that may apply on ``day``, latest start first (the newer text wins a shared year)."""
    found = [v for v in versions if v.in_force(day)]
    return sorted(found, key=lambda v: v.valid_from.earliest() if v.valid_from else dt.date.min, reverse=True)


# --- SE-BIZ-004 / 005: periodic inspection intervals -------------------------------------------------------------
class UseYearSchedule(_Params):
    """Inspections in listed years of use (counted from the day put into service), then every few years."""

    inspect_in_use_years: Annotated[list[int], BeforeValidator(_words)] = Field(min_length=1)
    then_every_years: int = Field(ge=1)
    """After the last listed year of use, one inspection every this many years."""

    @model_validator(mode="after")
    def _ascending(self) -> UseYearSchedule:
        years = self.inspect_in_use_years
        if years[0] < 1 or any(b <= a for a, b in itertools.pairwise(years)):
            raise ValueError("inspect_in_use_years are ascending years of use from 1 / 使用年份应从 1 起递增")
        return self

    @property
    def longest_gap(self) -> int:
        """The most years between two inspections: the bound when the day put into service is unknown."""
        years = self.inspect_in_use_years
        return max([self.then_every_years, years[0], *(b - a for a, b in itertools.pairwise(years))])

    def next_use_year(self, use_year: int) -> int:
        """The year of use of the next inspection after one in ``use_year``."""
        later = [y for y in self.inspect_in_use_years if y > use_year]
        if later:
            return later[0]
        return max(use_year, self.inspect_in_use_years[-1]) + self.then_every_years


class Interval(Dated):
    """One interval: equipment (catalogue codes), inspection kind, optional safety grade, and years or a schedule."""

    codes: Words = Field(min_length=1)
    kind: str
    grade: str | None = None
    years: int | None = Field(default=None, ge=1)
    schedule: UseYearSchedule | None = None

    @model_validator(mode="after")
    def _years_or_schedule(self) -> Interval:
        if (self.years is None) == (self.schedule is None):
            raise ValueError("an interval gives exactly one of `years` or `schedule` / 须且仅须给出 years 或 schedule")
        return self


class IntervalParams(_Params):
    """Periodic-inspection intervals with the text each comes from and the inspection dates it judges."""

    intervals: list[Interval] = Field(min_length=1)

    def problems(self, spec: Spec) -> list[Problem]:
        out: list[Problem] = []
        catalogue = _codes(spec, "equipment-catalogue")
        kinds, grades = _codes(spec, "inspection-kind"), _codes(spec, "safety-grade")
        for i, iv in enumerate(self.intervals):
            out += [(("intervals", i, "codes"), f"{c} is not a catalogue code") for c in iv.codes if c not in catalogue]
            if iv.kind not in kinds:
                out.append((("intervals", i, "kind"), f"{iv.kind} is not an inspection-kind code"))
            if iv.grade is not None and iv.grade not in grades:
                out.append((("intervals", i, "grade"), f"{iv.grade} is not a safety-grade code"))
        return out


# --- SE-BIZ-006: accident grade ------------------------------------------------------------------------------------
Criterion = Literal["deaths", "serious_injuries", "direct_economic_loss", "people_evacuated"]
Thresholds = Annotated[list[Threshold], BeforeValidator(_words)]


class AccidentGrading(Dated):
    """One grading: thresholds per grade (gravest first; ``-``: not a criterion of that grade) and events."""

    grades: Words = Field(min_length=1)
    thresholds: dict[Criterion, Thresholds]
    stranded_hours: dict[str, Thresholds] = {}
    """Hours stranded per equipment kind (catalogue code) that reach each grade."""
    stranded_people: Thresholds = []
    """The least number of people stranded each grade needs."""
    events: dict[str, str] = {}
    """Events (accident-event codes) that set a grade by themselves."""

    @model_validator(mode="after")
    def _one_per_grade(self) -> AccidentGrading:
        n = len(self.grades)
        lists = [*self.thresholds.values(), *self.stranded_hours.values()]
        if self.stranded_hours:
            lists.append(self.stranded_people)
        if any(len(v) != n for v in lists):
            raise ValueError(f"every threshold list has one value per grade ({n}) / 每个阈值列表须与等级数相同")
        bad = sorted(set(self.events.values()) - set(self.grades))
        if bad:
            raise ValueError(f"events name grades {bad} that are not in `grades`")
        return self


class AccidentParams(_Params):
    gradings: list[AccidentGrading] = Field(min_length=1)

    def problems(self, spec: Spec) -> list[Problem]:
        out: list[Problem] = []
        grades, events, catalogue = (
            _codes(spec, "accident-grade"),
            _codes(spec, "accident-event"),
            _codes(spec, "equipment-catalogue"),
        )
        for i, g in enumerate(self.gradings):
            at = ("gradings", i)
            out += [((*at, "grades"), f"{x} is not an accident-grade code") for x in g.grades if x not in grades]
            out += [((*at, "events"), f"{e} is not an accident-event code") for e in g.events if e not in events]
            out += [
                (("gradings", i, "stranded_hours"), f"{k} is not a catalogue code")
                for k in g.stranded_hours
                if k not in catalogue
            ]
        return out


# --- SE-BIZ-007: certificate validity ------------------------------------------------------------------------------
class Validity(Dated):
    years: int = Field(ge=1)


class ValidityParams(_Params):
    validities: list[Validity] = Field(min_length=1)


# --- SE-BIZ-008 / 009 ----------------------------------------------------------------------------------------------
class CommissionedParams(_Params):
    nature: str
    """The inspection-nature code of a commissioned (non-statutory) inspection."""
    messages: Words = Field(min_length=1)
    """Message types that must not carry one."""

    def problems(self, spec: Spec) -> list[Problem]:
        out: list[Problem] = []
        if self.nature not in _codes(spec, "inspection-nature"):
            out.append((("nature",), f"{self.nature} is not an inspection-nature code"))
        out += [(("messages",), f"{m} is not a message type") for m in self.messages if m not in spec.messages]
        return out


class PastParams(_Params):
    elements: Words = Field(min_length=1)
    """Elements recording something that has happened (so not after today)."""

    def problems(self, spec: Spec) -> list[Problem]:
        return [(("elements",), f"{e} is not a data element") for e in self.elements if e not in spec.elements]


# --- consistency (SE-CON-…): what identifies a device, which records count, which status codes mean what ----------
ElementCodes = dict[str, Words]
"""Element id → codes of that element's code set (space-separated words or a list)."""


def _element_codes(spec: Spec, name: str, table: dict[str, list[str]]) -> list[Problem]:
    out: list[Problem] = []
    for element, codes in table.items():
        domain = spec.domains.get(element)
        if domain is None:
            out.append(((name, element), f"{element} is not a data element"))
            continue
        known = set(domain.codes or ())
        out += [((name, element), f"{c} is not a code of {element}") for c in codes if c not in known]
    return out


def _entities(spec: Spec, name: str, ids: Iterable[str]) -> list[Problem]:
    return [((name,), f"{e} is not an entity") for e in ids if e not in spec.entities]


class DeviceParams(_Params):
    """SE-CON-001: the entity identifying a device on both sides, the records that register or inspect one."""

    device: str
    registered_by: Words = Field(min_length=1)
    inspected_by: Words = Field(min_length=1)
    exempt: ElementCodes = {}
    """Latest statuses that exempt a registered device from needing an inspection."""

    def problems(self, spec: Spec) -> list[Problem]:
        out = _entities(spec, "device", [self.device])
        out += _entities(spec, "registered_by", self.registered_by) + _entities(spec, "inspected_by", self.inspected_by)
        return out + _element_codes(spec, "exempt", self.exempt)


class ExemptParams(_Params):
    """Codes of an element that exempt a device (SE-CON-002: inspection kinds that come before registration)."""

    exempt: ElementCodes = Field(min_length=1)

    def problems(self, spec: Spec) -> list[Problem]:
        return _element_codes(spec, "exempt", self.exempt)


class RetiredParams(_Params):
    """SE-CON-003: the status codes that mean a device is gone (报废, 注销)."""

    retired: ElementCodes = Field(min_length=1)

    def problems(self, spec: Spec) -> list[Problem]:
        return _element_codes(spec, "retired", self.retired)


class OverdueParams(_Params):
    """SE-CON-004: grace days, the element holding the next inspection date, statuses that need none."""

    grace_days: int = Field(ge=0)
    next_inspection: str
    exempt: ElementCodes = {}

    def problems(self, spec: Spec) -> list[Problem]:
        out: list[Problem] = []
        if self.next_inspection not in spec.elements:
            out.append((("next_inspection",), f"{self.next_inspection} is not a data element"))
        return out + _element_codes(spec, "exempt", self.exempt)


class ComparedParams(_Params):
    """SE-CON-005: the elements compared between registration and inspection data."""

    elements: Words = Field(min_length=1)

    def problems(self, spec: Spec) -> list[Problem]:
        return [(("elements",), f"{e} is not a data element") for e in self.elements if e not in spec.elements]


class ReuseParams(_Params):
    """SE-CON-007: the texts requiring an inspection before reuse, and the statuses that stop and reuse a device."""

    texts: list[Dated] = Field(min_length=1)
    """The versions of the requirement, judged by the date of reuse."""
    stopped: ElementCodes = Field(min_length=1)
    """Codes of a dated registration-side record that stop a device (use-status 停用)."""
    reused: ElementCodes = Field(min_length=1)
    """Codes of a dated registration-side record that put it back into use (在用, 登记类别 停用后启用)."""

    def problems(self, spec: Spec) -> list[Problem]:
        return _element_codes(spec, "stopped", self.stopped) + _element_codes(spec, "reused", self.reused)


# --- sequence and trust --------------------------------------------------------------------------------------------
class _CodeList(_Params):
    _codeset: ClassVar[str] = ""

    def _check(self, spec: Spec, name: str, values: list[str]) -> list[Problem]:
        known = _codes(spec, self._codeset)
        return [((name,), f"{v} is not a {self._codeset} code") for v in values if v not in known]


class ModesParams(_CodeList):
    """SE-SEQ-003: message modes in which a package repeating an earlier one's records is reported."""

    _codeset: ClassVar[str] = "message-mode"
    modes: Words = Field(min_length=1)

    def problems(self, spec: Spec) -> list[Problem]:
        return self._check(spec, "modes", self.modes)


class AlgorithmsParams(_CodeList):
    """SE-SIG-003: the signature algorithms a policy allows unless it names its own."""

    _codeset: ClassVar[str] = "signature-algorithm"
    algorithms: Words = Field(min_length=1)

    def problems(self, spec: Spec) -> list[Problem]:
        return self._check(spec, "algorithms", self.algorithms)


def _codes(spec: Spec, codeset_id: str) -> set[str]:
    return {e.code for cs in spec.codesets.get(codeset_id, {}).values() for e in cs.entries}


@dataclass(frozen=True)
class RuleSchema:
    """What a rule's parameters look like and which fields (Python names) its check reads from a record."""

    parameters: type[_Params]
    reads: tuple[str, ...] = ()


_NEXT = ("inspection_date", "next_inspection_date")
SCHEMAS: dict[str, RuleSchema] = {
    "SE-BIZ-001": RuleSchema(NoParameters, ("registration_cert_no", "equipment_variety")),
    "SE-BIZ-002": RuleSchema(NoParameters, ("inspection_conclusion", "equipment_kind")),
    "SE-BIZ-003": RuleSchema(NoParameters, _NEXT),
    "SE-BIZ-004": RuleSchema(IntervalParams, (*_NEXT, "inspection_kind", "equipment_kind")),
    "SE-BIZ-005": RuleSchema(IntervalParams, (*_NEXT, "inspection_kind", "equipment_kind")),
    "SE-BIZ-006": RuleSchema(AccidentParams, ("accident_grade", "occurred_at")),
    "SE-BIZ-007": RuleSchema(ValidityParams, ("issue_date", "expiry_date")),
    "SE-BIZ-008": RuleSchema(CommissionedParams, ("inspection_nature",)),
    "SE-BIZ-009": RuleSchema(PastParams),
    "SE-BIZ-010": RuleSchema(NoParameters),
    "SE-CON-001": RuleSchema(DeviceParams),
    "SE-CON-002": RuleSchema(ExemptParams),
    "SE-CON-003": RuleSchema(RetiredParams),
    "SE-CON-004": RuleSchema(OverdueParams),
    "SE-CON-005": RuleSchema(ComparedParams),
    "SE-CON-007": RuleSchema(ReuseParams),
    "SE-SEQ-003": RuleSchema(ModesParams),
    "SE-SIG-003": RuleSchema(AlgorithmsParams),
}
"""The rules whose checks read parameters, and the business rules (all declared: they are the ones that change
with the regulations). Any other rule reads none: :data:`NO_PARAMETERS`."""

NO_PARAMETERS = RuleSchema(NoParameters)


def schema_of(rule_id: str) -> RuleSchema | None:
    """The declared schema of ``rule_id``'s parameters (None: a business rule without one, which is an error)."""
    found = SCHEMAS.get(rule_id)
    if found is None and not rule_id.startswith("SE-BIZ-"):
        return NO_PARAMETERS
    return found


def typed(spec: Spec, rule_id: str) -> Any:
    """The rule's parameters as their typed model (validated when the spec was loaded)."""
    return spec.rule_parameters[rule_id]


__all__ = [
    "NO_PARAMETERS",
    "SCHEMAS",
    "AccidentGrading",
    "AccidentParams",
    "AlgorithmsParams",
    "CommissionedParams",
    "ComparedParams",
    "Dated",
    "DeviceParams",
    "ExemptParams",
    "Interval",
    "IntervalParams",
    "ModesParams",
    "NoParameters",
    "OverdueParams",
    "PastParams",
    "RetiredParams",
    "ReuseParams",
    "RuleSchema",
    "UseYearSchedule",
    "Validity",
    "ValidityParams",
    "in_force",
    "schema_of",
    "severity_of",
    "typed",
]
