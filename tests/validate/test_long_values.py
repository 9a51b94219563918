"""A hostile file can put megabytes into any value, member name or key: a report shows them cut short."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sedata.validate import validate_files
from sedata.validate.render import render

from .conftest import envelope, write_jsonl

LONG = 200_000


def _alter(env: dict, how: str) -> dict:
    data = env["data"]
    if how == "value":
        data[next(k for k, v in data.items() if isinstance(v, str))] = "梯" * LONG
    elif how == "member":
        data["x" * LONG] = "1"
    elif how == "record-type":
        env["recordType"] = "Y" * LONG
    return env


@pytest.mark.parametrize("how", ["value", "member", "record-type"])
def test_a_huge_value_is_shown_cut_in_every_report(how: str, clean_records, tmp_path: Path) -> None:
    envs = [envelope(r) for r in clean_records[:3]]
    envs[1] = _alter(envs[1], how)
    path = write_jsonl(tmp_path / "m.jsonl", envs)
    report = validate_files([path], today=None)
    found = [f for r in report.files for f in r.findings]
    assert found, "the altered record must have a finding"
    for finding in found:
        for text in (finding.message.zh, finding.message.en, finding.key or "", finding.pointer or ""):
            assert len(text) < 2_000, (finding.rule, len(text))
    run = {"value": "梯" * 1_000, "member": "x" * 1_000, "record-type": "Y" * 1_000}[how]
    for fmt in ("text", "json", "sarif", "junit"):
        for lang in ("zh", "en"):
            out = render(report, fmt, lang)
            assert run not in out, (fmt, lang)  # cut to a few hundred characters at most
    assert json.loads(render(report, "json", "en"))
