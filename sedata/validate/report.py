"""The one report object of a validation run: findings per file, counts, verdict, rules not checked.

A :class:`Finding` names the rule, where the problem is (file, line/column, JSON pointer, record index,
record type and business key), the data element in spec terms, the value (personal data already masked),
what was expected, and the message in Chinese and English rendered from the rule's template. Every
renderer (text, JSON, JUnit, SARIF) reads this object only, so all formats say the same thing.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, MutableSequence, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO, Literal, cast, overload

import orjson

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}
Lang = Literal["zh", "en"]
Stop = Literal["unreadable", "broken", "max-errors"]
"""Why a file was not read to its end: it could not be opened, it broke off / was refused, or --max-errors."""


def at_least(severity: str, threshold: str) -> bool:
    """True when ``severity`` is ``threshold`` or graver (error > warning > info)."""
    return _RANK[severity] >= _RANK[threshold]


def severity(name: str) -> Severity:
    """Check a severity name given by a caller or read back from JSON."""
    if name not in _RANK:
        raise ValueError(f"unknown severity {name!r} (use one of: {', '.join(SEVERITIES)})")
    return cast(Severity, name)


EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2


def exit_code(report: Report) -> int:
    """0 clean, 1 findings at or above the fail-on severity, 2 a file could not be read at all."""
    if report.unreadable:
        return EXIT_UNREADABLE
    return EXIT_OK if report.valid else EXIT_FINDINGS


@dataclass(frozen=True, slots=True)
class Text:
    """A text in Chinese (normative) and English."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        """The text in ``lang`` (``zh`` or ``en``)."""
        return self.en if lang == "en" else self.zh

    def to_data(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}

    @classmethod
    def from_data(cls, data: Any) -> Text | None:
        return None if data is None else cls(str(data["zh"]), str(data["en"]))


@dataclass(frozen=True, slots=True)
class ElementRef:
    """The data element a finding is about: spec id (or entity id for a nested entity), names, exchange name."""

    id: str
    name: Text
    field: str

    def to_data(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name.to_data(), "field": self.field}

    @classmethod
    def from_data(cls, data: Any) -> ElementRef | None:
        if data is None:
            return None
        name = Text.from_data(data["name"])
        assert name is not None
        return cls(str(data["id"]), name, str(data["field"]))


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found: rule, location, element, masked value, expectation and bilingual message."""

    rule: str
    severity: Severity
    layer: str
    message: Text
    file: str
    line: int | None = None
    column: int | None = None
    pointer: str | None = None
    index: int | None = None
    record_type: str | None = None
    key: str | None = None
    element: ElementRef | None = None
    value: str | None = None
    expected: Text | None = None

    def to_data(self) -> dict[str, Any]:
        """The finding as JSON data (the shape documented in :mod:`sedata.validate.render.json`)."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "layer": self.layer,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "pointer": self.pointer,
            "index": self.index,
            "recordType": self.record_type,
            "key": self.key,
            "element": None if self.element is None else self.element.to_data(),
            "value": self.value,
            "expected": None if self.expected is None else self.expected.to_data(),
            "message": self.message.to_data(),
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Finding:
        """Read a finding back from :meth:`to_data` output."""
        message = Text.from_data(data["message"])
        assert message is not None
        return cls(
            rule=data["rule"],
            severity=severity(data["severity"]),
            layer=data["layer"],
            message=message,
            file=data["file"],
            line=data["line"],
            column=data["column"],
            pointer=data["pointer"],
            index=data["index"],
            record_type=data["recordType"],
            key=data["key"],
            element=ElementRef.from_data(data["element"]),
            value=data["value"],
            expected=Text.from_data(data["expected"]),
        )


KEEP_IN_MEMORY = 10_000
"""Findings a store keeps as objects (~1 KB each) before it writes the rest to a private temporary file."""
SPILL_PREFIX = "sedata-findings-"
"""Name of the spill files in the temporary folder (followed by the process id)."""
_keep_default = KEEP_IN_MEMORY


@contextlib.contextmanager
def findings_in_memory(keep: int) -> Iterator[None]:
    """Within the block, stores made without ``keep`` spill after ``keep`` findings (tests, benchmarks)."""
    global _keep_default
    before, _keep_default = _keep_default, max(0, keep)
    try:
        yield
    finally:
        _keep_default = before


def _encode(f: Finding) -> bytes:
    data = f.to_data()
    try:
        return orjson.dumps(data) + b"\n"
    except orjson.JSONEncodeError:  # a lone surrogate (orjson refuses it): ASCII JSON keeps it as an escape
        return json.dumps(data).encode("ascii") + b"\n"


def _decode(line: bytes) -> Finding:
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError:
        data = json.loads(line)
    return Finding.from_data(data)


class FindingStore(MutableSequence["Finding"]):
    """The findings of one file in order: the first ``keep`` as objects, the rest in a temporary file.

    A list as far as its readers go (iteration, ``len``, indexing, ``append``/``extend``, item assignment),
    with running counts per rule, severity and layer, so summaries and verdicts need no pass over the
    findings. Spilled findings are JSON lines in a file only its owner may read (values are masked, but a
    report is not for everyone), removed by :meth:`close`, when the store is dropped, and at exit or on a
    signal (see :func:`sedata.io.output.register`).
    """

    __slots__ = (
        "__weakref__",
        "_counts",
        "_end",
        "_fd",
        "_head",
        "_keep",
        "_layers",
        "_offsets",
        "_out",
        "_owner",
        "_patched",
        "_path",
    )

    def __init__(self, items: Iterable[Finding] = (), *, keep: int | None = None):
        self._keep = _keep_default if keep is None else max(0, keep)
        self._head: list[Finding] = []
        self._path: str | None = None
        self._out: BinaryIO | None = None
        self._fd: int | None = None
        self._offsets = array("q")
        self._end = 0
        self._patched: dict[int, Finding] = {}
        self._counts: Counter[tuple[str, str]] = Counter()
        self._layers: Counter[str] = Counter()
        self._owner = os.getpid()
        self.extend(items)

    # --- the list a report's readers know ---

    def append(self, finding: Finding) -> None:
        """Add a finding at the end."""
        if self._path is None and len(self._head) < self._keep:
            self._head.append(finding)
        else:
            self._spill(finding)
        self._counts[finding.rule, finding.severity] += 1
        self._layers[finding.layer] += 1

    def extend(self, findings: Iterable[Finding]) -> None:
        """Add findings at the end, in order."""
        for finding in findings:
            self.append(finding)

    def __len__(self) -> int:
        return len(self._head) + len(self._offsets)

    def __iter__(self) -> Iterator[Finding]:
        yield from self._head
        if self._path is None:
            return
        assert self._out is not None
        self._out.flush()
        base, patched = len(self._head), self._patched
        with open(self._path, "rb") as f:
            for n, line in enumerate(f):
                if n >= len(self._offsets):
                    return
                yield patched[base + n] if patched and base + n in patched else _decode(line)

    @overload
    def __getitem__(self, index: int) -> Finding: ...

    @overload
    def __getitem__(self, index: slice) -> list[Finding]: ...

    def __getitem__(self, index: int | slice) -> Finding | list[Finding]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        i = self._position(index)
        if i < len(self._head):
            return self._head[i]
        return self._patched.get(i) or self._read(i - len(self._head))

    @overload
    def __setitem__(self, index: int, finding: Finding) -> None: ...

    @overload
    def __setitem__(self, index: slice, finding: Iterable[Finding]) -> None: ...

    def __setitem__(self, index: int | slice, finding: Finding | Iterable[Finding]) -> None:
        if isinstance(index, slice):  # rare (``findings[:] = …``): rebuilt, in memory
            items = list(self)
            items[index] = list(cast("Iterable[Finding]", finding))
            self.replace_all(items)
            return
        assert isinstance(finding, Finding)
        i = self._position(index)
        old = self[i]
        if i < len(self._head):
            self._head[i] = finding
        else:
            self._patched[i] = finding
        self._counts[old.rule, old.severity] -= 1
        self._counts[finding.rule, finding.severity] += 1
        if old.layer != finding.layer:  # layers are counted in order of first appearance: count them again
            self._layers = Counter(f.layer for f in self)

    def __delitem__(self, index: int | slice) -> None:
        # Rare (a caller dropping findings): the store is rebuilt without them, in memory.
        items = list(self)
        del items[index]
        self.replace_all(items)

    def insert(self, index: int, finding: Finding) -> None:
        """Insert a finding before ``index`` (rare: the store is rebuilt; ``append`` is the cheap way)."""
        if index >= len(self):
            self.append(finding)
            return
        items = list(self)
        items.insert(index, finding)
        self.replace_all(items)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def __add__(self, other: Iterable[Finding]) -> list[Finding]:
        """``store + [...]``: a list of both, as two lists give (read into memory: for small sets)."""
        return [*self, *other]

    def __radd__(self, other: Iterable[Finding]) -> list[Finding]:
        return [*other, *self]

    def __repr__(self) -> str:
        return f"FindingStore({list(self)!r})" if self._path is None else f"<FindingStore {len(self)} findings>"

    def __reduce__(self) -> tuple[Any, ...]:
        # To another process (--jobs) as the findings themselves: a spill file belongs to its process.
        return (_restore, (list(self), self._keep))

    def clear(self) -> None:
        """Drop every finding (and the spill file)."""
        self.close()
        self._head = []
        self._offsets = array("q")
        self._end = 0
        self._patched = {}
        self._counts = Counter()
        self._layers = Counter()

    # --- what summaries and renderers use ---

    @property
    def spilled(self) -> bool:
        """True once findings went to the temporary file."""
        return self._path is not None

    def spawn(self) -> FindingStore:
        """A new empty store that keeps as many findings in memory as this one."""
        return FindingStore(keep=self._keep)

    def by_rule(self) -> dict[str, int]:
        """Counts per rule id, in rule-id order."""
        counts: Counter[str] = Counter()
        for (rule, _), n in self._counts.items():
            counts[rule] += n
        return {rule: n for rule, n in sorted(counts.items()) if n > 0}

    def by_severity(self) -> dict[str, int]:
        """Counts per severity, every severity listed."""
        counts: dict[str, int] = dict.fromkeys(SEVERITIES, 0)
        for (_, sev), n in self._counts.items():
            counts[sev] += n
        return counts

    def by_layer(self) -> dict[str, int]:
        """Counts per layer, in order of first appearance."""
        return {layer: n for layer, n in self._layers.items() if n > 0}

    def tally(self, threshold: str = "info", rule: str | None = None) -> int:
        """How many findings (of ``rule``, when given) are ``threshold`` or graver."""
        return sum(
            n for (r, sev), n in self._counts.items() if (rule is None or r == rule) and at_least(sev, threshold)
        )

    def groups(self) -> dict[str, Sequence[Finding]]:
        """The findings grouped by rule id (rules in id order, findings in store order), read on demand."""
        members: dict[str, array[int]] = {}
        for i, f in enumerate(self):
            members.setdefault(f.rule, array("q")).append(i)
        return {rule: _Group(self, members[rule]) for rule in sorted(members)}

    def replace_all(self, findings: Iterable[Finding]) -> None:
        """Make ``findings`` this store's content (same object); they may be read from this store as they come."""
        new = self.spawn()
        new.extend(findings)
        self.close()
        self._head, self._path, self._out, self._fd = new._head, new._path, new._out, new._fd
        self._offsets, self._end, self._patched = new._offsets, new._end, new._patched
        self._counts, self._layers = new._counts, new._layers
        new._path, new._out, new._fd = None, None, None  # the file is this store's now: the other must not remove it

    def close(self) -> None:
        """Remove the spill file; the findings in it are gone (those in memory stay)."""
        from sedata.io.output import discard

        out, path, fd = self._out, self._path, self._fd
        self._out = self._path = self._fd = None
        if path is None or os.getpid() != self._owner:
            return  # a forked worker must not remove its parent's file
        with contextlib.suppress(OSError):
            if out is not None:
                out.close()
            if fd is not None:
                os.close(fd)
        discard(path)
        self._offsets = array("q")
        self._patched = {i: f for i, f in self._patched.items() if i < len(self._head)}

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()

    # --- the spill file ---

    def _spill(self, finding: Finding) -> None:
        if self._out is None:
            self._open()
        assert self._out is not None
        line = _encode(finding)
        self._offsets.append(self._end)
        self._out.write(line)
        self._end += len(line)

    def _open(self) -> None:
        from sedata.io.output import clean_dead, register

        folder = tempfile.gettempdir()
        clean_dead(folder, SPILL_PREFIX)  # those of runs that were killed
        fd, path = tempfile.mkstemp(prefix=f"{SPILL_PREFIX}{os.getpid()}-", suffix=".jsonl", dir=folder)
        register(path)
        self._path, self._out = path, os.fdopen(fd, "wb", buffering=1 << 20)

    def _read(self, n: int) -> Finding:
        assert self._out is not None and self._path is not None
        self._out.flush()
        start = self._offsets[n]
        end = self._offsets[n + 1] if n + 1 < len(self._offsets) else self._end
        if self._fd is None:
            self._fd = os.open(self._path, os.O_RDONLY)
        return _decode(os.pread(self._fd, end - start, start))

    def _position(self, index: int) -> int:
        i = index + len(self) if index < 0 else index
        if not 0 <= i < len(self):
            raise IndexError("finding index out of range")
        return i


