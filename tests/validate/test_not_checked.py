"""Rules that are not checked (manual, or of a layer not implemented yet) are reported so, never as passed."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from lxml import etree

from sedata.validate import validate_file, validate_files
from sedata.validate.render import junit, render, sarif

from .conftest import SPEC, sample, write_sample


def test_manual_rules_and_layers_not_switched_on_are_not_checked(tmp_path: Path) -> None:
    manual = SPEC.rules["SE-SCH-007"].model_copy(update={"check": "manual"})
    spec = dataclasses.replace(SPEC, rules={**SPEC.rules, manual.id: manual})
    records = sample("inspection-upload", 10, 11, 0.0)[0]
    path = write_sample(tmp_path / "m.jsonl", "inspection-upload", "jsonl", records)
    report = validate_files([path], spec=spec)  # no ledger, no trusted certificates
    (fr,) = report.files

    def of(layer: str) -> set[str]:
        return {r for r in spec.rules if spec.rule_layers[r] == layer}

    off = of("sequence") | of("trust") | of("consistency")
    assert off and set(fr.not_checked) == {"SE-SCH-007"} | off
    assert "人工" in fr.not_checked["SE-SCH-007"].zh
    assert all("--ledger" in fr.not_checked[r].en for r in of("sequence"))
    assert all("--trust" in fr.not_checked[r].en for r in of("trust"))
    automatic = {r for r in of("consistency") if spec.rules[r].check == "automatic"}
    assert automatic and all("sedata reconcile" in fr.not_checked[r].en for r in automatic)
    assert all("人工" in fr.not_checked[r].zh for r in of("consistency") - automatic)  # SE-CON-006
    assert of("cross-record") and not of("cross-record") & set(fr.not_checked)  # a run checks across its files
    assert report.valid  # not checked does not fail the file ...

    data = json.loads(render(report, "json"))
    assert {item["rule"] for item in data["files"][0]["notChecked"]} == set(fr.not_checked)

    # ... and it is skipped in JUnit, not passed.
    root = etree.fromstring(junit.render(report, spec=spec).encode("utf-8"))
    cases = {c.get("name").split()[0]: c for c in root.iter("testcase")}
    assert all(cases[r].find("skipped") is not None for r in fr.not_checked)
    assert cases["SE-SCH-001"].find("skipped") is None and cases["SE-SCH-001"].find("failure") is None
    # junit-10.xsd allows the skipped count on a suite, not on <testsuites>.
    assert root.find("testsuite").get("skipped") == str(len(fr.not_checked)) and root.get("skipped") is None

    log = json.loads(sarif.render(report, spec=spec))
    assert log["runs"][0]["properties"]["notChecked"] == {str(path): sorted(fr.not_checked)}


def test_one_file_alone_does_not_claim_the_run_wide_checks(tmp_path: Path) -> None:
    records = sample("inspection-upload", 10, 11, 0.0)[0]
    fr = validate_file(write_sample(tmp_path / "m.jsonl", "inspection-upload", "jsonl", records))
    assert {"SE-XRF-001", "SE-XRF-002"} <= set(fr.not_checked)
    assert "validate_files" in fr.not_checked["SE-XRF-001"].en
