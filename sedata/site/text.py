"""Words of the site itself (not of the spec) in Chinese and English, and Markdown escaping."""

from __future__ import annotations

import re

from sedata.spec.model import Bilingual

LANGS: tuple[str, ...] = ("zh", "en")
"""Site languages, the default first."""

LANG_NAMES = {"zh": "中文", "en": "English"}

WORDS: dict[str, tuple[str, str]] = {
    "home": ("首页", "Home"),
    "elements": ("数据元", "Data elements"),
    "element": ("数据元", "Data element"),
    "domains": ("值域", "Value domains"),
    "domain": ("值域", "Value domain"),
    "codesets": ("代码集", "Code sets"),
    "codeset": ("代码集", "Code set"),
    "entities": ("实体", "Entities"),
    "entity": ("实体", "Entity"),
    "messages": ("报文", "Messages"),
    "message": ("报文", "Message"),
    "rules": ("校验规则", "Validation rules"),
    "rule": ("校验规则", "Validation rule"),
    "sources": ("来源", "Sources"),
    "versions": ("版本", "Versions"),
    "changes": ("版本变更", "Changes"),
    "added": ("新增", "Added"),
    "removed": ("删除", "Removed"),
    "changed": ("修改", "Changed"),
    "changed_attributes": ("修改的属性", "Attributes changed"),
    "against": ("相对于版本 {} 的变更。", "Changes against version {}."),
    "first_version": (
        "这是本站收录的最早版本，没有可比较的前一版本。",
        "This is the oldest version on this site: there is no earlier one to compare with.",
    ),
    "no_changes": ("无变化", "No change"),
    "version": ("版本", "Version"),
    "identifier": ("标识符", "Identifier"),
    "attribute": ("属性", "Attribute"),
    "name": ("名称", "Name"),
    "name_zh": ("中文名称", "Chinese name"),
    "name_en": ("英文名称", "English name"),
    "definition": ("定义", "Definition"),
    "synonyms": ("同义名称", "Synonyms"),
    "object_class": ("对象类", "Object class"),
    "key": ("Python 名称", "Python name"),
    "exchange_name": ("交换名称", "Exchange name"),
    "data_type": ("数据类型", "Data type"),
    "format": ("表示格式", "Format"),
    "pattern": ("模式", "Pattern"),
    "min": ("最小值", "Minimum"),
    "max": ("最大值", "Maximum"),
    "unit": ("计量单位", "Unit"),
    "identifier_rules": ("标识符规则", "Identifier rules"),
    "personal": ("个人信息", "Personal data"),
    "personal_when": ("个人信息条件", "Personal when holding a citizen ID"),
    "status": ("注册状态", "Registration status"),
    "note": ("说明", "Note"),
    "examples": ("示例", "Examples"),
    "invalid_examples": ("反例", "Invalid examples"),
    "attributes": ("属性（ISO/IEC 11179）", "Attributes (ISO/IEC 11179)"),
    "representation": ("表示", "Representation"),
    "where_used": ("使用位置", "Where used"),
    "used_by_elements": ("使用该项的数据元", "Data elements using it"),
    "no_use": ("未被使用", "Not used"),
    "valid": ("有效期", "Validity"),
    "coding": ("编码方式", "Coding"),
    "levels": ("层级", "Levels"),
    "level": ("层级", "Level"),
    "parent": ("上级", "Parent"),
    "code": ("代码", "Code"),
    "applies_to": ("适用于", "Applies to"),
    "entries": ("代码条目", "Entries"),
    "hierarchy": ("层级结构", "Hierarchy"),
    "external": ("外部代码表", "External table"),
    "supersedes": ("取代", "Supersedes"),
    "fields": ("字段", "Fields"),
    "obligation": ("约束", "Obligation"),
    "cardinality": ("重复次数", "Cardinality"),
    "condition": ("条件", "Condition"),
    "references": ("引用", "References"),
    "business_key": ("业务键", "Business key"),
    "event_date": ("事件日期字段", "Event date field"),
    "component": ("组成部分（仅嵌套使用）", "Component (nested only)"),
    "flow": ("流向", "Flow"),
    "modes": ("报文模式", "Modes"),
    "records": ("记录类型", "Record types"),
    "structure": ("结构", "Structure"),
    "header": ("报文头", "Header"),
    "schemas": ("模式文件", "Schemas"),
    "json_schema": ("JSON Schema（2020-12）", "JSON Schema (2020-12)"),
    "xsd": ("XML Schema（XSD 1.0）", "XML Schema (XSD 1.0)"),
    "no_example": ("本版本未附示例报文", "No example message ships with this version"),
    "layer": ("校验层", "Layer"),
    "severity": ("严重程度", "Severity"),
    "check": ("检查方式", "Check"),
    "message_text": ("提示信息", "Message"),
    "parameters": ("参数", "Parameters"),
    "parameter": ("参数", "Parameter"),
    "value": ("取值", "Value"),
    "fires": ("触发示例", "An example that fires"),
    "quiet": ("通过示例", "An example that passes"),
    "expected_findings": ("应报告的发现", "Findings it must yield"),
    "must_not_fire": ("不得报告的规则", "Rules that must not fire"),
    "validated_on": ("校验日期", "Validated on"),
    "no_case": ("一致性测试集中没有此类用例", "The conformance suite has no such case"),
    "no_file": ("该用例没有文件（文件缺失本身即是被测情形）", "The case has no file (its absence is what is tested)"),
    "truncated": ("（以下省略 {} 行）", "({} more lines left out)"),
    "source": ("来源", "Source"),
    "clause": ("条款", "Clause"),
    "kind": ("类别", "Kind"),
    "issued": ("发布", "Issued"),
    "effective": ("实施", "Effective"),
    "superseded_by": ("被取代于", "Superseded by"),
    "cited_by": ("引用该来源的条目", "Cited by"),
    "count": ("数量", "Count"),
    "spec_version": ("规范版本", "Spec version"),
    "namespace": ("命名空间", "Namespace"),
    "released": ("发布日期", "Released"),
    "this_version": ("当前查看", "viewing"),
    "latest": ("最新", "latest"),
    "other_lang": ("English", "中文"),
    "intro": (
        "本站由 sedata 从规范源文件（spec/）生成，与 JSON Schema、XSD 和校验器同源。",
        "This site is generated by sedata from the spec sources (spec/), the same source as the JSON Schema, "
        "the XSD and the validator.",
    ),
    "record_data": ("记录数据", "record data"),
    "repeated": ("可重复", "repeated"),
}

STATUS_WORDS = {
    "CONFIRMED": ("已确认", "confirmed"),
    "PARTIAL": ("部分确认", "partly confirmed"),
    "UNCONFIRMED": ("未确认", "unconfirmed"),
}


def word(name: str, lang: str) -> str:
    """A site word in ``lang``."""
    zh, en = WORDS[name]
    return en if lang == "en" else zh


def both(text: Bilingual | None, lang: str) -> str:
    """A spec text in ``lang`` (empty for None)."""
    if text is None:
        return ""
    return text.en if lang == "en" else text.zh


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#])")


def md(text: object) -> str:
    """Text as literal Markdown inline content (one line: table cells stay cells)."""
    value = "" if text is None else str(text)
    return _MD_SPECIAL.sub(r"\\\1", value).replace("\r", "").replace("\n", "<br>")


def code(text: object) -> str:
    """Text as an inline code span (Python-Markdown's tables do not split cells at pipes inside code spans)."""
    value = str(text).replace("\n", " ")
    return f"`` {value} ``" if "`" in value else f"`{value}`"


def slug(text: str) -> str:
    """An HTML id from an id that may hold dots or other punctuation."""
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
