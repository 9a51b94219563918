"""spec/privacy.yaml and ``personal_when`` as the loader checks them, and their trip through the bundle."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sedata.spec import SpecError, load_spec
from sedata.spec.bundle import from_bundle, to_bundle

from .conftest import ROOT, SPEC


@pytest.fixture
def spec_dir(tmp_path: Path) -> Path:
    target = tmp_path / "spec"
    shutil.copytree(ROOT / "spec", target)
    return target


def _edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _problems(root: Path) -> str:
    with pytest.raises(SpecError) as exc:
        load_spec(root)
    return str(exc.value)


def test_the_bundle_carries_privacy_and_personal_when() -> None:
    loaded = load_spec(ROOT / "spec")
    again = from_bundle(to_bundle(loaded))
    assert again.privacy == loaded.privacy == SPEC.privacy
    assert again.elements["SE.UNT.0104"].personal_when == ["SE.UNT.0105"]


def test_every_marked_personal_element_is_listed_with_its_condition() -> None:
    """The marking decisions of spec/README.md, pinned: unconditional people's data, conditional unit data."""
    marked = {e.id: (e.personal_data, tuple(e.personal_when)) for e in SPEC.elements.values() if e.personal_data}
    assert marked == {
        "SE.PSN.0001": ("name", ()),
        "SE.PSN.0002": ("citizen-id", ()),
        "SE.PSN.0003": ("phone", ()),
        "SE.PSN.0004": ("name", ()),
        "SE.PSN.0005": ("phone", ()),
        "SE.PSN.0006": ("name", ()),
        "SE.PSN.0007": ("name", ()),
        "SE.OPC.0001": ("citizen-id", ("SE.OPC.0001",)),
        "SE.UNT.0001": ("name", ("SE.UNT.0002",)),
        "SE.UNT.0002": ("citizen-id", ("SE.UNT.0002",)),
        "SE.UNT.0004": ("address", ("SE.UNT.0002",)),
        "SE.UNT.0006": ("phone", ("SE.UNT.0002", "SE.UNT.0102")),
        "SE.UNT.0101": ("name", ("SE.UNT.0102",)),
        "SE.UNT.0102": ("citizen-id", ("SE.UNT.0102",)),
        "SE.UNT.0103": ("address", ("SE.UNT.0102",)),
        "SE.UNT.0104": ("name", ("SE.UNT.0105",)),
        "SE.UNT.0105": ("citizen-id", ("SE.UNT.0105",)),
        "SE.EQP.0013": ("address", ("SE.UNT.0102",)),
    }


def test_a_profile_the_code_set_does_not_list(spec_dir: Path) -> None:
    _edit(spec_dir, "codesets/masking-profile.1.yaml", "  - {code: publish,", "  - {code: publication,")
    assert "must list exactly the profiles" in _problems(spec_dir)


def test_an_invalid_example_that_fits_the_shape(spec_dir: Path) -> None:
    _edit(spec_dir, "privacy.yaml", 'invalid_examples: [林志强, "*", 林**]', "invalid_examples: [林志强, 林*]")
    assert "invalid example '林*' fits the shape" in _problems(spec_dir)


def test_an_example_that_does_not_fit_the_shape(spec_dir: Path) -> None:
    _edit(spec_dir, "privacy.yaml", "{value: 13859612345, masked: 138****2345}", "{value: 13859612345, masked: 1385**}")
    assert "example '1385**' does not fit the shape" in _problems(spec_dir)


def test_a_shape_that_is_not_portable(spec_dir: Path) -> None:
    _edit(spec_dir, "privacy.yaml", 'shape: "\\\\*{5,30}"', 'shape: "\\\\d*"')
    assert "not portable" in _problems(spec_dir)


def test_a_profile_without_a_kind(spec_dir: Path) -> None:
    text = (spec_dir / "privacy.yaml").read_text(encoding="utf-8")
    start = text.index("      phone:\n        method: hide")
    end = text.index("      address:\n        method: address-division\n        level: prefecture")
    (spec_dir / "privacy.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    assert "says nothing about ['phone']" in _problems(spec_dir)


def test_personal_when_needs_personal_data_and_a_citizen_id_element(spec_dir: Path) -> None:
    _edit(
        spec_dir,
        "elements/unit.yaml",
        "    personal_when: [SE.UNT.0105]\n    note: >-\n      The owner",
        "    personal_when: [SE.UNT.0104]\n    note: >-\n      The owner",
    )
    assert "SE.UNT.0104 is not marked personal_data: citizen-id" in _problems(spec_dir)
    _edit(
        spec_dir,
        "elements/person.yaml",
        '    personal_data: phone\n    sources: [{ref: TSG08-2017, clause: "使用登记表 移动电话"}',
        '    personal_when: [SE.PSN.0002]\n    sources: [{ref: TSG08-2017, clause: "使用登记表 移动电话"}',
    )
    assert "personal_when needs personal_data" in _problems(spec_dir)
