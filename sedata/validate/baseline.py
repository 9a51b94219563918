"""Baselines: findings already known and accepted, so a gate adopted on legacy data fails only on new ones.

A finding is known by its rule, its file and, inside the file, the record's business key and the field (or,
for a record without a key, its type, field and shown value; for a finding about the whole file, its JSON
pointer). Record order, line numbers and record indexes are left out, so a file whose records are reordered
or to which records are added keeps its baseline. A baseline counts each kind of finding: two identical
findings in the baseline accept two, not more.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from sedata.validate.report import Finding, Report, Text, store_of

FORMAT = "sedata-baseline"
VERSION = 1
_RECORD_INDEX = re.compile(r"^/records/\d+")

Fingerprint = tuple[str, str, str | None, str | None, str | None, str | None]
"""rule, file, record type, business key, field, value (only when there is no business key)."""


BASELINE_LIMIT = 256 << 20
"""Bytes a baseline file may have (about a million accepted findings)."""


class BaselineError(ValueError):
    """A baseline file that cannot be read or written; bilingual."""

    def __init__(self, zh: str, en: str):
        self.zh, self.en = zh, en
        super().__init__(f"{zh} / {en}")


def _file(name: str) -> str:
    return PurePath(name).as_posix()


def fingerprint(f: Finding) -> Fingerprint:
    """What identifies ``f`` across runs, whatever the order of the records."""
    where = f.element.field if f.element is not None else None
    if where is None and f.pointer is not None:
        where = _RECORD_INDEX.sub("/records/*", f.pointer)
    keyed = f.key is not None
    return (f.rule, _file(f.file), f.record_type, f.key, where, None if keyed or f.index is None else f.value)


_FIELDS = ("rule", "file", "recordType", "key", "field", "value")


@dataclass
class Baseline:
    """Accepted findings, counted by fingerprint; ``source`` names the file they were read from."""

    counts: Counter[Fingerprint] = field(default_factory=Counter)
    source: str | None = None

    @classmethod
    def of(cls, report: Report) -> Baseline:
        """Every finding of ``report`` (what ``--write-baseline`` writes)."""
        return cls(Counter(fingerprint(f) for f in report.findings))

    def to_json(self) -> str:
        """The baseline file: entries sorted, so the same findings write the same bytes."""
        entries = [
            {**dict(zip(_FIELDS, fp, strict=True)), "count": n}
            for fp, n in sorted(self.counts.items(), key=lambda item: tuple(str(x) for x in item[0]))
        ]
        return json.dumps({"format": FORMAT, "version": VERSION, "findings": entries}, ensure_ascii=False, indent=1)

    def write(self, path: Path) -> None:
        """Write the baseline file."""
        try:
            path.write_text(self.to_json() + "\n", encoding="utf-8")
        except OSError as exc:
            raise BaselineError(
                f"无法写入基线 {path}：{exc.strerror}",
                f"cannot write the baseline {path}: {exc.strerror}",
            ) from None

    @classmethod
    def read(cls, path: Path) -> Baseline:
        """Read a baseline file written by :meth:`write`."""
        from sedata.io import InputError
        from sedata.io.limits import read_limited

        try:  # bounded: a baseline is a user-given file, and /dev/zero must not fill memory
            data: Any = json.loads(read_limited(path, BASELINE_LIMIT).decode("utf-8"))
        except InputError as exc:
            raise BaselineError(
                f"无法读取基线 {path}：{exc.zh}", f"cannot read the baseline {path}: {exc.en}"
            ) from None
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise BaselineError(
                f"基线 {path} 不是有效的 JSON：{exc}",
                f"the baseline {path} is not valid JSON: {exc}",
            ) from None
        if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("findings"), list):
            raise BaselineError(
                f"{path} 不是 sedata 基线文件（应由 --write-baseline 写出）",
                f"{path} is not a sedata baseline (write one with --write-baseline)",
            )
        counts: Counter[Fingerprint] = Counter()
        for i, entry in enumerate(data["findings"]):
            try:
                fp = tuple(entry[k] for k in _FIELDS)
                counts[fp] += int(entry.get("count", 1))
            except (KeyError, TypeError, ValueError):
                raise BaselineError(
                    f"基线 {path} 第 {i} 项无效",
                    f"the baseline {path} has an invalid entry {i}",
                ) from None
        return cls(counts, str(path))

    def apply(self, report: Report) -> int:
        """Remove the accepted findings from ``report`` (each entry accepts as many as it counts); say so."""
        left = Counter(self.counts)
        accepted = 0
        for fr in report.files:
            kept = store_of(fr.findings).spawn()  # a store like the one filtered: spills, never one long list
            for f in fr.findings:
                fp = fingerprint(f)
                if left[fp] > 0:
                    left[fp] -= 1
                    accepted += 1
                else:
                    kept.append(f)
            fr.findings = kept  # type: ignore[assignment]  # a store, as FileReport.findings is
        report.applied.append(
            Text(
                f"基线 {self.source}：已接受 {accepted} 条已知发现",
                f"baseline {self.source}: {accepted} known finding(s) accepted",
            )
        )
        return accepted
