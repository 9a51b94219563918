"""Spec versions side by side: each released bundle ships, a message is judged by the version it declares,
``sedata spec diff`` lists what changed and ``sedata spec migrate`` moves a message forward."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sedata import exchange as X
from sedata.cli.main import app
from sedata.spec import current
from sedata.spec.diff import diff
from sedata.spec.versions import released, spec_for, upgrade
from sedata.validate.engine import validate_file

CASES = Path(__file__).resolve().parents[1] / "spec" / "conformance" / "cases"
DECLARES_1_0_0 = CASES / "SE-BIZ-004-fires-declared-1.0.0-json.json"
"""An elevator inspected 2024-05-10, next 2026-05-10, in a message declaring spec 1.0.0."""
TODAY = dt.date(2030, 1, 1)
runner = CliRunner()


def test_every_released_version_ships_and_current_is_the_latest() -> None:
    assert released()[-2:] == ("1.0.0", "1.1.0")
    assert current().info.spec_version == "1.1.0" and spec_for("1.1.0") is current()
    old = spec_for("1.0.0")
    assert old is not None and old.info.spec_version == "1.0.0"
    assert spec_for("0.9.0") is None


def test_the_1_0_0_rules_keep_their_decisions_in_todays_meta_model() -> None:
    old = spec_for("1.0.0")
    assert old is not None
    elevator = [iv for iv in old.rule_parameters["SE-BIZ-004"].intervals if iv.codes == ["3000"]]
    assert [(iv.years, iv.valid_from, iv.valid_to) for iv in elevator] == [(1, None, None)]
    assert "定期检测" not in {e.code for cs in old.codesets["inspection-kind"].values() for e in cs.entries}
    assert old.rules["SE-BIZ-006"].applies_to == ["Accident"]
    bundle = json.loads((Path(__file__).resolve().parents[1] / "sedata/spec/bundle.json").read_text("utf-8"))
    assert upgrade(bundle) is bundle  # a current bundle is already in today's meta-model


def test_a_message_declaring_1_0_0_is_judged_by_1_0_0() -> None:
    report = validate_file(DECLARES_1_0_0, today=TODAY)
    assert [(f.rule, f.index) for f in report.findings] == [("SE-BIZ-004", 3)]
    assert report.header is not None and report.header["specVersion"] == "1.0.0"


def test_the_same_records_declaring_1_1_0_are_judged_by_1_1_0(tmp_path: Path) -> None:
    target = tmp_path / "m.json"
    runner.invoke(app, ["spec", "migrate", str(DECLARES_1_0_0), str(target)])
    report = validate_file(target, today=TODAY)
    assert report.findings == [] and report.header is not None and report.header["specVersion"] == "1.1.0"


def test_diff_shows_the_interval_change_in_text_json_and_markdown() -> None:
    text = runner.invoke(app, ["spec", "diff", "1.0.0", "1.1.0"])
    assert text.exit_code == 0
    assert "- SE-BIZ-004 .parameters.intervals[1.0.0 3000 定期检验]" in text.output
    assert "+ SE-BIZ-004 .parameters.intervals[TSG T7001-2023]" in text.output
    assert "+ inspection-kind [定期检测]" in text.output and "+ Inspection .fields[SE.EQP.0015]" in text.output
    data = json.loads(runner.invoke(app, ["spec", "diff", "1.0.0", "1.1.0", "--format", "json"]).output)
    added = {(c["area"], c["item"], c["path"]) for c in data["changes"] if c["kind"] == "added"}
    assert ("rule parameters", "SE-BIZ-004", ".parameters.intervals[TSG Q7015-2016 art. 5 (铁路起重机)]") in added
    assert ("code set entries", "inspection-kind", "[进口检验]") in added
    assert ("sources", "TSGZ6001-2013", "") in added
    md = runner.invoke(app, ["spec", "diff", "1.0.0", "1.1.0", "-f", "markdown"]).output
    assert md.startswith("# Spec 1.0.0 → 1.1.0") and "## rule parameters" in md


def test_a_version_against_itself_has_no_changes_and_unknown_versions_are_usage_errors() -> None:
    assert diff(current(), current()).changes == ()
    result = runner.invoke(app, ["spec", "diff", "1.0.0", "9.9.9"])
    assert result.exit_code == 2 and "9.9.9" in result.output and "unknown spec version" in result.output


def test_migrate_lists_what_needs_a_person_and_refuses_to_go_back(tmp_path: Path) -> None:
    target = tmp_path / "m.xml"
    result = runner.invoke(app, ["spec", "migrate", str(DECLARES_1_0_0), str(target), "--to", "1.1.0", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["from"], report["to"], report["records"]) == ("1.0.0", "1.1.0", 6)
    assert any(line.startswith("Inspection.commissioningDate") for line in report["forAPerson"])
    assert any(line.startswith("SE-BIZ-004") for line in report["forAPerson"])
    assert X.read(target).header.spec_version == "1.1.0"  # the format follows the source (JSON), not the name
    back = runner.invoke(app, ["spec", "migrate", str(target), str(tmp_path / "b.json"), "--to", "1.0.0"])
    assert back.exit_code == 2 and "earlier" in back.output
    unknown = runner.invoke(app, ["spec", "migrate", str(DECLARES_1_0_0), str(tmp_path / "c.json"), "--to", "2.0.0"])
    assert unknown.exit_code == 2 and "unknown spec version 2.0.0" in unknown.output


# --- per-version models (sedata.elements.v1_0_0), and the structure layer judging by them ----------------------


def test_each_released_version_has_its_models_and_the_current_one_an_alias() -> None:
    import sedata.elements as now
    from sedata.elements import model_of, models_of, v1_0_0, v1_1_0

    assert (v1_0_0.SPEC_VERSION, v1_1_0.SPEC_VERSION, now.SPEC_VERSION) == ("1.0.0", "1.1.0", "1.1.0")
    assert v1_1_0.Inspection is now.Inspection  # the alias is the current package, not a copy
    assert "commissioning_date" in now.Inspection.model_fields
    assert "commissioning_date" not in v1_0_0.Inspection.model_fields  # added in 1.1.0 (spec diff)
    assert model_of("1.0.0", "Inspection") is v1_0_0.Inspection and models_of("1.1.0") is v1_1_0
    for bad in ("9.9.9", "1.0", "../x"):
        with pytest.raises(LookupError):
            models_of(bad)


def test_the_1_0_0_models_judge_as_1_0_0_did() -> None:
    from pydantic import ValidationError

    from sedata.elements import Inspection
    from sedata.elements.v1_0_0 import Inspection as Inspection100

    case = json.loads((CASES / "SE-COD-001-quiet-declared-current-json.json").read_text(encoding="utf-8"))
    data = case["records"][3]["data"]
    assert data["inspectionKind"] == "进口检验"
    Inspection.model_validate(data)
    with pytest.raises(ValidationError) as caught:
        Inspection100.model_validate(data)
    assert [e["loc"] for e in caught.value.errors()] == [("inspectionKind",)]
    assert (
        Inspection100.model_validate({**data, "inspectionKind": "定期检验"}).to_data()["inspectionKind"] == "定期检验"
    )


@pytest.mark.parametrize("fmt", ["json", "jsonl", "xml"])
@pytest.mark.parametrize(("rule", "member"), [("SE-SCH-004", "commissioningDate"), ("SE-COD-001", "inspectionKind")])
def test_a_record_valid_in_1_1_0_only_gets_the_verdict_of_the_declared_version(
    fmt: str, rule: str, member: str
) -> None:
    fired, pointer = (rule, f"/records/3/data/{member}")
    if fmt == "xml" and rule == "SE-SCH-004":
        # An element 1.0.0 does not define breaks its XML grammar, as an undefined element does today.
        fired, pointer = "SE-SYN-003", "/records/3"
    old = validate_file(CASES / f"{fired}-fires-declared-1.0.0-{fmt}.{fmt}", today=TODAY)
    assert [(f.rule, f.index, f.pointer) for f in old.findings] == [(fired, 3, pointer)]
    if fired == "SE-SYN-003":
        assert f"<{member}>" in old.findings[0].message.en
    new = validate_file(CASES / f"{rule}-quiet-declared-current-{fmt}.{fmt}", today=TODAY)
    assert new.findings == [] and new.header is not None and new.header["specVersion"] == "1.1.0"
    assert old.header is not None and old.header["specVersion"] == "1.0.0"


def test_generated_models_of_a_released_version_say_so_on_their_first_line() -> None:
    from sedata.generate import build

    files = build(current())
    older = sorted(p for p in files if p.startswith("sedata/elements/v1_0_0/"))
    assert "sedata/elements/v1_0_0/inspection.py" in older and "sedata/elements/v1_0_0/domains.py" in older
    for path in older:
        first = files[path].split("\n", 1)[0]
        assert first.startswith("# Generated by `sedata spec build` from sedata/spec/bundles/1.0.0.json"), path
    assert "import sedata.elements as _current" in files["sedata/elements/v1_1_0/__init__.py"]
    assert not any(p.startswith("sedata/elements/v1_1_0/") and not p.endswith("__init__.py") for p in files)


@pytest.mark.parametrize("version", released())
def test_each_version_models_have_exactly_the_fields_of_that_version(version: str) -> None:
    from sedata.elements import models_of

    spec = spec_for(version)
    assert spec is not None
    models = models_of(version)
    assert models.SPEC_VERSION == version
    for entity in spec.entities.values():
        model = getattr(models, entity.id)
        assert set(model.model_fields) == {spec.field_key(f) for f in entity.fields}, (version, entity.id)
        aliases = {info.validation_alias for info in model.model_fields.values()}
        assert aliases == {spec.field_exchange_name(f) for f in entity.fields}, (version, entity.id)
