"""load_spec on a copy of the real spec/, with one deliberate mistake per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from sedata.spec import Spec, SpecError, SpecProblem, load_spec
from sedata.spec.yamlio import LineDict, line_of, load_yaml

SPEC = Path(__file__).resolve().parents[1] / "spec"


@pytest.fixture
def spec_dir(tmp_path: Path) -> Path:
    target = tmp_path / "spec"
    shutil.copytree(SPEC, target)
    return target


def edit(root: Path, rel: str, old: str, new: str) -> None:
    """Replace the single occurrence of ``old`` in ``root/rel`` by ``new``."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {rel}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of_text(root: Path, rel: str, needle: str) -> int:
    """The 1-based line of the first line in ``root/rel`` containing ``needle``."""
    lines = (root / rel).read_text(encoding="utf-8").splitlines()
    found = [n for n, line in enumerate(lines, start=1) if needle in line]
    assert found, f"{needle!r} not in {rel}"
    return found[0]


def problems(root: Path) -> list[SpecProblem]:
    with pytest.raises(SpecError) as info:
        load_spec(root)
    assert info.value.problems, "SpecError without problems"
    return info.value.problems


def only(found: list[SpecProblem]) -> SpecProblem:
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


# --- yamlio -----------------------------------------------------------------------------------------


