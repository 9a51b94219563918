"""Signature policy for the validator: the SE-SIG findings (``spec/rules/trust.yaml``) for one package.

The validator calls :func:`signature_findings` once per file when a policy asks for signatures, with a
:class:`TrustStore` of the certificates (or public keys) whose signatures it accepts. The package is read
again here (file bytes and records, both streamed, so constant memory). Unreadable packages are left to the
syntax layer: this layer reports only what the signature shows.

``sedata.validate`` is imported inside the functions, never at module level, so the validator can import
this module without an import cycle.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sedata.spec.envelope import HEADER
from sedata.trust import keys
from sedata.trust.errors import TrustError
from sedata.trust.package import Verification, sig_path_for, verify_with

if TYPE_CHECKING:
    from sedata.validate.context import FileContext
    from sedata.validate.report import ElementRef, Finding, Text

_PEM_SUFFIXES = (".pem", ".crt", ".cer", ".pub")
_HEADER_ELEMENTS = {"recordCount": "SE.MSG.0009", "digest": "SE.MSG.0011"}


@dataclass
class TrustStore:
    """The keys whose signatures are accepted, by key id, with their certificates where given."""

    entries: dict[str, tuple[keys.PublicKey, keys.Certificate | None]] = field(default_factory=dict)

    @classmethod
    def load(cls, paths: Iterable[str | os.PathLike[str]]) -> TrustStore:
        """Certificates or public keys (PEM) from files, and from ``*.pem|crt|cer|pub`` files in folders."""
        store = cls()
        for path in paths:
            p = Path(path)
            if p.is_dir():
                # A folder of keys often holds the private key too (as `sedata keygen` writes it): skip it.
                files = sorted(f for f in p.iterdir() if f.suffix.lower() in _PEM_SUFFIXES and not _private(f))
            else:
                files = [p]
            for f in files:
                store.add(*keys.load_public_file(f))
        return store

    def add(self, key: keys.PublicKey, cert: keys.Certificate | None = None) -> None:
        """Trust ``key``."""
        self.entries[key.key_id] = (key, cert)

    def public_keys(self) -> dict[str, keys.PublicKey]:
        """Key id → key."""
        return {k: v[0] for k, v in self.entries.items()}


def _private(path: Path) -> bool:
    from sedata.io import InputError
    from sedata.io.limits import KEY_FILE_LIMIT, read_limited

    try:
        return b"PRIVATE KEY-----" in read_limited(path, KEY_FILE_LIMIT)
    except InputError:
        return False  # reported when loaded


@dataclass(frozen=True)
class SignaturePolicy:
    """What the receiver asks: a signature on every package (``required``), made with ``algorithms``."""

    required: bool = True
    algorithms: frozenset[str] | None = None
    """Allowed algorithm codes; None: the list in rule SE-SIG-003's ``algorithms`` parameter."""


def allowed_algorithms(ctx: FileContext, policy: SignaturePolicy) -> frozenset[str]:
    """The algorithms ``policy`` allows (its own list, else SE-SIG-003's parameter)."""
    if policy.algorithms is not None:
        return policy.algorithms
    rule, _layer = ctx.rule("SE-SIG-003")
    return frozenset(rule.parameters["algorithms"].split())


def signature_findings(
    ctx: FileContext,
    path: str | os.PathLike[str],
    trust: TrustStore,
    policy: SignaturePolicy | None = None,
    *,
    sig_path: str | os.PathLike[str] | None = None,
) -> list[Finding]:
    """The SE-SIG findings for the package at ``path`` (its signature at ``sig_path``, default ``path.sig``)."""
    policy = policy or SignaturePolicy()
    sig_file = sig_path_for(path) if sig_path is None else Path(sig_path)
    if not sig_file.exists():
        if not policy.required:
            return []
        return [ctx.finding("SE-SIG-001", detail=f"{sig_file.name}")]
    result = verify_with(path, trust.public_keys(), sig_file)
    return findings_of(ctx, result, trust, policy)


