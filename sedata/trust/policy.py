"""Signature policy: what a package's signature shows wrong, judged against a trust store, as plain results.

:func:`package_problems` checks one package with a :class:`TrustStore` of the certificates (or public keys)
whose signatures are accepted, the roots they must chain to, and the receiver's signer map (``signers.yaml``:
which key may sign for which senders; docs/trust-model.md). The package is read again here (file bytes and
records, both streamed, so constant memory). Each :class:`Problem` names the check that failed; the validator's
trust layer turns them into SE-SIG findings (``spec/rules/trust.yaml``). The validator imports this package,
never the reverse.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sedata.spec.envelope import envelope_ids
from sedata.trust import keys
from sedata.trust.errors import TrustError
from sedata.trust.files import is_private_key_file, read_limited
from sedata.trust.package import Check, Verification, certificate_checks, sig_path_for, verify_with
from sedata.trust.text import shown

if TYPE_CHECKING:
    from sedata.spec import Spec

_PEM_SUFFIXES = (".pem", ".crt", ".cer", ".pub")
_MAP_SUFFIXES = (".yaml", ".yml")
SIGNER_MAP_NAMES = ("signers.yaml", "signers.yml")
"""The receiver's signer map in a trust folder (docs/trust-model.md)."""
SIGNER_MAP_FORMAT = "sedata-signers"


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
    """Allowed algorithm codes; None: the list the spec's trust rules allow (the validator's trust layer)."""


@dataclass(frozen=True)
class Problem:
    """One thing a package's signature shows wrong under a policy: a plain check result, for the validator to report.

    ``check`` names what failed: ``unsigned`` (no signature file), ``unusable`` (a signature file that cannot be
    used), ``algorithm`` (not allowed), ``key`` (not in the trust store), ``signature`` (the value does not verify),
    ``header`` (a header member changed since signing), ``count``, ``digest`` and ``bytes`` (records or file bytes
    changed), ``signedAt``, ``certificate`` and ``validity`` (the signer's certificate), ``chain`` (not vouched
    for by a root) and ``grant`` (the signer may not sign for the sender).
    """

    check: str
    value: str | None = None
    """What was found, unshortened."""
    expected: str | None = None
    detail: tuple[str, str] | str | None = None
    """An explanation, in Chinese and English (one text for both when it is data)."""
    member: str | None = None
    """The header member the problem is about, when its check does not say (``header``)."""
    warning: bool = False
    """The receiver does not require what is missing: worth a warning only."""


SIGNER_CHECKS = ("signature", "signedAt", "grant", "certificate", "validity", "chain")
"""The checks that need the signer's trusted key: the signature value, and the signer and its certificate."""


def package_problems(
    spec: Spec,
    path: str | os.PathLike[str],
    trust: TrustStore,
    policy: SignaturePolicy,
    algorithms: frozenset[str],
    *,
    sig_path: str | os.PathLike[str] | None = None,
) -> list[Problem]:
    """What the signature of the package at ``path`` (at ``sig_path``, default ``path.sig``) shows wrong, with
    ``algorithms`` allowed (the policy's own, else the spec's).

    A missing signature is never silent under a trust store: a problem whether or not the policy requires
    signatures (a ``warning`` one when it does not).
    """
    sig_file = sig_path_for(path) if sig_path is None else Path(sig_path)
    if not sig_file.exists():
        return [_unsigned(sig_file.name, policy)]
    result = verify_with(path, trust.public_keys(), sig_file)
    return problems_of(spec, result, trust, policy, algorithms)


def _unsigned(name: str, policy: SignaturePolicy) -> Problem:
    if policy.required:
        return Problem(
            "unsigned", detail=(f"签名策略要求签名，缺少 {name}", f"the policy requires a signature; {name} is missing")
        )
    return Problem(
        "unsigned",
        detail=(
            f"缺少 {name}；未要求签名（--require-signature），报文来源与完整性均未经验证",
            f"{name} is missing; signatures are not required (--require-signature), so neither the sender nor the "
            "content was verified",
        ),
        warning=True,
    )