def _restore(items: list[Finding], keep: int) -> FindingStore:
    return FindingStore(items, keep=keep)


class _Group(Sequence["Finding"]):
    """The findings of one rule in a store, read when asked for."""

    __slots__ = ("_indices", "_store")

    def __init__(self, store: FindingStore, indices: array[int]):
        self._store, self._indices = store, indices

    def __len__(self) -> int:
        return len(self._indices)

    @overload
    def __getitem__(self, index: int) -> Finding: ...

    @overload
    def __getitem__(self, index: slice) -> list[Finding]: ...

    def __getitem__(self, index: int | slice) -> Finding | list[Finding]:
        if isinstance(index, slice):
            return [self._store[i] for i in self._indices[index]]
        return self._store[self._indices[index]]

    def __iter__(self) -> Iterator[Finding]:
        store = self._store
        for i in self._indices:
            yield store[i]


if TYPE_CHECKING:
    # Declared a list for the code written against one (engine, layers, parallel runs): the store does all that
    # code does with it (append, extend, iterate, len, index, assign an item, +, clear, ==). Readers that want
    # the store's own methods go through store_of().
    _Findings = list[Finding]
else:
    _Findings = FindingStore


def store_of(findings: Any) -> FindingStore:
    """A file report's findings as the :class:`FindingStore` they are (for its counts, groups and spill)."""
    return cast(FindingStore, findings)


