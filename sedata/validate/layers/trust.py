"""Layer 8, trust: each package's detached signature judged under the receiver's policy (SE-SIG-…).

:mod:`sedata.trust.policy` checks the signature against a trust store and returns plain results, one per
check that failed; this layer names each result's rule and makes the finding, as the sequence layer does with
the ledger's events. It is the only module of the validator that imports :mod:`sedata.trust`, and only when a
caller asks for signatures, so validating without ``--trust`` loads no cryptography.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from sedata.spec.envelope import HEADER, HEADER_ENTITY, envelope_ids
from sedata.validate.context import FileContext
from sedata.validate.layers.base import FileAt, Signatures
from sedata.validate.report import ElementRef, Finding, Text
from sedata.validate.shapes import pointer

if TYPE_CHECKING:
    from sedata.trust.package import Verification
    from sedata.trust.policy import Problem, SignaturePolicy, TrustStore

RULES: dict[str, str] = {
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
"""The rule of each check :mod:`sedata.trust.policy` reports."""

_ALGORITHMS = RULES["algorithm"]
"""The rule whose ``algorithms`` parameter lists the algorithms a policy allows unless it names its own."""


def trust_store(paths: tuple[str, ...]) -> TrustStore:
    """The trust store of ``paths``, loaded once per process and list of paths (a run checks many files against
    the same certificates). Raises :class:`sedata.trust.errors.TrustError` when one cannot be loaded."""
    if paths not in _STORES:
        from sedata.trust.policy import TrustStore

        _STORES[paths] = TrustStore.load(paths)
    return _STORES[paths]


_STORES: dict[tuple[str, ...], TrustStore] = {}


def allowed_algorithms(ctx: FileContext, policy: SignaturePolicy) -> frozenset[str]:
    """The algorithms ``policy`` allows (its own list, else the spec's SE-SIG-003 parameter)."""
    if policy.algorithms is not None:
        return policy.algorithms
    rule, _layer = ctx.rule(_ALGORITHMS)
    return frozenset(rule.parameters["algorithms"].split())


def signature_findings(
    ctx: FileContext,
    path: str | os.PathLike[str],
    trust: TrustStore,
    policy: SignaturePolicy | None = None,
    *,
    sig_path: str | os.PathLike[str] | None = None,
) -> list[Finding]:
    """The SE-SIG findings for the package at ``path`` (its signature at ``sig_path``, default ``path.sig``).

    A missing signature is never silent under a trust store: an error when the policy requires signatures,
    else a warning (SE-SIG-001 either way).
    """
    from sedata.trust.policy import SignaturePolicy, package_problems

    policy = policy or SignaturePolicy()
    found = package_problems(ctx.spec, path, trust, policy, allowed_algorithms(ctx, policy), sig_path=sig_path)
    return [_finding(ctx, p) for p in found]


def findings_of(
    ctx: FileContext,
    result: Verification,
    trust: TrustStore,
    policy: SignaturePolicy,
    *,
    now: dt.datetime | None = None,
) -> list[Finding]:
    """The SE-SIG findings a :class:`~sedata.trust.package.Verification` amounts to, the signer judged against
    ``trust``."""
    from sedata.trust.policy import problems_of

    found = problems_of(ctx.spec, result, trust, policy, allowed_algorithms(ctx, policy), now=now)
    return [_finding(ctx, p) for p in found]


def _finding(ctx: FileContext, problem: Problem) -> Finding:
    """The finding of one policy result: its rule, and the header member it is about, from the spec."""
    member = _member(ctx, problem)
    detail = Text(*problem.detail) if isinstance(problem.detail, tuple) else problem.detail
    found = ctx.finding(
        RULES[problem.check],
        pointer=None if member is None else pointer(HEADER, member.field),
        element=member,
        value=problem.value,  # cut by ctx.finding after masking: cut first, a citizen ID's first digits could show
        expected=problem.expected,
        detail=detail,
    )
    return dataclasses.replace(found, severity="warning") if problem.warning else found


def _member(ctx: FileContext, problem: Problem) -> ElementRef | None:
    """The header element a result is about: the spec's envelope says which element records count, digest and
    sender are; a changed member is named by the result."""
    envelope = envelope_ids(ctx.spec)
    element = {"count": envelope.record_count, "digest": envelope.digest, "grant": envelope.sender}.get(problem.check)
    header = ctx.shapes[HEADER_ENTITY]
    if element is not None:
        return next(f.ref for f in header.fields.values() if f.element == element)
    if problem.member is None:
        return None
    field = header.fields.get(problem.member)
    if field is None:  # a member the header does not define, added after signing
        return ElementRef(problem.member, Text(problem.member, problem.member), problem.member)
    return field.ref


def not_checked(ctx: FileContext, found: Iterable[Finding]) -> dict[str, Text]:
    """The SE-SIG rules that ``found`` shows could not be checked (no signature file, or one that cannot be used)."""
    from sedata.trust.policy import SIGNER_CHECKS

    fired = {f.rule for f in found}
    layers = ctx.spec.rule_layers
    if RULES["unsigned"] in fired:
        reason = Text("报文未签名，未验证签名", "the package is not signed; no signature was verified")
    elif RULES["unusable"] in fired:
        reason = Text("签名文件无法使用，未验证签名", "the signature file cannot be used; no signature was verified")
    elif RULES["key"] in fired:
        reason = Text(
            "签名密钥不受信任，未验证签名值与签名者",
            "the signing key is not trusted; its signature and signer were not checked",
        )
        signer_rules = sorted(RULES[c] for c in SIGNER_CHECKS)
        return {r: reason for r in signer_rules if r not in fired}
    else:
        return {}
    return {r: reason for r in ctx.spec.rules if layers[r] == "trust" and r not in fired}


def file_findings(at: FileAt) -> list[Finding]:
    """The trust layer's call in a validation: check the package's signature (the file is read again, streaming)
    against the certificates ``at`` gives; the rules a missing or unusable signature leaves unchecked are named in
    the report."""
    check: Signatures | None = at.given.signatures
    if check is None:
        return []
    from sedata.trust.policy import SignaturePolicy

    found = signature_findings(at.ctx, at.path, trust_store(check.trust), SignaturePolicy(required=check.required))
    at.report.not_checked.update(not_checked(at.ctx, found))  # e.g. unsigned: the other SE-SIG rules
    return found
