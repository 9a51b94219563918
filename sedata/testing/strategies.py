"""Strategies derived from the resolved value domains, so they follow the spec without restating it."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from hypothesis import strategies as st

from sedata.generate.naming import anchored
from sedata.spec import Spec, current
from sedata.spec.resolved import Domain

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


def domain_values(d: Domain) -> st.SearchStrategy[Any]:
    """Valid values of one domain, as the JSON data model carries them."""
    if d.codes is not None:
        return st.sampled_from(d.codes)
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


def records(entity_id: str, spec: Spec | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Valid records of ``entity_id`` as canonical JSON data (optional fields present or absent)."""
    if spec is None:
        return _current_records(entity_id)
    return _records(entity_id, spec)


# Building a regex strategy costs far more than drawing from it; cache those of the packaged spec.
@cache
def _current_values(element_id: str) -> st.SearchStrategy[Any]:
    return domain_values(current().domains[element_id])


@cache
def _current_records(entity_id: str) -> st.SearchStrategy[dict[str, Any]]:
    return _records(entity_id, current())


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
