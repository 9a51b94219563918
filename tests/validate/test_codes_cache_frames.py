"""A refused identifier is cached with its exceptions, not with the frames that raised them."""

from __future__ import annotations

import gc
import weakref

from sedata.validate.layers.codes import _REFUSALS_KEPT, _check, _refusals, clear_caches


class _Marker:
    """Stands for the run a caller holds in its frame (its records, lines and findings)."""


def _refuse() -> tuple[weakref.ref[_Marker], BaseException]:
    marker = _Marker()  # alive as long as this frame is
    clear_caches()  # the caches behind _check, keyed on the run's date
    _notes, refusals = _check(("uscc",), "91433101772274167X")  # a unit code whose check character is wrong
    assert refusals and refusals[0][0] == "uscc"
    return weakref.ref(marker), refusals[0][1]


def test_a_cached_refusal_keeps_no_frame_alive() -> None:
    ref, exc = _refuse()
    gc.collect()
    assert exc.__cause__ is not None or exc.__context__ is not None  # raised from stdnum's own exception
    assert ref() is None
    link: BaseException | None = exc
    while link is not None:
        assert link.__traceback__ is None
        link = link.__cause__ or link.__context__


def test_refusals_are_kept_for_few_values_and_verdicts_stay_the_same() -> None:
    """A file of defective identifiers must not fill memory with refusals: few are kept, answers do not change."""
    from sedata.codes import uscc

    clear_caches()
    made = (f"91433101{n:09d}X" for n in range(_REFUSALS_KEPT + 200))  # 18 characters, mostly wrong check ones
    bad = [v for v in made if not uscc.is_valid(v)]
    assert len(bad) > _REFUSALS_KEPT  # more than are kept: the first ones are forgotten, then asked again
    first = {v: _check(("uscc", "org_code"), v) for v in bad}
    for v in bad * 2:  # asked again after its refusal was forgotten: the same kinds refuse, in the same order
        notes, refusals = _check(("uscc", "org_code"), v)
        assert notes == () and [k for k, _ in refusals] == ["uscc", "org_code"]
        assert [str(e) for _, e in refusals] == [str(e) for _, e in first[v][1]]
    assert _refusals.cache_info().currsize <= _REFUSALS_KEPT


def test_a_value_refused_by_one_kind_and_read_by_the_next_has_no_refusal() -> None:
    from sedata.codes import org_code

    clear_caches()
    body = "77227416"
    value = body + org_code.calc_check_digit(body)  # a 9-character organisation code: never a 18-character USCC
    assert _check(("uscc", "org_code"), value) == ((), ())
    assert _check(("uscc", "org_code"), value) == ((), ())  # from the cache
    notes, refusals = _check(("uscc",), value)
    assert notes == () and [k for k, _ in refusals] == ["uscc"]
