"""Every element, code set, entity, message and rule has a page in both languages, with what the issue asks for."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from lxml import html

from sedata.site.pages import pages, parameter_rows
from sedata.site.text import slug
from sedata.site.versions import SiteVersion

ROOT = Path(__file__).resolve().parents[2]


def text_of(path: Path) -> str:
    return html.parse(str(path)).getroot().text_content()


def test_every_item_has_a_page_in_both_languages(latest: Path, spec) -> None:
    expected = (
        [f"elements/{x}.html" for x in spec.elements]
        + [f"codesets/{x}.html" for x in spec.codesets]
        + [f"entities/{x}.html" for x in spec.entities]
        + [f"messages/{x}.html" for x in spec.messages]
        + [f"rules/{x}.html" for x in spec.rules]
        + [f"domains/{x}.html" for x in spec.value_domains]
    )
    assert len(expected) == len(spec.elements) + len(spec.codesets) + len(spec.entities) + len(spec.messages) + len(
        spec.rules
    ) + len(spec.value_domains)
    for lang in ("zh", "en"):
        missing = [p for p in expected if not (latest / lang / p).is_file()]
        assert not missing, (lang, missing[:10])
    # and no page that the spec does not have (a stale page would mislead)
    built = {p.relative_to(latest / "zh").as_posix() for p in (latest / "zh").glob("*/*.html")}
    extra = (
        built
        - set(expected)
        - {f"{s}/index.html" for s in ("elements", "domains", "codesets", "entities", "messages", "rules")}
    )
    assert not extra, sorted(extra)[:10]


def test_element_page_has_the_11179_attributes_and_where_used(latest: Path, spec) -> None:
    element = spec.elements["SE.EQP.0001"]
    zh = text_of(latest / "zh" / "elements" / "SE.EQP.0001.html")
    for expected in (
        "设备代码",
        "Equipment code",
        element.definition.zh,
        "equipmentCode",
        "an18",
        "TSG08-2017",
        "PARTIAL",
        "部分确认",
        "UseRegistration",
        "inspection-upload",
    ):
        assert expected in zh, expected
    en = text_of(latest / "en" / "elements" / "SE.EQP.0001.html")
    assert "Registration status" in en and "partly confirmed" in en and element.definition.en in en
    # the pattern reads as in the spec: pipes inside the code span are not table separators
    pattern = spec.domains["SE.EQP.0001"].pattern
    assert pattern in zh


def test_codeset_page_lists_entries_with_validity_and_the_catalogue_tree(latest: Path, spec) -> None:
    page = html.parse(str(latest / "zh" / "codesets" / "equipment-catalogue.html")).getroot()
    text = page.text_content()
    versions = spec.codeset_versions("equipment-catalogue")
    for cs in versions:
        assert page.get_element_by_id(slug("v-" + cs.version)) is not None
    newest = versions[-1]
    assert all(e.zh in text for e in newest.entries)
    # the hierarchy: a variety is nested under its category, under its kind
    child = next(e for e in newest.entries if e.parent and newest.by_code[e.parent].parent)
    item = page.xpath(f"//li[code='{child.code}']")
    assert item, child.code
    ancestors = [li.xpath("string(code)") for li in item[0].iterancestors("li")]
    assert ancestors[:2] == [child.parent, newest.by_code[child.parent].parent]
    # an entry's validity is shown where the spec gives one
    dated = [(cs, e) for cs in versions for e in cs.entries if e.valid_from or e.valid_to]
    for _, entry in dated[:5]:
        assert str(entry.valid_from or entry.valid_to) in text


def test_entity_page_has_fields_obligations_and_business_key(latest: Path, spec) -> None:
    ent = spec.entities["UseRegistration"]
    text = text_of(latest / "zh" / "entities" / "UseRegistration.html")
    for key in ent.business_key:
        assert key in text
    assert text.count(" M ") + text.count("M") >= sum(f.obligation == "M" for f in ent.fields)
    condition = next(f.condition for f in ent.fields if f.condition)
    assert condition.zh in text


def test_message_page_has_structure_examples_and_schema_links(latest: Path) -> None:
    page = html.parse(str(latest / "zh" / "messages" / "inspection-upload.html")).getroot()
    text = page.text_content()
    assert "recordType: Equipment" in text and "recordType: Inspection" in text
    # the tree nests: header fields under header, an entity's fields under its record type
    header = page.xpath("//li[code='header']")[0]
    assert header.xpath(".//li/code[.='messageType']")
    record = page.xpath("//li[starts-with(code, 'recordType: Equipment')]")[0]
    assert record.xpath(".//li/code[.='equipmentCode']") and record.xpath(".//li/code[.='relatedUnits[]']")
    for label in ("JSON", "JSON Lines", "XML"):
        assert page.xpath(f"//label[normalize-space()='{label}']"), label
    example = json.loads((ROOT / "examples" / "messages" / "inspection-upload.json").read_text("utf-8"))
    assert example["header"]["messageId"] in text
    hrefs = set(page.xpath("//a/@href"))
    assert "../schemas/sedata.schema.json" in hrefs and "../schemas/sedata.xsd" in hrefs


def test_rule_page_quotes_a_firing_and_a_passing_case(latest: Path, spec) -> None:
    rule = spec.rules["SE-BIZ-001"]
    text = text_of(latest / "zh" / "rules" / "SE-BIZ-001.html")
    for expected in (
        rule.message.zh,
        rule.message.en,
        "business",
        "warning",
        "SE-BIZ-001-fires-json",
        "SE-BIZ-001-quiet-json",
        "触发示例",
        "通过示例",
    ):
        assert expected in text, expected
    with_parameters = next(r for r in spec.rules.values() if r.parameters)
    text = text_of(latest / "zh" / "rules" / f"{with_parameters.id}.html")
    rows = parameter_rows(with_parameters.parameters)
    assert rows
    for name, value in rows:
        assert name in text and value.split()[0] in text


def test_chinese_is_the_default_and_english_one_click_away(site: Path, latest: Path) -> None:
    entry = html.parse(str(site / "index.html")).getroot()
    assert entry.xpath("//meta[@http-equiv='refresh']/@content")[0].endswith(f"url={latest.name}/zh/index.html")
    page = html.parse(str(latest / "zh" / "rules" / "SE-BIZ-001.html")).getroot()
    assert page.get("lang") == "zh"
    assert "../../en/rules/SE-BIZ-001.html" in page.xpath("//a[@hreflang='en']/@href")
    assert html.parse(str(latest / "en" / "index.html")).getroot().get("lang") == "en"


def test_search_index_is_offline_and_segments_chinese(latest: Path) -> None:
    index = json.loads((latest / "zh" / "search" / "search_index.json").read_text("utf-8"))
    assert "zh" in index["config"]["lang"]
    titles = {d["location"]: d["title"] for d in index["docs"]}
    # jieba splits 设备代码 into words joined by U+200B, which the search separator splits on
    assert titles["elements/SE.EQP.0001.html"] == "SE.EQP.0001 \u200b设备\u200b代码"
    assert (latest / "zh" / "search" / "search_index.js").read_text("utf-8").startswith("var __index = ")


def test_a_second_version_is_data_not_code(spec) -> None:
    older = dataclasses.replace(spec, info=spec.info.model_copy(update={"spec_version": "1.0.0"}))
    newer = dataclasses.replace(spec, info=spec.info.model_copy(update={"spec_version": "1.1.0"}))
    versions = [SiteVersion(older), SiteVersion(newer)]
    listing = next(p for p in pages(versions[0], versions, "zh") if p.path == "versions.md").markdown
    assert listing.index("1.1.0") < listing.index("1.0.0")  # newest first
    assert '<a href="../../1.1.0/zh/index.html">' in listing and '<a href="../../1.0.0/zh/index.html">' in listing


def test_changes_page_lists_what_a_newer_version_adds_removes_and_changes(spec) -> None:
    rules = sorted(spec.rules)
    gone, new = rules[0], rules[-1]
    older = dataclasses.replace(
        spec,
        info=spec.info.model_copy(update={"spec_version": "1.0.0"}),
        rules={k: v for k, v in spec.rules.items() if k != new},
    )
    renamed = spec.elements["SE.EQP.0001"].model_copy(update={"synonyms": ["设备编码"]})
    newer = dataclasses.replace(
        spec,
        info=spec.info.model_copy(update={"spec_version": "1.1.0"}),
        elements={**spec.elements, "SE.EQP.0001": renamed},
        rules={k: v for k, v in spec.rules.items() if k != gone},
    )
    versions = [SiteVersion(older), SiteVersion(newer)]
    changes = next(p for p in pages(versions[1], versions, "en") if p.path == "changes.md").markdown
    assert "Changes against version 1.0.0." in changes
    assert f"Added: [{new}](rules/{new}.md)" in changes
    assert f'Removed: <a href="../../1.0.0/en/rules/{gone}.html">{gone}</a>' in changes
    assert "| [SE.EQP.0001](elements/SE.EQP.0001.md) | `synonyms` |" in changes
    oldest = next(p for p in pages(versions[0], versions, "zh") if p.path == "changes.md").markdown
    assert "这是本站收录的最早版本" in oldest


def test_use_registration_page_follows_the_tsg08_form(latest: Path, spec) -> None:
    """Each section of the 使用登记表 is a heading followed by a table of its fields, in the form's order."""
    ent = spec.entities["UseRegistration"]
    assert [s.section.zh for s in ent.layout] == ["登记类别", "设备基本情况", "设备使用情况", "设备检验情况", "其他"]
    wire = {spec.field_key(f): spec.field_exchange_name(f) for f in ent.fields}
    for lang in ("zh", "en"):
        root = html.parse(str(latest / lang / "entities" / "UseRegistration.html")).getroot()
        headings = [h.text_content().strip() for h in root.iter("h3")]
        expected = [s.section.zh if lang == "zh" else f"{s.section.zh} · {s.section.en}" for s in ent.layout]
        assert [h.rstrip("¶").strip() for h in headings] == expected
        numbers: list[int] = []
        for section, h3 in zip(ent.layout, (h for h in root.iter("h3")), strict=True):
            table = h3.getnext()
            assert table is not None and table.tag == "table", (lang, section.section.zh)
            rows = table.findall(".//tbody/tr")
            assert [r[1].text_content().strip() for r in rows] == [wire[k] for k in section.fields]
            numbers += [int(r[0].text_content()) for r in rows]
        assert numbers == list(range(1, len(ent.fields) + 1)), lang


def test_entity_without_layout_keeps_one_field_table(latest: Path, spec) -> None:
    ent = next(e for e in spec.entities.values() if not e.layout)
    root = html.parse(str(latest / "zh" / "entities" / f"{ent.id}.html")).getroot()
    assert not list(root.iter("h3"))
    rows = [r for t in root.iter("table") for r in t.findall(".//tbody/tr") if len(r) == 8]
    assert [r[1].text_content().strip() for r in rows] == [spec.field_exchange_name(f) for f in ent.fields]
