"""What a report says about the layers that did not run (layers/registry.py), word for word in both languages,
and how the record layers pass a record on (bench/mutate.py on sedata/validate/layers/registry.py asked)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from sedata.validate.engine import Signatures, validate_file
from sedata.validate.layers import registry
from sedata.validate.report import Text

EXAMPLE = Path(__file__).parents[2] / "examples" / "messages" / "inspection-upload.json"


def test_each_layer_that_did_not_run_says_why_in_both_languages() -> None:
    assert registry.off_reasons() == {
        "cross-record": Text(
            "跨文件检查仅在一次运行（validate_files / sedata validate）中进行",
            "checked across the files of a run (validate_files, sedata validate), not file by file",
        ),
        "trust": Text("未指定 --trust，未检查签名", "no --trust certificates given; signatures were not checked"),
        "sequence": Text(
            "未指定 --ledger，未检查通道序号", "no --ledger given; the channel's sequence was not checked"
        ),
        "consistency": Text(
            "监管与检验数据的一致性由 sedata reconcile 检查",
            "supervision-inspection consistency is checked by sedata reconcile",
        ),
    }


def test_a_file_validated_alone_carries_those_reasons() -> None:
    fr = validate_file(EXAMPLE, today=dt.date(2026, 12, 6))  # one file alone: no run, ledger, trust
    assert fr.not_checked["SE-SIG-001"].en == "no --trust certificates given; signatures were not checked"
    assert fr.not_checked["SE-CON-001"].zh == "监管与检验数据的一致性由 sedata reconcile 检查"
    assert fr.not_checked["SE-XRF-001"].en.startswith("checked across the files of a run")


def test_the_layers_of_each_scope_and_what_the_file_layers_may_raise() -> None:
    from sedata.ledger import LedgerError

    assert registry.of_scope("record") == ("schema", "codes", "business")
    assert registry.of_scope("file") == ("syntax", "trust", "sequence")
    assert registry.of_scope("run") == ("cross-record", "consistency")
    assert registry.raises() == (LedgerError,)  # trust raises nothing of its own: its certificates load first
    assert registry.TRUST.raises == () and registry.SEQUENCE.raises == (LedgerError,)


CASES = Path(__file__).parents[2] / "spec" / "conformance"


@pytest.mark.parametrize("rule", ["SE-SCH-002", "SE-COD-002", "SE-COD-003", "SE-BIZ-001", "SE-SIG-001"])
def test_each_layer_of_the_registry_makes_its_findings(rule: str) -> None:
    # One conformance case per layer (schema, codes, business; trust as a file layer), run by the engine through
    # the registry.
    (case,) = [
        c
        for c in yaml.safe_load((CASES / "cases.yaml").read_text("utf-8"))["cases"]
        if c["id"] == f"{rule}-fires-jsonl"
    ]
    trust = case.get("trust")
    signatures = Signatures(tuple(str(CASES / t) for t in trust), case["require_signature"]) if trust else None
    report = validate_file(CASES / case["file"], today=dt.date.fromisoformat(case["today"]), signatures=signatures)
    assert [(f.rule, f.index, f.pointer) for f in report.findings] == [
        (f["rule"], f["index"], f["pointer"]) for f in case["findings"]
    ]
