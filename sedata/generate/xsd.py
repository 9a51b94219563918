"""Write the XSD 1.0 schema: one simple type per value type, one complex type per entity, and a
global element per (non-component) entity, in the spec's target namespace."""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from sedata.generate.naming import domain_type_name, domain_types
from sedata.spec.envelope import (
    DELETE,
    HEADER,
    HEADER_ENTITY,
    OPERATION,
    RECORD_KEY,
    RECORD_TYPE,
    RECORD_VERSION,
    RECORDS,
    envelope_names,
    message_class_name,
)
from sedata.spec.loader import Spec
from sedata.spec.model import Bilingual
from sedata.spec.resolved import Domain

XS = "http://www.w3.org/2001/XMLSchema"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _xs(tag: str) -> str:
    return f"{{{XS}}}{tag}"


def _document(parent: etree._Element, text: Bilingual | tuple[str, str]) -> None:
    zh, en = (text.zh, text.en) if isinstance(text, Bilingual) else text
    ann = etree.SubElement(parent, _xs("annotation"))
    for lang, value in (("zh", zh), ("en", en)):
        doc = etree.SubElement(ann, _xs("documentation"))
        doc.set(XML_LANG, lang)
        doc.text = value


def _facet(parent: etree._Element, name: str, value: object) -> None:
    etree.SubElement(parent, _xs(name)).set("value", str(value))


def _bound(value: Decimal) -> str:
    return str(int(value)) if value == value.to_integral_value() else str(value)


def _simple_type(root: etree._Element, name: str, d: Domain, title: Bilingual) -> None:
    st = etree.SubElement(root, _xs("simpleType"), name=name)
    _document(st, title)
    if d.codes is not None:
        r = etree.SubElement(st, _xs("restriction"), base="xs:string")
        for code, zh in zip(d.codes, d.code_names, strict=True):
            enum = etree.SubElement(r, _xs("enumeration"), value=code)
            ann = etree.SubElement(enum, _xs("annotation"))
            doc = etree.SubElement(ann, _xs("documentation"))
            doc.set(XML_LANG, "zh")
            doc.text = zh
        return
    if d.data_type == "string":
        r = etree.SubElement(st, _xs("restriction"), base="xs:string")
        if d.min_length is not None:
            _facet(r, "minLength", d.min_length)
        if d.max_length is not None:
            _facet(r, "maxLength", d.max_length)
        if d.pattern:
            _facet(r, "pattern", d.pattern)
    elif d.data_type == "integer":
        assert d.minimum is not None and d.maximum is not None
        r = etree.SubElement(st, _xs("restriction"), base="xs:integer")
        _facet(r, "pattern", "[0-9]+")
        _facet(r, "minInclusive", _bound(d.minimum))
        _facet(r, "maxInclusive", _bound(d.maximum))
    elif d.data_type == "decimal":
        r = etree.SubElement(st, _xs("restriction"), base="xs:decimal")
        _facet(r, "totalDigits", d.total_digits)
        _facet(r, "fractionDigits", d.fraction_digits)
        _facet(r, "pattern", d.lexical_pattern)
    elif d.data_type == "date":
        r = etree.SubElement(st, _xs("restriction"), base="xs:date")
        _facet(r, "pattern", d.lexical_pattern)
    elif d.data_type == "datetime":
        r = etree.SubElement(st, _xs("restriction"), base="xs:dateTime")
        _facet(r, "pattern", d.lexical_pattern)
    else:  # pragma: no cover
        raise ValueError(d.data_type)


def _attribute(parent: etree._Element, name: str, type_name: str, required: bool) -> None:
    attr = etree.SubElement(parent, _xs("attribute"), name=name, type=type_name)
    if required:
        attr.set("use", "required")


