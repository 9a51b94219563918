"""Shared helpers for the stock-validator tests: the exported schemas, masked packages and sedata's verdict."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sedata.cli.main import app
from sedata.spec import current
from sedata.validate.engine import validate_file

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = ROOT / "examples" / "messages"
# The key of the pseudonym test vectors in spec/privacy.yaml: masked packages are reproducible.
TEST_KEY = "sedata-pseudonym-test-key-0001"
PROFILES = tuple(p.id for p in current().privacy.profiles) if current().privacy else ()


def _schema_layer_rules() -> frozenset[str]:
    """The rules a JSON Schema or XSD can express: the schema layer and 'code not in its set'.

    SE-SCH-007 (record key vs the key in the data) compares two values, which no schema language can.
    """
    spec = current()
    rules = {r for r, layer in spec.rule_layers.items() if layer == "schema"} - {"SE-SCH-007"}
    return frozenset({*rules, "SE-COD-001"})


SCHEMA_RULES = _schema_layer_rules()


def sedata_schema_verdict(path: Path) -> tuple[bool, list[str]]:
    """Whether sedata finds the file schema-valid, and the schema-layer rules it reports."""
    report = validate_file(path)
    assert not report.unreadable, [f.message.en for f in report.findings]
    rules = [f.rule for f in report.findings if f.rule in SCHEMA_RULES]
    return not rules, rules


def run_cli(*args: str, env: dict[str, str] | None = None) -> None:
    result = CliRunner().invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="session")
def masked_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every example message masked with every profile (``{profile}-{name}``), as ``sedata mask`` writes them."""
    out = tmp_path_factory.mktemp("masked")
    for profile in PROFILES:
        for source in sorted(MESSAGES.glob("*.*")):
            if source.suffix in (".json", ".jsonl", ".xml"):
                run_cli(
                    "mask",
                    str(source),
                    str(out / f"{profile}-{source.name}"),
                    "--profile",
                    profile,
                    env={"SEDATA_MASK_KEY": TEST_KEY},
                )
    return out


@pytest.fixture(scope="session")
def exported_json(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """``sedata schema export --format jsonschema``: file name → schema."""
    out = tmp_path_factory.mktemp("jsonschema")
    run_cli("schema", "export", "--format", "jsonschema", "--out", str(out))
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(out.glob("*.json"))}


@pytest.fixture(scope="session")
def exported_xsd(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``sedata schema export --format xsd``: the folder."""
    out = tmp_path_factory.mktemp("xsd")
    run_cli("schema", "export", "--format", "xsd", "--out", str(out))
    return out


def _ajv_modules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A node_modules folder holding ajv@8: the one .ci/run installs, else npm installs one into a temp folder."""
    ci = ROOT / ".ci" / "node" / "node_modules"
    if (ci / "ajv" / "package.json").exists():
        return ci
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed: cannot install Ajv 8 to check the JSON Schemas with it")
    prefix = tmp_path_factory.mktemp("node")
    try:
        subprocess.run(
            [npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", "ajv@8"],
            check=True,
            capture_output=True,
            timeout=180,
        )
    except (subprocess.SubprocessError, OSError) as exc:
        pytest.skip(f"npm could not install ajv@8 (offline?): {exc}")
    return prefix / "node_modules"


@pytest.fixture(scope="session")
def ajv(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., dict[str, Any]]:
    """Run tests/schemas/ajv_check.js: compile schemas with Ajv2020 strict, validate (schema name, instance) cases."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: cannot run Ajv 8 on the JSON Schemas")
    modules = _ajv_modules(tmp_path_factory)
    script = Path(__file__).with_name("ajv_check.js")

    def run(schemas: dict[str, Any], cases: list[tuple[str, Any]], defs: str | None = None) -> dict[str, Any]:
        done = subprocess.run(
            [node, str(script)],
            input=json.dumps({"schemas": schemas, "cases": cases, "defs": defs}, ensure_ascii=False),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            env={**os.environ, "NODE_PATH": str(modules)},
        )
        assert done.returncode == 0, done.stderr
        result: dict[str, Any] = json.loads(done.stdout)
        return result

    return run
