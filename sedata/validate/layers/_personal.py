"""Whether a value shown in a run-wide finding is personal, as the spec's ``personal_data`` / ``personal_when`` say.

An element marked ``personal_when`` (unit names and codes) is personal only where a deciding element holds a
citizen ID — the unit is an individual; a unit code decides for itself. The run-wide layers make findings
after the records are gone, so they decide from the values they kept (the same side's latest decider values);
when no decider value is known the value is treated as personal, since nothing shows it is an organisation's.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from sedata.codes import citizen_id, uscc
from sedata.spec import Spec


@lru_cache(maxsize=1 << 14)
def individual(value: str) -> bool:
    """Whether a unit code is an individual's number: a citizen ID, or anything that is no valid USCC."""
    return citizen_id.is_valid(value) or not uscc.is_valid(value)


def kind_of(spec: Spec, element_id: str | None, own: str | None, deciders: Iterable[str | None] | None) -> str | None:
    """The personal-data kind to mask a value of ``element_id`` with, or None when it is an organisation's.

    ``own`` is the value itself; ``deciders`` the known values of the deciding elements (None: not known).
    """
    element = spec.elements.get(element_id or "")
    if element is None or element.personal_data is None:
        return None
    if not element.personal_when:
        return element.personal_data
    if element.id in element.personal_when and own is not None:
        return element.personal_data if individual(own) else None
    known = [v for v in deciders or () if v is not None]
    if not known or any(individual(v) for v in known):
        return element.personal_data
    return None
