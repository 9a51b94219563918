"""The sequence layer's findings, field by field, and which earlier findings reject a package (bench/mutate.py
on sedata/validate/layers/sequence.py showed what the file-level tests did not pin down).

Events are made directly (the ledger's own judging is tests/ledger/test_model.py's), so each finding can be
compared whole: rule, severity, pointer, element, value, expected and both languages of the message.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sedata.ledger import Earlier, Ledger, Package, SequenceEvent
from sedata.spec import current
from sedata.validate.context import FileContext
from sedata.validate.layers.base import FileAt, Given
from sedata.validate.layers.sequence import (
    RULES,
    check_file,
    check_packages,
    check_report,
    event_findings,
    file_findings,
    findings,
    rejections,
)
from sedata.validate.report import FileReport, Finding, Text

from .conftest import CHANNEL, SPEC, write_package

CTX = FileContext(SPEC, "in/p.json")
LONG = "sha256:" + "ab" * 32  # 64 hex digits: shown cut to 16
SHORT = "sha256:" + "c" * 16  # exactly 16: shown whole
EARLIER = Earlier("MSG-1", 7, LONG, "2026-11-01T02:00:00+08:00", "/data/in/p7.json")
CHANNEL_EN = f"channel {CHANNEL.sender} → {CHANNEL.receiver} (inspection-upload)"
CHANNEL_ZH = f"通道 {CHANNEL.sender} → {CHANNEL.receiver}（inspection-upload）"


def package(sequence: int = 9, digest: str = LONG, mode: str = "changes", message_id: str = "MSG-9") -> Package:
    return Package(CHANNEL, message_id, sequence, digest, 3, mode, "2026-11-02T02:00:00+08:00")


def one(event: SequenceEvent, pkg: Package | None = None) -> Finding:
    (f,) = event_findings(CTX, [event], pkg or package(event.sequence))
    return f


def event(kind: str, sequence: int = 9, **kw: object) -> SequenceEvent:
    return SequenceEvent(kind, CHANNEL, kw.pop("message_id", "MSG-9"), sequence, **kw)  # type: ignore[arg-type]


def test_rules_of_every_event_kind() -> None:
    assert RULES == {
        "gap": "SE-SEQ-001",
        "replay": "SE-SEQ-002",
        "resent": "SE-SEQ-002",
        "same-content": "SE-SEQ-003",
        "conflict": "SE-SEQ-004",
        "id-reused": "SE-SEQ-005",
        "late": "SE-SEQ-006",
        "rejected": "SE-SEQ-007",
    }
    # Held against the spec too: every SE-SEQ rule of spec/rules/sequence.yaml is some event kind's.
    assert set(RULES.values()) == {rule for rule in current().rules if rule.startswith("SE-SEQ-")}


def test_a_gap_names_the_missing_numbers_and_the_highest_before() -> None:
    f = one(event("gap", 9, missing=((3, 3), (5, 8)), highest=2))
    assert (f.rule, f.severity, f.layer, f.file) == ("SE-SEQ-001", "error", "sequence", "in/p.json")
    assert (f.pointer, f.element and f.element.id, f.value) == ("/header/sequence", "SE.MSG.0007", "9")
    assert (f.index, f.line, f.record_type, f.key) == (None, None, "MessageHeader", None)
    assert f.expected == Text("3、5–8", "3, 5–8")
    assert f.message.en.endswith(f"{CHANNEL_EN}; highest received before: 2")
    assert f.message.zh.endswith(f"{CHANNEL_ZH}；此前收到的最大序号为 2")


def test_a_gap_on_a_new_channel_says_nothing_came_before() -> None:
    f = one(event("gap", 3, missing=((1, 2),), highest=None))
    assert f.expected == Text("1–2", "1–2")
    assert f.message.en.endswith(f"{CHANNEL_EN}; nothing received on it before")
    assert f.message.zh.endswith(f"{CHANNEL_ZH}；此前未收到该通道的报文")


def test_a_late_package_names_the_highest_it_came_after() -> None:
    f = one(event("late", 4, highest=6))
    assert (f.rule, f.severity, f.pointer, f.value) == ("SE-SEQ-006", "warning", "/header/sequence", "4")
    assert f.expected == Text("6", "6")
    assert f.message.en.endswith(f"arrived after sequence 6; it fills an earlier gap: {CHANNEL_EN}")


def test_a_replay_and_a_resent_header_name_the_earlier_package() -> None:
    earlier_en = "sequence 7, message id MSG-1, received 2026-11-01T02:00:00+08:00, file p7.json"
    earlier_zh = "序号 7，报文标识 MSG-1，2026-11-01T02:00:00+08:00 收到，文件 p7.json"
    f = one(event("replay", 7, message_id="MSG-1", earlier=EARLIER))
    assert (f.rule, f.severity, f.pointer) == ("SE-SEQ-002", "warning", "/header/messageId")
    assert (f.element and f.element.id, f.value) == ("SE.MSG.0003", "MSG-1")
    assert f.expected == Text(earlier_zh, earlier_en)
    assert f.message.en.endswith(f"same message id, sequence and records digest; {CHANNEL_EN}")
    assert f.message.zh.endswith(f"报文标识、序号与记录摘要均相同；{CHANNEL_ZH}")
    r = one(event("resent", 7, message_id="MSG-2", earlier=EARLIER))
    assert (r.rule, r.value, r.expected) == ("SE-SEQ-002", "MSG-2", Text(earlier_zh, earlier_en))
    assert r.message.en.endswith(
        f"this is a replay: a new message id with the same sequence and records digest (the header was made anew); "
        f"{CHANNEL_EN}"
    )
    assert r.message.zh.endswith(f"本次为重放：报文标识不同，序号与记录摘要相同（报文头重新生成）；{CHANNEL_ZH}")


def test_an_earlier_package_without_a_file_is_named_without_one() -> None:
    earlier = Earlier("MSG-1", 7, SHORT, "2026-11-01T02:00:00+08:00", None)
    f = one(event("conflict", 7, earlier=earlier), package(7, LONG))
    assert f.expected == Text(
        f"序号 7，报文标识 MSG-1，记录摘要 {SHORT}，2026-11-01T02:00:00+08:00 收到",
        f"sequence 7, message id MSG-1, digest {SHORT}, received 2026-11-01T02:00:00+08:00",
    )


def test_a_conflict_shows_both_digests_cut_to_sixteen_digits() -> None:
    f = one(event("conflict", 7, earlier=EARLIER), package(7, SHORT))
    assert (f.rule, f.severity, f.pointer, f.value) == ("SE-SEQ-004", "error", "/header/sequence", "7")
    assert f.expected is not None and "digest sha256:abababababababab…, received" in f.expected.en
    assert "记录摘要 sha256:abababababababab…，2026" in f.expected.zh
    assert f.message.en.endswith(f"this package's digest {SHORT}; {CHANNEL_EN}")
    assert f.message.zh.endswith(f"本报文记录摘要 {SHORT}；{CHANNEL_ZH}")


def test_a_digest_longer_than_sixteen_digits_is_cut() -> None:
    seventeen = "sha256:" + "e" * 17
    f = one(event("conflict", 7, earlier=EARLIER), package(7, seventeen))
    assert f.message.en.endswith(f"this package's digest sha256:{'e' * 16}…; {CHANNEL_EN}")
    assert _short_of("md5") == "md5"


def _short_of(digest: str) -> str:
    """How a digest without an algorithm prefix is shown (a whole short value)."""
    f = one(event("conflict", 7, earlier=EARLIER), package(7, digest))
    return f.message.en.split("this package's digest ")[1].split(";")[0]


def test_a_reused_message_id_shows_this_package() -> None:
    f = one(event("id-reused", 8, message_id="MSG-1", earlier=EARLIER), package(8, LONG))
    assert (f.rule, f.severity, f.pointer, f.value) == ("SE-SEQ-005", "error", "/header/messageId", "MSG-1")
    assert f.expected == Text(
        "序号 7，报文标识 MSG-1，记录摘要 sha256:abababababababab…，2026-11-01T02:00:00+08:00 收到，文件 p7.json",
        "sequence 7, message id MSG-1, digest sha256:abababababababab…, received 2026-11-01T02:00:00+08:00, "
        "file p7.json",
    )
    assert f.message.en.endswith(f"this package: sequence 8, digest sha256:abababababababab…; {CHANNEL_EN}")
    assert f.message.zh.endswith(f"本报文序号 8、记录摘要 sha256:abababababababab…；{CHANNEL_ZH}")


@pytest.mark.parametrize(("mode", "shown"), [("changes", True), ("snapshot", False)])
def test_same_content_is_reported_only_in_the_modes_of_the_rule(mode: str, shown: bool) -> None:
    found = event_findings(CTX, [event("same-content", 9, earlier=EARLIER)], package(9, LONG, mode))
    if not shown:
        assert found == []
        return
    (f,) = found
    assert (f.rule, f.severity, f.pointer) == ("SE-SEQ-003", "warning", "/header/digest")
    assert (f.element and f.element.id, f.value) == ("SE.MSG.0011", "sha256:abababababababab…")
    assert f.expected is not None and f.expected.en.startswith("sequence 7, message id MSG-1, received")


def test_events_that_need_an_earlier_package_make_no_finding_without_one() -> None:
    kinds = ("replay", "resent", "same-content", "conflict", "id-reused")
    assert event_findings(CTX, [event(k, 9) for k in kinds], package()) == []


def test_a_rejection_lists_its_reasons_in_both_languages() -> None:
    f = one(event("rejected", 5, reasons=("SE-SIG-001", "not-read-whole")))
    assert (f.rule, f.severity, f.pointer, f.value, f.expected) == (
        "SE-SEQ-007",
        "error",
        "/header/sequence",
        "5",
        None,
    )
    assert f.message.en.endswith(f"SE-SIG-001, not read whole, or count or digest mismatched; {CHANNEL_EN}")
    assert f.message.zh.endswith(f"SE-SIG-001；报文未能完整读取或记录数、摘要不符；{CHANNEL_ZH}")
    bare = one(event("rejected", 5))
    assert bare.message.en.endswith(f": —; {CHANNEL_EN}") and bare.message.zh.endswith(f"：—；{CHANNEL_ZH}")


def test_events_keep_their_order() -> None:
    events = [event("gap", 9, missing=((8, 8),), highest=7), event("same-content", 9, earlier=EARLIER)]
    assert [f.rule for f in event_findings(CTX, events, package())] == ["SE-SEQ-001", "SE-SEQ-003"]


# --- which findings reject a package -------------------------------------------------------------------
def _f(rule: str, severity: str = "error", pointer: str | None = None) -> Finding:
    return Finding(rule, severity, "x", Text("", ""), "p.json", pointer=pointer)  # type: ignore[arg-type]


def test_rejections_are_the_errors_of_the_trust_layer_or_in_the_header_sorted() -> None:
    prior = [
        _f("SE-SIG-005"),  # trust layer
        _f("SE-SCH-002", pointer="/header/sequence"),  # an error in the header
        _f("SE-SIG-001", "warning"),  # not an error
        _f("SE-SCH-001", pointer="/records/0/data/x"),  # an error in a record
        _f("SE-ENV-001"),  # no place at all
        _f("SE-SEQ-004", pointer="/header/sequence"),  # the layer's own findings never reject
        _f("SE-XRF-001", pointer="/header/x"),  # nor the cross-record layer's
    ]
    assert rejections(CTX, prior, whole=True) == ("SE-SCH-002", "SE-SIG-005")
    assert rejections(CTX, prior, whole=False) == ("SE-SCH-002", "SE-SIG-005", "not-read-whole")
    assert rejections(CTX, [_f("SE-SCH-002", pointer="/headers")], whole=True) == ("SE-SCH-002",)
    assert rejections(CTX, [_f("SE-SCH-002", pointer="/records/0/header")], whole=True) == ()
    assert rejections(CTX, [], whole=True) == ()


def test_a_rejected_package_is_logged_and_the_next_judged_as_if_it_never_came(tmp_path: Path) -> None:
    header = package(1)
    with Ledger(tmp_path / "l.sqlite") as ledger:
        (f,) = findings(CTX, ledger, header, whole=True, prior=[_f("SE-SIG-005")])
        assert f.rule == "SE-SEQ-007" and "SE-SIG-005" in f.message.en
        (arrival,) = ledger.arrivals()
        assert arrival.file == str(Path("in/p.json").resolve())  # the context's file when no path is given
        assert ledger.packages() == []
        assert findings(CTX, ledger, header, whole=True, path=tmp_path / "q.json") == []
        assert [(e.package.sequence, e.file) for e in ledger.packages()] == [(1, str(tmp_path / "q.json"))]
        (f,) = findings(CTX, ledger, package(3, "sha256:" + "d" * 64, message_id="MSG-3"), whole=True)
        assert (f.rule, f.value) == ("SE-SEQ-001", "3")


def test_the_layer_runs_only_with_a_ledger_and_a_header(tmp_path: Path) -> None:
    report = FileReport("p.json")
    with Ledger(tmp_path / "l.sqlite") as ledger:
        assert file_findings(FileAt(CTX, "p.json", report, Given(), package(3))) == []
        assert file_findings(FileAt(CTX, "p.json", report, Given(ledger=ledger), None)) == []
        report.verified = True
        (f,) = file_findings(FileAt(CTX, "p.json", report, Given(ledger=ledger), package(3)))
        assert (f.rule, f.value) == ("SE-SEQ-001", "3")
        report.verified = False
        (f,) = file_findings(FileAt(CTX, "p.json", report, Given(ledger=ledger), package(4, message_id="M4")))
        assert f.rule == "SE-SEQ-007" and "not read whole" in f.message.en


def test_one_file_checked_alone_against_the_current_spec(tmp_path: Path) -> None:
    p2 = write_package(tmp_path / "p2.json", 2)
    with Ledger(tmp_path / "l.sqlite") as ledger:
        report = check_file(ledger, p2)
        assert [(f.rule, f.value) for f in report.findings] == [("SE-SEQ-001", "2")]
        assert report.verified and report.fail_on == "error"
        assert [e.package.sequence for e in ledger.packages()] == [2]
    report = check_report([p2], tmp_path / "l.sqlite")
    assert report.fail_on == "error" and [f.rule for f in report.files[0].findings] == ["SE-SEQ-002"]


def test_ledger_check_reports_per_file_with_the_fail_level(tmp_path: Path) -> None:
    p1, p3 = write_package(tmp_path / "p1.json", 1), write_package(tmp_path / "p3.json", 3)
    report = check_report([p1, p3, tmp_path / "none.json"], tmp_path / "l.sqlite", fail_on="warning")
    assert [fr.file for fr in report.files] == [str(p1), str(p3), str(tmp_path / "none.json")]
    assert [[f.rule for f in fr.findings] for fr in report.files] == [[], ["SE-SEQ-001"], ["SE-SYN-001"]]
    assert {fr.fail_on for fr in report.files} == {"warning"} and report.fail_on == "warning"
    assert report.spec_version == SPEC.info.spec_version
    assert [(name, [f.rule for f in found]) for name, found in check_packages([p3], tmp_path / "l.sqlite")] == [
        (str(p3), ["SE-SEQ-002"])
    ]
