"""Signature policy for the validator: the SE-SIG findings (``spec/rules/trust.yaml``) for one package.

The validator calls :func:`signature_findings` once per file when a policy asks for signatures, with a
:class:`TrustStore` of the certificates (or public keys) whose signatures it accepts, the roots they must chain
to, and the receiver's signer map (``signers.yaml``: which key may sign for which senders; docs/trust-model.md).
The package is read again here (file bytes and records, both streamed, so constant memory). Unreadable packages
are left to the syntax layer: this layer reports only what the signature shows.

``sedata.validate`` is imported inside the functions, never at module level, so the validator can import
this module without an import cycle.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sedata.spec.envelope import HEADER
from sedata.trust import keys
from sedata.trust.errors import TrustError
from sedata.trust.files import is_private_key_file, read_limited
from sedata.trust.package import Check, Verification, certificate_checks, sig_path_for, verify_with
from sedata.trust.text import shown

if TYPE_CHECKING:
    from sedata.validate.context import FileContext
    from sedata.validate.report import ElementRef, Finding, Text

_PEM_SUFFIXES = (".pem", ".crt", ".cer", ".pub")
_MAP_SUFFIXES = (".yaml", ".yml")
SIGNER_MAP_NAMES = ("signers.yaml", "signers.yml")
"""The receiver's signer map in a trust folder (docs/trust-model.md)."""
SIGNER_MAP_FORMAT = "sedata-signers"
_HEADER_ELEMENTS = {"recordCount": "SE.MSG.0009", "digest": "SE.MSG.0011"}


@dataclass(frozen=True)
class Grant:
    """What the receiver's signer map lets one key sign for: these senders, of these message types (None: all)."""

    senders: frozenset[str]
    message_types: frozenset[str] | None = None
    test_key: bool = False
    """The key may be self-signed (or a bare public key, as ``sedata keygen`` makes): the receiver vouches for it."""
    source: str = ""
    """Where the grant is written (``file: signers[i]``), for people."""


