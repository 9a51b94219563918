"""Segment layouts read from a value domain's spec pattern, so Python never restates a width.

A spec pattern such as ``[0-9A-Z]{4}[0-9]{5}[12][0-9]{3}[0-9A-Z]{5}`` is a row of *atoms* (a class, a
literal, an escape or a group, each with an optional quantifier). A module names its segments by how
many atoms each one spans — ``[("variety", 1), ("maker", 1), ("year", 2), ("sequence", 1)]`` — and gets
a regex with one named group per segment plus the width bounds of each. When the spec pattern changes
shape, building the layout fails loudly instead of silently mislabelling positions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sedata.spec import current
from sedata.spec.formats import parse_format


class LayoutError(LookupError):
    """The spec pattern no longer has the shape a module expects (a spec change needs a code change)."""


@dataclass(frozen=True)
class Atom:
    """One pattern atom and how many characters it matches (``max_len`` None: unbounded or unknown)."""

    source: str
    min_len: int
    max_len: int | None


@dataclass(frozen=True)
class Part:
    """A named segment of a layout: its regex source and its width bounds."""

    key: str
    source: str
    min_len: int
    max_len: int | None

    @property
    def width(self) -> int:
        """The fixed width of the segment (LayoutError when it is variable)."""
        if self.max_len != self.min_len:
            raise LayoutError(f"segment {self.key} has no fixed width ({self.min_len}..{self.max_len})")
        return self.min_len

    def matches(self, text: str) -> bool:
        """Whether ``text`` fits this segment alone."""
        return re.fullmatch(self.source, text) is not None


@dataclass(frozen=True)
class Layout:
    """One alternative of a spec pattern, split into named segments."""

    parts: tuple[Part, ...]
    regex: re.Pattern[str]

    def part(self, key: str) -> Part:
        """The segment called ``key``."""
        for p in self.parts:
            if p.key == key:
                return p
        raise KeyError(key)

    def split(self, text: str) -> list[tuple[str, int, str]] | None:
        """``(key, start, value)`` for every segment when ``text`` fits the whole layout, else None."""
        m = self.regex.fullmatch(text)
        if m is None:
            return None
        return [(p.key, m.start(p.key), m.group(p.key)) for p in self.parts]

    def diagnose(self, text: str) -> tuple[int, str] | None:
        """Where ``text`` stops fitting: ``(position, segment key)``; None when it fits the whole layout.

        Atoms are matched greedily one after another, so the position is exact for single-character
        atoms and the start of the atom for groups. A text that ends early reports ``len(text)``.
        """
        if self.regex.fullmatch(text):
            return None
        pos = 0
        for p in self.parts:
            for a in atoms(p.source):
                if a.source.startswith("("):
                    m = re.match(a.source, text[pos:])
                    if m is None:
                        return pos, p.key
                    pos += len(m.group(0))
                    continue
                body = re.sub(r"(\{\d+(,\d+)?\}|[?*+])$", "", a.source)
                count = 0
                while (a.max_len is None or count < a.max_len) and pos + count < len(text):
                    if re.fullmatch(body, text[pos + count]) is None:
                        break
                    count += 1
                if count < a.min_len:
                    return pos + count, p.key
                pos += count
        return min(pos, len(text)), self.parts[-1].key

    @property
    def max_len(self) -> int | None:
        """The longest value the layout admits (None: unbounded)."""
        total = 0
        for p in self.parts:
            if p.max_len is None:
                return None
            total += p.max_len
        return total


def alternatives(pattern: str) -> list[str]:
    """The top-level ``|`` alternatives of a portable pattern."""
    out, depth, in_class, start, i = [], 0, False, 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    out.append(pattern[start:])
    return out


def _closing(pattern: str, i: int) -> int:
    """The index just past the class or group that opens at ``i``."""
    depth, in_class = 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
                if depth == 0:
                    return i + 1
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise LayoutError(f"unbalanced pattern {pattern!r}")


def atoms(alternative: str) -> list[Atom]:
    """The atoms of one alternative, each with its quantifier applied."""
    out: list[Atom] = []
    i = 0
    while i < len(alternative):
        ch = alternative[i]
        if ch in "[(":
            end = _closing(alternative, i)
        elif ch == "\\":
            end = i + 2
        else:
            end = i + 1
        body = alternative[i:end]
        # A group's own width is not needed by any layout; a class, escape or literal is one character.
        width: tuple[int, int | None] = (1, 1) if ch != "(" else (0, None)
        low, high = 1, 1
        q = re.match(r"\{(\d+)(?:,(\d+))?\}|[?*+]", alternative[end:])
        quant = ""
        if q:
            quant = q.group(0)
            if quant == "?":
                low, high = 0, 1
            elif quant in "*+":
                low, high = (0 if quant == "*" else 1), -1
            else:
                low = int(q.group(1))
                high = int(q.group(2)) if q.group(2) else low
        min_len = width[0] * low
        max_len = None if width[1] is None or high < 0 else width[1] * high
        out.append(Atom(body + quant, min_len, max_len))
        i = end + len(quant)
    return out


def layout(alternative: str, shape: Sequence[tuple[str, int]]) -> Layout:
    """Name the atoms of ``alternative``: ``shape`` gives each segment's key and how many atoms it spans."""
    found = atoms(alternative)
    if sum(n for _, n in shape) != len(found):
        raise LayoutError(
            f"规范模式 {alternative!r} 有 {len(found)} 个部件，代码期望 {sum(n for _, n in shape)} 个 / "
            f"spec pattern {alternative!r} has {len(found)} atoms, sedata.codes expects {sum(n for _, n in shape)}"
        )
    parts: list[Part] = []
    regex = ""
    i = 0
    for key, n in shape:
        group = found[i : i + n]
        i += n
        source = "".join(a.source for a in group)
        lows = sum(a.min_len for a in group)
        highs = [a.max_len for a in group]
        high = None if any(h is None for h in highs) else sum(h for h in highs if h is not None)
        parts.append(Part(key, source, lows, high))
        regex += f"(?P<{key}>{source})"
    return Layout(tuple(parts), re.compile(regex))


def domain_layouts(value_domain: str, *shapes: Sequence[tuple[str, int]]) -> tuple[Layout, ...]:
    """The layouts of a spec value domain's pattern, one shape per top-level alternative, in order."""
    pattern = current().value_domains[value_domain].pattern
    if pattern is None:
        raise LayoutError(f"value domain {value_domain} has no pattern")
    alts = alternatives(pattern)
    if len(alts) != len(shapes):
        raise LayoutError(
            f"值域 {value_domain} 的模式有 {len(alts)} 种形式，代码期望 {len(shapes)} 种 / "
            f"value domain {value_domain} has {len(alts)} alternatives, sedata.codes expects {len(shapes)}"
        )
    return tuple(layout(a, s) for a, s in zip(alts, shapes, strict=True))


def domain_lengths(value_domain: str) -> tuple[int | None, int | None]:
    """The (min, max) length the value domain's representation format admits."""
    vd = current().value_domains[value_domain]
    fmt = parse_format(vd.data_type or "string", vd.format or "")
    return fmt.min_length, fmt.max_length


def fixed_length(value_domain: str) -> int:
    """The one length every value of a fixed-length value domain has (LayoutError if it has none)."""
    low, high = domain_lengths(value_domain)
    if high is None or low != high:
        raise LayoutError(f"value domain {value_domain} has no fixed length")
    return high
