"""The trust layer (sedata/validate/layers/trust.py) names each signature check's rule and header element and
says which SE-SIG rules a missing or unusable signature leaves unchecked (bench/mutate.py showed these mappings
asserted only by rule). Policy results are made directly: sedata.trust's own checks are tests/trust's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sedata.spec import current
from sedata.trust.policy import Problem, SignaturePolicy, TrustStore
from sedata.validate.context import FileContext
from sedata.validate.layers.base import FileAt, Given, Signatures
from sedata.validate.layers.trust import RULES, _finding, allowed_algorithms, file_findings, not_checked, trust_store
from sedata.validate.report import FileReport, Finding, Text

SPEC = current()
CTX = FileContext(SPEC, "p.json")
CITIZEN_ID = "11010519491231002X"  # GB 11643's example number: valid check character
MESSAGES = Path(__file__).resolve().parents[2] / "examples" / "messages"


def problem(check: str, **kw: object) -> Problem:
    """A policy result with every placeholder its rule's message has (value, expected, detail), unless given."""
    full: dict[str, object] = {"value": "v", "expected": "e", "detail": ("细节", "detail")}
    return Problem(check, **(full | kw))  # type: ignore[arg-type]


def test_every_check_has_its_rule() -> None:
    assert RULES == {
        "unsigned": "SE-SIG-001",
        "unusable": "SE-SIG-002",
        "algorithm": "SE-SIG-003",
        "key": "SE-SIG-004",
        "signature": "SE-SIG-005",
        "header": "SE-SIG-006",
        "count": "SE-SIG-007",
        "digest": "SE-SIG-008",
        "bytes": "SE-SIG-009",
        "signedAt": "SE-SIG-010",
        "grant": "SE-SIG-011",
        "certificate": "SE-SIG-012",
        "validity": "SE-SIG-013",
        "chain": "SE-SIG-014",
    }
    # Held against the spec too: every SE-SIG rule of spec/rules/trust.yaml has exactly one check.
    assert sorted(RULES.values()) == sorted(rule for rule in SPEC.rules if rule.startswith("SE-SIG-"))


@pytest.mark.parametrize(
    ("check", "element", "pointer"),
    [("count", "SE.MSG.0009", "/header/recordCount"), ("digest", "SE.MSG.0011", "/header/digest"),
     ("grant", "SE.MSG.0004", "/header/sender")],
)  # fmt: skip
def test_count_digest_and_grant_name_the_envelopes_header_element(check: str, element: str, pointer: str) -> None:
    f = _finding(CTX, problem(check, value="3", expected="4"))
    assert (f.rule, f.severity, f.layer, f.pointer) == (RULES[check], "error", "trust", pointer)
    assert f.element is not None and f.element.id == element
    assert (f.value, f.expected) == ("3", Text("4", "4"))


def test_a_changed_header_member_is_named_by_the_result() -> None:
    f = _finding(CTX, problem("header", value="x", member="sequence"))
    assert (f.rule, f.pointer, f.element and f.element.id) == ("SE-SIG-006", "/header/sequence", "SE.MSG.0007")
    added = _finding(CTX, problem("header", value="x", member="addedLater"))
    assert added.pointer == "/header/addedLater"  # a member added after signing, which the header does not define
    assert added.element is not None and (added.element.id, added.element.field) == ("addedLater", "addedLater")
    assert added.element.name == Text("addedLater", "addedLater")
    bare = _finding(CTX, problem("signature", value=None, expected=None))
    assert (bare.rule, bare.pointer, bare.element, bare.value) == ("SE-SIG-005", None, None, None)


def test_a_warning_result_is_a_warning_and_details_come_in_both_languages() -> None:
    f = _finding(CTX, problem("unsigned", detail=("中文说明", "English detail"), warning=True))
    assert (f.rule, f.severity) == ("SE-SIG-001", "warning")
    assert "中文说明" in f.message.zh and "English detail" in f.message.en and "English" not in f.message.zh
    data = _finding(CTX, problem("key", detail="KEY-ID-1"))
    assert data.severity == "error" and "KEY-ID-1" in data.message.zh and "KEY-ID-1" in data.message.en