@dataclass
class TrustStore:
    """The keys whose signatures are accepted, by key id, with their certificates where given; the trusted roots
    (CA certificates) signer certificates must chain to when any is given; the receiver's grants per key id."""

    entries: dict[str, tuple[keys.PublicKey, keys.Certificate | None]] = field(default_factory=dict)
    grants: dict[str, list[Grant]] = field(default_factory=dict)
    allow_test_keys: bool = False
    """Accept every self-signed certificate and bare public key as its own root (test keys, ``sedata keygen``)."""
    _issuers: dict[tuple[str, str], bool] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def load(cls, paths: Iterable[str | os.PathLike[str]], *, allow_test_keys: bool = False) -> TrustStore:
        """Certificates or public keys (PEM) and signer maps (YAML) from files, and from folders: their
        ``*.pem|crt|cer|pub`` files (private keys skipped) and ``signers.yaml``."""
        store = cls(allow_test_keys=allow_test_keys)
        maps: list[Path] = []
        for path in paths:
            p = Path(path)
            if p.is_dir():
                # A folder of keys often holds the private key too (as `sedata keygen` writes it): skip it.
                files = sorted(
                    f for f in p.iterdir() if f.suffix.lower() in _PEM_SUFFIXES and not is_private_key_file(f)
                )
                maps += [p / n for n in SIGNER_MAP_NAMES if (p / n).is_file()]
            elif p.suffix.lower() in _MAP_SUFFIXES:
                maps.append(p)
                files = []
            else:
                files = [p]
            for f in files:
                store.add(*keys.load_public_file(f))
        for m in maps:
            store.load_signer_map(m)
        return store

    def add(self, key: keys.PublicKey, cert: keys.Certificate | None = None) -> None:
        """Trust ``key``."""
        self.entries[key.key_id] = (key, cert)

    def grant(self, key_id: str, grant: Grant) -> None:
        """Let ``key_id`` sign for what ``grant`` names."""
        self.grants.setdefault(key_id, []).append(grant)

    def public_keys(self) -> dict[str, keys.PublicKey]:
        """Key id → key."""
        return {k: v[0] for k, v in self.entries.items()}

    def roots(self) -> list[tuple[keys.PublicKey, keys.Certificate]]:
        """The CA certificates of the store: signer certificates must be issued by one of them when any is given."""
        return [(k, c) for k, c in self.entries.values() if c is not None and c.ca]

    def senders_of(self, key_id: str, message_type: str | None) -> set[str]:
        """The senders ``key_id`` may sign for (packages of ``message_type``): its grants and its certificate's USCC."""
        out: set[str] = set()
        for g in self.grants.get(key_id, []):
            if g.message_types is None or message_type is None or message_type in g.message_types:
                out |= g.senders
        entry = self.entries.get(key_id)
        if entry is not None and entry[1] is not None:
            out |= set(entry[1].senders)
        return out

    def chain_problem(self, key_id: str, when: dt.datetime | None) -> tuple[str, str] | None:
        """Why ``key_id``'s certificate is not vouched for (zh, en), or None when it is.

        With roots in the store, a certificate must be issued by one that is valid (at ``when`` too, the signing
        time); a self-signed certificate or a bare public key is a test key, accepted only when the receiver says
        so (``testKey`` in the signer map, or ``allow_test_keys``). Without roots a certificate a CA issued is
        trusted as given (pinned).
        """
        _key, cert = self.entries[key_id]
        if cert is not None and cert.ca:
            return None  # a CA certificate may not sign at all: that is SE-SIG-012
        test_key = cert is None or cert.self_signed
        if test_key:
            if self.allow_test_keys or any(g.test_key for g in self.grants.get(key_id, [])):
                return None
            what = (
                ("自签名证书", "a self-signed certificate")
                if cert is not None
                else ("无证书的公钥", "a bare public key")
            )
            return (
                f"{what[0]}（测试密钥），接收方未声明接受（在签名者授权表中设 testKey: true）",
                f"{what[1]} (a test key) the receiver has not declared acceptable (testKey: true in the signer map)",
            )
        roots = self.roots()
        if not roots:
            return None
        assert cert is not None
        for root_key, root in roots:
            if cert.issuer_der == root.subject_der and self._issued_by(key_id, cert, root_key):
                problems = []
                if root.key_usage is not None and "keyCertSign" not in root.key_usage:
                    problems.append(
                        ("根证书不允许签发证书（keyUsage 无 keyCertSign）", "the root may not sign certificates")
                    )
                for moment in (dt.datetime.now(dt.UTC), when):
                    if moment is not None and not root.valid_at(moment):
                        problems.append(
                            (
                                f"根证书在 {moment.isoformat(timespec='seconds')} 不在有效期内",
                                f"the root is not valid at {moment.isoformat(timespec='seconds')}",
                            )
                        )
                if not problems:
                    return None
                return ("；".join(z for z, _ in problems), "; ".join(e for _, e in problems))
        return ("证书不是由信任库中的根证书签发的", "the certificate was not issued by a root of the trust store")

    def _issued_by(self, key_id: str, cert: keys.Certificate, root: keys.PublicKey) -> bool:
        # Remembered: a run checks many packages of one signer, and an SM2 verification in pure Python is slow.
        known = self._issuers.get((key_id, root.key_id))
        if known is None:
            known = self._issuers[(key_id, root.key_id)] = keys.issued_by(cert, root)
        return known

    def load_signer_map(self, path: Path) -> None:
        """Read a signer map (docs/trust-model.md): which key may sign for which senders and message types."""
        for key_id, key, cert, grant in read_signer_map(path):
            if key is not None:
                self.add(key, cert)
            self.grant(key_id, grant)


Granted = tuple[str, keys.PublicKey | None, keys.Certificate | None, Grant]


def _entry_lines(node: Any) -> list[int]:
    """The line (1-based) of each entry of the map's ``signers`` list, from the composed YAML node."""
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return []
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "signers" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def current_message_types() -> list[str]:
    """The message types of the current spec (what a grant's ``messageTypes`` may name)."""
    from sedata.spec import current

    return sorted(current().messages)


