"""Write the XSD 1.0 schema: one simple type per value type, one complex type per entity, and a
global element per (non-component) entity, in the spec's target namespace."""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from sedata.generate.naming import domain_type_name, domain_types
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
    body: str = etree.tostring(root, pretty_print=True, encoding="unicode")
    return "<!-- Generated by `sedata spec build` from spec/. Do not edit: change spec/ and rebuild. -->\n" + body
