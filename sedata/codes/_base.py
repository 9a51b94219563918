"""What every identifier module shares: one exception family and one parse result.

Each module in ``sedata.codes`` offers the same functions, after python-stdnum:
``compact(s)``, ``validate(s) -> str`` (normalised, or raises), ``is_valid(s) -> bool``,
``format(s)`` and ``parse(s) -> Parsed``. Messages are Chinese first, then English.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, ParamSpec, TypeVar

from stdnum import exceptions as stdnum_exceptions

Status = Literal["CONFIRMED", "PARTIAL", "UNCONFIRMED"]
P = ParamSpec("P")
R = TypeVar("R")

ValidationError = stdnum_exceptions.ValidationError
"""python-stdnum's base error; every ``sedata.codes`` error is one, so one ``except`` serves both libraries."""


class InvalidCode(stdnum_exceptions.ValidationError):
    """A value that is not a valid identifier of its kind.

    ``error`` is a stable machine code, ``position`` the 0-based index of the offending character
    (when one can be named) and ``segment`` the key of the offending segment. The classes below follow
    python-stdnum's tree (``InvalidLength`` is an ``InvalidFormat``) and subclass its classes too.
    """

    error = "invalid_code"

    def __init__(self, zh: str, en: str, *, position: int | None = None, segment: str | None = None):
        self.zh, self.en, self.position, self.segment = zh, en, position, segment
        super().__init__(f"{zh} / {en}")

    # python-stdnum has a class attribute ``message`` (English text); here it is the text in a chosen language.
    def message(self, lang: str = "zh") -> str:
        """The message in one language (``zh`` or ``en``)."""
        return self.zh if lang == "zh" else self.en


class InvalidFormat(InvalidCode, stdnum_exceptions.InvalidFormat):  # type: ignore[misc]  # message(): see InvalidCode
    """Characters or structure not allowed (wrong alphabet, missing brackets …)."""

    error = "invalid_format"


class InvalidLength(InvalidFormat, stdnum_exceptions.InvalidLength):  # type: ignore[misc]  # message(): see InvalidCode
    """The value has the wrong number of characters (a kind of format error, as in python-stdnum)."""

    error = "invalid_length"


class InvalidChecksum(InvalidCode, stdnum_exceptions.InvalidChecksum):  # type: ignore[misc]  # message(): see InvalidCode
    """The check character does not match."""

    error = "invalid_checksum"


class InvalidComponent(InvalidCode, stdnum_exceptions.InvalidComponent):  # type: ignore[misc]  # message(): see InvalidCode
    """A segment is well formed but not a real value (unknown division, month 13, unknown variety …)."""

    error = "invalid_component"


def as_text(s: object) -> str:
    """``s`` itself if it is a string; anything else is no identifier (``InvalidFormat``, as python-stdnum's clean)."""
    if isinstance(s, str):
        return s
    raise InvalidFormat(
        f"标识符应为文本（字符串），而不是 {type(s).__name__}", f"an identifier is a string, not {type(s).__name__}"
    )


def deprecated_alias(func: Callable[P, R], old: str) -> Callable[P, R]:
    """``func`` under its former name ``old``, warning (DeprecationWarning) on each call."""

    @functools.wraps(func)
    def alias(*args: P.args, **kwargs: P.kwargs) -> R:
        warnings.warn(f"{func.__module__}.{old} is deprecated; use {func.__name__}", DeprecationWarning, stacklevel=2)
        return func(*args, **kwargs)

    alias.__name__ = alias.__qualname__ = old
    alias.__doc__ = f"Deprecated alias of :func:`{func.__name__}`."
    return alias


@dataclass(frozen=True)
class Segment:
    """One part of an identifier: where it is, what it holds and what that means."""

    key: str
    zh: str
    en: str
    start: int
    value: str
    meaning: str | None = None

    @property
    def end(self) -> int:
        return self.start + len(self.value)


@dataclass(frozen=True)
class Note:
    """A warning about a value that is accepted but doubtful (e.g. a rule the sources only partly confirm)."""

    code: str
    zh: str
    en: str
    status: Status | None = None

    def message(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Parsed:
    """The result of ``parse``: the normalised value, its segments in order, and any warnings."""

    kind: str
    value: str
    segments: tuple[Segment, ...]
    warnings: tuple[Note, ...] = field(default=())

    def segment(self, key: str) -> Segment:
        """The segment called ``key`` (KeyError if there is none)."""
        for s in self.segments:
            if s.key == key:
                return s
        raise KeyError(key)

    def assemble(self) -> str:
        """The segments joined again; equals ``value`` for every identifier (tested)."""
        return "".join(s.value for s in self.segments)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json`` output."""
        return asdict(self)