def read_signer_map(path: Path) -> list[Granted]:
    """The grants of the signer map at ``path``: each with its key id, and the key and certificate when the entry
    names a certificate file (relative to the map).

    Raises :class:`TrustError` (``signers-invalid``) naming the file and entry for anything not as documented.
    """
    import yaml

    from sedata.codes import uscc

    file = str(path)

    def bad(where: str | tuple[str, str], zh: str, en: str) -> TrustError:
        at_zh, at_en = (where, where) if isinstance(where, str) else where
        return TrustError("signers-invalid", f"{at_zh}：{zh}", f"{at_en}: {en}", file=file)

    try:
        text = read_limited(path, what="signer map").decode("utf-8")
        doc = yaml.safe_load(text)
        lines = _entry_lines(yaml.compose(text))
    except FileNotFoundError:
        raise bad("—", "文件不存在", "the file does not exist") from None
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise bad("—", f"不是 UTF-8 YAML（{exc}）", f"not UTF-8 YAML ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != SIGNER_MAP_FORMAT or doc.get("version") != 1:
        raise bad(
            "—",
            f"应为 format: {SIGNER_MAP_FORMAT}、version: 1 的映射",
            f"expected a mapping with format: {SIGNER_MAP_FORMAT}, version: 1",
        )
    unknown = set(doc) - {"format", "version", "signers"}
    if unknown or not isinstance(doc.get("signers"), list):
        raise bad("—", "只能有 format、version 与列表 signers", "only format, version and a list signers are allowed")
    types = set(current_message_types())
    out: list[Granted] = []
    for i, entry in enumerate(doc["signers"]):
        line = lines[i] if i < len(lines) else None
        where = (f"signers[{i}]（第 {line} 行）", f"signers[{i}] (line {line})") if line else f"signers[{i}]"
        if not isinstance(entry, dict):
            raise bad(where, "应为映射", "must be a mapping")
        extra = set(entry) - {"name", "keyId", "certificate", "senders", "messageTypes", "testKey"}
        if extra:
            raise bad(
                where,
                f"未知成员 {', '.join(sorted(map(str, extra)))}",
                f"unknown member(s) {', '.join(sorted(map(str, extra)))}",
            )
        senders = entry.get("senders")
        if isinstance(senders, list):  # an all-digit code written unquoted reads as a YAML integer
            senders = [str(x) if isinstance(x, int) and not isinstance(x, bool) else x for x in senders]
        if not isinstance(senders, list) or not senders:
            raise bad(where, "senders 应为统一社会信用代码的非空列表", "senders must be a non-empty list of codes")
        wrong = next((x for x in senders if not (isinstance(x, str) and uscc.is_valid(x))), None)
        if wrong is not None:
            raise bad(
                (f"{where[0]} senders", f"{where[1]} senders") if isinstance(where, tuple) else f"{where}.senders",
                f"{shown(str(wrong))} 不是有效的统一社会信用代码（校验位须正确；全数字的代码请加引号）",
                f"{shown(str(wrong))} is not a valid unified social credit code (check character included)",
            )
        message_types = entry.get("messageTypes")
        if message_types is not None and (
            not isinstance(message_types, list)
            or not message_types
            or not all(isinstance(x, str) and x in types for x in message_types)
        ):
            raise bad(
                where,
                f"messageTypes 应为报文类型列表（{'、'.join(sorted(types))}）",
                f"messageTypes must be a list of message types ({', '.join(sorted(types))})",
            )
        test_key = entry.get("testKey", False)
        if not isinstance(test_key, bool):
            raise bad(where, "testKey 应为 true 或 false", "testKey must be true or false")
        grant = Grant(
            frozenset(senders),
            None if message_types is None else frozenset(message_types),
            test_key,
            f"{file}: {where}",
        )
        if ("keyId" in entry) == ("certificate" in entry):
            raise bad(where, "应恰好给出 keyId 或 certificate 之一", "give exactly one of keyId and certificate")
        if "certificate" in entry:
            if not isinstance(entry["certificate"], str):
                raise bad(where, "certificate 应为证书文件路径", "certificate must be a path to a certificate file")
            key, cert = keys.load_public_file(path.parent / entry["certificate"])
            out.append((key.key_id, key, cert, grant))
        else:
            key_id = entry["keyId"]
            if not isinstance(key_id, str) or not re.fullmatch(r"[0-9a-f]{64}", key_id):
                raise bad(
                    where,
                    "keyId 应为 64 位小写十六进制（公钥 SHA-256）",
                    "keyId must be 64 lower-case hex digits (SHA-256 of the public key)",
                )
            out.append((key_id, None, None, grant))
    return out


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
    """The SE-SIG findings for the package at ``path`` (its signature at ``sig_path``, default ``path.sig``).

    A missing signature is never silent under a trust store: an error when the policy requires signatures,
    else a warning (SE-SIG-001 either way).
    """
    policy = policy or SignaturePolicy()
    sig_file = sig_path_for(path) if sig_path is None else Path(sig_path)
    if not sig_file.exists():
        return [_unsigned(ctx, sig_file.name, policy)]
    result = verify_with(path, trust.public_keys(), sig_file)
    return findings_of(ctx, result, trust, policy)


def _unsigned(ctx: FileContext, name: str, policy: SignaturePolicy) -> Finding:
    from sedata.validate.report import Text

    if policy.required:
        return ctx.finding(
            "SE-SIG-001",
            detail=Text(f"签名策略要求签名，缺少 {name}", f"the policy requires a signature; {name} is missing"),
        )
    found = ctx.finding(
        "SE-SIG-001",
        detail=Text(
            f"缺少 {name}；未要求签名（--require-signature），报文来源与完整性均未经验证",
            f"{name} is missing; signatures are not required (--require-signature), so neither the sender nor the "
            "content was verified",
        ),
    )
    return dataclasses.replace(found, severity="warning")


def not_checked(ctx: FileContext, found: Iterable[Finding]) -> dict[str, Text]:
    """The SE-SIG rules that ``found`` shows could not be checked (no signature file, or one that cannot be used)."""
    from sedata.validate.report import Text

    fired = {f.rule for f in found}
    layers = ctx.spec.rule_layers
    if "SE-SIG-001" in fired:
        reason = Text("报文未签名，未验证签名", "the package is not signed; no signature was verified")
    elif "SE-SIG-002" in fired:
        reason = Text("签名文件无法使用，未验证签名", "the signature file cannot be used; no signature was verified")
    elif "SE-SIG-004" in fired:
        reason = Text(
            "签名密钥不受信任，未验证签名值与签名者",
            "the signing key is not trusted; its signature and signer were not checked",
        )
        return {r: reason for r in _SIGNER_RULES if r not in fired}
    else:
        return {}
    return {r: reason for r in ctx.spec.rules if layers[r] == "trust" and r not in fired}


_SIGNER_RULES = ("SE-SIG-005", "SE-SIG-010", "SE-SIG-011", "SE-SIG-012", "SE-SIG-013", "SE-SIG-014")
"""The rules that need the signer's trusted key: the signature value, and the signer and its certificate."""


def findings_of(
    ctx: FileContext,
    result: Verification,
    trust: TrustStore,
    policy: SignaturePolicy,
    *,
    now: dt.datetime | None = None,
) -> list[Finding]:
    """The SE-SIG findings a :class:`Verification` amounts to, the signer judged against ``trust``."""
    from sedata.validate.masking import shorten
    from sedata.validate.report import Text

    error = result.error
    if error is not None:
        if error.code == "sig-missing":
            return [_unsigned(ctx, Path(result.sig_file).name, policy)]
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
    if result.check("key").status == "ok":
        out.extend(_signer_findings(ctx, doc, result, trust, now))
    return out


_CERTIFICATE_RULES = {"signedAt": "SE-SIG-010", "certificate": "SE-SIG-012", "validity": "SE-SIG-013"}


def _signer_findings(
    ctx: FileContext, doc: dict[str, Any], result: Verification, trust: TrustStore, now: dt.datetime | None
) -> list[Finding]:
    """Who signed, judged: the certificate (SE-SIG-010, 012, 013), its chain (014) and whom it may sign for (011)."""
    from sedata.validate.masking import shorten
    from sedata.validate.report import Text

    key_id = str(doc["keyId"])
    _key, cert = trust.entries[key_id]
    out: list[Finding] = []
    checks: list[Check] = certificate_checks(cert, str(doc["signedAt"]), now) if cert is not None else []
    for check in checks:
        if check.status == "failed":
            out.append(
                ctx.finding(
                    _CERTIFICATE_RULES[check.name],
                    value=shorten(check.actual) if check.actual else None,
                    expected=check.expected,
                    detail=Text(check.zh, check.en),
                )
            )
    try:
        signed_at: dt.datetime | None = dt.datetime.fromisoformat(str(doc["signedAt"]))
    except ValueError:
        signed_at = None
    problem = trust.chain_problem(key_id, signed_at if signed_at and signed_at.tzinfo else None)
    if problem is not None:
        out.append(ctx.finding("SE-SIG-014", value=key_id[:16] + "…", detail=Text(*problem)))
    header = result.observed.header if result.observed and result.observed.header else doc["header"]
    sender, message_type = str(header.get("sender", "")), header.get("messageType")
    allowed = trust.senders_of(key_id, message_type if isinstance(message_type, str) else None)
    if sender not in allowed:
        may = "、".join(sorted(allowed)) if allowed else "—"
        who = shown(cert.subject) if cert is not None else key_id[:16] + "…"  # a person's certificate may hold an ID
        out.append(
            ctx.finding(
                "SE-SIG-011",
                pointer=_pointer("sender"),
                element=_ref(ctx, "SE.MSG.0004", "sender"),
                value=shorten(sender),
                expected=may,
                detail=Text(
                    f"签名者 {who}，报文类型 {message_type}；授权来自证书中的统一社会信用代码与接收方的签名者授权表",
                    f"signer {who}, message type {message_type}; grants come from the certificate's unified social "
                    "credit code and the receiver's signer map",
                ),
            )
        )
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
