"""Rules as typed data: a corrupted copy of spec/ fails to load (and `sedata spec build --check` fails) with the
file, the line and the YAML path of the mistake, instead of loading and failing later while validating."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sedata.cli.main import app
from sedata.spec import SpecError, load_spec

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
        # A rule scope naming an entity that does not exist, or one without the fields the rule reads.
        ("rules/business.yaml", "applies_to: [Accident]", "applies_to: [Acident]", "unknown entity 'Acident'"),
        ("rules/business.yaml", "applies_to: [Accident]", "applies_to: [Unit]", "Unit has no field accident_grade"),
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
    from sedata.spec.rule_params import SCHEMAS

    spec = current()
    business = [r for r in spec.rules if spec.rule_layers[r] == "business"]
    assert sorted(business) == sorted(SCHEMAS)
    for rule_id in business:
        assert isinstance(spec.rule_parameters[rule_id], SCHEMAS[rule_id].parameters)