@dataclass(slots=True)
class FileReport:
    """What validating one file found, with the header summary and the rules that were not checked."""

    file: str
    format: str | None = None
    header: dict[str, Any] | None = None
    records: int = 0
    findings: _Findings = field(default_factory=FindingStore)  # type: ignore[arg-type]
    """In order of finding; any list given (or assigned later) is taken into a :class:`FindingStore`."""
    not_checked: dict[str, Text] = field(default_factory=dict)
    stopped: Stop | None = None
    fail_on: Severity = "error"
    verified: bool = False
    """Every record was read and count and digest matched the header (the package arrived whole)."""

    @property
    def unreadable(self) -> bool:
        """True when the file could not be opened or read at all (exit code 2)."""
        return self.stopped == "unreadable"

    @property
    def valid(self) -> bool:
        """No finding at or above the fail-on severity."""
        return store_of(self.findings).tally(self.fail_on) == 0

    def by_rule(self) -> dict[str, int]:
        """Finding counts per rule id, in rule-id order."""
        return store_of(self.findings).by_rule()

    def by_severity(self) -> dict[str, int]:
        """Finding counts per severity (every severity listed, zero included)."""
        return store_of(self.findings).by_severity()

    def by_layer(self) -> dict[str, int]:
        """Finding counts per layer, in layer order of first appearance."""
        return store_of(self.findings).by_layer()

    def close(self) -> None:
        """Remove the temporary file of findings kept on disk (the report cannot be rendered again after)."""
        store_of(self.findings).close()

    def to_data(self, findings: bool = True) -> dict[str, Any]:
        """The file's part of the JSON report; ``findings`` False leaves the findings out (for streaming them)."""
        return {
            "file": self.file,
            "format": self.format,
            "header": self.header,
            "records": self.records,
            "valid": self.valid,
            "stopped": self.stopped,
            "verified": self.verified,
            "counts": {"bySeverity": self.by_severity(), "byRule": self.by_rule(), "byLayer": self.by_layer()},
            "notChecked": [{"rule": r, "reason": t.to_data()} for r, t in sorted(self.not_checked.items())],
            **({"findings": [f.to_data() for f in self.findings]} if findings else {}),
        }

    @classmethod
    def from_data(cls, data: dict[str, Any], fail_on: Severity) -> FileReport:
        reasons = {item["rule"]: Text.from_data(item["reason"]) for item in data["notChecked"]}
        return cls(
            file=data["file"],
            format=data["format"],
            header=data["header"],
            records=data["records"],
            findings=[Finding.from_data(f) for f in data["findings"]],
            not_checked={r: t for r, t in reasons.items() if t is not None},
            stopped=data["stopped"],
            fail_on=fail_on,
            verified=bool(data.get("verified", False)),
        )


