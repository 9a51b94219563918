"""``sedata conformance report``: both files written from sample data; a self-contained, escaped, Chinese page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import lxml.html

from sedata.quality import build_scorecard, render_html

from . import dataset as D
from .conftest import SAMPLES, invoke


def test_report_writes_both_files(report_dir: Path) -> None:
    card = json.loads((report_dir / "scorecard.json").read_text("utf-8"))
    assert card["scorecardVersion"] == "1.0"
    assert card["summary"]["files"] == card["summary"]["filesScored"] == 3
    assert card["summary"]["records"] == 180
    assert {s["sender"] for s in card["senders"]} == {sender for *_, sender, _ in SAMPLES}
    assert [s["rank"] for s in card["senders"]] == sorted(s["rank"] for s in card["senders"])
    scores = [s["score"] for s in card["senders"]]
    assert scores == sorted(scores, reverse=True)
    assert (report_dir / "scorecard.html").stat().st_size > 10_000


def test_page_shows_the_charts(report_dir: Path) -> None:
    text = (report_dir / "scorecard.html").read_text("utf-8")
    doc = lxml.html.fromstring(text)
    assert doc.get("lang") == "zh-CN"
    assert doc.xpath("//meta[@charset='utf-8']")
    charts = doc.xpath("//svg")
    assert len(charts) == 3  # sender scores, division scores, timeliness histogram
    assert all(chart.xpath(".//rect") for chart in charts)
    assert "发送方排名" in text and "Sender ranking" in text and "完整率热力表" in text
    assert doc.xpath("//section[@id='completeness']//td[contains(@style,'hsl(')]")


def test_page_is_self_contained(report_dir: Path) -> None:
    doc = lxml.html.fromstring((report_dir / "scorecard.html").read_text("utf-8"))
    assert not doc.xpath("//script") and not doc.xpath("//link") and not doc.xpath("//iframe")
    for node in doc.xpath("//*[@src or @href]"):
        for attr in ("src", "href"):
            value = node.get(attr)
            if value is not None:
                assert value.startswith("#"), f"{node.tag} {attr}={value!r} leaves the page"
    style = " ".join(doc.xpath("//style/text()"))
    assert "url(" not in style and "@import" not in style


def test_data_is_escaped_and_personal_data_absent(tmp_path: Path) -> None:
    folder = tmp_path / "<b>x&y"
    folder.mkdir()
    card = build_scorecard([D.xiangxi(folder, "a<script>.xml")], today=D.TODAY)
    page = render_html(card)
    assert "<script>" not in page and "<b>x" not in page
    assert "&lt;b&gt;x&amp;y" in page and "a&lt;script&gt;.xml" in page
    lxml.html.fromstring(page)  # still parses
    assert "龙正华" not in page and "433122196507110334" not in page


def test_english_first_page(tmp_path: Path) -> None:
    card = build_scorecard([D.zhangzhou(tmp_path)], today=D.TODAY)
    page = render_html(card, "en")
    assert '<html lang="en">' in page
    assert re.search(r"Sender ranking<span class=\"alt\">发送方排名</span>", page)


def test_bad_input_exits_2_bilingually(tmp_path: Path, sample_files: list[Path]) -> None:
    cases = [
        (["conformance", "report", tmp_path / "missing.jsonl", "--out", tmp_path / "o"], "不存在", "no such file"),
        (["conformance", "report", *sample_files[:1], "--out", tmp_path / "o", "--today", "2026-02-30"], "--today", ""),
        (
            ["conformance", "report", *sample_files[:1], "--out", tmp_path / "o", "--weight", "speed=1"],
            "名称=数值",
            "name=number",
        ),
        (["conformance", "report", *sample_files[:1], "--out", sample_files[0]], "目录", "folder"),
        (["conformance", "report", *sample_files[:1], "--out", tmp_path / "o", "--division-level", "town"], "", ""),
        (["conformance", "report", *sample_files[:1], "--out", tmp_path / "o", "--lang", "fr"], "zh", "en"),
    ]
    for args, zh, en in cases:
        code, output = invoke(*args)
        assert code == 2, (args, output)
        assert "错误" in output and "error" in output and zh in output and en in output
    garbage = tmp_path / "garbage.json"
    garbage.write_text("not a message", encoding="utf-8")
    code, output = invoke("conformance", "report", garbage, "--out", tmp_path / "o")
    assert code == 2 and "没有可读取的报文文件" in output
    assert not (tmp_path / "o" / "scorecard.json").exists()


def test_reference_files_are_accepted(tmp_path: Path, sample_files: list[Path]) -> None:
    out = tmp_path / "with-reference"
    code, output = invoke(
        "conformance", "report", sample_files[0], "--reference", sample_files[1], "--out", out, "--limit-days", "400"
    )
    assert code == 0, output
    card = json.loads((out / "scorecard.json").read_text("utf-8"))
    assert card["measured"]["references"] == [str(sample_files[1])]
    assert card["parameters"]["timelinessLimitDays"] == 400
    assert card["parameters"]["timelinessLimitStatus"] != "UNCONFIRMED"  # the caller chose it
