"""No valid citizen ID reaches any report, wherever it stands in the data (masking by value, issue 11).

Masking by field hides the values of personal elements; these packages put IDs where no field says
"personal": a JSON number in a text field, an ID typed into a code field that fails its check, an ID
inside an unknown member name, as ``recordType``, ``operation`` and ``recordKey``, in header members,
a legacy 15-digit ID, an ID inside a longer text. Every report in the four formats and both languages
is scanned for digit runs, and every 15- and 18-character window of a run is tried as a citizen ID.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sedata.codes import citizen_id
from sedata.validate import Report, validate_files
from sedata.validate.masking import redact
from sedata.validate.render import FORMATS, render

from .conftest import write_jsonl

ROOT = Path(__file__).resolve().parents[2]
RUN = re.compile(r"[0-9]{15,}[Xx]?")

# Real division codes (芗城区, 朝阳区, 乌鲁木齐天山区) and birth dates: valid numbers with their check digits.
ID_A = citizen_id.generate("350602", dt.date(1986, 3, 14), 37)
ID_B = citizen_id.generate("110105", dt.date(1975, 11, 2), 118)
ID_C = citizen_id.generate("650102", dt.date(1990, 1, 1), 1)
ID_X = next(
    n for n in (citizen_id.generate("110105", dt.date(1949, 12, 31), s) for s in range(1, 200)) if n.endswith("X")
)
LEGACY = ID_B[:6] + ID_B[8:17]  # the same person's 15-digit number (year without "19", no check digit)
IDS = (ID_A, ID_B, ID_C, ID_X)


def citizen_ids_in(text: str) -> Iterator[str]:
    """Every valid citizen ID (18 or 15 characters) inside a run of digits in ``text``."""
    for run in RUN.findall(text):
        for size in (18, 15):
            for start in range(len(run) - size + 1):
                window = run[start : start + size]
                if citizen_id.is_valid(window):
                    yield window


def test_the_ids_are_valid_and_the_scanner_finds_them() -> None:
    assert all(citizen_id.is_valid(i) for i in IDS) and citizen_id.is_valid(LEGACY)
    assert citizen_id.to_18(LEGACY) == ID_B
    assert list(citizen_ids_in(f"got {ID_A}, key 7{ID_C}9 and {LEGACY}.")) == [ID_A, ID_C, LEGACY]


def test_redact_masks_every_id_and_leaves_other_numbers() -> None:
    text = f"should be string an18, got {ID_C}; member 'x{ID_A}'; {ID_X.lower()}; 12{LEGACY}; 20{ID_B}"
    out = redact(text)
    assert list(citizen_ids_in(out)) == []
    assert f"got {ID_C[:6]}********{ID_C[-4:]}" in out and f"{LEGACY[:6]}*****{LEGACY[-4:]}" in out
    # Numbers that are no citizen ID (equipment codes, registration codes, digests) stay whole.
    for number in ("311010523201500318", "31103506002016053337", "123506004885497331", "1" * 300):
        assert redact(number) == number or len(number) > 256


def _operator_envelopes() -> list[dict[str, Any]]:
    certs = json.loads((ROOT / "examples" / "entities" / "OperatorCertificate.json").read_text("utf-8"))
    base = dict(certs[0], certificateNo="ZZ-0001", holderCitizenId="350602198603140371")

    def env(data: dict[str, Any], **over: Any) -> dict[str, Any]:
        out = {"recordType": "OperatorCertificate", "operation": "add", "recordKey": data["certificateNo"]}
        out.update(recordVersion=1, data=data)
        out.update(over)
        return out

    return [
        # A JSON number where text belongs: personal field and non-personal field alike.
        env(dict(base, certificateNo="ZZ-0002", holderCitizenId=int(ID_C))),
        env(dict(base, certificateNo="ZZ-0003", issuingAuthority=int(ID_A))),
        # An ID typed into code fields that fail their checks, alone and inside longer text.
        env(dict(base, certificateNo="ZZ-0004", itemTable=ID_B)),
        env(dict(base, certificateNo="ZZ-0005", issueDate=f"证{ID_A}号")),
        env(dict(base, certificateNo="ZZ-0006", certificateStatus=LEGACY)),
        env(dict(base, certificateNo="ZZ-0007", operatorItems=[ID_X])),
        # An unknown member whose name is, or holds, an ID.
        env(dict(base, certificateNo="ZZ-0008", **{ID_C: "x", f"note{ID_A}": 1})),
        # IDs in the envelope: record type, operation, record key and version.
        env(dict(base, certificateNo="ZZ-0009"), recordType=ID_A),
        env(dict(base, certificateNo="ZZ-0010"), operation=ID_B),
        env(dict(base, certificateNo=ID_C), recordKey=f"K{ID_X}"),
        env(dict(base, certificateNo="ZZ-0012"), recordVersion=int(ID_A)),
        # The key fields themselves hold an ID (certificate numbers are often ID numbers).
        env(dict(base, certificateNo=ID_B, holderCitizenId=ID_B), recordKey=ID_B),
    ]


def test_a_personal_value_written_as_a_number_is_masked_by_its_field(tmp_path: Path) -> None:
    regs = json.loads((ROOT / "examples" / "entities" / "UseRegistration.json").read_text("utf-8"))
    data = dict(regs[0], mobilePhone=13906961127)
    env = {"recordType": "UseRegistration", "operation": "add", "recordKey": data["registrationCertNo"]}
    env.update(recordVersion=1, data=data)
    path = write_jsonl(tmp_path / "phone.jsonl", [env], message_type="registration-download")
    report = validate_files([path])
    (finding,) = [f for f in report.findings if f.element is not None and f.element.field == "mobilePhone"]
    assert finding.rule == "SE-SCH-003" and finding.value == "139****1127"
    for fmt in FORMATS:
        assert "13906961127" not in render(report, fmt, "en")


def _json_document(jsonl: Path, target: Path) -> Path:
    lines = [json.loads(line) for line in jsonl.read_text("utf-8").splitlines()]
    target.write_text(json.dumps({"header": lines[0]["header"], "records": lines[1:]}, ensure_ascii=False), "utf-8")
    return target


def _xml(target: Path) -> Path:
    text = (ROOT / "examples" / "messages" / "operator-certificate-upload.xml").read_text("utf-8")
    text = text.replace("<itemTable>2019</itemTable>", f"<itemTable>{ID_C}</itemTable>", 1)
    text = text.replace("<OperatorCertificate>", f'<OperatorCertificate operation="{ID_A}">', 1)
    text = text.replace("<operatorItems>G2</operatorItems>", f"<x{ID_B}>{ID_X}</x{ID_B}>", 1)
    text = text.replace("<sender>11350000003624150X</sender>", f"<sender>{ID_A}</sender>", 1)
    target.write_text(text, "utf-8")
    return target


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    tmp = tmp_path_factory.mktemp("by-value")
    jsonl = write_jsonl(
        tmp / "ids.jsonl", _operator_envelopes(), message_type="operator-certificate-upload", header={"sender": ID_A}
    )
    document = _json_document(jsonl, tmp / "ids.json")
    # Header members that stop the reading: an ID as a number, and inside the message id.
    header = {"receiver": int(ID_B), "messageId": f"{ID_X}-{ID_C[:17]}"}
    broken = write_jsonl(tmp / "header.jsonl", [], message_type="operator-certificate-upload", header=header)
    # An unknown top-level member named by an ID ends the JSON document's reading with its own finding.
    member = tmp / "member.json"
    member.write_text(json.dumps({"header": json.loads(jsonl.read_text("utf-8").split("\n")[0])["header"], ID_A: []}))
    return validate_files([jsonl, document, _xml(tmp / "ids.xml"), broken, member])


def test_the_ids_do_reach_findings(report: Report) -> None:
    """The packages are built so the IDs land in findings: the test below would catch a leak."""
    masked = {f"{i[:6]}********{i[-4:]}" for i in IDS}
    shown = "\n".join(
        " ".join(filter(None, (f.message.zh, f.message.en, f.value, f.key, f.record_type, f.pointer)))
        for f in report.findings
    )
    assert {m for m in masked if m in shown} == masked
    rules = {f.rule for f in report.findings}
    assert {"SE-SCH-003", "SE-SCH-004"} & rules and "SE-SYN-003" in rules
    assert any(f.record_type and f.record_type.startswith(ID_A[:6] + "*") for f in report.findings)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_report_shows_a_citizen_id(report: Report, fmt: str, lang: str) -> None:
    text = render(report, fmt, lang)
    assert list(citizen_ids_in(text)) == []
    assert ID_A[:6] + "********" + ID_A[-4:] in text


def test_the_header_summary_is_masked_by_value(report: Report) -> None:
    header = report.files[0].header
    assert header is not None
    assert header["sender"] == citizen_id.mask(ID_A)
    assert list(citizen_ids_in(json.dumps(header))) == []