# A list given for the findings (by a caller, or by code that filters them: ``fr.findings = kept``) is taken
# into a store, so that every file report counts as it goes and can spill. The slot keeps the store; a
# property in its place converts on the way in (a __setattr__ would cost every ``records += 1``).
_FINDINGS_SLOT = FileReport.__dict__["findings"]


def _get_findings(self: FileReport) -> FindingStore:
    return cast(FindingStore, _FINDINGS_SLOT.__get__(self, FileReport))


def _set_findings(self: FileReport, value: Iterable[Finding]) -> None:
    _FINDINGS_SLOT.__set__(self, value if isinstance(value, FindingStore) else FindingStore(value))


FileReport.findings = property(_get_findings, _set_findings, doc=_FINDINGS_SLOT.__doc__)  # type: ignore[assignment,misc]


class AllFindings(Sequence[Finding]):
    """The findings of every file of a report, file by file, read on demand (never copied into one list)."""

    __slots__ = ("_files",)

    def __init__(self, files: Sequence[FileReport]):
        self._files = files

    def __len__(self) -> int:
        return sum(len(f.findings) for f in self._files)

    def __iter__(self) -> Iterator[Finding]:
        for f in self._files:
            yield from f.findings

    @overload
    def __getitem__(self, index: int) -> Finding: ...

    @overload
    def __getitem__(self, index: slice) -> list[Finding]: ...

    def __getitem__(self, index: int | slice) -> Finding | list[Finding]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        i = index + len(self) if index < 0 else index
        for f in self._files:
            if 0 <= i < len(f.findings):
                return f.findings[i]
            i -= len(f.findings)
        raise IndexError("finding index out of range")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<AllFindings {len(self)} findings>"