def test_yamlio_keeps_every_scalar_as_text(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(
        "code: 0100\n"
        "octal: 0o17\n"
        "hex: 0x1F\n"
        "year: 2014\n"
        "day: 2014-10-30\n"
        "flag: yes\n"
        "off: no\n"
        "ratio: 1.50\n"
        "inf: .inf\n"
        "tilde: ~\n"
        "null_word: null\n"
        "empty:\n"
        "quoted: '0100'\n"
        "list: [01, 02, 10]\n",
        encoding="utf-8",
    )
    data = load_yaml(path)
    assert data == {
        "code": "0100",
        "octal": "0o17",
        "hex": "0x1F",
        "year": "2014",
        "day": "2014-10-30",
        "flag": "yes",
        "off": "no",
        "ratio": "1.50",
        "inf": ".inf",
        "tilde": None,
        "null_word": None,
        "empty": None,
        "quoted": "0100",
        "list": ["01", "02", "10"],
    }


def test_yamlio_mappings_know_their_line(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(
        "# comment\nentries:\n  - {code: 01, zh: 甲}\n  - code: 02\n    zh: 乙\n    sub:\n      deep: 1\n",
        encoding="utf-8",
    )
    data = load_yaml(path)
    assert isinstance(data, LineDict)
    assert data.line == 2
    assert [e.line for e in data["entries"]] == [3, 4]
    assert data["entries"][1]["sub"].line == 7
    assert line_of(data, ("entries", 1)) == 4
    assert line_of(data, ("entries", 1, "sub")) == 7
    # a scalar's location gives its key's own line; a missing key, the deepest mapping's line
    assert line_of(data, ("entries", 1, "zh")) == 5
    assert line_of(data, ("entries", 1, "nope")) == 4
    assert line_of(data, ("entries", 9)) == 2
    assert line_of(None, ("entries",)) is None


def test_yamlio_rejects_duplicate_keys(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("code: '01'\nzh: 甲\ncode: '02'\n", encoding="utf-8")
    with pytest.raises(yaml.constructor.ConstructorError, match="duplicate key 'code'") as info:
        load_yaml(path)
    assert info.value.problem_mark is not None
    assert info.value.problem_mark.line + 1 == 3


def test_unquoted_code_with_leading_zero_loads_as_text(spec_dir: Path) -> None:
    rel = "codesets/operator-item.2011.yaml"
    edit(spec_dir, rel, '{code: "01", zh: 特种设备相关管理', "{code: 01, zh: 特种设备相关管理")
    spec = load_spec(spec_dir)
    table = spec.codesets["operator-item"]["2011"]
    assert table.entries[0].code == "01"
    assert table.entries[0].zh == "特种设备相关管理"
    assert [e.code for e in table.entries if e.parent == "01"][:2] == ["A1", "A2"]


# --- the unmodified spec ----------------------------------------------------------------------------


def test_unmodified_copy_loads(spec_dir: Path) -> None:
    spec = load_spec(spec_dir)
    assert isinstance(spec, Spec)
    assert spec.root == spec_dir.resolve()
    assert set(spec.entities) == {p.stem for p in (spec_dir / "entities").glob("*.yaml")}
    assert spec.elements["SE.EQP.0001"].key == "equipment_code"
    assert set(spec.domains) == set(spec.elements)
    assert "spec/value-domains.yaml" in spec.files
    assert spec.files["spec/spec.yaml"] == (spec_dir / "spec.yaml").read_text(encoding="utf-8")


# --- one mistake per test ---------------------------------------------------------------------------


def test_unknown_source_is_named_with_the_citing_element(spec_dir: Path) -> None:
    rel = "elements/equipment.yaml"
    edit(spec_dir, rel, "sources: [S2, SEED-2006-SH]", "sources: [S2, NO-SUCH-SOURCE]")
    p = only(problems(spec_dir))
    assert p.file == f"spec/{rel}"
    assert p.line == line_of_text(spec_dir, rel, "id: SE.EQP.0002")
    assert p.path == "SE.EQP.0002"
    assert "unknown source 'NO-SUCH-SOURCE'" in p.message
    assert "sources.yaml" in p.message
    assert str(p).startswith(f"spec/{rel}:{p.line}: SE.EQP.0002: ")


def test_unknown_value_domain(spec_dir: Path) -> None:
    rel = "elements/equipment.yaml"
    edit(spec_dir, rel, "value_domain: registration-code", "value_domain: no-such-domain")
    p = only(problems(spec_dir))
    assert p.file == f"spec/{rel}"
    assert p.line == line_of_text(spec_dir, rel, "id: SE.EQP.0002")
    assert p.path == "SE.EQP.0002"
    assert "unknown value domain 'no-such-domain'" in p.message


def test_duplicate_element_id(spec_dir: Path) -> None:
    rel = "elements/equipment.yaml"
    second = line_of_text(spec_dir, rel, "id: SE.EQP.0002")
    edit(spec_dir, rel, "id: SE.EQP.0002", "id: SE.EQP.0001")
    p = only(problems(spec_dir))
    assert p.file == f"spec/{rel}"
    assert p.line == second
    assert p.path == "elements[1]"
    assert "duplicate element id SE.EQP.0001" in p.message


def test_element_key_reused(spec_dir: Path) -> None:
    rel = "elements/equipment.yaml"
    edit(spec_dir, rel, "key: registration_code", "key: equipment_code")
    p = only(problems(spec_dir))
    assert p.file == f"spec/{rel}"
    assert p.line == line_of_text(spec_dir, rel, "id: SE.EQP.0002")
    assert "key equipment_code already used by SE.EQP.0001" in p.message


def test_code_entry_with_unknown_parent(spec_dir: Path) -> None:
    rel = "codesets/equipment-catalogue.2014.yaml"
    edit(
        spec_dir,
        rel,
        'zh: 有机热载体气相炉, level: 品种, parent: "1300"',
        'zh: 有机热载体气相炉, level: 品种, parent: "9999"',
    )
    p = only(problems(spec_dir))
    assert p.file == f"spec/{rel}"
    assert p.line == line_of_text(spec_dir, rel, 'code: "1310"')
    assert p.path == "entries[4]"
    assert "parent 9999 is not a code of this set" in p.message


def test_conditional_field_without_condition(spec_dir: Path) -> None:
    rel = "entities/UseRegistration.yaml"
    edit(
        spec_dir,
        rel,
        "    condition: {zh: 设备需要型式试验时填写, en: Present when the equipment requires a type test}\n",
        "",
    )
    p = only(problems(spec_dir))
    assert p.file == f"spec/{rel}"
    assert p.line == line_of_text(spec_dir, rel, "element: SE.UNT.0110")
    assert p.path.startswith("fields[")
    assert "conditional (C) field states its condition" in p.message
    assert "条件必选项须写明条件" in p.message


def test_mandatory_field_with_optional_cardinality(spec_dir: Path) -> None:
    rel = "entities/UseRegistration.yaml"
    edit(
        spec_dir,
        rel,
        "{element: SE.EQP.0007, obligation: M}",
        "{element: SE.EQP.0007, obligation: M, cardinality: 0..1}",
    )
    p = only(problems(spec_dir))
    assert p.file == f"spec/{rel}"
    assert p.line == line_of_text(spec_dir, rel, "SE.EQP.0007")
    assert p.path == "fields[4]"
    assert "mandatory fields have cardinality 1..1 or 1..n" in p.message


def test_non_portable_pattern_in_value_domain(spec_dir: Path) -> None:
    rel = "value-domains.yaml"
    edit(spec_dir, rel, 'pattern: "[0-9]{17}[0-9X]"', 'pattern: "\\\\d{17}[0-9X]"')
    found = problems(spec_dir)
    at_domain = [p for p in found if p.file == f"spec/{rel}"]
    p = only(at_domain)
    assert p.line == line_of_text(spec_dir, rel, "id: citizen-id")
    assert p.path == "citizen-id"
    assert "\\d" in p.message
    assert "[0-9]" in p.message
    # every other report is an element using that domain, never an unrelated file
    spec = load_spec(SPEC)
    users = {e.id for e in spec.elements.values() if e.value_domain == "citizen-id"}
    assert {q.path for q in found if q is not p} <= users


def test_example_that_does_not_fit_its_value_domain(spec_dir: Path) -> None:
    rel = "value-domains.yaml"
    edit(spec_dir, rel, 'examples: ["363000"]', 'examples: ["36300A"]')
    p = only(problems(spec_dir))
    assert p.file == f"spec/{rel}"
    assert p.line == line_of_text(spec_dir, rel, "id: postal-code")
    assert p.path == "postal-code"
    assert "example '36300A' does not fit the value domain" in p.message


def test_invalid_example_that_the_domain_accepts(spec_dir: Path) -> None:
    rel = "value-domains.yaml"
    edit(spec_dir, rel, 'invalid_examples: ["电话", "12"]', 'invalid_examples: ["电话", "12345"]')
    p = only(problems(spec_dir))
    assert p.file == f"spec/{rel}"
    assert p.line == line_of_text(spec_dir, rel, "id: phone")
    assert "invalid example '12345' is accepted" in p.message


def test_nesting_a_non_component_entity(spec_dir: Path) -> None:
    edit(spec_dir, "entities/RelatedUnit.yaml", "component: true\n", "")
    p = only(problems(spec_dir))
    assert p.file == "spec/entities/Equipment.yaml"
    assert p.line is not None
    assert p.path == "Equipment"
    assert "RelatedUnit is nested" in p.message
    assert "component: true" in p.message


def test_yaml_syntax_error_names_file_and_line(spec_dir: Path) -> None:
    rel = "entities/Person.yaml"
    edit(spec_dir, rel, "{element: SE.PSN.0003, obligation: O}", "{element: SE.PSN.0003, obligation: O")
    bad_line = line_of_text(spec_dir, rel, "SE.PSN.0003")
    found = problems(spec_dir)
    assert {p.file for p in found} == {f"spec/{rel}"}
    syntax = [p for p in found if "not valid YAML" in p.message]
    assert len(syntax) == 1
    assert f"line {bad_line}," in syntax[0].message


def test_yaml_syntax_error_is_reported_once(spec_dir: Path) -> None:
    edit(
        spec_dir,
        "entities/Person.yaml",
        "{element: SE.PSN.0003, obligation: O}",
        "{element: SE.PSN.0003, obligation: O",
    )
    only(problems(spec_dir))


# --- several problems at once -----------------------------------------------------------------------


def test_two_cross_reference_errors_are_reported_together(spec_dir: Path) -> None:
    edit(spec_dir, "elements/equipment.yaml", "sources: [S2, SEED-2006-SH]", "sources: [S2, NO-SUCH-SOURCE]")
    edit(spec_dir, "value-domains.yaml", 'examples: ["363000"]', 'examples: ["36300A"]')
    found = problems(spec_dir)
    assert len(found) == 2, "\n".join(map(str, found))
    assert {(p.file, p.path) for p in found} == {
        ("spec/elements/equipment.yaml", "SE.EQP.0002"),
        ("spec/value-domains.yaml", "postal-code"),
    }


def test_two_file_level_errors_are_reported_together(spec_dir: Path) -> None:
    edit(spec_dir, "elements/equipment.yaml", "id: SE.EQP.0002", "id: SE.EQP.0001")
    edit(
        spec_dir,
        "entities/UseRegistration.yaml",
        "{element: SE.EQP.0007, obligation: M}",
        "{element: SE.EQP.0007, obligation: M, cardinality: 0..1}",
    )
    found = problems(spec_dir)
    assert len(found) == 2, "\n".join(map(str, found))
    assert {p.file for p in found} == {"spec/elements/equipment.yaml", "spec/entities/UseRegistration.yaml"}
    assert all(p.line is not None for p in found)


# --- bugs: mistakes that are not reported, or crash instead of being reported -----------------------


@pytest.mark.parametrize("example", ["2.5", "1e3"])
def test_integer_example_with_fraction_or_exponent_is_reported(spec_dir: Path, example: str) -> None:
    edit(spec_dir, "value-domains.yaml", "format: n..7\n", f'format: n..7\n    examples: ["{example}"]\n')
    p = only(problems(spec_dir))
    assert p.path == "person-count"
    assert f"example {example!r} does not fit" in p.message


def test_integer_example_out_of_range_is_reported(spec_dir: Path) -> None:
    rel = "value-domains.yaml"
    edit(spec_dir, rel, "format: n..7\n", 'format: n..7\n    examples: ["12345678"]\n')
    p = only(problems(spec_dir))
    assert p.line == line_of_text(spec_dir, rel, "id: person-count")
    assert "example '12345678' does not fit" in p.message


def test_empty_sources_list_is_a_spec_error(spec_dir: Path) -> None:
    (spec_dir / "sources.yaml").write_text("sources:\n", encoding="utf-8")
    found = problems(spec_dir)
    assert any(p.file == "spec/sources.yaml" for p in found)


def test_value_domains_file_of_wrong_shape_is_a_spec_error(spec_dir: Path) -> None:
    (spec_dir / "value-domains.yaml").write_text("- id: phone\n", encoding="utf-8")
    found = problems(spec_dir)
    assert any(p.file == "spec/value-domains.yaml" for p in found)


def test_missing_sources_file_is_a_spec_error(spec_dir: Path) -> None:
    (spec_dir / "sources.yaml").unlink()
    found = problems(spec_dir)
    assert any("sources.yaml" in p.file for p in found)


def test_missing_spec_yaml_is_a_spec_error(spec_dir: Path) -> None:
    (spec_dir / "spec.yaml").unlink()
    p = only(problems(spec_dir))
    assert p.file.endswith("spec.yaml")
    assert "spec.yaml is missing" in p.message


# --- form layout ------------------------------------------------------------------------------------


def test_layout_naming_an_unknown_field_names_file_and_line(spec_dir: Path) -> None:
    rel = "entities/UseRegistration.yaml"
    edit(spec_dir, rel, "fields: [registration_category]", "fields: [registration_category, registration_kind]")
    p = only(problems(spec_dir))
    assert p.file == f"spec/{rel}"
    assert p.line == line_of_text(spec_dir, rel, "registration_kind")
    assert p.path == "layout[0].fields"
    assert "registration_kind is not a field of UseRegistration" in p.message
    assert "不是 UseRegistration 的字段" in p.message


def test_layout_that_repeats_or_leaves_out_a_field(spec_dir: Path) -> None:
    rel = "entities/UseRegistration.yaml"
    edit(spec_dir, rel, "      - contact_phone\n", "")
    edit(spec_dir, rel, "fields: [registration_category]", "fields: [registration_category, equipment_kind]")
    found = problems(spec_dir)
    # the first section naming a field keeps it; the second (设备基本情况, `fields:` under its heading) repeats it
    assert {(p.file, p.path) for p in found} == {(f"spec/{rel}", "layout[1].fields"), (f"spec/{rel}", "layout")}
    by_path = {p.path: p for p in found}
    assert "equipment_kind is already in layout[0]" in by_path["layout[1].fields"].message
    assert by_path["layout[1].fields"].line == line_of_text(spec_dir, rel, "Basic data of the equipment") + 1
    assert "leaves out contact_phone" in by_path["layout"].message
    assert by_path["layout"].line == line_of_text(spec_dir, rel, "layout:")
