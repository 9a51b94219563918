"""Shared fixtures: the packaged spec, the schema artefacts, and validators built once per session."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import jsonschema
import pytest
import xmlschema
from hypothesis import HealthCheck, settings
from lxml import etree

settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci")


@pytest.fixture(scope="session")
def spec():
    from sedata.spec import current

    return current()


@pytest.fixture(scope="session")
def json_bundle() -> dict[str, Any]:
    return json.loads(resources.files("sedata.schemas").joinpath("sedata.schema.json").read_text("utf-8"))


@pytest.fixture(scope="session")
def json_validator(json_bundle):
    def make(entity_id: str) -> jsonschema.Draft202012Validator:
        schema = {"$ref": f"#/$defs/{entity_id}", "$defs": json_bundle["$defs"]}
        return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)

    cache: dict[str, jsonschema.Draft202012Validator] = {}
    return lambda entity_id: cache.setdefault(entity_id, make(entity_id))


@pytest.fixture(scope="session")
def xsd_path() -> str:
    return str(resources.files("sedata.schemas").joinpath("sedata.xsd"))


@pytest.fixture(scope="session")
def lxml_schema(xsd_path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(xsd_path))


@pytest.fixture(scope="session")
def xmlschema_schema(xsd_path) -> xmlschema.XMLSchema10:
    return xmlschema.XMLSchema10(xsd_path)
