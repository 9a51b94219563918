"""``sedata spec show``, ``sedata schema export`` and ``sedata spec build [--check]``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from lxml import etree
from rich.console import Console
from typer.testing import CliRunner

from sedata.cli import spec_cmd
from sedata.cli.main import app
from sedata.spec import current

REPO = Path(__file__).resolve().parents[1]
GENERATED = (
    "sedata/elements/domains.py",
    "sedata/schemas/sedata.schema.json",
    "sedata/schemas/sedata.xsd",
    # the phone type is personal data: each masking profile's XSD has it too
    *(f"sedata/schemas/sedata-masked-{p.id}.xsd" for p in (current().privacy.profiles if current().privacy else [])),
    "sedata/spec/bundle.json",
)
# The phone value domain's pattern as written in spec/value-domains.yaml, and a changed one.
OLD_PHONE = 'pattern: "[0-9+][0-9 \\\\-]{4,29}"'
NEW_PHONE_PATTERN = "[0-9+][0-9 -]{4,24}"

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """Print tables 200 columns wide, as on a wide terminal (piped output defaults to 80)."""
    monkeypatch.setattr(spec_cmd, "console", Console(width=200, highlight=False))


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of the repository layout build --check compares against: spec/ and sedata/."""
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(REPO / "spec", tmp_path / "spec", ignore=ignore)
    shutil.copytree(REPO / "sedata", tmp_path / "sedata", ignore=ignore)
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


# --- spec show --------------------------------------------------------------------------------------


def test_show_element_by_id(wide: None) -> None:
    result = invoke("spec", "show", "SE.EQP.0001")
    assert result.exit_code == 0, result.output
    assert "设备代码" in result.output
    assert "Equipment code" in result.output
    assert "equipment-code" in result.output  # its value domain
    assert "an18" in result.output


def test_show_element_by_key_is_the_same_as_by_id(wide: None) -> None:
    by_key = invoke("spec", "show", "equipment_code")
    assert by_key.exit_code == 0, by_key.output
    assert by_key.output.startswith("SE.EQP.0001 设备代码 / Equipment code")
    assert by_key.output == invoke("spec", "show", "SE.EQP.0001").output


def test_show_code_set_latest_version(wide: None) -> None:
    result = invoke("spec", "show", "equipment-catalogue")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("equipment-catalogue@2014 ")
    assert "锅炉" in result.output
    assert "1000" in result.output
    assert "承压蒸汽锅炉" in result.output


def test_show_code_set_at_version(wide: None) -> None:
    result = invoke("spec", "show", "operator-item@2011")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("operator-item@2011 ")
    assert "二级锅炉司炉" in result.output


def test_show_unknown_code_set_version_is_a_usage_error() -> None:
    result = invoke("spec", "show", "operator-item@1999")
    assert result.exit_code == 2
    assert "operator-item@1999" in result.output


def test_show_entity(wide: None) -> None:
    result = invoke("spec", "show", "Equipment")
    assert result.exit_code == 0, result.output
    assert "Equipment 特种设备 / Special equipment" in result.output
    assert "equipmentCode" in result.output
    assert "relatedUnits" in result.output  # the nested component field
    assert "RelatedUnit" in result.output


def test_show_entity_as_json() -> None:
    result = invoke("spec", "show", "--json", "UseRegistration")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["kind"] == "entity / 实体"
    assert data["title"].startswith("UseRegistration ")
    assert len(data["rows"]) == len(current().entities["UseRegistration"].fields)
    by_name = {row[0]: row for row in data["rows"]}
    assert by_name["equipmentCode"][1:6] == ["设备代码", "Equipment code", "SE.EQP.0001", "M", "1..1"]
    assert by_name["equipmentVariety"][4] == "C"
    assert by_name["equipmentVariety"][6]  # a conditional field shows its condition


def test_show_unknown_name_is_bilingual_and_has_no_traceback() -> None:
    result = invoke("spec", "show", "nonesuch")
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    assert "规范中没有 'nonesuch'" in result.output
    assert "nothing in the spec is called 'nonesuch'" in result.output
    assert "Traceback" not in result.output


