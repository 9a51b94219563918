"""Strategies for spec-valid data, derived from the spec and ``sedata.codes`` so they never restate a rule.

``records(entity)`` draws records valid through every layer of the validator: for the entities the sample
generator knows (:data:`REALISTIC`) a realistic record of a drawn population (codes that agree with each other,
dates up to today), with its free-text elements drawn from all of Unicode that XML can carry; for the others,
values drawn from each element's value domain, identifiers made by ``sedata.codes``' generators. ``values``
draws one element's values the same way. ``invalid_records(entity)`` draws a record broken in one targeted way,
with the :class:`~sedata.sample.generator.Defect` that names the rule it breaks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache
from typing import Any

from hypothesis import strategies as st

from sedata.codes import (
    ValidationError,
    admin_division,
    citizen_id,
    equipment_code,
    legacy_registration,
    org_code,
    uscc,
)
from sedata.exchange.records import Record
from sedata.generate.naming import anchored
from sedata.sample.generator import ENTITIES as REALISTIC
from sedata.sample.generator import Defect, Sampler, break_record, sample_records
from sedata.spec import Spec, current
from sedata.spec.resolved import Domain

_SEEDS = st.integers(0, 999)  # populations whose business keys are disjoint (sedata.sample.generator)
_USCC_BODY = "".join(c for c in uscc.ALPHABET if c in org_code.BODY_ALPHABET)

# Characters XML 1.0 can carry, so a drawn record survives every codec (no C0 controls, no surrogates).
_TEXT = st.characters(
    codec="utf-8",
    exclude_categories=("Cs", "Cc"),
    exclude_characters="\ufffe\uffff",
    include_characters="\t\n\r",
)
_OFFSETS = st.integers(-12 * 60, 14 * 60).map(lambda m: dt.timezone(dt.timedelta(minutes=m)))


def _datetime_text(value: dt.datetime) -> str:
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _decimal_text(d: Domain) -> st.SearchStrategy[str]:
    assert d.total_digits is not None
    scale = d.fraction_digits or 0
    whole = st.integers(0, 10 ** (d.total_digits - scale) - 1).map(str)
    if not scale:
        return whole
    fraction = st.none() | st.from_regex(f"^[0-9]{{1,{scale}}}$", fullmatch=True)
    return st.builds(lambda w, f: w if f is None else f"{w}.{f}", whole, fraction)


def _divisions(year: int | None = None) -> st.SearchStrategy[str]:
    return st.sampled_from(admin_division.codes(year or dt.date.today().year))


def _varieties() -> st.SearchStrategy[str]:
    (catalogue,) = (cs for version, cs in current().codesets["equipment-catalogue"].items() if version == "2014")
    return st.sampled_from(sorted(e.code for e in catalogue.entries if e.level == "品种"))


@cache
def _identifiers() -> dict[str, st.SearchStrategy[str]]:
    """Valid values of each identifier kind, made by its ``sedata.codes`` generator."""
    this_year = dt.date.today().year
    org = st.text(st.sampled_from(_USCC_BODY), min_size=8, max_size=8).map(org_code.generate)
    # GB/T 2260 is dated from 1982 on: a person born, or a code made, in a year carries a division of that year.
    born = st.dates(dt.date(1982, 1, 1), dt.date(this_year - 18, 12, 31))
    citizen = born.flatmap(
        lambda day: st.builds(citizen_id.generate, _divisions(day.year), st.just(day), st.integers(1, 999))
    )
    made = st.integers(2015, this_year - 1).flatmap(
        lambda year: st.builds(
            lambda variety, division, sequence: equipment_code.generate(
                variety, division=division, year=year, sequence=sequence
            ),
            _varieties(),
            _divisions(year),
            st.integers(1, equipment_code.max_sequence("authority")),
        )
    )
    # Classes from the catalogue; a class not in force at the drawn date is refused by generate and drawn again.
    registered = (
        st.integers(2005, 2013)
        .flatmap(
            lambda year: st.builds(
                _or_none(legacy_registration.generate),
                _varieties(),
                _divisions(year),
                st.just(year),
                st.integers(1, 12),
                st.integers(1, legacy_registration.max_sequence()),
            )
        )
        .filter(lambda v: v is not None)
        .map(str)
    )
    return {
        # A certificate number agrees with a variety and a city: those of a realistic registration.
        "registration_cert": _SEEDS.map(lambda seed: _sample("UseRegistration", seed)["registrationCertNo"]),
        "admin_division": _divisions(),
        "org_code": org,
        "uscc": st.builds(uscc.generate, st.just("9"), st.sampled_from("123"), _divisions(), org),
        "citizen_id": citizen,
        "equipment_code": made,
        "legacy_registration": registered,
    }


def _or_none(make: Callable[..., str]) -> Callable[..., str | None]:
    """``make``, answering None where it refuses its arguments (a table says they do not go together)."""

    def call(*args: Any) -> str | None:
        try:
            return make(*args)
        except ValidationError:
            return None

    return call


def domain_values(d: Domain) -> st.SearchStrategy[Any]:
    """Valid values of one domain, as the JSON data model carries them (identifiers valid by sedata.codes)."""
    if d.codes is not None:
        return st.sampled_from(d.codes)
    kinds = [k for k in d.identifiers if k in _identifiers()]
    if kinds:
        return st.one_of([_identifiers()[k] for k in kinds]).filter(lambda v: _fits(d, v))
    if d.data_type == "string":
        if d.pattern:
            rx = st.from_regex(anchored(d.pattern), fullmatch=True)
            return rx.filter(lambda s: (d.min_length or 0) <= len(s) <= (d.max_length or len(s)))
        return st.text(_TEXT, min_size=d.min_length or 0, max_size=min(d.max_length or 40, 40))
    if d.data_type == "integer":
        return st.integers(int(d.minimum or 0), int(d.maximum or 0))
    if d.data_type == "decimal":
        return _decimal_text(d)
    if d.data_type == "date":
        return st.dates(dt.date(1000, 1, 1), dt.date(9999, 12, 31)).map(dt.date.isoformat)
    if d.data_type == "datetime":
        return st.datetimes(dt.datetime(1000, 1, 2), dt.datetime(9999, 12, 30), timezones=_OFFSETS).map(
            lambda v: _datetime_text(v.replace(microsecond=0))
        )
    raise ValueError(d.data_type)  # pragma: no cover


def values(element_id: str, spec: Spec | None = None) -> st.SearchStrategy[Any]:
    """Valid values of the data element ``element_id`` (e.g. ``SE.EQP.0001``)."""
    if spec is None:
        return _current_values(element_id)
    return domain_values(spec.domains[element_id])


def _fits(d: Domain, value: str) -> bool:
    """Whether an identifier made by sedata.codes also fits the domain's length and pattern (it should)."""
    import re

    return (d.min_length or 0) <= len(value) <= (d.max_length or len(value)) and (
        d.pattern is None or re.fullmatch(d.pattern, value) is not None
    )


