"""Code Climate issues (JSON array), the format of GitLab's Code Quality report (``codequality`` artifact).

Each finding is one issue: ``type`` ``issue``, ``check_name`` the rule id, ``description`` the message in
``--lang`` with where in the file it is, ``categories`` ``["Bug Risk"]``, ``severity`` from the rule's
(error → major, warning → minor, info → info), ``location.path`` the file as given (relative paths stay
relative to the project, as GitLab needs) and ``location.lines.begin`` (line 1 where the format has no line),
and a ``fingerprint`` that stays the same while the finding does: a hash of the rule, file, record key or
index, and pointer, never of the line, so an edit above a finding does not make GitLab see a new one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sedata.validate.render.common import json_array, location
from sedata.validate.report import Finding, Report

SEVERITY = {"error": "major", "warning": "minor", "info": "info"}


def issue_path(file: str) -> str:
    """A file as Code Climate wants it: relative to the working directory where it is inside it, else as given."""
    path = Path(file)
    if path.is_absolute():
        try:
            return path.relative_to(Path.cwd()).as_posix()
        except ValueError:
            return path.as_posix()
    return path.as_posix()


def _identity(f: Finding) -> str:
    where = f.key if f.key is not None else ("" if f.index is None else str(f.index))
    return "\x1f".join((f.rule, issue_path(f.file), f.record_type or "", where, f.pointer or ""))


def _issue(f: Finding, lang: str, fingerprint: str) -> dict[str, Any]:
    where = location(f, lang)
    return {
        "type": "issue",
        "check_name": f.rule,
        "description": f"{f.rule} {f.message.get(lang)}" + (f" ({where})" if where else ""),
        "categories": ["Bug Risk"],
        "severity": SEVERITY[f.severity],
        "fingerprint": fingerprint,
        "location": {"path": issue_path(f.file), "lines": {"begin": f.line if f.line and f.line > 0 else 1}},
    }


def _issues(report: Report, lang: str) -> Iterator[dict[str, Any]]:
    seen: dict[str, int] = {}
    for fr in report.files:
        for f in fr.findings:
            identity = _identity(f)
            # The same rule can fire twice at one place (two values of a list); the count keeps them apart.
            seen[identity] = seen.get(identity, 0) + 1
            digest = hashlib.sha256(f"{identity}\x1e{seen[identity]}".encode()).hexdigest()
            yield _issue(f, lang, digest)


def _text(issue: dict[str, Any]) -> str:
    return json.dumps(issue, ensure_ascii=False, indent=2)


def chunks(report: Report, lang: str = "zh") -> Iterator[str]:
    """The issue list in pieces, one issue made at a time (their concatenation is :func:`render`'s text)."""
    yield from json_array(_issues(report, lang), 0, text=_text)
    yield "\n"


def render(report: Report, lang: str = "zh") -> str:
    """The report's findings as a Code Climate issue list (JSON text)."""
    return "".join(chunks(report, lang))