@dataclass(slots=True)
class Report:
    """The report of one run over one or more files."""

    files: list[FileReport]
    spec_version: str
    tool_version: str
    fail_on: Severity = "error"
    applied: list[Text] = field(default_factory=list)
    """What changed the findings after the run: a receiver profile, a baseline (one line each)."""

    @property
    def valid(self) -> bool:
        """Every file is valid."""
        return all(f.valid for f in self.files)

    @property
    def unreadable(self) -> bool:
        """Some file could not be read at all."""
        return any(f.unreadable for f in self.files)

    @property
    def findings(self) -> AllFindings:
        """All findings, file by file (a sequence read on demand)."""
        return AllFindings(self.files)

    def by_severity(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for f in self.files:
            counts.update(f.by_severity())
        return {s: counts.get(s, 0) for s in SEVERITIES}

    def by_rule(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for f in self.files:
            counts.update(f.by_rule())
        return dict(sorted(counts.items()))

    def by_layer(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for f in self.files:  # file by file, each in order of first appearance: the run's order of first appearance
            counts.update(f.by_layer())
        return dict(counts)

    def close(self) -> None:
        """Remove the temporary files of findings kept on disk."""
        for f in self.files:
            f.close()

    def to_data(self, findings: bool = True) -> dict[str, Any]:
        """The report as JSON data (see :mod:`sedata.validate.render.json`); ``findings`` as for FileReport."""
        return {
            "tool": {"name": "sedata", "version": self.tool_version},
            "specVersion": self.spec_version,
            "failOn": self.fail_on,
            "valid": self.valid,
            "summary": {
                "files": len(self.files),
                "records": sum(f.records for f in self.files),
                "findings": len(self.findings),
                "bySeverity": self.by_severity(),
                "byRule": self.by_rule(),
                "byLayer": self.by_layer(),
            },
            "files": [f.to_data(findings) for f in self.files],
            **({"applied": [t.to_data() for t in self.applied]} if self.applied else {}),
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Report:
        """Read a report back from :meth:`to_data` output (counts and verdicts are recomputed, not trusted)."""
        fail_on = severity(data["failOn"])
        return cls(
            files=[FileReport.from_data(f, fail_on) for f in data["files"]],
            spec_version=data["specVersion"],
            tool_version=data["tool"]["version"],
            fail_on=fail_on,
            applied=[t for t in map(Text.from_data, data.get("applied", [])) if t is not None],
        )