def records(entity_id: str, spec: Spec | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Valid records of ``entity_id`` as canonical JSON data, valid through every layer of the validator.

    Records of different draws share no business key unless two draws pick the same population (draw lists with
    ``unique_by`` on the key where that matters).
    """
    if spec is None:
        return _current_records(entity_id)
    if entity_id in REALISTIC:
        return _realistic(entity_id, spec)
    return _records(entity_id, spec)


def message_records(message_type: str, min_size: int = 1, max_size: int = 200) -> st.SearchStrategy[list[Record]]:
    """The records of a whole valid message of ``message_type`` (snapshot): references resolve within it."""

    def draw(seed: int, count: int) -> list[Record]:
        return [r for r, _ in sample_records(message_type, count, seed, mode="snapshot", today=dt.date.today())]

    return st.builds(draw, _SEEDS, st.integers(min_size, max_size))


def invalid_records(entity_id: str) -> st.SearchStrategy[tuple[dict[str, Any], Defect]]:
    """A realistic record of ``entity_id`` (one of :data:`REALISTIC`) broken in one way, and the Defect saying how.

    ``Defect.rule`` is the rule the validator reports for it (and only that rule), ``Defect.field`` the element.
    """
    return st.builds(_broken, st.just(entity_id), _SEEDS, st.integers(0, 2**32 - 1))


def _broken(entity_id: str, seed: int, choice: int) -> tuple[dict[str, Any], Defect]:
    import random

    data = _sample(entity_id, seed)
    return data, break_record(random.Random(choice), 0, entity_id, data)


def _sample(entity_id: str, seed: int) -> dict[str, Any]:
    # Dates lead up to the local date: the validator's default ``today`` (no event in the future).
    return Sampler(seed, today=dt.date.today()).record(entity_id)


def _free_text(spec: Spec, entity_id: str) -> dict[str, st.SearchStrategy[str]]:
    """The entity's fields of free text (no pattern, code set or identifier): any text XML can carry fits."""
    out: dict[str, st.SearchStrategy[str]] = {}
    for f in spec.entities[entity_id].fields:
        if f.element is None or f.repeated:
            continue
        d = spec.domains[f.element]
        if d.data_type == "string" and d.codes is None and not d.pattern and not d.identifiers and not d.codeset:
            # At least one visible character: a blank value is an absent one to completeness and obligations.
            text = st.text(_TEXT, min_size=max(d.min_length or 1, 1), max_size=min(d.max_length or 40, 40))
            out[spec.field_exchange_name(f)] = text.filter(lambda t: bool(t.strip()))
    return out


def _realistic(entity_id: str, spec: Spec) -> st.SearchStrategy[dict[str, Any]]:
    texts = _free_text(spec, entity_id)

    def draw(seed: int, replaced: dict[str, str]) -> dict[str, Any]:
        data = _sample(entity_id, seed)
        data.update({k: v for k, v in replaced.items() if k in data})
        return data

    return st.builds(draw, _SEEDS, st.fixed_dictionaries({}, optional=texts))


# Building a regex strategy costs far more than drawing from it; cache those of the packaged spec.
@cache
def _current_values(element_id: str) -> st.SearchStrategy[Any]:
    return domain_values(current().domains[element_id])


@cache
def _current_records(entity_id: str) -> st.SearchStrategy[dict[str, Any]]:
    spec = current()
    return _realistic(entity_id, spec) if entity_id in REALISTIC else _records(entity_id, spec)


def _records(entity_id: str, spec: Spec) -> st.SearchStrategy[dict[str, Any]]:
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for f in spec.entities[entity_id].fields:
        inner: st.SearchStrategy[Any]
        if f.entity is not None:
            inner = _records(f.entity, spec)
        else:
            assert f.element is not None
            inner = values(f.element, spec)
        strategy = st.lists(inner, min_size=1, max_size=3) if f.repeated else inner
        (required if f.obligation == "M" else optional)[spec.field_exchange_name(f)] = strategy
    return st.fixed_dictionaries(required, optional=optional)
