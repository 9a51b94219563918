"""``sedata mask`` output against ``sedata validate``: what the validator must accept, and what it must catch.

Until the validator reads ``maskingProfile`` (schema and codes layers: a personal element whose value has the
masked shape of its kind is no finding; one that still holds a valid citizen ID is), the two end-to-end tests
are expected to fail; ``strict`` makes them report as soon as the integration lands. The first test holds
already: every finding on masked output is a personal element whose value has the masked shape.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sedata import exchange as X
from sedata.cli.main import app
from sedata.privacy import mask_message, masked_ok
from sedata.validate import validate_files

from .conftest import CERTIFICATE_ID, KEY, SPEC

runner = CliRunner()
PROFILES = ("share", "publish", "pseudonymise")
# Every message type and format (samples), the messages about individuals and the examples.
INPUTS = ("sample-", "individuals-", "example-")


@pytest.fixture(scope="module")
def masked(messages: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    """profile → the inputs masked with it by ``sedata mask``."""
    folder = tmp_path_factory.mktemp("masked")
    out: dict[str, list[Path]] = {}
    for profile in PROFILES:
        for name in sorted(n for n in messages if n.startswith(INPUTS)):
            target = folder / f"{profile}-{name}"
            result = runner.invoke(app, ["mask", str(messages[name]), str(target), "--profile", profile], env=_env())
            assert result.exit_code == 0, result.output
            out.setdefault(profile, []).append(target)
    return out


def _env() -> dict[str, str]:
    return {"SEDATA_MASK_KEY": KEY.decode()}


def _at(document: Any, pointer: str) -> Any:
    for part in pointer.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        document = document[int(part)] if isinstance(document, list) else document[part]
    return document


def test_without_the_header_flag_masked_values_are_findings(masked: dict[str, list[Path]], tmp_path: Path) -> None:
    """The header's maskingProfile is what lets masked shapes through: without it, they are errors, and nothing else."""
    seen = 0
    for profile, files in masked.items():
        for file in (f for f in files if f.suffix == ".jsonl"):
            head, rest = file.read_bytes().split(b"\n", 1)
            header = json.loads(head)
            assert header["header"].pop("maskingProfile") == profile
            plain = tmp_path / f"{profile}-{file.name}"
            plain.write_bytes(json.dumps(header, ensure_ascii=False).encode() + b"\n" + rest)
            (file_report,) = validate_files([plain]).files
            document = X.read(plain).to_json_data()
            for finding in file_report.findings:
                if finding.severity != "error":
                    continue
                seen += 1
                assert finding.rule in ("SE-SCH-002", "SE-COD-002"), finding.message.en
                assert finding.element is not None and finding.pointer is not None
                kind = SPEC.elements[finding.element.id].personal_data
                assert kind is not None, finding.message.en
                assert masked_ok(kind, profile, _at(document, finding.pointer)), finding.message.en
    assert seen  # masked citizen IDs and phone numbers do not fit their real patterns


def test_masked_output_passes_sedata_validate(masked: dict[str, list[Path]]) -> None:
    failed = []
    for profile, files in masked.items():
        # The command on the messages about individuals, the library (same engine, one run per file) on the rest.
        for file in files:
            if file.name.startswith(f"{profile}-individuals-"):
                ok = runner.invoke(app, ["validate", str(file)]).exit_code == 0
            else:
                ok = all(report.valid for report in validate_files([file]).files)
            if not ok:
                failed.append(file.name)
    assert failed == []


def test_an_unmasked_citizen_id_in_a_masked_package_is_a_finding(messages: dict[str, Path], tmp_path: Path) -> None:
    src = messages["individuals-operator-certificate-upload.jsonl"]
    masked = tmp_path / "masked.jsonl"
    mask_message(src, masked, "share")
    message = X.read(masked)
    first = message.records[0]
    assert first.data is not None
    first.data["holderCitizenId"] = CERTIFICATE_ID  # the holder's ID left as it was
    leaky = tmp_path / "leaky.jsonl"
    X.write(leaky, message.records, header=message.header)  # digest recomputed: only the value is wrong
    report = validate_files([leaky])
    errors = [f for f in report.files[0].findings if f.severity == "error"]
    assert [f.pointer for f in errors] == ["/records/0/data/holderCitizenId"]
    assert CERTIFICATE_ID not in (errors[0].value or "")