def problems_of(
    spec: Spec,
    result: Verification,
    trust: TrustStore,
    policy: SignaturePolicy,
    algorithms: frozenset[str],
    *,
    now: dt.datetime | None = None,
) -> list[Problem]:
    """What a :class:`Verification` shows wrong, the signer judged against ``trust``."""
    error = result.error
    if error is not None:
        if error.code == "sig-missing":
            return [_unsigned(Path(result.sig_file).name, policy)]
        if error.file == result.sig_file:
            return [Problem("unusable", detail=(error.zh, error.en))]
        return []  # the package itself is unreadable: the validator's syntax layer reports it
    doc = result.doc
    assert doc is not None
    out: list[Problem] = []
    if doc["algorithm"] not in algorithms:
        out.append(Problem("algorithm", value=doc["algorithm"], expected=", ".join(sorted(algorithms))))
    for check in result.failures:
        detail = (check.zh, check.en)
        if check.name == "key":
            held = len(trust.entries)
            out.append(
                Problem(
                    "key",
                    value=doc["keyId"][:16] + "…",
                    detail=(f"信任库中有 {held} 个证书", f"the trust store holds {held} certificate(s)"),
                )
            )
        elif check.name == "signature":
            out.append(Problem("signature", detail=detail))
        elif check.name == "header":
            out.extend(_header_problems(doc["header"], result))
        elif check.name in ("count", "digest"):
            out.append(Problem(check.name, value=check.actual or "", expected=check.expected))
        elif check.name == "bytes":
            out.append(
                Problem(
                    "bytes",
                    value=check.actual or "",
                    expected=check.expected,
                    detail=f"{doc['file']['format']}, {doc['file']['digestAlgorithm']}",
                )
            )
    if result.check("key").status == "ok":
        out.extend(_signer_problems(spec, doc, result, trust, now))
    return out


def _signer_problems(
    spec: Spec, doc: dict[str, Any], result: Verification, trust: TrustStore, now: dt.datetime | None
) -> list[Problem]:
    """Who signed, judged: the certificate (signedAt, certificate, validity), its chain and whom it may sign for."""
    key_id = str(doc["keyId"])
    _key, cert = trust.entries[key_id]
    out: list[Problem] = []
    checks: list[Check] = certificate_checks(cert, str(doc["signedAt"]), now) if cert is not None else []
    for check in checks:
        if check.status == "failed":
            out.append(
                Problem(check.name, value=check.actual or None, expected=check.expected, detail=(check.zh, check.en))
            )
    try:
        signed_at: dt.datetime | None = dt.datetime.fromisoformat(str(doc["signedAt"]))
    except ValueError:
        signed_at = None
    problem = trust.chain_problem(key_id, signed_at if signed_at and signed_at.tzinfo else None)
    if problem is not None:
        out.append(Problem("chain", value=key_id[:16] + "…", detail=problem))
    header = result.observed.header if result.observed and result.observed.header else doc["header"]
    sender_name, type_name = _header_names(spec)
    sender, message_type = str(header.get(sender_name, "")), header.get(type_name)
    allowed = trust.senders_of(key_id, message_type if isinstance(message_type, str) else None)
    if sender not in allowed:
        may = "、".join(sorted(allowed)) if allowed else "—"
        who = shown(cert.subject) if cert is not None else key_id[:16] + "…"  # a person's certificate may hold an ID
        out.append(
            Problem(
                "grant",
                value=sender,
                expected=may,
                detail=(
                    f"签名者 {who}，报文类型 {message_type}；授权来自证书中的统一社会信用代码与接收方的签名者授权表",
                    f"signer {who}, message type {message_type}; grants come from the certificate's unified social "
                    "credit code and the receiver's signer map",
                ),
            )
        )
    return out


def _header_names(spec: Spec) -> tuple[str, str]:
    """The header members naming the sender and the message type, as the spec's envelope declares them."""
    from sedata.spec.loader import exchange_name

    ids = envelope_ids(spec)
    return exchange_name(spec.elements[ids.sender]), exchange_name(spec.elements[ids.message_type])


def _header_problems(signed: dict[str, object], result: Verification) -> list[Problem]:
    now = result.observed.header if result.observed else None
    if now is None:
        return []  # an unreadable header is the syntax layer's finding
    return [
        Problem("header", member=name, value=str(now.get(name, "—")), expected=str(signed.get(name, "—")))
        for name in sorted(signed.keys() | now.keys())
        if signed.get(name) != now.get(name)
    ]
