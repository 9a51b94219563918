"""Write the conformance suite: one small message per case and ``cases.yaml`` naming what each must yield.

Run ``python3 spec/conformance/build.py`` from the checkout after changing a case; the output is
deterministic (fixed message ids, creation times and seeds), and a test checks the committed files are
exactly what this script writes. The builders are those of tests/validate/test_rules.py, made
format-independent: a case alters record envelopes (JSON data), and the same envelopes are then laid
out as JSON, JSON Lines and XML by the exchange encoders, so the header's count and digest still match.
Syntax cases alter the bytes of a clean message instead, per format.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sedata import exchange as X
from sedata.exchange.api import ENCODERS
from sedata.sample.generator import sample_records
from sedata.spec import current

SPEC = current()
HERE = Path(__file__).resolve().parent
FORMATS = ("json", "jsonl", "xml")
TODAY = "2030-01-01"
SENDER = "123506004885497331"
RECEIVER = "91433101772274167P"
CREATED = dt.datetime(2026, 3, 11, 2, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
MESSAGE_ID = "00000000-0000-4000-8000-000000000000"
EXAMPLES = HERE.parent.parent / "examples" / "messages"

Envs = list[dict[str, Any]]


# -- messages ------------------------------------------------------------------------------------------


def sampled(message_type: str, count: int = 6, seed: int = 11) -> Envs:
    """Clean sample records as envelopes (JSON data), as in tests/validate/conftest.py."""
    return [record.to_json_data(SPEC) for record, _ in sample_records(message_type, count, seed=seed)]


def doubtful() -> tuple[str, str, Envs]:
    """The registration-download example: its certificate uses the UNCONFIRMED category character 容."""
    message = X.read(EXAMPLES / "registration-download.jsonl", SPEC)
    return message.header.message_type, message.header.mode, [r.to_json_data(SPEC) for r in message.records]


def encode(fmt: str, envs: Envs, *, message_type: str = "inspection-upload", mode: str = "changes") -> bytes:
    """``envs`` laid out in ``fmt`` under a fixed header whose count and digest match them (anything goes inside)."""
    records = [
        X.Record(e.get("recordType"), e.get("data"), e.get("operation"), e.get("recordKey"), e.get("recordVersion"))
        for e in envs
    ]
    digester = X.Digester("sha256", SPEC)
    for record in records:
        digester.add(record)
    header = X.new_header(message_type, SENDER, RECEIVER, 1, mode, message_id=MESSAGE_ID, created_at=CREATED, spec=SPEC)
    header = header.model_copy(update={"record_count": len(records), "digest": digester.hexdigest()})
    encoder = ENCODERS[fmt](SPEC, X.MessageRules(header, SPEC))  # type: ignore[index]
    out = [encoder.prefix(header)]
    for i, record in enumerate(records):
        canonical = json.dumps(record.to_json_data(SPEC), ensure_ascii=False, separators=(",", ":")).encode()
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


def envs_of(change: Callable[[Envs], Envs | None], message_type: str = "inspection-upload") -> Build:
    def build(fmt: str) -> bytes:
        envs = sampled(message_type, 6 if message_type == "inspection-upload" else 2)
        return encode(fmt, change(envs) or envs, message_type=message_type)

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


def _biz_007(years: int) -> Callable[[Envs], None]:
    def change(envs: Envs) -> None:
        issued = envs[0]["data"]["issueDate"]
        envs[0]["data"]["expiryDate"] = f"{int(issued[:4]) + years}{issued[4:]}"

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


def _bad_byte(fmt: str) -> bytes:
    return clean(fmt).replace("检验".encode(), b"\xff\xfe", 1)


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


def P(
    rule: str, zh: str, en: str, build: Build, findings: list[Any], formats: tuple[str, ...] = ALL, **kw: Any
) -> Case:
    return Case(rule, "fires", zh, en, build, findings, formats, True, **kw)


def N(
    rule: str, zh: str, en: str, build: Build, formats: tuple[str, ...] = ALL, findings: list[Any] | None = None
) -> Case:
    return Case(rule, "quiet", zh, en, build, findings or [], formats, False)


HEAD = {J: '"recordCount":6', L: '"recordCount":6', M: "<recordCount>6</recordCount>"}
VERSION = {J: '"specVersion":"1.0.0"', L: '"specVersion":"1.0.0"', M: "<specVersion>1.0.0</specVersion>"}
MODE = {J: '"mode":"changes"', L: '"mode":"changes"', M: "<mode>changes</mode>"}
DIGEST_AT = {J: '"digest":"', L: '"digest":"', M: "<digest>"}


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
        text(VERSION, {f: VERSION[f].replace("1.0.0", "0.9.0") for f in FORMATS}),
        [("SE-SYN-007", None, "/header/specVersion")],
    ),
    N("SE-SYN-007", "规范版本 1.0.0", "spec version 1.0.0", clean),
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
        [("SE-SCH-005", 0, "/records/0/recordType")],
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
        "电梯检验间隔超过一年",
        "an elevator interval over one year",
        inspection(inspectionDate="2024-05-01", nextInspectionDate="2025-05-02"),
        [("SE-BIZ-004", 3, _pointer(3, "nextInspectionDate"))],
    ),
    N(
        "SE-BIZ-004",
        "电梯检验间隔恰为一年",
        "an elevator interval of exactly one year",
        inspection(inspectionDate="2024-05-01", nextInspectionDate="2025-05-01"),
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
                "today": TODAY,
                "findings": [
                    {"rule": r, "index": i, "pointer": p} for r, i, p in case.per_format.get(fmt, case.findings)
                ],
            }
            if not case.positive:
                entry["absent"] = [case.rule]
            out.append((entry, case.build(fmt)))
    return out


HEADER_COMMENT = (
    "# Generated by spec/conformance/build.py: do not edit by hand; change the script and run it again.\n"
    "# Each case: a message file, the date it is validated on, the findings it must yield (exactly: rule,\n"
    "# record index, JSON pointer) and, for a negative case, the rules that must not fire.\n"
)


def render() -> dict[str, bytes]:
    """Every file of the suite (relative path -> bytes)."""
    files: dict[str, bytes] = {}
    listed = []
    for entry, body in entries():
        listed.append(entry)
        if body is not None:
            files[entry["file"]] = body
    text = yaml.safe_dump({"cases": listed}, allow_unicode=True, sort_keys=False, width=120)
    files["cases.yaml"] = (HEADER_COMMENT + text).encode()
    return files


def main() -> int:
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
