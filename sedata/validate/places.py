"""Where findings are in the file: line and column of the member or element a finding's JSON pointer names.

The readers give each record the line it starts on (JSON Lines, XML) or nothing (a JSON document read
by ijson, which counts no lines). Code-scanning services want a region for every finding with a place,
and in a pretty-printed file the record's first line is not where the bad field is. So, once a file's
findings are known, the file is read again for the places those findings name, and only then:

* JSON document: a scan of its tokens (strings skipped whole, newlines counted) gives the line and
  column of every member name and array item that a finding's pointer, or its nearest ancestor, names;
  the header too.
* JSON Lines: the record's line is known; the same scan of that one line gives the column.
* XML: the field element's own line (lxml's ``sourceline``; XML has no column from lxml), found by
  the pointer's member names and repeat indexes.

A pointer whose last steps cannot be found (a masked member name) takes its nearest ancestor's place.
Reading stops at the last record a finding needs. Errors while reading again leave the findings as
they were: this pass adds places, it never decides anything.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import mmap
import re
from array import array
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from lxml import etree

from sedata.validate.report import FileReport, Finding, store_of
from sedata.validate.shapes import pointer as make_pointer

Place = tuple[int, int | None]
"""Line (from 1) and column (from 1, in code points; None where unknown)."""

# JSON tokens: a whole string (a JSON string holds no raw newline), a structural character, a newline,
# or a run of anything else (numbers, literals).
_TOKEN = re.compile(rb'"(?:[^"\\\n]|\\.)*"|[{}\[\],:\n]|[^\s{}\[\],:"]+')
_SKIP = re.compile(rb'"(?:[^"\\\n]|\\.)*"|[{}\[\]\n]')
"""Only what matters to find the end of a value nobody asked for: strings (skipped whole), brackets, newlines."""
_RECORD = re.compile(r"^/records/([0-9]+)")


def ancestors(pointer: str) -> list[str]:
    """``pointer`` and each of its ancestors, nearest first (``/a/b`` → ``/a/b``, ``/a``)."""
    out = [pointer]
    while "/" in pointer:
        pointer = pointer.rsplit("/", 1)[0]
        if pointer:
            out.append(pointer)
    return out


def _wanted(f: Finding) -> str | None:
    if f.pointer:
        return f.pointer
    return None if f.index is None else make_pointer("records", f.index)


def _last_record(pointers: Iterable[str]) -> int:
    indexes = [int(m.group(1)) for p in pointers if (m := _RECORD.match(p))]
    return max(indexes, default=-1)


def json_places(data: bytes | mmap.mmap, wanted: set[str], *, base: str = "", start: int = 0) -> dict[str, Place]:
    """Line and column of each pointer in ``wanted`` (and their ancestors) in the JSON text ``data``.

    A member's place is its name; an array item's place is its first character. ``base`` is the pointer
    of the value that starts at byte ``start`` (a JSON Lines record: ``/records/7``); its lines are
    counted from 1 at ``start``.
    """
    prefixes = {a for p in wanted for a in ancestors(p)}
    last = _last_record(wanted)
    others = {p for p in prefixes if not _RECORD.match(p)}
    found: dict[str, Place] = {}
    line, line_start = 1, start
    # Each frame: [is_object, pointer of the container, next array index, pointer of the current member]
    stack: list[list[Any]] = []
    expect_value = True

    # Columns are counted on from the last place found on the same line, so a long line is decoded once.
    counted = [start, 0]

    def place(ptr: str, pos: int) -> None:
        if ptr in prefixes and ptr not in found:
            if counted[0] < line_start:
                counted[0], counted[1] = line_start, 0
            counted[1] += len(data[counted[0] : pos].decode("utf-8", "replace"))
            counted[0] = pos
            found[ptr] = (line, counted[1] + 1)

    tokens = _TOKEN.finditer(data, start)
    while (m := next(tokens, None)) is not None:
        tok = m.group()
        c = tok[:1]
        if c == b"\n":
            if base and not stack:
                break
            line, line_start = line + 1, m.end()
            continue
        pos = m.start()
        if not stack:
            if c in (b"{", b"["):
                stack.append([c == b"{", base, 0, base])
                expect_value = c == b"["
                if base:
                    place(base, pos)
            continue
        top = stack[-1]
        if c in (b"}", b"]"):
            stack.pop()
            expect_value = False
            if not stack:
                break
            continue
        if c == b",":
            expect_value = not top[0]
            continue
        if c == b":":
            expect_value = True
            continue
        if top[0] and not expect_value:  # a member name
            try:
                name = json.loads(tok)
            except ValueError:
                name = tok.decode("utf-8", "replace")
            top[3] = f"{top[1]}/{str(name).replace('~', '~0').replace('/', '~1')}"
            place(top[3], pos)
            continue
        # A value starts: an array item has a place of its own.
        if not top[0]:
            ptr = f"{top[1]}/{top[2]}"
            top[2] += 1
            if ptr == f"/records/{last + 1}" and others <= found.keys():
                break  # every record a finding names was read, and the header
            place(ptr, pos)
        else:
            ptr = top[3]
        expect_value = False
        if c in (b"{", b"["):
            if ptr not in prefixes:
                # A value no finding is in: find its end by brackets alone, counting its lines.
                depth = 0
                for sm in _SKIP.finditer(data, pos):
                    b = sm.group()[:1]
                    if b == b"\n":
                        line, line_start = line + 1, sm.end()
                    elif b in (b"{", b"["):
                        depth += 1
                    elif b in (b"}", b"]"):
                        depth -= 1
                        if depth == 0:
                            tokens = _TOKEN.finditer(data, sm.end())
                            break
                continue
            stack.append([c == b"{", ptr, 0, ptr])
            expect_value = c == b"["
    return found


def xml_places(path: str, wanted: set[str]) -> dict[str, Place]:
    """The line of each element that a pointer in ``wanted`` (or an ancestor) names in an XML message.

    Message root → ``header`` (its fields: ``/header/NAME``) and ``records`` (each record element:
    ``/records/N``; its fields ``/records/N/data/NAME`` and ``…/NAME/K`` for the K-th repeat, nested
    entities below them the same way).
    """
    prefixes = {a for p in wanted for a in ancestors(p)}
    last = _last_record(wanted)
    others = {p for p in prefixes if not _RECORD.match(p)}
    found: dict[str, Place] = {}
    # Per open element: its kind, the pointers it stands for, and how often each child name was seen in it.
    frames: list[tuple[str, list[str], dict[str, int]]] = []
    with open(path, "rb") as f:
        events = etree.iterparse(
            f,
            events=("start", "end"),
            load_dtd=False,
            dtd_validation=False,
            resolve_entities=False,
            no_network=True,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )
        try:
            _walk_xml(events, frames, prefixes, found, last, others)
        except (etree.LxmlError, ValueError):
            pass  # the reader reported what is wrong with the file; the places found so far stand
    return found


def _walk_xml(
    events: Any,
    frames: list[tuple[str, list[str], dict[str, int]]],
    prefixes: set[str],
    found: dict[str, Place],
    last: int,
    others: set[str],
) -> None:
    record = -1
    for event, el in events:
        if event == "end":
            kind = frames.pop()[0]
            if kind == "record":
                el.clear()
                while el.getprevious() is not None:
                    del el.getparent()[0]
                if record >= last and others <= found.keys():
                    break
            continue
        name = etree.QName(el).localname
        if not frames:
            kind, ptrs = "root", []
        else:
            parent, parent_ptrs, seen = frames[-1]
            k = seen.get(name, 0)
            seen[name] = k + 1
            if parent == "root":
                kind = name if name in ("header", "records") else "other"
                ptrs = ["/" + name]
            elif parent == "records":
                record += 1
                kind, ptrs = "record", [f"/records/{record}"]
            else:
                kind = "field"
                bases = [parent_ptrs[0] + "/data"] if parent == "record" else parent_ptrs
                ptrs = [f"{b}/{name}" for b in bases if k == 0] + [f"{b}/{name}/{k}" for b in bases]
                if parent == "header":
                    ptrs = [f"/header/{name}"]
        line = el.sourceline if isinstance(el.sourceline, int) else None
        if line is not None:
            for p in ptrs:
                if p in prefixes:
                    found.setdefault(p, (line, None))
        frames.append((kind, ptrs if kind == "record" else [p for p in ptrs if p in prefixes], {}))


class _Lines:
    """Lines of a file read by number, mostly moving forward (findings come mostly in line order).

    Read, not mapped: a mapped file's pages count in the process's memory once touched, which for a file
    with a finding on every line is the whole file. Every :data:`_STEP`-th line's offset is kept, so a
    finding made after the records (cross-record) that names an earlier line costs a few lines, not a scan.
    """

    _STEP = 1024

    def __init__(self, f: BinaryIO):
        self.f, self.line, self.pos = f, 1, 0
        self.marks = array("q", [0])  # offset of line 1 + k * _STEP

    def read(self, line: int) -> bytes | None:
        """The bytes of ``line`` (from 1, newline included), None past the end."""
        if line < self.line:
            k = min((line - 1) // self._STEP, len(self.marks) - 1)
            self.line, self.pos = k * self._STEP + 1, self.marks[k]
            self.f.seek(self.pos)
        while True:
            text = self.f.readline()
            if not text:
                return None
            self.pos += len(text)
            self.line += 1
            if (self.line - 1) % self._STEP == 0 and (self.line - 1) // self._STEP == len(self.marks):
                self.marks.append(self.pos)
            if self.line - 1 == line:
                return text


def _place_of(f: Finding, found: dict[str, Place]) -> Place | None:
    wanted = _wanted(f)
    if wanted is None:
        return None
    return next((found[a] for a in ancestors(wanted) if a in found), None)


POINTERS_PER_PASS = 100_000
"""Places looked for in one reading of a JSON or XML document; more findings read the file again (memory stays flat)."""


def locate(report: FileReport) -> None:
    """Give each finding of ``report`` the line (and column where the format has one) of the place it names.

    The findings are read from their store and written back one by one, so a file with a million findings
    is located in constant memory.
    """
    fmt = report.format
    if fmt not in ("json", "jsonl", "xml"):
        return
    store = store_of(report.findings)
    if not any(_wanted(f) is not None and _needs(f, fmt) for f in store):
        return
    path = report.file
    try:
        if fmt == "xml":
            if report.stopped not in (None, "max-errors"):
                return  # a refused XML file is not parsed again (it may be built to be slow); records keep their lines
            store.replace_all(_in_passes(store, fmt, lambda wanted: xml_places(path, wanted), _on_xml_line))
            return
        if fmt == "jsonl":
            with open(path, "rb") as fh:
                store.replace_all(_located_jsonl(store, fh))
            return
        with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            store.replace_all(_in_passes(store, fmt, lambda wanted: json_places(data, wanted), _at_place))
    except (OSError, ValueError, etree.LxmlError):
        return


def _at_place(f: Finding, found: dict[str, Place]) -> Finding:
    at = _place_of(f, found)
    return f if at is None else dataclasses.replace(f, line=at[0], column=at[1])


def _on_xml_line(f: Finding, found: dict[str, Place]) -> Finding:
    at = _place_of(f, found)
    return dataclasses.replace(f, line=at[0]) if at is not None and (f.line is None or at[0] >= f.line) else f


def _in_passes(
    findings: Iterable[Finding],
    fmt: str,
    places: Callable[[set[str]], dict[str, Place]],
    adjust: Callable[[Finding, dict[str, Place]], Finding],
) -> Iterator[Finding]:
    """The findings with their places, the document read once per :data:`POINTERS_PER_PASS` pointers."""
    ahead, behind = iter(findings), iter(findings)  # one reads the pointers, the other gives the findings back
    while True:
        wanted: set[str] = set()
        n = 0
        for f in ahead:
            n += 1
            if _needs(f, fmt) and (p := _wanted(f)) is not None:
                wanted.add(p)
                if len(wanted) >= POINTERS_PER_PASS:
                    break
        if not n:
            return
        found = places(wanted) if wanted else {}
        for f in itertools.islice(behind, n):
            yield adjust(f, found) if _needs(f, fmt) and _wanted(f) is not None else f


def _located_jsonl(findings: Iterable[Finding], fh: BinaryIO) -> Iterator[Finding]:
    """The findings with columns: each wanted line is scanned on its own (the header is line 1)."""
    lines = _Lines(fh)
    run: list[Finding] = []  # consecutive findings on one line
    at_line = 0

    def placed() -> list[Finding]:
        if not run:
            return []
        text = lines.read(at_line)
        if text is None:
            return run
        on_line = {p for f in run if (p := _wanted(f))}
        m = _RECORD.match(_wanted(run[0]) or "")
        base = "" if m is None else m.group(0)
        if base and on_line == {base}:  # the record itself (a key repeated across files): where its value starts
            found: dict[str, Place] = {base: (1, len(text) - len(text.lstrip(b" \t\r")) + 1)}
        else:
            found = json_places(text, on_line, base=base)
        return [f if (at := _place_of(f, found)) is None else _moved(f, at_line, at) for f in run]

    for f in findings:
        wanted = _wanted(f)
        line = None
        if wanted is not None and _needs(f, "jsonl"):
            line = 1 if wanted.startswith("/header") else f.line
        if line != at_line or line is None:
            yield from placed()
            run = []
            at_line = line or 0
        if line is None:
            yield f
        else:
            run.append(f)
    yield from placed()


def _moved(f: Finding, line: int, at: Place) -> Finding:
    return dataclasses.replace(f, line=line + at[0] - 1, column=at[1])


def _needs(f: Finding, fmt: str | None) -> bool:
    if fmt == "json":
        return f.line is None
    if fmt == "jsonl":
        return f.column is None
    # XML: a finding on a field carries the record's line; the field's own line is wanted.
    return f.line is None or (f.pointer is not None and "/data/" in f.pointer)


def locate_all(reports: Iterable[FileReport]) -> None:
    """:func:`locate` for each file report whose file is still there."""
    for fr in reports:
        if Path(fr.file).is_file():
            locate(fr)
