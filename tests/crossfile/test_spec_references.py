"""``references:`` on entity fields: stated in spec/, checked by the loader, read by the cross-record layer."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError

from sedata.spec import SpecError, load_spec
from sedata.spec.loader import domain_fits
from sedata.spec.model import EntityField

from .conftest import SPEC

SPEC_DIR = Path(__file__).resolve().parents[2] / "spec"


def references() -> dict[tuple[str, str], str]:
    return {(e.id, SPEC.field_key(f)): f.references for e in SPEC.entities.values() for f in e.fields if f.references}


def test_the_issue_6_references_are_stated_in_the_spec() -> None:
    refs = references()
    assert refs[("Inspection", "equipment_code")] == "Equipment"
    assert refs[("Accident", "equipment_codes")] == "Equipment"
    assert refs[("UseRegistration", "user_unit_code")] == "Unit"
    assert refs[("UseRegistration", "property_unit_code")] == "Unit"
    assert refs[("Licence", "holder_code")] == "Unit"
    assert refs[("ConstructionNotice", "installer_code")] == "Unit"
    assert refs[("ConstructionNotice", "installer_licence_no")] == "Licence"


def test_the_packaged_bundle_carries_the_references() -> None:
    import json
    from importlib import resources

    bundle = json.loads(resources.files("sedata.spec").joinpath("bundle.json").read_text("utf-8"))
    inspection = next(e for e in bundle["entities"] if e["id"] == "Inspection")
    assert {"element": "SE.EQP.0001", "obligation": "M", "references": "Equipment"} in inspection["fields"]


@pytest.fixture
def spec_dir(tmp_path: Path) -> Path:
    target = tmp_path / "spec"
    shutil.copytree(SPEC_DIR, target)
    return target


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {rel}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def problems(root: Path) -> list[str]:
    with pytest.raises(SpecError) as info:
        load_spec(root)
    return [str(p) for p in info.value.problems]


def test_an_unknown_referenced_entity_is_a_spec_error(spec_dir: Path) -> None:
    edit(spec_dir, "entities/Inspection.yaml", "references: Equipment", "references: Device")
    (problem,) = problems(spec_dir)
    assert "entities/Inspection.yaml" in problem and "references unknown entity Device" in problem


def test_an_entity_with_a_composite_key_cannot_be_referenced(spec_dir: Path) -> None:
    edit(spec_dir, "entities/Inspection.yaml", "references: Equipment", "references: StatusChange")
    (problem,) = problems(spec_dir)
    assert "StatusChange has no single-field business key" in problem


def test_a_field_of_another_value_domain_cannot_reference_the_key(spec_dir: Path) -> None:
    # An inspection report number is no equipment code.
    edit(
        spec_dir,
        "entities/Inspection.yaml",
        "  - {element: SE.ISP.0001, obligation: M}",
        "  - {element: SE.ISP.0001, obligation: M, references: Equipment}",
    )
    (problem,) = problems(spec_dir)
    assert "SE.ISP.0001 (report-no) cannot be keys of Equipment" in problem


def test_a_nested_entity_field_cannot_reference() -> None:
    with pytest.raises(ValidationError, match="only a data-element field"):
        EntityField.model_validate(
            {
                "entity": "RelatedUnit",
                "key": "related_units",
                "name": {"zh": "相关单位", "en": "Related units"},
                "obligation": "O",
                "references": "Unit",
            }
        )


def test_a_narrower_identifier_fits_a_wider_key_but_not_the_reverse() -> None:
    uscc_only = SPEC.domains["SE.UNT.0117"]  # 施工单位代码: USCC
    unit_code = SPEC.domains["SE.UNT.0002"]  # 统一社会信用代码 / citizen ID
    assert domain_fits(uscc_only, unit_code)
    assert not domain_fits(unit_code, uscc_only)
    assert domain_fits(SPEC.domains["SE.EQP.0001"], SPEC.domains["SE.EQP.0001"])
    assert not domain_fits(SPEC.domains["SE.ISP.0001"], SPEC.domains["SE.EQP.0001"])
