"""Describe a spec item (element, value domain, code set, entity) for people: ``sedata spec show``."""

from __future__ import annotations

from typing import Any

from sedata.spec.loader import Spec


class LookupError_(KeyError):
    """The name matches nothing in the spec."""

    def __init__(self, name: str):
        self.zh = f"规范中没有 {name!r}（数据元标识符或键、代码集、值域或实体）"
        self.en = f"nothing in the spec is called {name!r} (element id or key, code set, value domain or entity)"
        super().__init__(self.en)


def _cite(refs: Any) -> str:
    return "; ".join(f"{r.ref}" + (f" {r.clause}" if r.clause else "") for r in refs)


def describe(spec: Spec, name: str) -> dict[str, Any]:
    """A printable description of the item called ``name`` (id, key or ``codeset@version``)."""
    element = spec.elements.get(name) or next((e for e in spec.elements.values() if e.key == name), None)
    if element is not None:
        d = spec.domains[element.id]
        return {
            "kind": "data element / 数据元",
            "title": f"{element.id} {element.name.zh} / {element.name.en}",
            "attributes": {
                "key": element.key,
                "定义 definition": f"{element.definition.zh}\n{element.definition.en}",
                "同义名称 synonyms": ", ".join(element.synonyms),
                "数据类型 data type": d.data_type,
                "表示格式 format": d.format,
                "值域 value domain": element.value_domain,
                "模式 pattern": d.pattern,
                "代码集 code set": f"{d.codeset} {', '.join(d.codeset_versions)} {d.level or ''}".strip()
                if d.codeset
                else None,
                "计量单位 unit": d.unit,
                "标识符规则 identifier rules": ", ".join(d.identifiers),
                "个人信息 personal data": element.personal_data,
                "个人信息条件 personal when holding a citizen ID": ", ".join(element.personal_when) or None,
                "来源 sources": _cite(element.sources),
                "状态 status": element.status,
                "版本 version": element.version,
                "说明 note": element.note,
            },
        }
    codeset_id, _, version = name.partition("@")
    if codeset_id in spec.codesets:
        versions = spec.codeset_versions(codeset_id)
        chosen = [v for v in versions if v.version == version] if version else versions
        if not chosen:
            raise LookupError_(name)
        cs = chosen[-1]
        rows = [[e.code, e.zh, e.en, e.level, e.parent, e.status or "", e.note or ""] for e in cs.entries]
        return {
            "kind": "code set / 代码集",
            "title": f"{cs.id}@{cs.version} {cs.name.zh} / {cs.name.en}",
            "attributes": {
                "版本 versions": ", ".join(v.version for v in versions),
                "有效期 valid": f"{cs.valid_from or '…'} – {cs.valid_to or '…'}",
                "状态 status": cs.status,
                "编码方式 coding": cs.coding,
                "外部表 external": f"{cs.external.package}:{cs.external.resource}" if cs.external else None,
                "来源 sources": _cite(cs.sources),
                "说明 note": cs.note,
            },
            "columns": ["代码 code", "名称 zh", "name en", "层级 level", "上级 parent", "status", "note"],
            "rows": rows,
        }
    if name in spec.value_domains:
        vd = spec.value_domains[name]
        return {
            "kind": "value domain / 值域",
            "title": f"{vd.id} {vd.name.zh} / {vd.name.en}",
            "attributes": {
                "定义 definition": f"{vd.definition.zh}\n{vd.definition.en}" if vd.definition else None,
                "数据类型 data type": vd.data_type,
                "表示格式 format": vd.format,
                "模式 pattern": vd.pattern,
                "代码集 code set": vd.codeset,
                "标识符规则 identifier rules": ", ".join(vd.identifier),
                "示例 examples": ", ".join(vd.examples),
                "来源 sources": _cite(vd.sources),
                "状态 status": vd.status,
                "说明 note": vd.note,
            },
        }
    if name in spec.entities:
        ent = spec.entities[name]
        rows = []
        for f in ent.fields:
            if f.element:
                el = spec.elements[f.element]
                zh, en = (f.name.zh, f.name.en) if f.name else (el.name.zh, el.name.en)
            else:
                assert f.name is not None
                zh, en = f.name.zh, f.name.en
            card = f.cardinality or ("1..1" if f.obligation == "M" else "0..1")
            cond = f"{f.condition.zh} / {f.condition.en}" if f.condition else ""
            rows.append([spec.field_exchange_name(f), zh, en, f.element or f.entity, f.obligation, card, cond])
        return {
            "kind": "entity / 实体",
            "title": f"{ent.id} {ent.name.zh} / {ent.name.en}",
            "attributes": {
                "定义 definition": f"{ent.definition.zh}\n{ent.definition.en}",
                "业务键 business key": ", ".join(ent.business_key),
                "来源 sources": _cite(ent.sources),
                "状态 status": ent.status,
            },
            "columns": ["exchange name", "名称 zh", "name en", "element / entity", "M/C/O", "card.", "条件 condition"],
            "rows": rows,
        }
    raise LookupError_(name)
