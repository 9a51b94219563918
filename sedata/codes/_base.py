"""What every identifier module shares: one exception family and one parse result.

Each module in ``sedata.codes`` offers the same functions, after python-stdnum:
``compact(s)``, ``validate(s) -> str`` (normalised, or raises), ``is_valid(s) -> bool``,
``format(s)`` and ``parse(s) -> Parsed``. Messages are Chinese first, then English.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["CONFIRMED", "PARTIAL", "UNCONFIRMED"]


class InvalidCode(ValueError):
    """A value that is not a valid identifier of its kind.

    ``error`` is a stable machine code, ``position`` the 0-based index of the offending character
    (when one can be named) and ``segment`` the key of the offending segment.
    """

    error = "invalid_code"

    def __init__(self, zh: str, en: str, *, position: int | None = None, segment: str | None = None):
        self.zh, self.en, self.position, self.segment = zh, en, position, segment
        super().__init__(f"{zh} / {en}")

    def message(self, lang: str = "zh") -> str:
        """The message in one language (``zh`` or ``en``)."""
        return self.zh if lang == "zh" else self.en


class InvalidFormat(InvalidCode):
    """Characters or structure not allowed (wrong alphabet, missing brackets …)."""

    error = "invalid_format"


class InvalidLength(InvalidCode):
    """The value has the wrong number of characters."""

    error = "invalid_length"


class InvalidChecksum(InvalidCode):
    """The check character does not match."""

    error = "invalid_checksum"


class InvalidComponent(InvalidCode):
    """A segment is well formed but not a real value (unknown division, month 13, unknown variety …)."""

    error = "invalid_component"


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