def _messages(root: etree._Element, spec: Spec) -> None:
    """Record types (an entity plus the change-set attributes), the delete record, and one root per message."""
    names = envelope_names(spec)
    op_type, key_type, version_type, type_type = (
        domain_type_name(spec, i) for i in (OPERATION, RECORD_KEY, RECORD_VERSION, RECORD_TYPE)
    )
    carried = sorted({r.entity for m in spec.messages.values() for r in m.records})
    for entity_id in carried:
        ct = etree.SubElement(root, _xs("complexType"), name=f"{entity_id}Record")
        _document(
            ct, ("报文中的一条记录（增量报文带变更属性）。", "A record in a message (with change-set attributes).")
        )
        ext = etree.SubElement(etree.SubElement(ct, _xs("complexContent")), _xs("extension"), base=entity_id)
        _attribute(ext, names.operation, op_type, False)
        _attribute(ext, names.record_key, key_type, False)
        _attribute(ext, names.record_version, version_type, False)
    delete = etree.SubElement(root, _xs("complexType"), name=f"{DELETE}Record")
    _document(delete, ("增量报文中的删除记录。", "A delete in a change set."))
    _attribute(delete, names.record_type, type_type, True)
    _attribute(delete, names.record_key, key_type, True)
    _attribute(delete, names.record_version, version_type, True)
    for msg in spec.messages.values():
        element = etree.SubElement(root, _xs("element"), name=message_class_name(msg.id))
        _document(element, (f"{msg.name.zh}。{msg.definition.zh}", f"{msg.name.en}. {msg.definition.en}"))
        seq = etree.SubElement(etree.SubElement(element, _xs("complexType")), _xs("sequence"))
        etree.SubElement(seq, _xs("element"), name=HEADER, type=HEADER_ENTITY)
        records = etree.SubElement(seq, _xs("element"), name=RECORDS)
        choice = etree.SubElement(
            etree.SubElement(records, _xs("complexType")), _xs("choice"), minOccurs="0", maxOccurs="unbounded"
        )
        for r in msg.records:
            etree.SubElement(choice, _xs("element"), name=r.entity, type=f"{r.entity}Record")
        etree.SubElement(choice, _xs("element"), name=DELETE, type=f"{DELETE}Record")


def xsd_text(spec: Spec) -> str:
    """The schema as deterministic text; its first line is a comment saying it is generated."""
    ns = spec.info.namespace
    root = etree.Element(
        _xs("schema"),
        nsmap={"xs": XS, None: ns},  # type: ignore[dict-item]  # lxml-stubs omit the default-namespace key
        targetNamespace=ns,
        elementFormDefault="qualified",
        version=spec.info.spec_version,
    )
    _document(root, spec.info.title)
    for name, element_id in domain_types(spec).items():
        element = spec.elements[element_id]
        title = spec.value_domains[element.value_domain].name if element.value_domain else element.name
        _simple_type(root, name, spec.domains[element_id], title)
    for entity in spec.entities.values():
        ct = etree.SubElement(root, _xs("complexType"), name=entity.id)
        _document(ct, (f"{entity.name.zh}。{entity.definition.zh}", f"{entity.name.en}. {entity.definition.en}"))
        seq = etree.SubElement(ct, _xs("sequence"))
        for f in entity.fields:
            type_name = f.entity or domain_type_name(spec, f.element or "")
            el = etree.SubElement(seq, _xs("element"), name=spec.field_exchange_name(f), type=type_name)
            if f.obligation != "M":
                el.set("minOccurs", "0")
            if f.repeated:
                el.set("maxOccurs", "unbounded")
            if f.element is not None:
                de = spec.elements[f.element]
                label = f.name or de.name
                _document(el, (f"{label.zh}（{de.id}）", f"{label.en} ({de.id})"))
            else:
                assert f.name is not None
                _document(el, f.name)
        if not entity.component:
            etree.SubElement(root, _xs("element"), name=entity.id, type=entity.id)
    _messages(root, spec)
    body: str = etree.tostring(root, pretty_print=True, encoding="unicode")
    return "<!-- Generated by `sedata spec build` from spec/. Do not edit: change spec/ and rebuild. -->\n" + body
