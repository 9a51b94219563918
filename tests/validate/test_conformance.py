"""The conformance suite (spec/conformance) passes, covers every rule both ways, and is what build.py writes."""

from __future__ import annotations

import dataclasses
import importlib.util
import shutil
import sys
from collections import defaultdict
from pathlib import Path
from types import ModuleType

import yaml
from typer.testing import CliRunner

from sedata.cli.main import app
from sedata.conformance import Result, automatic_rules, load, run
from sedata.spec import current

from .conftest import CONFORMANCE_SUITE as SUITE


def _build_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("conformance_build", SUITE / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_the_suite_passes(suite_through_both_engines: Result) -> None:
    result = suite_through_both_engines
    assert result.failed == 0, [(o.case.id, o.problems) for o in result.outcomes if not o.passed]
    assert result.passed == len(load(SUITE))
    # Only the rules people check are left out (SE-CON-006: a 移装 the data cannot show).
    manual = sorted(r.id for r in current().rules.values() if r.check == "manual")
    assert result.not_checked == manual


def test_every_automatic_rule_has_a_positive_and_a_negative_case() -> None:
    kinds: dict[str, set[str]] = defaultdict(set)
    for case in load(SUITE):
        kinds[case.rule].add(case.kind)
        if case.kind == "positive":
            assert case.rule in {r for r, _, _ in case.findings}, case.id
        else:
            assert case.rule in case.absent, case.id
    for rule in automatic_rules():
        assert kinds[rule] == {"positive", "negative"}, f"{rule} lacks a case: has {sorted(kinds[rule])}"


def test_the_committed_files_are_what_build_py_writes() -> None:
    files = _build_module().render()
    committed = {p.relative_to(SUITE).as_posix() for p in (SUITE / "cases").iterdir()} | {"cases.yaml"}
    assert committed == set(files)
    for rel, body in files.items():
        assert (SUITE / rel).read_bytes() == body, rel


def test_a_wrong_expectation_is_reported_as_a_failure(tmp_path: Path) -> None:
    suite = tmp_path / "suite"
    shutil.copytree(SUITE, suite, ignore=shutil.ignore_patterns("build.py", "__pycache__"))
    listing = yaml.safe_load((suite / "cases.yaml").read_text("utf-8"))
    bad = next(c for c in listing["cases"] if c["id"] == "SE-SCH-002-fires-xml")
    bad["findings"][0]["pointer"] = "/records/1/data/manufactureDate"
    quiet = next(c for c in listing["cases"] if c["id"] == "SE-BIZ-003-quiet-json")
    quiet["absent"].append("SE-BIZ-009")
    quiet["file"] = "cases/SE-BIZ-009-fires-json.json"
    # The two altered cases among a few untouched ones: enough to show each outcome counted on its own.
    keep = {"SE-SCH-002-fires-xml", "SE-BIZ-003-quiet-json"}
    listing["cases"] = [c for c in listing["cases"] if c["id"] in keep] + [
        c for c in listing["cases"] if c["id"] not in keep
    ][:4]
    (suite / "cases.yaml").write_text(yaml.safe_dump(listing, allow_unicode=True), "utf-8")
    result = run(suite)
    failed = {o.case.id for o in result.outcomes if not o.passed}
    assert failed == {"SE-SCH-002-fires-xml", "SE-BIZ-003-quiet-json"}
    out = CliRunner().invoke(app, ["conformance", "run", "--suite", str(suite)])
    assert out.exit_code == 1
    lines = out.output.strip().splitlines()
    assert lines[-1] == f"{len(listing['cases']) - 2} passed, 2 failed"
    assert sum(line.startswith("FAIL ") for line in lines) == 2


def test_the_cli_runs_the_default_suite() -> None:
    # One engine: the suite through both is test_the_suite_passes's run (and .ci/run's `sedata conformance run`);
    # this is about the command finding the default suite and closing with its count.
    out = CliRunner().invoke(app, ["conformance", "run", "--engine", "row"])
    assert out.exit_code == 0, out.output
    assert out.output.strip().splitlines()[-1] == f"{len(load(SUITE))} passed, 0 failed"


def test_a_rule_not_checked_automatically_is_not_counted_as_passed(tmp_path: Path) -> None:
    from sedata.spec import current

    spec = current()
    rule = spec.rules["SE-BIZ-010"]
    manual = dataclasses.replace(spec, rules={**spec.rules, rule.id: rule.model_copy(update={"check": "manual"})})
    result = run(SUITE, spec=manual, engine="row")  # which cases are set aside does not depend on the engine
    assert "SE-BIZ-010" in result.not_checked
    assert not any(o.case.rule == "SE-BIZ-010" for o in result.outcomes)