def findings_of(ctx: FileContext, result: Verification, trust: TrustStore, policy: SignaturePolicy) -> list[Finding]:
    """The SE-SIG findings a :class:`Verification` amounts to."""
    from sedata.validate.masking import shorten
    from sedata.validate.report import Text

    error = result.error
    if error is not None:
        if error.code == "sig-missing":
            return [ctx.finding("SE-SIG-001", detail=Path(result.sig_file).name)] if policy.required else []
        if error.file == result.sig_file:
            return [ctx.finding("SE-SIG-002", detail=_text(error))]
        return []  # the package itself is unreadable: the syntax layer reports it
    doc = result.doc
    assert doc is not None
    out: list[Finding] = []
    allowed = allowed_algorithms(ctx, policy)
    if doc["algorithm"] not in allowed:
        out.append(ctx.finding("SE-SIG-003", value=doc["algorithm"], expected=", ".join(sorted(allowed))))
    for check in result.failures:
        detail = Text(check.zh, check.en)
        if check.name == "key":
            held = len(trust.entries)
            out.append(
                ctx.finding(
                    "SE-SIG-004",
                    value=doc["keyId"][:16] + "…",
                    detail=Text(f"信任库中有 {held} 个证书", f"the trust store holds {held} certificate(s)"),
                )
            )
        elif check.name == "signature":
            out.append(ctx.finding("SE-SIG-005", detail=detail))
        elif check.name == "header":
            out.extend(_header_findings(ctx, doc["header"], result))
        elif check.name in ("count", "digest"):
            rule = "SE-SIG-007" if check.name == "count" else "SE-SIG-008"
            name = "recordCount" if check.name == "count" else "digest"
            out.append(
                ctx.finding(
                    rule,
                    pointer=_pointer(name),
                    element=_ref(ctx, _HEADER_ELEMENTS[name], name),
                    value=shorten(check.actual or ""),
                    expected=check.expected,
                )
            )
        elif check.name == "bytes":
            out.append(
                ctx.finding(
                    "SE-SIG-009",
                    value=shorten(check.actual or ""),
                    expected=check.expected,
                    detail=f"{doc['file']['format']}, {doc['file']['digestAlgorithm']}",
                )
            )
    out.extend(_validity_findings(ctx, doc, trust))
    return out


def _text(error: TrustError) -> Text:
    from sedata.validate.report import Text

    return Text(error.zh, error.en)


def _pointer(name: str) -> str:
    from sedata.validate.shapes import pointer

    return pointer(HEADER, name)


def _ref(ctx: FileContext, element_id: str, exchange_name: str) -> ElementRef:
    from sedata.validate.report import ElementRef, Text

    name = ctx.spec.elements[element_id].name
    return ElementRef(element_id, Text(name.zh, name.en), exchange_name)


def _header_findings(ctx: FileContext, signed: dict[str, object], result: Verification) -> list[Finding]:
    from sedata.elements import MessageHeader
    from sedata.validate.masking import shorten
    from sedata.validate.report import ElementRef, Text

    now = result.observed.header if result.observed else None
    if now is None:
        return []  # an unreadable header is the syntax layer's finding
    element_of = {
        field.validation_alias: MessageHeader.element_of(name) for name, field in MessageHeader.model_fields.items()
    }
    out = []
    for name in sorted(signed.keys() | now.keys()):
        if signed.get(name) == now.get(name):
            continue
        element = element_of.get(name)
        out.append(
            ctx.finding(
                "SE-SIG-006",
                pointer=_pointer(name),
                element=_ref(ctx, element, name) if element else ElementRef(name, Text(name, name), name),
                value=shorten(str(now.get(name, "—"))),
                expected=shorten(str(signed.get(name, "—"))),
            )
        )
    return out


def _validity_findings(ctx: FileContext, doc: dict[str, object], trust: TrustStore) -> list[Finding]:
    entry = trust.entries.get(str(doc["keyId"]))
    cert = entry[1] if entry else None
    if cert is None:
        return []
    try:
        signed_at = dt.datetime.fromisoformat(str(doc["signedAt"]))
    except ValueError:
        return [ctx.finding("SE-SIG-010", value=str(doc["signedAt"]), expected=_validity(cert))]
    if signed_at.tzinfo is None or not cert.not_before <= signed_at <= cert.not_after:
        return [ctx.finding("SE-SIG-010", value=str(doc["signedAt"]), expected=_validity(cert))]
    return []


def _validity(cert: keys.Certificate) -> str:
    return f"{cert.not_before.isoformat()} – {cert.not_after.isoformat()}"
