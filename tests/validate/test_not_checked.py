"""Rules that are not checked (manual, or of a layer not implemented yet) are reported so, never as passed."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from lxml import etree

from sedata.spec.model import Rule
from sedata.validate import validate_files
from sedata.validate.render import junit, render, sarif

from .conftest import SPEC, sample, write_sample


def test_manual_and_later_layer_rules_are_not_checked(tmp_path: Path) -> None:
    manual = SPEC.rules["SE-SCH-007"].model_copy(update={"check": "manual"})
    later = Rule.model_validate(
        {
            "id": "SE-XRF-001",
            "name": {"zh": "下次检验日期晚于检验日期", "en": "Next inspection after the inspection"},
            "severity": "error",
            "message": {"zh": "“{name}”早于检验日期", "en": "“{name}” is before the inspection date"},
            "sources": ["TSG08-2017"],
        }
    )
    spec = dataclasses.replace(
        SPEC,
        rules={**SPEC.rules, manual.id: manual, later.id: later},
        rule_layers={**SPEC.rule_layers, later.id: "cross-record"},
    )
    records = sample("inspection-upload", 10, 11, 0.0)[0]
    path = write_sample(tmp_path / "m.jsonl", "inspection-upload", "jsonl", records)
    report = validate_files([path], spec=spec)
    (fr,) = report.files
    assert set(fr.not_checked) == {"SE-SCH-007", "SE-XRF-001"}
    assert "人工" in fr.not_checked["SE-SCH-007"].zh
    assert "not check this layer" in fr.not_checked["SE-XRF-001"].en
    assert report.valid  # not checked does not fail the file ...

    data = json.loads(render(report, "json"))
    assert {item["rule"] for item in data["files"][0]["notChecked"]} == {"SE-SCH-007", "SE-XRF-001"}

    # ... and it is skipped in JUnit, not passed.
    root = etree.fromstring(junit.render(report, spec=spec).encode("utf-8"))
    cases = {c.get("name").split()[0]: c for c in root.iter("testcase")}
    assert cases["SE-XRF-001"].find("skipped") is not None
    assert cases["SE-SCH-007"].find("skipped") is not None
    assert cases["SE-SCH-001"].find("skipped") is None and cases["SE-SCH-001"].find("failure") is None
    assert root.get("skipped") == "2"

    log = json.loads(sarif.render(report, spec=spec))
    assert log["runs"][0]["properties"]["notChecked"] == {str(path): ["SE-SCH-007", "SE-XRF-001"]}
