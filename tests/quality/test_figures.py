"""The scorecard's figures against figures worked out by hand on the tiny data set of dataset.py.

Field counts per record (M / C / O present), from the entity definitions in spec/entities:

* Equipment has 11 M, 6 C and 8 O fields; Inspection 9 M, 3 C and 2 O.
* 漳州: elevator 11 M, 5 C (no pipeline level), 7 O = 23 values; vessel 11 M, 3 C (no registration code,
  certificate number dropped, no pipeline level), 8 O = 22; inspection 1: 9 M, 1 C (next date), 2 O = 12;
  inspection 2: 9 M, 2 C (safety grade, next date), 1 O = 12; the repeated inspection 1: 12. 81 values.
* 湘西: elevator 10 M (place of use dropped), 4 C, 7 O = 21; inspection 9 M, 1 C, 1 O = 11; re-inspection
  9 M, 0 C (next date dropped), 1 O = 10. 42 values.

Error findings on present values: 漳州 use status ``8``; 湘西 division ``433199``. The validator also warns
(PARTIAL rules) on the 容 certificate number and on the authority-assigned equipment codes; warnings are
counted per element, outside validity.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from sedata import exchange as X
from sedata.quality import Parameters, build_scorecard
from sedata.quality.counts import Delays
from sedata.quality.scorecard import _as_date, has_value, rank, score
from sedata.validate import validate_files

from . import dataset as D

W = {"m": 0.20, "v": 0.10, "e": 0.40, "t": 0.15, "u": 0.10}  # the default weights of the rates this data set measures


@pytest.fixture(scope="module")
def paths(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("figures")
    return [D.zhangzhou(folder), D.xiangxi(folder)]


@pytest.fixture(scope="module")
def card(paths: list[Path]) -> dict[str, Any]:
    return build_scorecard(paths, today=D.TODAY)


@pytest.fixture(scope="module")
def inconsistent(paths: list[Path]) -> dict[str, int]:
    """Records with a cross-record or consistency finding per file name (none until those layers exist)."""
    report = validate_files(paths, today=D.TODAY)
    return {
        Path(f.file).name: len({x.index for x in f.findings if x.rule.startswith(("SE-XRF-", "SE-CON-"))})
        for f in report.files
    }


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("county")
    params = Parameters(division_level="county")
    return build_scorecard([D.zhangzhou(folder), D.xiangxi(folder)], today=D.TODAY, parameters=params)


def sender(card: dict[str, Any], code: str) -> dict[str, Any]:
    (found,) = [s for s in card["senders"] if s["sender"] == code]
    return found


def division(card: dict[str, Any], code: str) -> dict[str, Any]:
    (found,) = [d for d in card["divisions"] if d["division"] == code]
    return found


def entity(group: dict[str, Any], entity_id: str) -> dict[str, Any]:
    (found,) = [e for e in group["entities"] if e["entity"] == entity_id]
    return found


def element(group: dict[str, Any], entity_id: str, field: str) -> dict[str, Any]:
    (found,) = [e for e in entity(group, entity_id)["elements"] if e["field"] == field]
    return found


def weighted(m: float, v: float, e: float, t: float | None, u: float, c: float | None = None) -> float:
    """The default score by hand (C completeness weighs 0; consistency 0.05 once it is measured)."""
    rates = {"m": m, "v": v, "e": e, "t": t, "u": u}
    total = sum(W[k] * r for k, r in rates.items() if r is not None) + (0.0 if c is None else 0.05 * c)
    weight = sum(W[k] for k, r in rates.items() if r is not None) + (0.0 if c is None else 0.05)
    return round(100 * total / weight, 2)


def consistency(card: dict[str, Any], inconsistent: dict[str, int], name: str, records: int) -> float | None:
    # Cross-record checks are being added to the validator; until they run, consistency is not measured.
    return 1 - inconsistent[name] / records if card["measured"]["consistency"] else None


def test_zhangzhou_rates(card: dict[str, Any], inconsistent: dict[str, int]) -> None:
    s = sender(card, D.ZHANGZHOU_INSPECTION)
    assert s["records"] == 5 and s["files"] == 1 and s["duplicates"] == 1
    assert s["rates"]["completenessMandatory"] == 1.0  # (2×11 + 3×9) / (2×11 + 3×9)
    assert s["rates"]["completenessConditional"] == round((5 + 3 + 1 + 2 + 1) / (2 * 6 + 3 * 3), 4)
    assert s["rates"]["validity"] == round(80 / 81, 4)
    assert s["rates"]["errorFree"] == 0.6  # the record with the invalid value, the repeated report number
    assert s["rates"]["timeliness"] == round(2 / 3, 4)  # 10, 1982, 10 days; limit 30
    assert s["rates"]["uniqueness"] == 0.8  # the repeated report number
    c = consistency(card, inconsistent, "zhangzhou.jsonl", 5)
    assert s["rates"]["consistency"] == (None if c is None else round(c, 4))
    assert s["score"] == weighted(1.0, 80 / 81, 3 / 5, 2 / 3, 0.8, c)
    if c is None:
        assert s["score"] == 75.66
    assert s["registrationDivision"] == {"code": "350600", "name": "福建省 漳州市"}
    assert s["name"] == "福建省特种设备检验研究院漳州分院"  # its Inspection records name it (inspectionBody…)


def test_xiangxi_rates(card: dict[str, Any], inconsistent: dict[str, int]) -> None:
    s = sender(card, D.XIANGXI_INSPECTION)
    assert s["records"] == 3 and s["duplicates"] == 0
    assert s["rates"]["completenessMandatory"] == round((10 + 9 + 9) / (11 + 9 + 9), 4)
    assert s["rates"]["completenessConditional"] == round((4 + 1 + 0) / (6 + 3 + 3), 4)
    assert s["rates"]["validity"] == round(41 / 42, 4)
    assert s["rates"]["errorFree"] == round(2 / 3, 4)  # one record with an error
    assert s["rates"]["timeliness"] == 0.5  # 42 and 20 days
    assert s["rates"]["uniqueness"] == 1.0
    c = consistency(card, inconsistent, "xiangxi.xml", 3)
    assert s["score"] == weighted(28 / 29, 41 / 42, 2 / 3, 0.5, 1.0, c)
    if c is None:
        assert s["score"] == 77.09


def test_senders_are_ranked_by_score(card: dict[str, Any]) -> None:
    ranked = card["senders"]
    assert [s["rank"] for s in ranked] == [1, 2] and ranked[0]["score"] > ranked[1]["score"]
    if not card["measured"]["consistency"]:
        assert [s["sender"] for s in ranked] == [D.ZHANGZHOU_INSPECTION, D.XIANGXI_INSPECTION]  # 90.70 > 89.72


def test_timeliness_figures(card: dict[str, Any]) -> None:
    zz = sender(card, D.ZHANGZHOU_INSPECTION)["timeliness"]
    assert (zz["measured"], zz["medianDays"], zz["p90Days"], zz["withinLimit"]) == (3, 10, 1982, 2)
    overall = card["overall"]["timeliness"]
    # Delays 10, 10, 20, 42, 1982: nearest rank 3 of 5 is the median, rank ⌈4.5⌉ = 5 the 90th percentile.
    assert (overall["medianDays"], overall["p90Days"], overall["withinLimitRate"]) == (20, 1982, 0.6)
    assert (overall["undated"], overall["negative"], overall["limitDays"]) == (0, 0, 30)
    bins = {(b["from"], b["to"]): b["records"] for b in overall["histogram"]}
    assert bins[(8, 14)] == 2 and bins[(15, 30)] == 1 and bins[(31, 60)] == 1 and bins[(366, None)] == 1
    assert sum(bins.values()) == 5
    assert card["parameters"]["timelinessLimitStatus"] == "UNCONFIRMED"
    assert entity(card["overall"], "Equipment")["timeliness"] is None  # master data: no event date
    assert entity(card["overall"], "Inspection")["eventDate"] == {"field": "inspectionDate", "element": "SE.ISP.0004"}


def test_element_figures(card: dict[str, Any]) -> None:
    overall = card["overall"]
    use_status = element(overall, "Equipment", "useStatus")
    assert (use_status["present"], use_status["completeness"], use_status["invalid"]) == (3, 1.0, 1)
    assert use_status["validity"] == round(2 / 3, 4)
    use_location = element(overall, "Equipment", "useLocation")
    assert (use_location["obligation"], use_location["present"], use_location["completeness"]) == ("M", 2, 0.6667)
    assert use_location["validity"] == 1.0  # the absent value is a completeness gap, not an invalid value
    cert = element(overall, "Equipment", "registrationCertNo")
    assert (cert["obligation"], cert["present"], cert["completeness"]) == ("C", 2, 0.6667)
    pipeline = element(overall, "Equipment", "pipelineLevel")
    assert (pipeline["present"], pipeline["completeness"], pipeline["validity"]) == (0, 0.0, None)
    code = element(overall, "Inspection", "equipmentCode")
    assert (code["present"], code["invalid"], code["warnings"], code["validity"]) == (5, 0, 2, 1.0)
    vessel_cert = element(overall, "Inspection", "registrationCertNo")
    assert (vessel_cert["obligation"], vessel_cert["warnings"], vessel_cert["validity"]) == ("O", 1, 1.0)
    inspections = entity(overall, "Inspection")
    assert (inspections["records"], inspections["duplicates"], inspections["recordsWithError"]) == (5, 1, 1)


def test_divisions_by_prefecture(card: dict[str, Any]) -> None:
    zz = division(card, "350600")
    assert zz["name"] == "福建省 漳州市"
    assert zz["records"] == 5 and zz["sources"] == {"record": 2, "sender": 3}
    xx = division(card, "433100")
    # The elevator's division 433199 is no GB/T 2260 code, so it falls back to the sender's.
    assert xx["records"] == 3 and xx["sources"] == {"record": 0, "sender": 3}
    # Ranked by score: 湘西's one erring record of three beats 漳州's two of five (error-free records weigh most).
    assert [d["division"] for d in card["divisions"]] == ["433100", "350600"]
    assert xx["score"] > zz["score"]


def test_divisions_by_county(county: dict[str, Any]) -> None:
    assert {d["division"]: d["records"] for d in county["divisions"]} == {
        "350602": 1,
        "350603": 1,
        "350600": 3,
        "433100": 3,
    }
    if not county["measured"]["consistency"]:
        assert division(county, "350602")["score"] == 100.0  # one clean elevator: M, validity, uniqueness
        assert division(county, "350603")["score"] == weighted(1.0, 21 / 22, 0.0, None, 1.0)  # its one record errs
        assert division(county, "350600")["score"] == weighted(1.0, 1.0, 2 / 3, 2 / 3, 2 / 3)


def test_summary_and_files(card: dict[str, Any]) -> None:
    summary = card["summary"]
    assert (summary["files"], summary["filesScored"], summary["records"], summary["senders"]) == (2, 2, 8, 2)
    assert summary["findings"] == {"error": 4, "warning": 4, "info": 0}
    files = {Path(f["file"]).name: f for f in card["files"]}
    assert files["xiangxi.xml"]["format"] == "xml" and files["xiangxi.xml"]["scored"] == 3
    assert files["zhangzhou.jsonl"]["createdAt"] == "2026-03-20T09:00:00+08:00"
    assert card["scorecardVersion"] == "1.0" and set(card["definitions"]) >= {
        "completeness",
        "validity",
        "timeliness",
        "duplicates",
        "consistency",
        "score",
        "division",
    }


def test_no_personal_data(card: dict[str, Any]) -> None:
    text = repr(card)
    # The 湘西 elevator's owner is a person (examples/entities/Equipment.json): name and citizen ID.
    assert "龙正华" not in text and "433122196507110334" not in text


def test_weights_are_parameters(tmp_path: Path) -> None:
    params = Parameters(weights={"validity": 1.0})
    card = build_scorecard([D.zhangzhou(tmp_path)], today=D.TODAY, parameters=params)
    assert card["senders"][0]["score"] == round(100 * 80 / 81, 2)
    assert card["parameters"]["weights"]["timeliness"] == 0.0
    with pytest.raises(ValueError):
        Parameters(weights={"speed": 1.0})
    with pytest.raises(ValueError):
        Parameters(weights={"validity": float("nan")})


def test_limit_is_a_parameter(tmp_path: Path) -> None:
    card = build_scorecard([D.xiangxi(tmp_path)], today=D.TODAY, parameters=Parameters(limit_days=42))
    assert card["senders"][0]["rates"]["timeliness"] == 1.0


def test_small_pieces() -> None:
    assert [has_value(v) for v in (None, "", "  ", "—", 0, [], [{}], {})] == [
        False,
        False,
        False,
        True,
        True,
        False,
        True,
        True,
    ]
    # A date and time counts by its calendar date in its own offset.
    assert _as_date("2025-06-01T23:30:00+08:00", True) == dt.date(2025, 6, 1)
    assert _as_date("2025-6-1", False) is None
    delays = Delays()
    for d in (5, -2, 40, 5):
        delays.add(d)
    delays.add(None)
    assert (delays.percentile(50), delays.percentile(90), delays.within(30), delays.negative()) == (5, 40, 2, 1)
    assert delays.undated == 1
    assert score({"validity": None}, Parameters()) is None
    ranked = rank(
        [{"k": "b", "score": 80.0}, {"k": "a", "score": 90.0}, {"k": "c", "score": 80.0}, {"k": "d", "score": None}],
        "k",
    )
    assert [(r["k"], r["rank"]) for r in ranked] == [("a", 1), ("b", 2), ("c", 2), ("d", None)]


def test_change_set_versions_and_deletes(tmp_path: Path) -> None:
    """Successive versions of one key are not duplicates; a delete counts apart and in no rate."""
    first = D.example("Inspection", 0)
    later = D.example("Inspection", 0, inspectionConclusion="合格", nextInspectionDate="2027-03-08")
    key = X.record_key("Inspection", first)
    records = [
        X.Record("Inspection", first, "add", key, 1),
        X.Record("Inspection", later, "update", key, 2),
        X.Record("Inspection", later, "update", key, 2),  # the same version again: a duplicate
        X.Record("Inspection", None, "delete", key, 3),
    ]
    header = X.new_header(
        "inspection-upload", D.ZHANGZHOU_INSPECTION, D.ZHANGZHOU_SAMR, 2, "changes", created_at=D.CREATED_ZHANGZHOU
    )
    path = tmp_path / "changes.json"
    X.write(path, records, header=header)
    card = build_scorecard([path], today=D.TODAY)
    inspections = entity(card["overall"], "Inspection")
    assert (inspections["records"], inspections["deletes"], inspections["duplicates"]) == (3, 1, 1)
    assert inspections["rates"]["uniqueness"] == round(2 / 3, 4)
    assert inspections["timeliness"]["measured"] == 3


def test_broken_file_counts_what_was_read(tmp_path: Path) -> None:
    path = D.zhangzhou(tmp_path)
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:-1]) + lines[-1][:40])  # the last record breaks off
    card = build_scorecard([path], today=D.TODAY)
    (entry,) = card["files"]
    assert (entry["stopped"], entry["records"], entry["scored"]) == ("broken", 4, 4)
    assert card["summary"]["records"] == 4 and card["senders"][0]["duplicates"] == 0


def test_envelope_problems_do_not_end_the_reading(tmp_path: Path) -> None:
    """A record of a type the message does not carry is reported by the validator; both passes read on."""
    path = D.zhangzhou(tmp_path)
    text = path.read_text("utf-8")
    assert text.count('"recordType":"Equipment"') == 2
    path.write_text(text.replace('"recordType":"Equipment"', '"recordType":"Accident"', 1), "utf-8")
    card = build_scorecard([path], today=D.TODAY)
    (entry,) = card["files"]
    assert entry["scored"] == 5 and card["summary"]["records"] == 5
    assert {e["entity"] for e in card["overall"]["entities"]} == {"Accident", "Equipment", "Inspection"}


def test_senders_are_named_where_the_data_names_them(card: dict[str, Any]) -> None:
    from sedata.quality import render_html

    names = {s["sender"]: s["name"] for s in card["senders"]}
    assert names == {
        D.ZHANGZHOU_INSPECTION: "福建省特种设备检验研究院漳州分院",
        D.XIANGXI_INSPECTION: "湖南省特种设备检验检测研究院湘西分院",
    }
    page = render_html(card)
    assert f"<code>{D.ZHANGZHOU_INSPECTION}</code> 福建省特种设备检验研究院漳州分院</td>" in page
