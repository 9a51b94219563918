"""The layers are listed once (sedata.validate.layers.registry), and that list is the spec's rule layers."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import get_args

import pytest

import sedata.validate
from sedata.conformance import SUITE_LAYERS
from sedata.quality.definitions import CONSISTENCY_LAYERS, Parameters
from sedata.spec import Spec, current
from sedata.spec.model import Layer as SpecLayer
from sedata.spec.versions import spec_for
from sedata.validate import validate_files
from sedata.validate.engine import OPTIONAL_LAYERS, active_layers
from sedata.validate.layers import registry
from sedata.validate.layers.base import FileLayer, Given, RecordLayer, RunLayer
from sedata.validate.layers.consistency import Reconciler
from sedata.validate.layers.crossfile import CrossRecord

PACKAGE = Path(sedata.validate.__file__).parents[1]
EXAMPLE = Path(__file__).parents[2] / "examples" / "messages" / "inspection-upload.json"


def _mismatch(spec: Spec) -> tuple[set[str], set[str]]:
    """Layers the spec's rules use that the registry does not list, and listed layers no rule of the spec uses."""
    used, listed = set(spec.rule_layers.values()), set(registry.names())
    return used - listed, listed - used


@pytest.mark.parametrize("version", [current().info.spec_version, *current().info.previous_versions])
def test_the_registry_lists_the_layers_of_the_spec_rules(version: str) -> None:
    spec = spec_for(version)
    assert spec is not None
    assert _mismatch(spec) == (set(), set())


def test_a_layer_in_the_spec_but_not_in_the_code_is_told() -> None:
    spec = current()
    added = dataclasses.replace(spec, rule_layers={**spec.rule_layers, "SE-PRV-001": "provenance"})
    assert _mismatch(added) == ({"provenance"}, set())
    without_trust = {r: layer for r, layer in spec.rule_layers.items() if layer != "trust"}
    assert _mismatch(dataclasses.replace(spec, rule_layers=without_trust)) == (set(), {"trust"})


def test_each_layer_is_listed_once_and_the_spec_model_allows_exactly_those() -> None:
    names = registry.names()
    assert len(names) == len(set(names)) == 8
    assert set(names) == set(get_args(SpecLayer))


def test_scopes_and_order() -> None:
    assert [x.name for x in registry.RECORD_LAYERS] == ["schema", "codes", "business"]
    assert [x.name for x in registry.FILE_LAYERS] == ["trust", "sequence"]  # sequence reads trust's findings
    assert registry.of_scope("run") == ("cross-record", "consistency")
    for layer in registry.LAYERS:
        called = {
            "record": isinstance(layer, RecordLayer),
            "file": isinstance(layer, FileLayer),
            "run": isinstance(layer, RunLayer),
        }
        assert called[layer.scope] or layer is registry.SYNTAX, layer.name  # the reader makes syntax findings
        assert sum(called.values()) <= 1, layer.name


def test_what_switches_each_layer_on_and_why_it_did_not_run() -> None:
    always = ("syntax", "schema", "codes", "business")
    assert sedata.validate.LAYERS == always  # public, kept as it was
    assert registry.active() == always
    assert active_layers(run=True) == (*always, "cross-record")
    assert active_layers(ledger=True, signatures=True) == (*always, "trust", "sequence")
    assert registry.active(Given(reconcile=True).switches()) == (*always, "consistency")
    for layer in registry.LAYERS:
        if layer.switch == "always":
            assert layer.off is None, layer.name
        else:
            assert layer.off is not None and layer.off.zh and layer.off.en, layer.name
    assert set(OPTIONAL_LAYERS) == {"cross-record", "trust", "sequence", "consistency"}
    assert OPTIONAL_LAYERS["sequence"].en == "no --ledger given; the channel's sequence was not checked"


def test_a_layer_switched_off_leaves_its_rules_not_checked_with_its_reason() -> None:
    report = validate_files([EXAMPLE], today=dt.date(2026, 12, 6))
    spec = current()
    fr = report.files[0]
    for rule, layer in spec.rule_layers.items():
        if layer in ("trust", "sequence", "consistency") and spec.rules[rule].check == "automatic":
            assert fr.not_checked[rule] == OPTIONAL_LAYERS[layer], rule
        if layer == "cross-record" and spec.rules[rule].check == "automatic":
            assert rule not in fr.not_checked, rule  # a run switches it on


def test_run_layers_start_a_fresh_index_each_run() -> None:
    spec, today = current(), dt.date(2026, 12, 6)
    index = registry.CROSS_RECORD.start(spec, today)
    assert isinstance(index, CrossRecord) and index.finish() == {}
    assert registry.CROSS_RECORD.start(spec, today) is not index
    reconciler = registry.CONSISTENCY.start(spec, today)
    assert isinstance(reconciler, Reconciler) and reconciler.today == today and reconciler.finish() == {}


def test_the_suite_and_the_scorecard_read_the_registry() -> None:
    assert SUITE_LAYERS == registry.names()
    assert CONSISTENCY_LAYERS == ("cross-record", "consistency")
    assert Parameters().to_data()["consistencyLayers"] == ["cross-record", "consistency"]


def _imports(path: Path) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


def test_trust_and_validate_do_not_import_each_other() -> None:
    """sedata.trust never imports the validator; the validator imports sedata.trust only from its trust layer."""
    trust = [p.name for p in (PACKAGE / "trust").glob("*.py") if any("sedata.validate" in m for m in _imports(p))]
    assert trust == []
    importers = sorted(
        str(p.relative_to(PACKAGE))
        for p in (PACKAGE / "validate").rglob("*.py")
        if any(m == "sedata.trust" or m.startswith("sedata.trust.") for m in _imports(p))
    )
    assert importers == ["validate/layers/trust.py"]


def test_validating_without_trust_or_ledger_loads_neither() -> None:
    """The trust and sequence layers load sedata.trust and sedata.ledger only when a caller switches them on."""
    code = (
        "import sys, sedata.validate, sedata.validate.layers.registry\n"
        "print(sorted(m for m in sys.modules if m.startswith(('sedata.trust', 'sedata.ledger'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


class _Ledger:
    """Stands in for a channel ledger: fails as ``error`` says when the sequence layer judges a package."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def record(self, *_args: object) -> list[object]:
        raise self.error

    reject = record


def test_an_unusable_ledger_ends_the_run_and_another_error_only_the_file() -> None:
    """A file layer's own input errors (LedgerError) reach the caller; anything else is that file's SE-SYN-001."""
    from sedata.ledger import LedgerError
    from sedata.validate.engine import validate_file

    unusable = LedgerError("unusable", "账本无法写入", "the ledger cannot be written")
    with pytest.raises(LedgerError):
        validate_file(EXAMPLE, today=dt.date(2026, 12, 6), ledger=_Ledger(unusable))  # type: ignore[arg-type]
    report = validate_file(EXAMPLE, today=dt.date(2026, 12, 6), ledger=_Ledger(KeyError("x")))  # type: ignore[arg-type]
    assert [f.rule for f in report.findings] == ["SE-SYN-001"] and report.stopped == "unreadable"
    assert "KeyError" in report.findings[0].message.en
