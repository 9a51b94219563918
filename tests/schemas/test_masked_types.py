"""The masked value types of the JSON Schema hold spec/privacy.yaml's own examples, in both Python and Rust."""

from __future__ import annotations

from typing import Any

import jsonschema
import jsonschema_rs
import pytest

from sedata.generate.naming import domain_type_name, masked_suffix
from sedata.privacy.shapes import masked_ok
from sedata.spec import current

SPEC = current()
PRIVACY = SPEC.privacy
CASES = (
    sorted(
        {
            (profile.id, element.personal_data, domain_type_name(SPEC, element_id))
            for profile in PRIVACY.profiles
            for element_id, element in SPEC.elements.items()
            if element.personal_data
        }
    )
    if PRIVACY
    else []
)


def _validators(bundle: dict[str, Any], name: str) -> list[Any]:
    schema = {**bundle, "$ref": f"#/$defs/{name}"}
    return [jsonschema.Draft202012Validator(schema), jsonschema_rs.validator_for(schema)]


@pytest.mark.parametrize(("profile", "kind", "type_name"), CASES, ids=["-".join(c) for c in CASES])
def test_masked_type_is_sedatas_check_of_a_masked_value(
    profile: str, kind: str, type_name: str, json_bundle: dict[str, Any]
) -> None:
    """Valid in both engines exactly when sedata's schema layer accepts it in a package masked with the profile:
    a real value of the type, or the profile's masked shape of the kind (pseudonyms included)."""
    assert PRIVACY is not None
    how = next(p for p in PRIVACY.profiles if p.id == profile).kinds[kind]
    masked = _validators(json_bundle, f"{type_name}{masked_suffix(profile)}")
    real = _validators(json_bundle, type_name)[0]
    pseudonym = PRIVACY.pseudonym.test_vectors[0].pseudonym
    values = [e.masked for e in how.examples] + list(how.invalid_examples) + [pseudonym, pseudonym.lower(), ""]
    for value in [*values, *(v + "\n" for v in values)]:
        expected = real.is_valid(value) or masked_ok(kind, profile, value)
        assert [v.is_valid(value) for v in masked] == [expected, expected], value
    assert all(masked[0].is_valid(e.masked) for e in how.examples)
    assert all(not masked[1].is_valid(bad) for bad in how.invalid_examples if not real.is_valid(bad))
