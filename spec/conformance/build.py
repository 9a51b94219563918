"""Write the conformance suite: one small message per case and ``cases.yaml`` naming what each must yield.

Run ``python3 spec/conformance/build.py`` from the checkout after changing a case; the output is
deterministic (fixed message ids, creation times and seeds), and a test checks the committed files are
exactly what this script writes. The builders are those of tests/validate/test_rules.py, made
format-independent: a case alters record envelopes (JSON data), and the same envelopes are then laid
out as JSON, JSON Lines and XML by the exchange encoders, so the header's count and digest still match.
Syntax cases alter the bytes of a clean message instead, per format.

Trust cases carry a detached signature ``cases/<id>.<fmt>.sig`` made with the committed TEST keys of
``keys/`` (Ed25519, deterministic) at a fixed signing time; the message is altered after signing where the
rule is about a change. A case trusts a receiver's signer map (``keys/signers.yaml``, or a case's own in a key
folder), which names the certificates and whom each may sign for. The keys were made once by
``build.py --make-keys`` (random) and are only read here.

Reconciliation cases (the consistency layer) pair a registration dataset ``cases/<id>.reg0.<fmt>`` (the supervision
office's registration download: a use registration of each sampled device, status changes added by a case) with
the case's own file, the inspection dataset (the same devices' equipment records and latest inspections, moved
into the year before the day of the reconciliation); each case alters one side.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sedata import exchange as X
from sedata.exchange.api import ENCODERS
from sedata.sample.generator import sample_records
from sedata.spec import Spec, current
from sedata.spec.versions import spec_for
from sedata.trust import keys
from sedata.trust.package import sig_path_for, sign_package

SPEC = current()
SPEC_1_0_0 = spec_for("1.0.0")
assert SPEC_1_0_0 is not None
HERE = Path(__file__).resolve().parent
FORMATS = ("json", "jsonl", "xml")
TODAY = "2030-01-01"
SENDER = "123506004885497331"
RECEIVER = "91433101772274167P"
CREATED = dt.datetime(2026, 3, 11, 2, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
MESSAGE_ID = "00000000-0000-4000-8000-000000000000"
EXAMPLES = HERE.parent.parent / "examples" / "messages"
KEYS = HERE / "keys"
TRUSTED, UNTRUSTED = "trusted", "untrusted"
CA_ONLY, EXPIRED = "ca-only", "expired"
EXPIRED_FROM = dt.datetime(2016, 1, 1, tzinfo=dt.UTC)
EXPIRED_UNTIL = dt.datetime(2017, 1, 1, tzinfo=dt.UTC)
"""The validity of the expired test certificate (SE-SIG-013)."""
TRUST = ("keys/signers.yaml",)
"""What a trust case accepts (relative to the suite): the receiver's signer map, which names the trusted test key's
certificate and lets it sign for SENDER (docs/trust-model.md)."""
OTHER_SENDER = "91310115MA1K3BTP2B"
"""A valid unified social credit code the trusted key may not sign for (SE-SIG-011)."""
VALID_FROM = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
VALID_UNTIL = dt.datetime(2046, 1, 1, tzinfo=dt.UTC)
"""The validity of both test certificates."""
SIGNED_AT = CREATED + dt.timedelta(minutes=30)
"""When trust cases are signed (within the certificates' validity) unless a case says otherwise."""

Envs = list[dict[str, Any]]


# -- messages ------------------------------------------------------------------------------------------


def sampled(message_type: str, count: int = 6, seed: int = 10) -> Envs:
    """Clean sample records as envelopes (JSON data), as in tests/validate/conftest.py."""
    return [record.to_json_data(SPEC) for record, _ in sample_records(message_type, count, seed=seed)]


def doubtful() -> tuple[str, str, Envs]:
    """The registration-download example: its certificate uses the UNCONFIRMED category character 容."""
    message = X.read(EXAMPLES / "registration-download.jsonl", SPEC)
    return message.header.message_type, message.header.mode, [r.to_json_data(SPEC) for r in message.records]


def encode(
    fmt: str,
    envs: Envs,
    *,
    message_type: str = "inspection-upload",
    mode: str = "changes",
    sequence: int = 1,
    message_id: str = MESSAGE_ID,
    masking: str | None = None,
    spec: Spec = SPEC,
) -> bytes:
    """``envs`` laid out in ``fmt`` under a fixed header whose count and digest match them (anything goes inside).

    ``spec`` is the version the header declares, whose canonical form the digest is taken over."""
    records = [
        X.Record(e.get("recordType"), e.get("data"), e.get("operation"), e.get("recordKey"), e.get("recordVersion"))
        for e in envs
    ]
    digester = X.Digester("sha256", spec)
    for record in records:
        digester.add(record)
    header = X.new_header(
        message_type, SENDER, RECEIVER, sequence, mode, message_id=message_id, created_at=CREATED, spec=spec
    )
    header = header.model_copy(
        update={"record_count": len(records), "digest": digester.hexdigest(), "masking_profile": masking}
    )
    encoder = ENCODERS[fmt](spec, X.MessageRules(header, spec))  # type: ignore[index]
    out = [encoder.prefix(header)]
    for i, record in enumerate(records):
        canonical = json.dumps(record.to_json_data(spec), ensure_ascii=False, separators=(",", ":")).encode()
        out.append(encoder.record(record, canonical, i == 0))
    out.append(encoder.suffix())
    return b"".join(out)


def clean(fmt: str) -> bytes:
    return encode(fmt, sampled("inspection-upload"))


# -- alterations -----------------------------------------------------------------------------------------

Build = Callable[[str], bytes | None]  # format -> file bytes (None: no file, e.g. a missing one)


def data(index: int, name: str, value: Any) -> Build:
    """Record ``index`` of the clean inspection upload with ``data[name]`` set (None: removed)."""

    def build(fmt: str) -> bytes:
        envs = sampled("inspection-upload")
        if value is None:
            del envs[index]["data"][name]
        else:
            envs[index]["data"][name] = value
        return encode(fmt, envs)

    return build


MASK_KEY = b"583e8d3b269983cb17f1c9e6e54886b3cb2c30d57ac8d357d7a27dca571f2782"  # public TEST key (sedata keygen --mask)


def masked_certificates(change: Callable[[Envs, Envs], None] | None = None) -> Build:
    """Two operator certificates masked with the ``share`` profile (fixed key); ``change(masked, original)``."""

    def build(fmt: str) -> bytes:
        from sedata.privacy import mask_message

        original = sampled("operator-certificate-upload", 2)
        with tempfile.TemporaryDirectory() as tmp:
            src, dst = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
            src.write_bytes(encode("jsonl", original, message_type="operator-certificate-upload"))
            mask_message(src, dst, "share", key=MASK_KEY, spec=SPEC)
            envs = [r.to_json_data(SPEC) for r in X.read(dst, SPEC).records]
        if change is not None:
            change(envs, original)
        return encode(fmt, envs, message_type="operator-certificate-upload", masking="share")

    return build


def _next_version(envs: Envs) -> None:
    for env in envs:
        env["recordVersion"] = 2


def _stranger() -> str:
    """An equipment code (valid) that the clean sample does not hold: one of another sample."""
    held = {e["data"].get("equipmentCode") for e in sampled("inspection-upload")}
    for seed in range(100, 200):
        for env in sampled("inspection-upload", seed=seed):
            code = env["data"].get("equipmentCode")
            if env["recordType"] == "Equipment" and code not in held:
                return str(code)
    raise AssertionError("no equipment code outside the sample")  # pragma: no cover


def _unmask_holder(envs: Envs, original: Envs) -> None:
    envs[0]["data"]["holderCitizenId"] = original[0]["data"]["holderCitizenId"]


def envs_of(change: Callable[[Envs], Envs | None], message_type: str = "inspection-upload") -> Build:
    def build(fmt: str) -> bytes:
        envs = sampled(message_type, 6 if message_type == "inspection-upload" else 2)
        return encode(fmt, change(envs) or envs, message_type=message_type)

    return build


def declared_1_0_0(**changes: Any) -> Build:
    """The sample's elevator Inspection with ``changes``, in a message declaring spec 1.0.0 and digested by 1.0.0's
    canonical form (a member 1.0.0 does not know goes last)."""

    def build(fmt: str) -> bytes:
        envs = sampled("inspection-upload")
        envs[3]["data"].update(changes)
        return encode(fmt, envs, spec=SPEC_1_0_0)

    return build


def inspection(**changes: Any) -> Build:
    """The sample's elevator Inspection (record 3, kind 3000) with ``changes`` to its data."""
    return envs_of(lambda envs: envs[3]["data"].update(changes))  # type: ignore[func-returns-value]


def text(old: dict[str, str], new: dict[str, str], base: Callable[[str], bytes] = clean) -> Build:
    """A clean message with the first ``old[fmt]`` replaced by ``new[fmt]`` (bytes-level, per format)."""

    def build(fmt: str) -> bytes:
        body = base(fmt).decode()
        assert old[fmt] in body, (fmt, old[fmt])
        return body.replace(old[fmt], new[fmt], 1).encode()

    return build


def raw(content: bytes) -> Build:
    return lambda fmt: content


def package(sequence: int, message: int | None = None, seed: int | None = None) -> Build:
    """A clean package of the sample channel: ``sequence``, message id number ``message`` (default: the sequence).

    Each sequence has its own records (sample seed 10 + sequence) unless ``seed`` says otherwise.
    """
    seed = 10 + sequence if seed is None else seed
    message_id = f"00000000-0000-4000-8000-{message if message is not None else sequence:012d}"

    def build(fmt: str) -> bytes:
        return encode(fmt, sampled("inspection-upload", seed=seed), sequence=sequence, message_id=message_id)

    return build


def missing(fmt: str) -> None:
    return None


def _dd(fmt: str) -> bytes:
    _, _, envs = doubtful()
    return encode(fmt, envs, message_type="registration-download", mode="snapshot")


def _cod_002(envs: Envs) -> None:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    code = envs[0]["data"]["userUnitCode"]
    envs[0]["data"]["userUnitCode"] = code[:-1] + alphabet[(alphabet.index(code[-1]) + 1) % len(alphabet)]


def _biz_001(envs: Envs) -> None:
    d = envs[2]["data"]  # an elevator (variety 3320) with certificate 梯32…
    d["registrationCertNo"] = d["registrationCertNo"].replace("梯32", "梯31", 1)


def _biz_006(grade: str) -> Callable[[Envs], None]:
    # domain.md §6 worked example: 2 deaths + 12 serious injuries is 较大事故, not 一般事故.
    return lambda envs: envs[1]["data"].update({"deaths": 2, "seriousInjuries": 12, "accidentGrade": grade})


def _biz_007(years: int, issued: str | None = None) -> Callable[[Envs], None]:
    def change(envs: Envs) -> None:
        if issued is not None:
            envs[0]["data"]["issueDate"] = issued
        day = envs[0]["data"]["issueDate"]
        envs[0]["data"]["expiryDate"] = f"{int(day[:4]) + years}{day[4:]}"

    return change


def _set(index: int, key: str, value: Any) -> Callable[[Envs], None]:
    def change(envs: Envs) -> None:
        if value is None:
            del envs[index][key]
        else:
            envs[index][key] = value

    return change


def _unit(envs: Envs) -> None:
    """A well-formed Unit record (from a licence message) in place of record 0."""
    envs[0] = sampled("licence-information", 2)[1]


def _truncate(fmt: str) -> bytes:
    return clean(fmt)[:-30]


def _bad_digest(fmt: str) -> bytes:
    body = clean(fmt)
    at = body.index(DIGEST_AT[fmt].encode()) + len(DIGEST_AT[fmt])
    return body[:at] + b"0" * 8 + body[at + 8 :]


def _trailing(fmt: str) -> bytes:
    """A whole message with a second root (XML) or object (JSON) after it."""
    return clean(fmt) + (b"<InspectionUpload/>\n" if fmt == "xml" else b'{"header":{}}\n')


def _over_limit(fmt: str) -> bytes:
    """Record 1 with a number of 1,001 digits (JSON) or nested 300 levels deep (XML; libxml2 stops at 256)."""
    if fmt == "xml":
        body = clean(fmt)
        at = body.index(b"<records>\n") + len(b"<records>\n")
        at = body.index(b"\n", at) + 1  # inside record 1, before its first field
        at = body.index(b">", at) + 1
        return body[:at] + b"<a>" * 300 + b"</a>" * 300 + body[at:]
    return data(1, "designLifeYears", int("9" * 1001))(fmt)


def _bad_byte(fmt: str) -> bytes:
    return clean(fmt).replace("检验".encode(), b"\xff\xfe", 1)


# -- signatures ------------------------------------------------------------------------------------------

Doc = dict[str, Any]


def _private_key(name: str) -> keys.PrivateKey:
    return keys.load_private_file(KEYS / name / "ed25519-key.pem")


def signature(
    base: Build = clean,
    *,
    key: str = TRUSTED,
    at: dt.datetime = SIGNED_AT,
    edit: Callable[[Doc], None] | None = None,
    signed_as: dict[str, str] | None = None,
) -> Build:
    """The ``.sig`` of ``base(fmt)`` as ``sedata sign`` writes it: signed with test key ``key`` at ``at``.

    ``edit`` then alters the signature document (written again in the same layout); ``signed_as`` maps the
    case's format to the format that was signed (a package converted after signing).
    """

    def build(fmt: str) -> bytes:
        signed_fmt = (signed_as or {}).get(fmt, fmt)
        body = base(signed_fmt)
        assert body is not None
        with tempfile.TemporaryDirectory(prefix="sedata-conformance-") as tmp:
            path = Path(tmp) / f"package.{signed_fmt}"
            path.write_bytes(body)
            doc = sign_package(path, _private_key(key), now=at)
            sig = sig_path_for(path).read_bytes()
        if edit is None:
            return sig
        edit(doc)
        return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode()

    return build


def _sig_version(doc: Doc) -> None:
    doc["version"] = 2


def _sig_signed_later(doc: Doc) -> None:
    doc["signedAt"] = (SIGNED_AT + dt.timedelta(hours=1)).isoformat()


def _drop_last(envs: Envs) -> Envs:
    return envs[:-1]


# -- the cases -----------------------------------------------------------------------------------------

J, L, M = "json", "jsonl", "xml"
ALL = FORMATS


@dataclass
class Case:
    """One alteration, written in each of ``formats``; ``findings``: (rule, index, pointer) it must yield."""

    rule: str
    name: str  # short slug, part of the case id
    zh: str
    en: str
    build: Build
    findings: list[tuple[str, int | None, str | None]]
    formats: tuple[str, ...] = ALL
    positive: bool = True
    per_format: dict[str, list[tuple[str, int | None, str | None]]] = field(default_factory=dict)
    before: tuple[Build, ...] = ()
    """Packages validated first, each in a run of its own (only the case's own file's findings are compared)."""
    together: tuple[Build, ...] = ()
    """Files validated in the case's run, before the case's file."""
    ledger: bool = False
    """Validate with a fresh channel ledger (the sequence layer)."""
    sig: Build | None = None
    """The detached signature written beside the case's file (``FILE.sig``); None: no signature file."""
    trust: tuple[str, ...] | None = None
    """Check signatures against these certificates (relative to the suite): the trust layer. None: not run."""
    require_signature: bool = True
    """With ``trust``: an unsigned package is a finding (SE-SIG-001)."""
    parameters: dict[str, dict[str, str]] = field(default_factory=dict)
    """Rule parameters this case's receiver sets in place of the spec's (rule -> name -> value)."""
    registrations: tuple[Build, ...] | None = None
    """A reconciliation (the consistency layer, ``sedata reconcile``): these registration datasets against the
    case's file, the inspection dataset; findings of every file are compared. None: a validation case."""
    today: str = TODAY
    """The date the case is validated (or reconciled) on."""


def P(
    rule: str, zh: str, en: str, build: Build, findings: list[Any], formats: tuple[str, ...] = ALL, **kw: Any
) -> Case:
    return Case(rule, "fires", zh, en, build, findings, formats, True, **kw)


def N(
    rule: str,
    zh: str,
    en: str,
    build: Build,
    formats: tuple[str, ...] = ALL,
    findings: list[Any] | None = None,
    **kw: Any,
) -> Case:
    return Case(rule, "quiet", zh, en, build, findings or [], formats, False, **kw)


def named(case: Case, name: str) -> Case:
    """``case`` under another slug, for a rule with more than one case of a kind (one per regime)."""
    case.name = name
    return case


def channel(rule: str, zh: str, en: str, before: tuple[Build, ...], last: Build, fires: bool) -> Case:
    """A sequence case: ``before`` then ``last`` on one fresh ledger; ``last`` yields the rule's finding or not."""
    at = {"SE-SEQ-001": "sequence", "SE-SEQ-004": "sequence", "SE-SEQ-006": "sequence", "SE-SEQ-003": "digest"}
    found = [(rule, None, f"/header/{at.get(rule, 'messageId')}")] if fires else []
    make = P if fires else N
    return make(rule, zh, en, last, findings=found, before=before, ledger=True)


HEAD = {J: '"recordCount":6', L: '"recordCount":6', M: "<recordCount>6</recordCount>"}
V = SPEC.info.spec_version
VERSION = {J: f'"specVersion":"{V}"', L: f'"specVersion":"{V}"', M: f"<specVersion>{V}</specVersion>"}
MODE = {J: '"mode":"changes"', L: '"mode":"changes"', M: "<mode>changes</mode>"}
DIGEST_AT = {J: '"digest":"', L: '"digest":"', M: "<digest>"}
OTHER_MESSAGE_ID = MESSAGE_ID[:-1] + "1"
SENDER_AT = {J: f'"sender":"{SENDER}"', L: f'"sender":"{SENDER}"', M: f"<sender>{SENDER}</sender>"}
INTERNAL = {J: '"internalNumber":"F-01"', L: '"internalNumber":"F-01"', M: "<internalNumber>F-01</internalNumber>"}
SPACED = {J: '{"header":{', L: '{"header":{', M: "<header>"}
CONVERTED = {J: L, L: M, M: J}
"""The format a converted package was signed in, by the format it is in now."""


def _fmt(template: str) -> dict[str, str]:
    return {f: template for f in FORMATS}


def _pointer(i: int, name: str) -> str:
    return f"/records/{i}/data/{name}"


CASES: list[Case] = [
    P("SE-SYN-001", "文件不存在", "the file does not exist", missing, [("SE-SYN-001", None, None)]),
    N("SE-SYN-001", "同名文件存在且无误", "a clean file of that name", clean),
    P("SE-SYN-002", "含非 UTF-8 字节", "bytes that are not UTF-8", _bad_byte, [("SE-SYN-002", None, None)]),
    N("SE-SYN-002", "同一报文，UTF-8 正确", "the same message, valid UTF-8", clean),
    P("SE-SYN-003", "不是报文", "not a message at all", raw(b"not a message\n"), [("SE-SYN-003", None, None)]),
    N("SE-SYN-003", "格式正确的报文", "a well-formed message", clean),
    P(
        "SE-SYN-004",
        "XML 含 DTD 声明",
        "an XML message declaring a DTD",
        text({M: "?>"}, {M: "?>\n<!DOCTYPE x>"}),
        [("SE-SYN-004", None, None)],
        (M,),
    ),
    N("SE-SYN-004", "同一报文，无 DTD", "the same message without a DTD", clean, (M,)),
    P("SE-SYN-005", "文件在末尾被截断", "the file is cut short", _truncate, [("SE-SYN-005", None, None)]),
    N("SE-SYN-005", "完整的报文", "the whole message", clean),
    P(
        "SE-SYN-006",
        "报文方式不是允许值",
        "a header whose mode is not an allowed value",
        text(MODE, {f: MODE[f].replace("changes", "bogus") for f in FORMATS}),
        [("SE-SYN-006", None, "/header")],
    ),
    N("SE-SYN-006", "报文头完整", "a complete header", clean),
    P(
        "SE-SYN-007",
        "未知规范版本 0.9.0",
        "unknown spec version 0.9.0",
        text(VERSION, {f: VERSION[f].replace(V, "0.9.0") for f in FORMATS}),
        [("SE-SYN-007", None, "/header/specVersion")],
    ),
    N("SE-SYN-007", f"规范版本 {V}", f"spec version {V}", clean),
    P(
        "SE-SYN-008",
        "报文头声明 7 条，实有 6 条",
        "the header declares 7 records, 6 follow",
        text(HEAD, {f: HEAD[f].replace("6", "7") for f in FORMATS}),
        [("SE-SYN-008", None, "/header/recordCount")],
    ),
    N("SE-SYN-008", "记录数相符", "the count matches", clean),
    P(
        "SE-SYN-009",
        "报文头摘要错误",
        "a wrong digest in the header",
        _bad_digest,
        [("SE-SYN-009", None, "/header/digest")],
    ),
    N("SE-SYN-009", "摘要相符", "the digest matches", clean),
    P(
        "SE-SYN-010",
        "报文之后还有第二个报文",
        "a second message after the whole message",
        _trailing,
        [("SE-SYN-010", None, None)],
        (J, M),
    ),
    N("SE-SYN-010", "报文之后只有换行", "only a line break after the message", clean, (J, M)),
    P(
        "SE-SYN-011",
        "记录中的数值超过 1000 位（XML：嵌套超过 256 层）",
        "a number of 1,001 digits in a record (XML: nesting deeper than 256 levels)",
        _over_limit,
        [("SE-SYN-011", 1, "/records/1")],
        (J, L),
    ),
    P(
        "SE-SYN-011",
        "记录中嵌套超过 256 层",
        "a record nested deeper than 256 levels",
        _over_limit,
        [("SE-SYN-011", None, None)],
        (M,),
    ),
    N("SE-SYN-011", "数值与嵌套都在限制之内", "numbers and nesting within the limits", clean),
]

CASES += [
    P(
        "SE-SCH-001",
        "缺少必填的产品名称",
        "the mandatory product name is missing",
        data(0, "productName", None),
        [("SE-SCH-001", 0, _pointer(0, "productName"))],
    ),
    N("SE-SCH-001", "缺少选填的内部编号", "the optional internal number is missing", data(0, "internalNumber", None)),
    P(
        "SE-SCH-002",
        "不存在的日期 2023-02-30",
        "a date that does not exist, 2023-02-30",
        data(0, "manufactureDate", "2023-02-30"),
        [("SE-SCH-002", 0, _pointer(0, "manufactureDate"))],
    ),
    N("SE-SCH-002", "有效日期 2023-02-28", "a valid date, 2023-02-28", data(0, "manufactureDate", "2023-02-28")),
    P(
        "SE-SCH-003",
        "整数写成字符串",
        "an integer given as a string",
        data(0, "designLifeYears", "20"),
        [("SE-SCH-003", 0, _pointer(0, "designLifeYears"))],
        (J, L),
    ),
    N("SE-SCH-003", "整数 20", "the integer 20", data(0, "designLifeYears", 20), (J, L)),
    P(
        "SE-SCH-004",
        "未定义的数据元 colour",
        "an element the spec does not define, colour",
        data(0, "colour", "红"),
        [("SE-SCH-004", 0, _pointer(0, "colour"))],
        (J, L),
    ),
    N("SE-SCH-004", "只含已定义的数据元", "only defined elements", clean, (J, L)),
    P(
        "SE-SCH-005",
        "检验上传报文中的单位记录",
        "a Unit record in an inspection upload",
        envs_of(_unit),
        # The Equipment record it replaced is gone, so its inspection (record 1) names an unknown device.
        [("SE-SCH-005", 0, "/records/0/recordType"), ("SE-XRF-002", 1, _pointer(1, "equipmentCode"))],
    ),
    N("SE-SCH-005", "设备记录", "an Equipment record", clean),
    P(
        "SE-SCH-006",
        "变更报文中的记录缺少记录键",
        "a change record without its key",
        envs_of(_set(1, "recordKey", None)),
        [("SE-SCH-006", 1, "/records/1")],
    ),
    N("SE-SCH-006", "记录键齐全", "every record has its key", clean),
    P(
        "SE-SCH-007",
        "记录键与内容不符",
        "the record key disagrees with the data",
        envs_of(_set(1, "recordKey", "JY000")),
        [("SE-SCH-007", 1, "/records/1/recordKey")],
    ),
    N("SE-SCH-007", "记录键与内容相符", "the record key agrees with the data", clean),
    P(
        "SE-COD-001",
        "使用状态代码 8 不在代码集中",
        "use status 8 is not in the code set",
        data(0, "useStatus", "8"),
        [("SE-COD-001", 0, _pointer(0, "useStatus"))],
    ),
    N("SE-COD-001", "使用状态代码 1", "use status 1", data(0, "useStatus", "1")),
    # The structure layer judges by the models of the declared version (sedata.elements.v1_0_0 for 1.0.0).
    named(
        P(
            "SE-SCH-004",
            "报文声明规范 1.0.0：检验记录带投入使用日期（1.1.0 才有）",
            "a message declaring spec 1.0.0: an Inspection with the date put into service (added in 1.1.0)",
            declared_1_0_0(commissioningDate="2019-09-17"),
            [("SE-SCH-004", 3, _pointer(3, "commissioningDate"))],
            (J, L),
        ),
        "fires-declared-1.0.0",
    ),
    named(
        P(
            "SE-SYN-003",
            "报文声明规范 1.0.0：XML 检验记录带 <commissioningDate>（1.0.0 的 XSD 没有此元素）",
            "a message declaring spec 1.0.0: an XML Inspection with <commissioningDate> (not in the 1.0.0 XSD)",
            text(
                VERSION,
                {f: VERSION[f].replace(V, "1.0.0") for f in FORMATS},
                inspection(commissioningDate="2019-09-17"),
            ),
            [("SE-SYN-003", 3, "/records/3")],
            (M,),
        ),
        "fires-declared-1.0.0",
    ),
    named(
        N(
            "SE-SCH-004",
            f"同一记录，报文声明规范 {V}（检验记录可带投入使用日期）",
            f"the same record in a message declaring spec {V} (an Inspection may carry the date put into service)",
            inspection(commissioningDate="2019-09-17"),
        ),
        "quiet-declared-current",
    ),
    named(
        P(
            "SE-COD-001",
            "报文声明规范 1.0.0：检验类别“进口检验”（1.1.0 代码集版本 2 才有）",
            "a message declaring spec 1.0.0: inspection kind 进口检验 (added by code set version 2 in 1.1.0)",
            text(VERSION, {f: VERSION[f].replace(V, "1.0.0") for f in FORMATS}, inspection(inspectionKind="进口检验")),
            [("SE-COD-001", 3, _pointer(3, "inspectionKind"))],
        ),
        "fires-declared-1.0.0",
    ),
    named(
        N(
            "SE-COD-001",
            f"同一记录，报文声明规范 {V}（进口检验在代码集中）",
            f"the same record in a message declaring spec {V} (进口检验 is in the code set)",
            inspection(inspectionKind="进口检验"),
        ),
        "quiet-declared-current",
    ),
    P(
        "SE-COD-002",
        "统一社会信用代码校验位错误",
        "a USCC with a wrong check character",
        envs_of(_cod_002),
        [("SE-COD-002", 0, _pointer(0, "userUnitCode"))],
    ),
    N("SE-COD-002", "校验位正确", "a correct check character", clean),
    P(
        "SE-COD-003",
        "登记证类别字“容”（未确认）",
        "certificate category character 容 (unconfirmed)",
        _dd,
        [("SE-COD-003", 1, _pointer(1, "registrationCertNo"))],
    ),
    N("SE-COD-003", "检验上传报文，无存疑代码", "an inspection upload without doubtful codes", clean),
    P(
        "SE-BIZ-001",
        "登记证品种位与设备品种不符",
        "certificate variety digits disagree with the variety",
        envs_of(_biz_001),
        [("SE-BIZ-001", 2, _pointer(2, "registrationCertNo"))],
    ),
    N("SE-BIZ-001", "登记证品种位相符", "certificate variety digits agree", clean),
    P(
        "SE-BIZ-002",
        "电梯检验结论“符合要求”",
        "an elevator inspection concluding 符合要求",
        inspection(inspectionConclusion="符合要求"),
        [("SE-BIZ-002", 3, _pointer(3, "inspectionConclusion"))],
    ),
    N(
        "SE-BIZ-002",
        "电梯检验结论“合格”",
        "an elevator inspection concluding 合格",
        inspection(inspectionConclusion="合格"),
    ),
    P(
        "SE-BIZ-003",
        "下次检验日期等于检验日期",
        "next inspection on the inspection date",
        inspection(inspectionDate="2024-05-01", nextInspectionDate="2024-05-01"),
        [("SE-BIZ-003", 3, _pointer(3, "nextInspectionDate"))],
    ),
    N(
        "SE-BIZ-003",
        "下次检验日期晚一年",
        "next inspection a year later",
        inspection(inspectionDate="2024-05-01", nextInspectionDate="2025-05-01"),
    ),
    P(
        "SE-BIZ-004",
        "电梯 2023 年检验（TSG T7001-2009，每年）间隔超过一年",
        "an elevator inspected in 2023 (TSG T7001-2009, yearly) with an interval over one year",
        inspection(inspectionDate="2023-05-01", nextInspectionDate="2024-05-02"),
        [("SE-BIZ-004", 3, _pointer(3, "nextInspectionDate"))],
    ),
    N(
        "SE-BIZ-004",
        "电梯 2020 年投入使用，2024 年检验，下次 2026 年（TSG T7001-2023）",
        "an elevator put into service in 2020, inspected in 2024, next in 2026 (TSG T7001-2023)",
        inspection(commissioningDate="2020-06-01", inspectionDate="2024-05-10", nextInspectionDate="2026-05-10"),
    ),
    named(
        P(
            "SE-BIZ-004",
            "电梯使用第 4 年检验，下次晚于第 7 年（TSG T7001-2023）",
            "an elevator inspected in year of use 4, next after year 7 (TSG T7001-2023)",
            inspection(commissioningDate="2020-06-01", inspectionDate="2024-05-10", nextInspectionDate="2027-06-02"),
            [("SE-BIZ-004", 3, _pointer(3, "nextInspectionDate"))],
        ),
        "fires-tsgt7001-2023",
    ),
    named(
        N(
            "SE-BIZ-004",
            "电梯 2023 年检验，下次恰为一年后（TSG T7001-2009）",
            "an elevator inspected in 2023, next exactly one year later (TSG T7001-2009)",
            inspection(inspectionDate="2023-05-01", nextInspectionDate="2024-05-01"),
        ),
        "quiet-tsgt7001-2009",
    ),
    named(
        P(
            "SE-BIZ-004",
            "铁路起重机间隔超过两年（TSG Q7015-2016 第五条）",
            "a railway crane with an interval over two years (TSG Q7015-2016 art. 5)",
            inspection(
                equipmentKind="4000",
                equipmentVariety="4450",
                inspectionDate="2024-05-01",
                nextInspectionDate="2026-05-02",
            ),
            [("SE-BIZ-004", 3, _pointer(3, "nextInspectionDate"))],
        ),
        "fires-railway-crane",
    ),
    named(
        N(
            "SE-BIZ-004",
            "铁路起重机间隔两年（不按流动式起重机的一年）",
            "a railway crane on a two-year interval (not the yearly one of mobile cranes)",
            inspection(
                equipmentKind="4000",
                equipmentVariety="4450",
                inspectionDate="2024-05-01",
                nextInspectionDate="2026-05-01",
            ),
        ),
        "quiet-railway-crane",
    ),
    named(
        P(
            "SE-BIZ-004",
            "报文声明规范 1.0.0：电梯按 1.0.0 的每年一次判定",
            "a message declaring spec 1.0.0: its elevator is judged by 1.0.0 (yearly)",
            text(
                VERSION,
                {f: VERSION[f].replace(V, "1.0.0") for f in FORMATS},
                inspection(inspectionDate="2024-05-10", nextInspectionDate="2026-05-10"),
            ),
            [("SE-BIZ-004", 3, _pointer(3, "nextInspectionDate"))],
        ),
        "fires-declared-1.0.0",
    ),
    named(
        N(
            "SE-BIZ-004",
            f"同一记录，报文声明规范 {V}（TSG T7001-2023，未知投入使用日期：三年）",
            f"the same record in a message declaring spec {V} (TSG T7001-2023, date put into service unknown: 3 years)",
            inspection(inspectionDate="2024-05-10", nextInspectionDate="2026-05-10"),
        ),
        "quiet-declared-current",
    ),
    P(
        "SE-BIZ-005",
        "未确认间隔的设备超期",
        "an interval beyond an unconfirmed limit",
        inspection(
            equipmentKind="9000", equipmentVariety="9110", inspectionDate="2024-05-01", nextInspectionDate="2026-05-01"
        ),
        [("SE-BIZ-005", 3, _pointer(3, "nextInspectionDate"))],
    ),
    N(
        "SE-BIZ-005",
        "同一设备间隔一年",
        "the same equipment, one year",
        inspection(
            equipmentKind="9000", equipmentVariety="9110", inspectionDate="2024-05-01", nextInspectionDate="2025-05-01"
        ),
    ),
    P(
        "SE-BIZ-006",
        "事故等级申报为一般事故（应为较大事故）",
        "accident declared 一般事故, computes to 较大事故",
        envs_of(_biz_006("一般事故"), "accident-report"),
        [("SE-BIZ-006", 1, _pointer(1, "accidentGrade"))],
    ),
    N(
        "SE-BIZ-006",
        "事故等级申报为较大事故",
        "accident declared 较大事故",
        envs_of(_biz_006("较大事故"), "accident-report"),
    ),
    P(
        "SE-BIZ-007",
        "作业人员证 3 年到期",
        "an operator certificate expiring after 3 years",
        envs_of(_biz_007(3), "operator-certificate-upload"),
        [("SE-BIZ-007", 0, _pointer(0, "expiryDate"))],
    ),
    N(
        "SE-BIZ-007",
        "作业人员证 4 年到期",
        "an operator certificate expiring after 4 years",
        envs_of(_biz_007(4), "operator-certificate-upload"),
    ),
    named(
        P(
            "SE-BIZ-007",
            "2015 年发证、3 年到期（TSG Z6001-2013 第三条，已确认：错误）",
            "issued 2015, expiring after 3 years (TSG Z6001-2013 art. 3, CONFIRMED: an error)",
            envs_of(_biz_007(3, "2015-03-01"), "operator-certificate-upload"),
            [("SE-BIZ-007", 0, _pointer(0, "expiryDate"))],
        ),
        "fires-tsgz6001-2013",
    ),
    named(
        N(
            "SE-BIZ-007",
            "2015 年发证、4 年到期",
            "issued 2015, expiring after 4 years",
            envs_of(_biz_007(4, "2015-03-01"), "operator-certificate-upload"),
        ),
        "quiet-tsgz6001-2013",
    ),
    named(
        N(
            "SE-BIZ-007",
            "2010 年发证、3 年到期（早于任何已知文本，不判定）",
            "issued 2010, expiring after 3 years (before any text the spec knows: not judged)",
            envs_of(_biz_007(3, "2010-03-01"), "operator-certificate-upload"),
        ),
        "quiet-before-2013",
    ),
    P(
        "SE-BIZ-008",
        "上传委托检验",
        "a 委托 (non-statutory) inspection uploaded",
        inspection(inspectionNature="委托"),
        [("SE-BIZ-008", 3, _pointer(3, "inspectionNature"))],
    ),
    N("SE-BIZ-008", "法定检验", "a statutory inspection", clean),
    P(
        "SE-BIZ-009",
        "检验日期在将来",
        "an inspection date in the future",
        inspection(inspectionDate="2999-01-01", nextInspectionDate="3000-01-01"),
        [("SE-BIZ-009", 3, _pointer(3, "inspectionDate"))],
    ),
    N(
        "SE-BIZ-009",
        "检验日期在过去",
        "an inspection date in the past",
        inspection(inspectionDate="2024-05-01", nextInspectionDate="2025-05-01"),
    ),
    P(
        "SE-BIZ-010",
        "同一业务键出现两次",
        "one business key twice",
        envs_of(lambda envs: [*envs, copy.deepcopy(envs[3])]),
        [("SE-BIZ-010", 6, "/records/6/data")],
    ),
    N("SE-BIZ-010", "业务键各不相同", "every business key once", clean),
    P(
        "SE-COD-004",
        "已脱敏报文中留有一个身份证号",
        "a masked package that still holds one citizen ID",
        masked_certificates(_unmask_holder),
        [("SE-COD-004", 0, "/records/0/data/holderCitizenId")],
    ),
    N(
        "SE-COD-004",
        "已脱敏报文：身份证号均已遮蔽",
        "a masked package, every citizen ID masked",
        masked_certificates(),
    ),
    P(
        "SE-XRF-001",
        "另一文件中已有同一检验记录",
        "an inspection already sent in another file of the run",
        envs_of(lambda envs: [envs[3]]),
        [("SE-XRF-001", 0, "/records/0")],
        together=(clean,),
    ),
    N(
        "SE-XRF-001",
        "另一文件中是同一记录的下一版本",
        "the next version of the records of another file",
        envs_of(_next_version),
        together=(clean,),
    ),
    P(
        "SE-XRF-002",
        "检验的设备代码在本次运行中找不到",
        "an inspection of a device no file of the run holds",
        inspection(equipmentCode=_stranger()),
        [("SE-XRF-002", 3, _pointer(3, "equipmentCode"))],
    ),
    N("SE-XRF-002", "检验的设备均在报文中", "every inspected device is in the message", clean),
    channel("SE-SEQ-001", "序号 1、2 之后收到 4", "4 after 1 and 2", (package(1), package(2)), package(4), True),
    channel("SE-SEQ-001", "序号 1、2 之后收到 3", "3 after 1 and 2", (package(1), package(2)), package(3), False),
    channel("SE-SEQ-002", "同一报文收到两次", "the same package twice", (package(1), package(2)), package(2), True),
    channel("SE-SEQ-002", "序号 1 之后收到 2", "2 after 1", (package(1),), package(2), False),
    channel(
        "SE-SEQ-003",
        "新报文的记录与上一报文相同",
        "a new package holding the records of the previous one",
        (package(1),),
        package(2, seed=11),
        True,
    ),
    channel(
        "SE-SEQ-003",
        "新报文的记录不同",
        "a new package with other records",
        (package(1),),
        package(2, seed=12),
        False,
    ),
    channel(
        "SE-SEQ-004",
        "序号 1 再次出现，内容不同",
        "sequence 1 again with other records",
        (package(1),),
        package(1, message=9, seed=12),
        True,
    ),
    channel(
        "SE-SEQ-004",
        "另一报文取下一序号",
        "another package takes the next number",
        (package(1),),
        package(2, message=9, seed=12),
        False,
    ),
    channel(
        "SE-SEQ-005",
        "报文标识被另一报文重用",
        "a message id used again by another package",
        (package(1),),
        package(2, message=1, seed=12),
        True,
    ),
    channel(
        "SE-SEQ-005",
        "新报文使用新标识",
        "a new package with a new message id",
        (package(1),),
        package(2, seed=12),
        False,
    ),
    channel(
        "SE-SEQ-006",
        "序号 3 之后收到 2",
        "2 arrives after 3",
        (package(1), package(3, seed=12)),
        package(2, seed=13),
        True,
    ),
    channel(
        "SE-SEQ-006",
        "按序收到",
        "packages in order",
        (package(1), package(2, seed=12)),
        package(3, seed=13),
        False,
    ),
]


def signed(
    rule: str,
    zh: str,
    en: str,
    build: Build,
    sig: Build | None,
    findings: list[Any] | None = None,
    **kw: Any,
) -> Case:
    """A trust case: ``build`` with signature ``sig`` beside it, checked against the trusted test certificate
    (or ``trust=`` another signer map).

    Positive when ``findings`` name ``rule``, else negative (``findings``: those that must occur all the same).
    """
    found = findings or []
    kw.setdefault("trust", TRUST)
    if rule in {r for r, _, _ in found}:
        return P(rule, zh, en, build, found, sig=sig, **kw)
    return N(rule, zh, en, build, findings=found, sig=sig, **kw)


def _sig(rule: str, pointer: str | None = None) -> tuple[str, None, str | None]:
    return (rule, None, pointer)


CASES += [
    signed(
        "SE-SIG-001",
        "要求签名，报文未签名",
        "a signature is required, the package is unsigned",
        clean,
        None,
        [_sig("SE-SIG-001")],
    ),
    signed(
        "SE-SIG-001",
        "要求签名，报文已签名",
        "a signature is required, the package is signed",
        clean,
        signature(),
    ),
    signed(
        "SE-SIG-002",
        "签名文件版本为 2",
        "a signature file of version 2",
        clean,
        signature(edit=_sig_version),
        [_sig("SE-SIG-002")],
    ),
    signed("SE-SIG-002", "签名文件完好", "an intact signature file", clean, signature()),
    signed(
        "SE-SIG-003",
        "Ed25519 签名，策略只允许 SM2 与 ECDSA",
        "an Ed25519 signature, the policy allows SM2 and ECDSA only",
        clean,
        signature(),
        [_sig("SE-SIG-003")],
        parameters={"SE-SIG-003": {"algorithms": "sm2 ecdsa-p256"}},
    ),
    signed(
        "SE-SIG-003",
        "Ed25519 签名，策略允许 SM2 与 Ed25519",
        "an Ed25519 signature, the policy allows SM2 and Ed25519",
        clean,
        signature(),
        parameters={"SE-SIG-003": {"algorithms": "sm2 ed25519"}},
    ),
    signed(
        "SE-SIG-004",
        "以不受信任的密钥签名",
        "signed with a key that is not trusted",
        clean,
        signature(key=UNTRUSTED),
        [_sig("SE-SIG-004")],
    ),
    signed("SE-SIG-004", "以受信任的密钥签名", "signed with the trusted key", clean, signature()),
    signed(
        "SE-SIG-005",
        "签名后改动签名文件中的签名时间",
        "the signing time in the signature file altered after signing",
        clean,
        signature(edit=_sig_signed_later),
        [_sig("SE-SIG-005")],
    ),
    signed("SE-SIG-005", "签名有效", "a valid signature", clean, signature()),
    signed(
        "SE-SIG-006",
        "签名后改动报文标识",
        "the message id changed after signing",
        text(_fmt(MESSAGE_ID), _fmt(OTHER_MESSAGE_ID)),
        signature(),
        [_sig("SE-SIG-006", "/header/messageId"), _sig("SE-SIG-009")],
    ),
    signed("SE-SIG-006", "报文头与签名时相同", "the header as signed", clean, signature()),
    signed(
        "SE-SIG-007",
        "签名后删去一条记录，报文头随之重写",
        "a record removed after signing, the header rewritten to match",
        envs_of(_drop_last),
        signature(),
        [
            _sig("SE-SIG-006", "/header/digest"),
            _sig("SE-SIG-006", "/header/recordCount"),
            _sig("SE-SIG-007", "/header/recordCount"),
            _sig("SE-SIG-008", "/header/digest"),
            _sig("SE-SIG-009"),
        ],
    ),
    signed("SE-SIG-007", "记录数与签名时相同", "as many records as signed", clean, signature()),
    signed(
        "SE-SIG-008",
        "签名后改动一条记录，报文头未改",
        "a record altered after signing, the header left as it was",
        text(INTERNAL, {f: INTERNAL[f].replace("F-01", "F-02") for f in FORMATS}),
        signature(),
        [_sig("SE-SYN-009", "/header/digest"), _sig("SE-SIG-008", "/header/digest"), _sig("SE-SIG-009")],
    ),
    signed("SE-SIG-008", "记录与签名时相同", "the records as signed", clean, signature()),
    signed(
        "SE-SIG-009",
        "签名后在报文头中加一个空格",
        "a space added to the header after signing",
        text(SPACED, {J: '{"header": {', L: '{"header": {', M: "<header >"}),
        signature(),
        [_sig("SE-SIG-009")],
    ),
    signed(
        "SE-SIG-009",
        "签名后转换为另一种格式，内容不变",
        "converted to another format after signing, the content unchanged",
        clean,
        signature(signed_as=CONVERTED),
    ),
    signed(
        "SE-SIG-010",
        "签名时间早于证书生效",
        "signed before the certificate became valid",
        clean,
        signature(at=dt.datetime(2025, 12, 31, 20, 0, tzinfo=CREATED.tzinfo)),  # valid from 2026-01-01 UTC
        [_sig("SE-SIG-010")],
    ),
    signed("SE-SIG-010", "签名时间在证书有效期内", "signed within the certificate's validity", clean, signature()),
    signed(
        "SE-SIG-011",
        "受信任的密钥以另一单位的名义签名",
        "a trusted key signs a package in another unit's name",
        text(SENDER_AT, {f: SENDER_AT[f].replace(SENDER, OTHER_SENDER) for f in FORMATS}),
        signature(text(SENDER_AT, {f: SENDER_AT[f].replace(SENDER, OTHER_SENDER) for f in FORMATS})),
        [_sig("SE-SIG-011", "/header/sender")],
    ),
    signed("SE-SIG-011", "为授权的单位签名", "a trusted key signs for its granted unit", clean, signature()),
    signed(
        "SE-SIG-012",
        "以只能签发证书的 CA 证书签名",
        "signed with a CA certificate allowed to sign certificates only",
        clean,
        signature(key=CA_ONLY),
        [_sig("SE-SIG-012")],
        trust=(f"keys/{CA_ONLY}/signers.yaml",),
    ),
    signed("SE-SIG-012", "以可用于签名的证书签名", "signed with a certificate for signing", clean, signature()),
    signed(
        "SE-SIG-013",
        "证书 2017 年已过期（签名时仍有效）",
        "the certificate expired in 2017 (valid when it signed)",
        clean,
        signature(key=EXPIRED, at=dt.datetime(2016, 6, 1, tzinfo=CREATED.tzinfo)),
        [_sig("SE-SIG-013")],
        trust=(f"keys/{EXPIRED}/signers.yaml",),
    ),
    signed("SE-SIG-013", "证书在有效期内", "the certificate is within its validity", clean, signature()),
    signed(
        "SE-SIG-014",
        "自签名测试密钥，接收方未声明接受",
        "a self-signed test key the receiver has not declared acceptable",
        clean,
        signature(),
        [_sig("SE-SIG-014")],
        trust=("keys/no-test-keys/signers.yaml",),
    ),
    signed(
        "SE-SIG-014",
        "自签名测试密钥，接收方在授权表中声明接受",
        "a self-signed test key the receiver accepts in its signer map",
        clean,
        signature(),
    ),
    signed(
        "SE-SEQ-007",
        "要求签名，未签名的报文到达通道",
        "signatures required, an unsigned package arrives on the channel",
        clean,
        None,
        [_sig("SE-SIG-001"), ("SE-SEQ-007", None, "/header/sequence")],
        ledger=True,
    ),
    signed(
        "SE-SEQ-007",
        "伪造的未签名报文先到，真报文随后到达",
        "a forged unsigned package first, then the genuine package",
        clean,
        signature(),
        before=(clean,),
        ledger=True,
    ),
]


# -- reconciliations (the consistency layer) -----------------------------------------------------------------

RECONCILED_ON = CREATED.date()
INSPECTED_ON = dt.date(2025, 7, 2)
"""The day the reconciliation cases run on (their ``today``): the day their messages were made."""
CON_SEED = 0  # every device of its first six records holds a registration certificate (use registrations need one)
"""The sample of the reconciliation cases: three devices that all hold a registration certificate, so that the
office has a use registration of each (the samples give pressure vessels no certificate: 容 is unconfirmed)."""
GANTRY, ESCALATOR, STACKER = 0, 1, 2
"""The sample's devices (造船门式起重机, 自动扶梯, 集装箱正面吊运起重机): use registration k of the registrations;
Equipment 2k and its Inspection 2k + 1 of the inspections."""

Change = Callable[[Envs], Envs | None]


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _keyed(envs: Envs) -> Envs:
    """``envs`` as change records (add, version 1) with their business keys."""
    for env in envs:
        env.update(operation="add", recordKey=X.record_key(env["recordType"], env["data"], SPEC), recordVersion=1)
    return envs


def _inspected(env: dict[str, Any], done: dt.date) -> None:
    """Inspection ``env`` done on ``done``: the next one a year later, the report numbered in that year."""
    d = env["data"]
    d.update(
        reportNo=f"JY{done.year}{d['reportNo'][6:]}",
        inspectionDate=done.isoformat(),
        nextInspectionDate=done.replace(year=done.year + 1).isoformat(),
    )
    _keyed([env])


def con_inspections() -> Envs:
    """The inspection bodies' upload: the sample's devices, each with its latest periodic inspection on INSPECTED_ON,
    in the year before RECONCILED_ON, so that no device is overdue (the cases' status dates are set around it)."""
    envs = sampled("inspection-upload", seed=CON_SEED)
    for equipment, env in zip(envs[::2], envs[1::2], strict=True):
        done = INSPECTED_ON
        assert _day(equipment["data"]["registrationDate"]) < done < RECONCILED_ON
        _inspected(env, done)
    return envs


def _use_registration(equipment: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """The office's use registration (新设备首次启用, TSG 08-2017 form) of a sampled device, as its record says."""
    from sedata.sample import vocabulary as words

    def person() -> str:
        return rng.choice(words.SURNAMES) + "".join(rng.choice(words.GIVEN) for _ in range(rng.choice((1, 2))))

    manager = person()
    address = equipment["useLocation"]
    for site in words.SITES:
        address = address.removesuffix(site)
    copied = (
        "equipmentKind equipmentCategory equipmentVariety productName equipmentCode modelSpec manufacturerName "
        "userUnitName userUnitCode internalNumber useLocation commissioningDate registrationDate registrationCertNo "
        "registrationAuthority"
    ).split()
    known = {
        "registrationCategory": "新设备首次启用",
        **{name: equipment[name] for name in copied if name in equipment},
        "userUnitAddress": address,
        "safetyManager": manager,
        "mobilePhone": f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
        "formFiller": manager,
        "formDate": (_day(equipment["registrationDate"]) - dt.timedelta(days=3)).isoformat(),
        "registrar": person(),
    }
    order = [SPEC.field_exchange_name(f) for f in SPEC.entities["UseRegistration"].fields]
    return {name: known[name] for name in order if name in known}


def con_registrations() -> Envs:
    """The supervision office's registration download: a use registration of each device of the sample."""
    rng = random.Random(CON_SEED)
    devices = [env["data"] for env in sampled("inspection-upload", seed=CON_SEED)[::2]]
    return _keyed([{"recordType": "UseRegistration", "data": _use_registration(d, rng)} for d in devices])


def _status(device: int, day: str, use: str, registration: str | None, reason: str) -> Change:
    """The registrations with a StatusChange of ``device`` on ``day`` after them."""

    def change(envs: Envs) -> Envs:
        data = {"equipmentCode": envs[device]["data"]["equipmentCode"], "changeDate": day, "useStatus": use}
        if registration is not None:
            data["registrationStatus"] = registration
        data["changeReason"] = reason
        return [*envs, *_keyed([{"recordType": "StatusChange", "data": data}])]

    return change


_REUSE = 4
"""The index of the record that puts the stacker back into use: after the three use registrations and the stop."""


def _stopped_and_reused(day: str) -> Change:
    """The stacker stopped (停用) on 2025-10-01 and back in use (在用) on ``day``."""
    stop = _status(STACKER, "2025-10-01", "3", None, "使用单位申请停用")
    back = _status(STACKER, day, "2", None, "停用后重新启用")
    return lambda envs: back(stop(envs))


def _stopped_and_reregistered(day: str) -> Change:
    """The stacker stopped on 2025-10-01 and registered again (登记类别 停用后启用) on ``day``."""

    def change(envs: Envs) -> Envs:
        envs = _status(STACKER, "2025-10-01", "3", None, "使用单位申请停用")(envs)
        again = copy.deepcopy(envs[STACKER]["data"])
        again.update(registrationCategory="停用后启用", registrationDate=day, formDate=day)
        return [*envs, *_keyed([{"recordType": "UseRegistration", "data": again}])]

    return change


def _dropped(*indexes: int) -> Change:
    return lambda envs: [env for i, env in enumerate(envs) if i not in indexes]


def _redated(device: int, done: str) -> Change:
    """The inspections with ``device``'s inspection done on ``done`` (the next one a year later)."""

    def change(envs: Envs) -> None:
        _inspected(envs[2 * device + 1], _day(done))

    return change


def _renamed(envs: Envs) -> None:
    """The gantry crane's user unit named otherwise in the inspection data (集团 added)."""
    data = envs[2 * GANTRY]["data"]
    data["userUnitName"] = data["userUnitName"].replace("有限公司", "集团有限公司")


def _dataset(message_type: str, base: Callable[[], Envs], change: Change | None) -> Build:
    def build(fmt: str) -> bytes:
        envs = base()
        if change is not None:
            envs = change(envs) or envs
        return encode(fmt, envs, message_type=message_type)

    return build


def reconciliation(
    rule: str,
    zh: str,
    en: str,
    findings: list[Any] | None = None,
    *,
    registrations: Change | None = None,
    inspections: Change | None = None,
) -> Case:
    """The sample's registrations (``registrations`` applied) reconciled with its inspections (``inspections``
    applied) on RECONCILED_ON. Positive when ``findings`` name ``rule``, else negative (``findings``: those that
    must occur all the same)."""
    found = findings or []
    make = P if rule in {r for r, _, _ in found} else N
    return make(
        rule,
        zh,
        en,
        _dataset("inspection-upload", con_inspections, inspections),
        findings=found,
        registrations=(_dataset("registration-download", con_registrations, registrations),),
        today=RECONCILED_ON.isoformat(),
    )


_SCRAPPED = "设备报废，办理注销登记"
_SCRAPPED_STATUS = [
    ("SE-CON-005", 2 * ESCALATOR, _pointer(2 * ESCALATOR, "useStatus")),
    ("SE-CON-005", 2 * ESCALATOR, _pointer(2 * ESCALATOR, "registrationStatus")),
]
"""The inspection data still has the scrapped escalator 在用, 已注册 (useStatus 2, registrationStatus 1)."""

CASES += [
    reconciliation(
        "SE-CON-001",
        "已登记的设备在检验数据中没有检验记录",
        "a registered device the inspection data holds nothing of",
        [("SE-CON-001", STACKER, _pointer(STACKER, "equipmentCode"))],
        inspections=_dropped(2 * STACKER, 2 * STACKER + 1),
    ),
    reconciliation(
        "SE-CON-001",
        "没有检验记录的设备已停用",
        "the device the inspection data holds nothing of is out of use (停用)",
        registrations=_status(STACKER, "2025-04-30", "3", None, "使用单位申请停用"),
        inspections=_dropped(2 * STACKER, 2 * STACKER + 1),
    ),
    reconciliation(
        "SE-CON-002",
        "检验过的设备不在登记数据中",
        "an inspected device the registration data does not hold",
        [("SE-CON-002", 2 * ESCALATOR + 1, _pointer(2 * ESCALATOR + 1, "equipmentCode"))],
        registrations=_dropped(ESCALATOR),
    ),
    reconciliation("SE-CON-002", "每台检验过的设备均已登记", "every inspected device is registered"),
    reconciliation(
        "SE-CON-003",
        "设备报废注销后仍有检验",
        "a device inspected after it was scrapped and its registration cancelled",
        [
            ("SE-CON-003", 2 * ESCALATOR + 1, _pointer(2 * ESCALATOR + 1, "inspectionDate")),
            *_SCRAPPED_STATUS,
        ],
        registrations=_status(ESCALATOR, "2025-06-01", "4", "3", _SCRAPPED),  # inspected 2025-07-02
    ),
    reconciliation(
        "SE-CON-003",
        "设备在最近一次检验后报废注销",
        "a device scrapped and cancelled after its latest inspection",
        _SCRAPPED_STATUS,
        registrations=_status(ESCALATOR, "2025-08-01", "4", "3", _SCRAPPED),
    ),
    reconciliation(
        "SE-CON-004",
        "下次检验日期为核对日前一天",
        "the next inspection date is the day before the reconciliation",
        [("SE-CON-004", 2 * STACKER + 1, _pointer(2 * STACKER + 1, "nextInspectionDate"))],
        inspections=_redated(STACKER, "2025-03-10"),
    ),
    reconciliation(
        "SE-CON-004",
        "下次检验日期即核对当日",
        "the next inspection date is the day of the reconciliation",
        inspections=_redated(STACKER, "2025-03-11"),
    ),
    reconciliation(
        "SE-CON-005",
        "检验数据中的使用单位名称与登记不同",
        "the inspection data names the user unit otherwise than the registration",
        [("SE-CON-005", 2 * GANTRY, _pointer(2 * GANTRY, "userUnitName"))],
        inspections=_renamed,
    ),
    reconciliation("SE-CON-005", "登记与检验数据一致", "registration and inspection data agree"),
    # SE-CON-007 (TSG 08-2026, from 2026-05-01): the stacker stopped 2025-10-01 and back in use 2026-05-02.
    reconciliation(
        "SE-CON-007",
        "停用期间检验有效期届满（2026-04-01），2026-05-02 未经检验即重新启用",
        "inspection validity ended while stopped (2026-04-01), back in use 2026-05-02 without an inspection",
        [("SE-CON-007", _REUSE, _pointer(_REUSE, "changeDate"))],
        registrations=_stopped_and_reused("2026-05-02"),
        inspections=_redated(STACKER, "2025-04-01"),
    ),
    reconciliation(
        "SE-CON-007",
        "检验有效期至 2026-06-01，2026-05-02 重新启用",
        "back in use 2026-05-02 with the inspection valid until 2026-06-01",
        registrations=_stopped_and_reused("2026-05-02"),
        inspections=_redated(STACKER, "2025-06-01"),
    ),
    named(
        reconciliation(
            "SE-CON-007",
            "检验有效期已届满，但重新启用（2026-04-15）早于 TSG 08-2026 施行",
            "validity over, but back in use (2026-04-15) before TSG 08-2026 applied",
            registrations=_stopped_and_reused("2026-04-15"),
            inspections=_redated(STACKER, "2025-04-01"),
        ),
        "quiet-before-tsg08-2026",
    ),
    named(
        reconciliation(
            "SE-CON-007",
            "以“停用后启用”使用登记重新启用，检验有效期已届满",
            "back in use by a use registration of category 停用后启用, validity over",
            [
                ("SE-CON-007", _REUSE, _pointer(_REUSE, "registrationDate")),
                # The registration data still says 停用 (a use registration carries no use status): a disagreement.
                ("SE-CON-005", 2 * STACKER, _pointer(2 * STACKER, "useStatus")),
            ],
            registrations=_stopped_and_reregistered("2026-05-02"),
            inspections=_redated(STACKER, "2025-04-01"),
        ),
        "fires-reregistered",
    ),
]


def _id(case: Case, fmt: str) -> str:
    return f"{case.rule}-{case.name}-{fmt}"


def entries() -> list[tuple[dict[str, Any], bytes | None]]:
    """Each case per format: its cases.yaml entry and its file's bytes (None: no file)."""
    out = []
    for case in CASES:
        for fmt in case.formats:
            file = f"cases/{_id(case, fmt)}.{fmt}" if case.build is not missing else f"cases/missing.{fmt}"
            entry: dict[str, Any] = {
                "id": _id(case, fmt),
                "rule": case.rule,
                "kind": "positive" if case.positive else "negative",
                "format": fmt,
                "description": {"zh": case.zh, "en": case.en},
                "file": file,
                "today": case.today,
                "findings": [
                    {"rule": r, "index": i, "pointer": p} for r, i, p in case.per_format.get(fmt, case.findings)
                ],
            }
            if not case.positive:
                entry["absent"] = [case.rule]
            if case.before:
                entry["before"] = [f"cases/{_id(case, fmt)}.before{k}.{fmt}" for k in range(len(case.before))]
                for name, build in zip(entry["before"], case.before, strict=True):
                    out.append(({"file": name}, build(fmt)))
            if case.together:
                entry["with"] = [f"cases/{_id(case, fmt)}.with{k}.{fmt}" for k in range(len(case.together))]
                for name, build in zip(entry["with"], case.together, strict=True):
                    out.append(({"file": name}, build(fmt)))
            if case.ledger:
                entry["ledger"] = True
            if case.registrations is not None:
                names = [f"cases/{_id(case, fmt)}.reg{k}.{fmt}" for k in range(len(case.registrations))]
                entry["reconcile"] = {"registrations": names}
                for name, build in zip(names, case.registrations, strict=True):
                    out.append(({"file": name}, build(fmt)))
            if case.trust is not None:
                entry["trust"] = list(case.trust)
                entry["require_signature"] = case.require_signature
            if case.parameters:
                entry["parameters"] = {rule: dict(values) for rule, values in case.parameters.items()}
            out.append((entry, case.build(fmt)))
            if case.sig is not None:
                out.append(({"file": f"{file}.sig"}, case.sig(fmt)))
    return out


HEADER_COMMENT = (
    "# Generated by spec/conformance/build.py: do not edit by hand; change the script and run it again.\n"
    "# Each case: a message file, the date it is validated on, the findings it must yield (exactly: rule,\n"
    "# record index, JSON pointer) and, for a negative case, the rules that must not fire. A case may name\n"
    "# packages validated before it (each in its own run: `before`), files validated in its own run before it\n"
    "# (`with`: the cross-record layer), and ask for a fresh channel ledger (the sequence layer).\n"
    "# A trust case names what it trusts (trust: certificates or the receiver's signer map, relative to this\n"
    "# folder; the signature is the file's name + .sig beside it), whether a signature is required, and rule\n"
    "# parameters its receiver sets.\n"
    "# A reconciliation case (the consistency layer, `sedata reconcile`) names its registration datasets\n"
    "# (`reconcile: {registrations: [...]}`); its `file` is the inspection dataset, and its findings are those of\n"
    "# every file of the reconciliation together (each SE-CON rule reports on one side: SE-CON-001 on the\n"
    "# registrations, the others on the inspections).\n"
)


def render() -> dict[str, bytes]:
    """Every file of the suite (relative path -> bytes)."""
    files: dict[str, bytes] = {}
    listed = []
    for entry, body in entries():
        if "id" in entry:  # not a file that only precedes a case
            listed.append(entry)
        if body is not None:
            files[entry["file"]] = body
    text = yaml.safe_dump({"cases": listed}, allow_unicode=True, sort_keys=False, width=120)
    files["cases.yaml"] = (HEADER_COMMENT + text).encode()
    return files


def make_keys() -> int:
    """Make the suite's missing test keys ONCE (random): an Ed25519 key and self-signed certificate per folder of
    keys/ — trusted and untrusted (valid VALID_FROM to VALID_UNTIL, digitalSignature), ca-only (a CA certificate
    allowed keyCertSign and cRLSign only) and expired (valid 2016 only). The keys are committed; ``build.py``
    only reads them, so making them again changes every signature of the suite. Existing keys are kept."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519
    from cryptography.x509.oid import NameOID

    signing = x509.KeyUsage(True, False, False, False, False, False, False, False, False)
    issuing = x509.KeyUsage(False, False, False, False, False, True, True, False, False)
    plans = {
        TRUSTED: (1, VALID_FROM, VALID_UNTIL, False, signing),
        UNTRUSTED: (2, VALID_FROM, VALID_UNTIL, False, signing),
        CA_ONLY: (3, VALID_FROM, VALID_UNTIL, True, issuing),
        EXPIRED: (4, EXPIRED_FROM, EXPIRED_UNTIL, False, signing),
    }
    for folder_name, (serial, start, until, ca, usage) in plans.items():
        folder = KEYS / folder_name
        if (folder / "ed25519-key.pem").exists():
            continue
        key = ed25519.Ed25519PrivateKey.generate()
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"sedata conformance {folder.name} TEST key")])
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(serial)
            .not_valid_before(start)
            .not_valid_after(until)
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .add_extension(usage, critical=True)
            .sign(key, None)
        )
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "ed25519-key.pem").write_bytes(keys.PrivateKey(keys.ED25519, key=key).to_pem())
        (folder / "ed25519-cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        print(f"wrote {folder}: key id {keys.load_private_file(folder / 'ed25519-key.pem').public_key().key_id}")
    return 0


def main() -> int:
    if sys.argv[1:] == ["--make-keys"]:
        return make_keys()
    files = render()
    shutil.rmtree(HERE / "cases", ignore_errors=True)
    for rel, body in files.items():
        target = HERE / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
    print(f"wrote {len(files) - 1} case files and cases.yaml to {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