def test_long_values_are_cut_after_masking() -> None:
    f = _finding(CTX, problem("key", value="k" * 200))
    assert f.value == "k" * 79 + "…" and f.value in f.message.en
    # A citizen ID across the cut is masked first: none of its digits beyond the region code shows.
    leaky = _finding(CTX, problem("header", value="k" * 70 + CITIZEN_ID + "x" * 20, member="sender"))
    assert leaky.value is not None and len(leaky.value) == 80 and leaky.value.endswith("…")
    assert "110105194" not in leaky.value and "110105194" not in leaky.message.en + leaky.message.zh
    alg = _finding(CTX, problem("algorithm", value="a" * 100, expected="ed25519"))
    assert alg.value == "a" * 79 + "…"


def _found(*checks: str) -> list[Finding]:
    return [_finding(CTX, problem(c)) for c in checks]


def test_what_a_missing_or_unusable_signature_leaves_unchecked() -> None:
    trust_rules = sorted(r for r in SPEC.rules if SPEC.rule_layers[r] == "trust")
    unsigned = not_checked(CTX, _found("unsigned"))
    assert sorted(unsigned) == [r for r in trust_rules if r != "SE-SIG-001"]
    assert set(unsigned.values()) == {
        Text("报文未签名，未验证签名", "the package is not signed; no signature was verified")
    }
    unusable = not_checked(CTX, _found("unusable", "count"))
    assert sorted(unusable) == [r for r in trust_rules if r not in ("SE-SIG-002", "SE-SIG-007")]
    assert set(unusable.values()) == {
        Text("签名文件无法使用，未验证签名", "the signature file cannot be used; no signature was verified")
    }
    untrusted = not_checked(CTX, _found("key", "grant"))
    assert sorted(untrusted) == ["SE-SIG-005", "SE-SIG-010", "SE-SIG-012", "SE-SIG-013", "SE-SIG-014"]
    assert set(untrusted.values()) == {
        Text(
            "签名密钥不受信任，未验证签名值与签名者",
            "the signing key is not trusted; its signature and signer were not checked",
        )
    }
    assert not_checked(CTX, _found("digest", "bytes")) == {} and not_checked(CTX, []) == {}


def test_the_allowed_algorithms_are_the_policys_else_the_rules() -> None:
    assert allowed_algorithms(CTX, SignaturePolicy(algorithms=frozenset({"ed25519"}))) == {"ed25519"}
    assert allowed_algorithms(CTX, SignaturePolicy()) == set(SPEC.rules["SE-SIG-003"].parameters["algorithms"].split())


def test_the_layer_runs_only_when_signatures_are_asked_for(tmp_path: Path) -> None:
    package = tmp_path / "p.json"
    package.write_bytes((MESSAGES / "operator-certificate-upload.json").read_bytes())
    report = FileReport(str(package))
    assert file_findings(FileAt(CTX, package, report, Given())) == [] and report.not_checked == {}
    (tmp_path / "trust").mkdir()
    given = Given(signatures=Signatures((str(tmp_path / "trust"),), required=False))
    (f,) = file_findings(FileAt(CTX, package, report, given))
    assert (f.rule, f.severity) == ("SE-SIG-001", "warning")
    assert "SE-SIG-005" in report.not_checked and "SE-SIG-001" not in report.not_checked


def test_a_trust_store_is_loaded_once_per_list_of_paths(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    first = trust_store((str(tmp_path / "a"),))
    assert isinstance(first, TrustStore) and trust_store((str(tmp_path / "a"),)) is first


def test_a_verification_amounts_to_its_findings(tmp_path: Path) -> None:
    from sedata.trust import keys
    from sedata.trust.package import sign_package, verify_package
    from sedata.trust.policy import Grant
    from sedata.validate.layers.trust import findings_of

    package = tmp_path / "p.json"
    package.write_bytes((MESSAGES / "operator-certificate-upload.json").read_bytes())
    key = keys.PrivateKey.generate(keys.ED25519)
    sign_package(package, key)
    store = TrustStore()
    store.add(key.public_key())
    store.grant(key.public_key().key_id, Grant(frozenset({"11350000003624150X"}), test_key=True))
    ctx = FileContext(SPEC, str(package))
    assert findings_of(ctx, verify_package(package, key.public_key()), store, SignaturePolicy()) == []
    package.write_text(package.read_text("utf-8").replace("林志强", "林志刚"), "utf-8")
    found = findings_of(ctx, verify_package(package, key.public_key()), store, SignaturePolicy())
    assert [(f.rule, f.pointer) for f in found] == [("SE-SIG-009", None), ("SE-SIG-008", "/header/digest")]