def test_show_code_set_names_survive_an_80_column_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a narrow terminal names are folded onto several lines, never cut off with an ellipsis."""
    monkeypatch.setattr(spec_cmd, "console", Console(width=80, highlight=False))
    result = invoke("spec", "show", "operator-item@2011")
    assert result.exit_code == 0, result.output
    assert "…" not in result.output
    assert "二级" in result.output


def test_show_piped_output_keeps_each_name_on_one_line() -> None:
    """Piped output (grep, scripts) is not folded at 80 columns."""
    result = invoke("spec", "show", "operator-item@2011")
    assert result.exit_code == 0, result.output
    assert any("G2" in line and "二级锅炉司炉" in line for line in result.output.splitlines())


# --- schema export ----------------------------------------------------------------------------------


def test_export_xsd_loads_in_lxml(tmp_path: Path) -> None:
    out = tmp_path / "out" / "xsd"  # created if missing
    result = invoke("schema", "export", "--format", "xsd", "--out", str(out))
    assert result.exit_code == 0, result.output
    masked = {f"sedata-masked-{p.id}.xsd" for p in current().privacy.profiles} if current().privacy else set()
    assert {p.name for p in out.iterdir()} == {"sedata.xsd", *masked}
    doc = etree.parse(str(out / "sedata.xsd"))
    etree.XMLSchema(doc)  # raises XMLSchemaParseError if the schema is not valid
    assert doc.getroot().get("targetNamespace") == current().info.namespace
    assert (out / "sedata.xsd").read_text(encoding="utf-8") == (REPO / "sedata/schemas/sedata.xsd").read_text(
        encoding="utf-8"
    )


def test_export_jsonschema_bundle_and_one_file_per_entity(tmp_path: Path) -> None:
    result = invoke("schema", "export", "--format", "jsonschema", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    entities = set(current().entities)
    messages = {m.title().replace("-", "") for m in current().messages}
    masked = [f"RecordMasked{p.id.title()}" for p in current().privacy.profiles] if current().privacy else []
    parts = ("", "HeaderLine", "Record", *masked)
    per_message = {f"{m}{part}.schema.json" for m in messages for part in parts}
    expected = {"sedata.schema.json"} | {f"{e}.schema.json" for e in entities} | per_message
    assert {p.name for p in tmp_path.iterdir()} == expected
    bundle = json.loads((tmp_path / "sedata.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(bundle)
    for name in sorted(entities):
        schema = json.loads((tmp_path / f"{name}.schema.json").read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        # each file stands alone: its $refs resolve, and an empty record misses the mandatory fields
        errors = list(jsonschema.Draft202012Validator(schema).iter_errors({}))
        assert errors, name
        assert all(e.validator == "required" for e in errors), name


# --- spec build [--check] ---------------------------------------------------------------------------


def test_build_check_detects_drift_and_build_repairs_it(checkout: Path) -> None:
    spec = str(checkout / "spec")
    clean = invoke("spec", "build", "--check", "--spec", spec)
    assert clean.exit_code == 0, clean.output
    assert "generated files match spec/" in clean.output

    edit(checkout / "spec/value-domains.yaml", OLD_PHONE, f'pattern: "{NEW_PHONE_PATTERN}"')
    drift = invoke("spec", "build", "--check", "--spec", spec)
    assert drift.exit_code == 1, drift.output
    changed = {line.split("changed: ", 1)[1] for line in drift.output.splitlines() if "changed: " in line}
    assert changed == set(GENERATED)
    assert "missing: " not in drift.output
    assert "sedata spec build" in drift.output
    assert f'+      <xs:pattern value="{NEW_PHONE_PATTERN}"/>' in drift.output  # the diff is shown
    for rel in GENERATED:  # --check writes nothing
        assert NEW_PHONE_PATTERN not in (checkout / rel).read_text(encoding="utf-8")

    built = invoke("spec", "build", "--spec", spec)
    assert built.exit_code == 0, built.output
    assert {line.split("wrote ", 1)[1] for line in built.output.splitlines() if "wrote " in line} == set(GENERATED)

    again = invoke("spec", "build", "--check", "--spec", spec)
    assert again.exit_code == 0, again.output
    for rel in GENERATED:
        text = (checkout / rel).read_text(encoding="utf-8")
        assert NEW_PHONE_PATTERN in text, rel
        assert "{4,29}" not in text, rel
    # the real checkout is untouched
    for rel in GENERATED:
        assert NEW_PHONE_PATTERN not in (REPO / rel).read_text(encoding="utf-8")


def test_build_on_a_broken_spec_lists_problems_with_file_and_line(checkout: Path) -> None:
    rel = "spec/elements/equipment.yaml"
    edit(checkout / rel, "sources: [S2, SEED-2006-SH]", "sources: [S2, NO-SUCH-SOURCE]")
    line = next(
        n
        for n, text in enumerate((checkout / rel).read_text(encoding="utf-8").splitlines(), start=1)
        if "id: SE.EQP.0002" in text
    )
    before = {p: (checkout / p).read_text(encoding="utf-8") for p in GENERATED}
    for args in (("spec", "build", "--spec"), ("spec", "build", "--check", "--spec")):
        result = invoke(*args, str(checkout / "spec"))
        assert result.exit_code == 1, result.output
        assert "the spec has 1 problem(s)" in result.output
        assert f"{rel}:{line}: SE.EQP.0002: cites unknown source 'NO-SUCH-SOURCE'" in result.output
        assert "Traceback" not in result.output
    assert {p: (checkout / p).read_text(encoding="utf-8") for p in GENERATED} == before


def test_build_with_a_folder_that_is_not_a_spec(tmp_path: Path) -> None:
    result = invoke("spec", "build", "--check", "--spec", str(tmp_path))
    assert result.exit_code == 2
    assert "no spec.yaml" in result.output
    assert "缺少 spec.yaml" in result.output


def test_build_check_covers_the_models_of_released_versions(checkout: Path) -> None:
    spec = str(checkout / "spec")
    model = checkout / "sedata/elements/v1_0_0/inspection.py"
    edit(model, "'reportNo',", "'reportNumber',")  # a hand edit of a generated 1.0.0 model
    stale = checkout / "sedata/elements/v1_0_0/gone.py"
    stale.write_text(model.read_text(encoding="utf-8").split("\n", 1)[0] + "\n", encoding="utf-8")
    drift = invoke("spec", "build", "--check", "--spec", spec)
    assert drift.exit_code == 1, drift.output
    assert "changed: sedata/elements/v1_0_0/inspection.py" in drift.output
    assert "sedata/elements/v1_0_0/gone.py" in drift.output
    built = invoke("spec", "build", "--spec", spec)
    assert built.exit_code == 0, built.output
    assert not stale.exists()
    assert model.read_text(encoding="utf-8") == (REPO / "sedata/elements/v1_0_0/inspection.py").read_text("utf-8")
