"""The SE-SIG findings the validator's trust layer reports under a signature policy (sedata.trust.policy's results)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from sedata.exchange import read, write
from sedata.spec import current
from sedata.trust import keys
from sedata.trust.package import sig_path_for, sign_package
from sedata.trust.policy import Grant, Problem, SignaturePolicy, TrustStore, package_problems
from sedata.validate.context import FileContext
from sedata.validate.layers.trust import allowed_algorithms, signature_findings

# The sender of the example operator-certificate upload (a provincial market regulator).
SENDER = "11350000003624150X"


@pytest.fixture
def trust(sm2_key: keys.PrivateKey) -> TrustStore:
    store = TrustStore()
    store.add(sm2_key.public_key())
    store.grant(sm2_key.public_key().key_id, Grant(frozenset({SENDER}), test_key=True))
    return store


def _findings(path: Path, trust: TrustStore, policy: SignaturePolicy | None = None) -> list:  # type: ignore[type-arg]
    return signature_findings(FileContext(current(), str(path)), path, trust, policy)


def _rules(findings: list) -> list[str]:  # type: ignore[type-arg]
    return sorted(f.rule for f in findings)


def test_every_trust_rule_is_declared_in_the_trust_layer() -> None:
    spec = current()
    ids = sorted(r for r in spec.rules if r.startswith("SE-SIG-"))
    assert ids == [f"SE-SIG-{n:03d}" for n in range(1, 15)]
    assert {spec.rule_layers[r] for r in ids} == {"trust"}
    codes = {e.code for e in spec.codesets["signature-algorithm"]["1"].entries}
    assert codes == set(keys.ALGORITHMS)
    assert set(spec.rules["SE-SIG-003"].parameters["algorithms"].split()) <= codes


def test_signed_and_trusted_package_is_clean(package, sm2_key: keys.PrivateKey, trust: TrustStore) -> None:
    path = package("xml")
    sign_package(path, sm2_key)
    assert _findings(path, trust) == []


def test_unsigned_package(package, trust: TrustStore) -> None:
    path = package("json")
    found = _findings(path, trust)
    assert _rules(found) == ["SE-SIG-001"]
    assert found[0].severity == "error" and found[0].layer == "trust"
    assert "签名" in found[0].message.zh and "signature" in found[0].message.en
    # Not required: still said, as a warning (a stripped signature is never passed over in silence).
    lenient = _findings(path, trust, SignaturePolicy(required=False))
    assert _rules(lenient) == ["SE-SIG-001"] and lenient[0].severity == "warning"
    assert "--require-signature" in lenient[0].message.en


def test_untrusted_signer(package, private_keys: dict[str, keys.PrivateKey], trust: TrustStore) -> None:
    path = package("json")
    sign_package(path, private_keys[keys.ED25519])
    assert _rules(_findings(path, trust)) == ["SE-SIG-004"]


def test_algorithm_not_allowed(package, sm2_key: keys.PrivateKey, trust: TrustStore) -> None:
    path = package("json")
    sign_package(path, sm2_key)
    ctx = FileContext(current(), str(path))
    assert allowed_algorithms(ctx, SignaturePolicy()) == frozenset(keys.ALGORITHMS)
    found = _findings(path, trust, SignaturePolicy(algorithms=frozenset({"ed25519"})))
    assert _rules(found) == ["SE-SIG-003"]
    assert found[0].value == "sm2"


def test_tampered_record(package, sm2_key: keys.PrivateKey, trust: TrustStore) -> None:
    path = package("jsonl")
    sign_package(path, sm2_key)
    path.write_text(path.read_text("utf-8").replace("林志强", "林志刚"), "utf-8")
    found = _findings(path, trust)
    assert _rules(found) == ["SE-SIG-008", "SE-SIG-009"]
    digest = next(f for f in found if f.rule == "SE-SIG-008")
    assert digest.element is not None and digest.element.id == "SE.MSG.0011"
    assert digest.pointer == "/header/digest"


def test_rewritten_package(package, sm2_key: keys.PrivateKey, trust: TrustStore) -> None:
    path = package("json")
    sign_package(path, sm2_key)
    message = read(path)
    write(path, message.records[:1], header=message.header)
    found = _findings(path, trust)
    assert _rules(found) == ["SE-SIG-006", "SE-SIG-006", "SE-SIG-007", "SE-SIG-008", "SE-SIG-009"]
    changed = {f.element.id: f for f in found if f.rule == "SE-SIG-006" and f.element}
    assert set(changed) == {"SE.MSG.0009", "SE.MSG.0011"}
    assert changed["SE.MSG.0009"].value == "1" and changed["SE.MSG.0009"].expected.zh == "2"
    count = next(f for f in found if f.rule == "SE-SIG-007")
    assert "“记录数”" in count.message.zh and "1" in count.message.en


def test_invalid_signature_and_malformed_sig(package, sm2_key: keys.PrivateKey, trust: TrustStore) -> None:
    path = package("json")
    sign_package(path, sm2_key)
    sig = sig_path_for(path)
    doc = json.loads(sig.read_text("utf-8"))
    doc["signedAt"] = "2020-01-01T00:00:00+08:00"
    sig.write_text(json.dumps(doc), "utf-8")
    assert _rules(_findings(path, trust)) == ["SE-SIG-005"]
    sig.write_text("{", "utf-8")
    found = _findings(path, trust)
    assert _rules(found) == ["SE-SIG-002"] and "JSON" in found[0].message.en


def test_signed_outside_the_certificate_validity(package, sm2_key: keys.PrivateKey, tmp_path: Path) -> None:
    cert = tmp_path / "cert.pem"
    cert.write_bytes(keys.self_signed_certificate(sm2_key, "test", days=30, uscc=SENDER))
    store = TrustStore.load([tmp_path], allow_test_keys=True)
    assert list(store.entries) == [sm2_key.public_key().key_id]
    path = package("json")
    sign_package(path, sm2_key, now=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    found = _findings(path, store)
    assert _rules(found) == ["SE-SIG-010"]
    assert found[0].severity == "error" and found[0].value == "2020-01-01T00:00:00+00:00"


def test_trust_rule_templates() -> None:
    import re

    allowed = {"name", "element", "value", "expected", "detail"}
    for rule_id, rule in current().rules.items():
        if rule_id.startswith("SE-SIG-"):
            assert rule.placeholders <= allowed and re.search(r"[一-鿿]", rule.message.zh), rule_id
            assert rule.sources, rule_id


def test_the_policy_returns_plain_results_the_trust_layer_reports(package, trust: TrustStore) -> None:
    """sedata.trust says which check failed; the validator's layer names the rule and makes the finding."""
    path = package("json")
    strict = package_problems(current(), path, trust, SignaturePolicy(), frozenset(keys.ALGORITHMS))
    assert [(p.check, p.warning) for p in strict] == [("unsigned", False)]
    assert all(type(p) is Problem for p in strict)
    lenient = package_problems(current(), path, trust, SignaturePolicy(required=False), frozenset(keys.ALGORITHMS))
    assert [(p.check, p.warning) for p in lenient] == [("unsigned", True)]


def test_header_elements_come_from_the_spec_envelope(package, sm2_key: keys.PrivateKey, trust: TrustStore) -> None:
    """The element a count or digest finding names is the one spec.yaml's envelope declares, not one restated."""
    path = package("jsonl")
    sign_package(path, sm2_key)
    path.write_text(path.read_text("utf-8").replace("林志强", "林志刚"), "utf-8")
    spec = current()
    envelope = spec.info.envelope
    assert envelope is not None and envelope.digest == "SE.MSG.0011"
    # The same spec with the envelope's digest declared as another header element: the finding follows it.
    moved = envelope.model_copy(update={"digest": envelope.record_count})
    other = dataclasses.replace(spec, info=spec.info.model_copy(update={"envelope": moved}))
    digest = next(f for f in signature_findings(FileContext(other, str(path)), path, trust) if f.rule == "SE-SIG-008")
    assert digest.element is not None and digest.element.id == envelope.record_count
    assert digest.pointer == "/header/recordCount"
