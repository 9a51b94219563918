"""Rules as typed data: a corrupted copy of spec/ fails to load (and `sedata spec build --check` fails) with the
file, the line and the YAML path of the mistake, instead of loading and failing later while validating."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sedata.cli.main import app
from sedata.spec import Spec, SpecError, load_spec

SPEC = Path(__file__).resolve().parents[1] / "spec"


def corrupt(tmp_path: Path, rel: str, old: str, new: str) -> tuple[Path, int]:
    """A copy of spec/ with the first ``old`` in ``rel`` replaced by ``new``; the 1-based line of the change."""
    root = tmp_path / "spec"
    shutil.copytree(SPEC, root, ignore=shutil.ignore_patterns("conformance"))
    path = root / rel
    text = path.read_text(encoding="utf-8")
    at = text.index(old)
    path.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
    return root, text[:at].count("\n") + 1


def problems(root: Path) -> list[str]:
    with pytest.raises(SpecError) as caught:
        load_spec(root)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("rel", "old", "new", "says"),
    [
        # Renaming a parameter: before 1.1.0 this loaded and failed later with a bare KeyError: 'grades'.
        ("rules/business.yaml", "grades: 特别重大事故", "gradez: 特别重大事故", "gradez: SE-BIZ-006: Extra inputs"),
        ("rules/business.yaml", "deaths: 30 10 3 1", "deaths: 30 ten 3 1", "thresholds.deaths[1]"),
        ("rules/business.yaml", "kind: 外部检验", "kind: 外部检查", "外部检查 is not an inspection-kind code"),
        ("rules/business.yaml", "years: 2\n", "years: two\n", "years: SE-BIZ-004: Input should be a valid integer"),
        ("rules/business.yaml", 'codes: "4450"', 'codes: "4451"', "4451 is not a catalogue code"),
        ("rules/business.yaml", "inspect_in_use_years: 1 4 7", "inspect_in_use_years: 4 1 7", "ascending"),
        ("rules/business.yaml", "messages: inspection-upload", "messages: inspection-uplaod", "not a message type"),
        # An unconfirmed version inside an error rule: CONFIRMED facts are errors, the others warnings.
        (
            "rules/business.yaml",
            "note: 铁路起重机",
            "status: PARTIAL\n          note: 铁路起重机",
            "PARTIAL in an error",
        ),
        # Severity follows the version's status: a status the rule does not state needs its severity, and an
        # unconfirmed version can never be an error.
        ("rules/business.yaml", "PARTIAL: warning}", "PARTIAL: error}", "PARTIAL cannot be an error"),
        # A rule scope naming an entity that does not exist, or one without the fields the rule reads.
        ("rules/business.yaml", "applies_to: [Accident]", "applies_to: [Acident]", "unknown entity 'Acident'"),
        ("rules/business.yaml", "applies_to: [Accident]", "applies_to: [Unit]", "Unit has no field accident_grade"),
        # Rules of the other layers: typed too (before, a misspelt name loaded and failed in the layer).
        ("rules/consistency.yaml", "registered_by:", "registred_by:", "registred_by: SE-CON-001: Extra inputs"),
        ("rules/consistency.yaml", "device: Equipment", "device: Equipmnt", "Equipmnt is not an entity"),
        ("rules/consistency.yaml", "SE.EQP.0016: 1 3 4 5 6 7 9", "SE.EQP.0016: 1 3 44", "44 is not a code of"),
        ("rules/consistency.yaml", "{SE.ISP.0002: 安装监督检验}", "{SE.ISP.0002: 安装检验}", "安装检验 is not a code"),
        ("rules/consistency.yaml", 'retired: {SE.EQP.0016: "4"', 'retired: {SE.EQP.9016: "4"', "SE.EQP.9016 is not"),
        ("rules/consistency.yaml", 'grace_days: "0"', 'grace_days: "-1"', "grace_days: SE-CON-004: Input should be"),
        ("rules/consistency.yaml", "next_inspection: SE.ISP.0007", "next_inspection: SE.ISP.7", "not a data element"),
        ("rules/consistency.yaml", "elements: SE.UNT.0101", "elements: SE.UNT.9101", "SE.UNT.9101 is not a data"),
        ("rules/sequence.yaml", "modes: changes", "modes: change", "change is not a message-mode code"),
        ("rules/trust.yaml", "algorithms: sm2", "algorithms: sm3", "sm3 is not a signature-algorithm code"),
        # A rule that reads no parameters refuses any (a parameter no check reads is a mistake).
        ("rules/syntax.yaml", "sources: [SEED-2017-44]\n", "parameters: {x: y}\n    sources: [SEED-2017-44]\n", ".x:"),
        # The envelope's elements are declared in spec.yaml, and checked there.
        ("spec.yaml", "record_count: SE.MSG.0009", "record_count: SE.MSG.0019", "SE.MSG.0019 is not a data element"),
        ("spec.yaml", "sender: SE.MSG.0004", "sender: SE.MSG.0012", "SE.MSG.0012 is not a field of MessageHeader"),
        ("spec.yaml", "header: MessageHeader", "header: Equipment", "Equipment is not a component entity"),
        # Reports mask personal values by a profile of privacy.yaml, one that needs no key.
        ("privacy.yaml", "report_profile: share", "report_profile: pseudonymise", "masks without a key"),
        ("privacy.yaml", "report_profile: share", "report_profile: shared", "shared is not a profile"),
        # An identifier name that sedata.codes does not register.
        ("value-domains.yaml", "identifier: org_code", "identifier: org_kode", "unknown identifier 'org_kode'"),
    ],
)
def test_a_corrupted_spec_names_file_line_and_what(tmp_path: Path, rel: str, old: str, new: str, says: str) -> None:
    root, line = corrupt(tmp_path, rel, old, new)
    found = [p for p in problems(root) if says in p]
    assert found, problems(root)
    assert found[0].startswith(f"spec/{rel}:{line}: "), found[0]


def test_spec_build_check_fails_on_a_misspelt_parameter(tmp_path: Path) -> None:
    root, line = corrupt(tmp_path, "rules/business.yaml", "grades: 特别重大事故", "gradez: 特别重大事故")
    result = CliRunner().invoke(app, ["spec", "build", "--check", "--spec", str(root)])
    assert result.exit_code == 1
    assert f"spec/rules/business.yaml:{line}: rules[5].parameters.gradings[0].gradez" in result.output


def test_a_business_rule_without_a_schema_is_refused(tmp_path: Path) -> None:
    rule = (
        "  - id: SE-BIZ-099\n    name: {zh: 试验, en: Trial}\n    severity: warning\n"
        '    message: {zh: 试验, en: Trial}\n    sources: [S20a]\n    parameters: {x: "1"}\n'
    )
    root, _ = corrupt(tmp_path, "rules/business.yaml", "  - id: SE-BIZ-010\n", rule + "\n  - id: SE-BIZ-010\n")
    assert any("SE-BIZ-099 has no declared parameter schema" in p for p in problems(root))


def test_the_shipped_spec_has_typed_parameters_for_every_business_rule() -> None:
    from sedata.spec import current
    from sedata.spec.rule_params import SCHEMAS, schema_of

    spec = current()
    business = [r for r in spec.rules if spec.rule_layers[r] == "business"]
    assert set(business) <= set(SCHEMAS)
    with_parameters = {r for r, rule in spec.rules.items() if rule.parameters}
    assert with_parameters <= set(SCHEMAS)
    for rule_id in spec.rules:
        assert isinstance(spec.rule_parameters[rule_id], schema_of(rule_id).parameters)  # type: ignore[union-attr]


def test_consistency_parameters_are_read_typed() -> None:
    from sedata.spec import current
    from sedata.validate.layers.consistency import params

    p = params(current())
    assert p.device == "Equipment"
    assert p.exempt_unregistered["SE.EQP.0017"] == {"0", "3"}
    assert p.retired == {"SE.EQP.0016": {"4"}, "SE.EQP.0017": {"3"}}
    assert p.grace_days == 0 and p.compared[0] == "SE.UNT.0101"


def test_a_1_0_0_bundle_reads_its_flat_consistency_parameters() -> None:
    from sedata.spec.versions import spec_for
    from sedata.validate.layers.consistency import params

    old = spec_for("1.0.0")
    assert old is not None
    assert dataclasses.replace(params(old), reuse=None) == dataclasses.replace(params(current_spec()), reuse=None)
    assert params(old).reuse is None  # SE-CON-007 (TSG 08-2026) is new in 1.1.0


def current_spec() -> Spec:
    from sedata.spec import current

    return current()


def test_a_version_whose_status_the_rule_does_not_grade_is_refused(tmp_path: Path) -> None:
    root, _ = corrupt(tmp_path, "rules/business.yaml", "{CONFIRMED: error, PARTIAL: warning}", "{PARTIAL: warning}")
    (found,) = [p for p in problems(root) if "severity_by_status" in p]
    assert "SE-BIZ-007.parameters.validities[0].status: status CONFIRMED differs from the rule's PARTIAL" in found


def test_the_envelope_elements_are_read_from_spec_yaml_only() -> None:
    from sedata.spec import envelope
    from sedata.spec.versions import spec_for

    declared = current_spec().info.envelope
    assert declared is not None
    # No element id is restated in Python: every module reads envelope_ids(spec) (spec.yaml's `envelope`).
    restated = {n: v for n, v in vars(envelope).items() if isinstance(v, str) and v.startswith("SE.")}
    assert restated == {}
    assert envelope.envelope_ids(current_spec()) is declared
    assert envelope.HEADER_ENTITY == declared.header  # still a constant for the readers outside the generators
    assert envelope.envelope_names(current_spec()).record_type == "recordType"
    old = spec_for("1.0.0")
    assert old is not None and old.info.envelope == declared
