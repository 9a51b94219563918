"""A refused identifier is cached with its exceptions, not with the frames that raised them."""

from __future__ import annotations

import gc
import weakref

from sedata.validate.layers.codes import _check, _check_on


class _Marker:
    """Stands for the run a caller holds in its frame (its records, lines and findings)."""


def _refuse() -> tuple[weakref.ref[_Marker], BaseException]:
    marker = _Marker()  # alive as long as this frame is
    _check_on.cache_clear()  # the cache behind _check, keyed on the run's date
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
