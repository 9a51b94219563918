"""Write the XSD 1.0 schema: one simple type per value type, one complex type per entity, and a
global element per (non-component) entity, in the spec's target namespace.

Written for stock tools as well as validators (see docs/schemas.md): numbers and dates are restricted
without pattern facets, so binding generators such as xsdata keep them ``int`` and ``XmlDate``; the records
of a message are mixed content, which binding generators map to one ordered list (a repeated choice becomes
one list per record type, and the order, which the digest covers, is lost). XSD 1.0 has no conditionals, so
a masked package (header ``maskingProfile``) has a schema of its own per profile: ``masked_xsd_text``.
"""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from sedata.codes._layout import alternatives
from sedata.generate.naming import domain_type_name, domain_types, masked_suffix, personal_types
from sedata.spec.envelope import (
    DELETE,
    HEADER,
    RECORDS,
    envelope_ids,
    envelope_names,
    message_class_name,
)
from sedata.spec.loader import Spec
from sedata.spec.model import Bilingual
from sedata.spec.resolved import Domain

XS = "http://www.w3.org/2001/XMLSchema"
DATE_MIN, DATE_MAX = "0001-01-01", "9999-12-31"
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


def _patterns(parent: etree._Element, pattern: str) -> None:
    # One facet per alternative (facets of one step are alternatives too): libxml2 (xmllint, lxml) rejects
    # "******************" against \*{18}|\*{15} but not against the two facets.
    for alternative in alternatives(pattern):
        _facet(parent, "pattern", alternative)


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
            _patterns(r, d.pattern)
    elif d.data_type == "integer":
        # No pattern facet: xs:integer already refuses signs other than "+", points and exponents, and a
        # pattern would make binding generators type the value as text.
        assert d.minimum is not None and d.maximum is not None
        r = etree.SubElement(st, _xs("restriction"), base="xs:integer")
        _facet(r, "minInclusive", _bound(d.minimum))
        _facet(r, "maxInclusive", _bound(d.maximum))
    elif d.data_type == "decimal":
        r = etree.SubElement(st, _xs("restriction"), base="xs:decimal")
        _facet(r, "totalDigits", d.total_digits)
        _facet(r, "fractionDigits", d.fraction_digits)
        _facet(r, "pattern", d.lexical_pattern)
    elif d.data_type == "date":
        # xs:date checks the calendar; the bounds keep the four-digit years of YYYY-MM-DD. A time-zone suffix
        # (2024-01-01Z) is the one form only a pattern could refuse, and a pattern would make the value text in
        # binding generators; sedata refuses it (docs/schemas.md).
        r = etree.SubElement(st, _xs("restriction"), base="xs:date")
        _facet(r, "minInclusive", DATE_MIN)
        _facet(r, "maxInclusive", DATE_MAX)
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
    names, ids = envelope_names(spec), envelope_ids(spec)
    op_type, key_type, version_type, type_type = (
        domain_type_name(spec, i) for i in (ids.operation, ids.record_key, ids.record_version, ids.record_type)
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
        etree.SubElement(seq, _xs("element"), name=HEADER, type=envelope_ids(spec).header)
        records = etree.SubElement(seq, _xs("element"), name=RECORDS)
        # Mixed content is what binding generators map to one ordered list of records (sedata itself refuses
        # text between records, which this lets through; see docs/schemas.md).
        choice = etree.SubElement(
            etree.SubElement(records, _xs("complexType"), mixed="true"),
            _xs("choice"),
            minOccurs="0",
            maxOccurs="unbounded",
        )
        for r in msg.records:
            etree.SubElement(choice, _xs("element"), name=r.entity, type=f"{r.entity}Record")
        etree.SubElement(choice, _xs("element"), name=DELETE, type=f"{DELETE}Record")


def _masked_types(root: etree._Element, spec: Spec, profile_id: str) -> dict[str, str]:
    """Per personal value type, a union of the type and the profile's masked shapes (pseudonym included)."""
    assert spec.privacy is not None
    privacy = spec.privacy
    profile = next(p for p in privacy.profiles if p.id == profile_id)
    names: dict[str, str] = {}
    for type_name, kind in personal_types(spec).items():
        name = names[type_name] = f"{type_name}{masked_suffix(profile_id)}"
        st = etree.SubElement(root, _xs("simpleType"), name=name)
        _document(
            st,
            (
                f"{type_name}，或按“{profile.name.zh}”脱敏后的写法，或假名。",
                f"{type_name}, or as {profile.name.en} masks it, or a pseudonym.",
            ),
        )
        union = etree.SubElement(st, _xs("union"), memberTypes=type_name)
        r = etree.SubElement(etree.SubElement(union, _xs("simpleType")), _xs("restriction"), base="xs:string")
        _patterns(r, f"{profile.kinds[kind].shape}|{privacy.pseudonym.pattern}")
    return names


def xsd_text(spec: Spec, released: bool = False) -> str:
    """The schema as deterministic text; its first line is a comment saying it is generated (``released``: from a
    packaged bundle)."""
    text = _schema_text(spec, None)
    if not released:
        return text
    _, body = text.split("\n", 1)
    version = spec.info.spec_version
    return f"<!-- Generated by `sedata spec build` from sedata/spec/bundles/{version}.json. Do not edit. -->\n" + body


def masked_xsd_text(spec: Spec, profile_id: str) -> str:
    """The schema of a package masked with ``profile_id``: personal elements also take that profile's forms."""
    return _schema_text(spec, profile_id)


def masked_xsd_names(spec: Spec) -> dict[str, str]:
    """Masking profile → the file name of its schema, ``sedata-masked-<profile>.xsd``."""
    return {p.id: f"sedata-masked-{p.id}.xsd" for p in (spec.privacy.profiles if spec.privacy else [])}


def masked_xsd_files(spec: Spec) -> dict[str, str]:
    """The file name of each masking profile's schema → its text."""
    return {name: masked_xsd_text(spec, profile) for profile, name in masked_xsd_names(spec).items()}


def _schema_text(spec: Spec, profile: str | None) -> str:
    ns = spec.info.namespace
    root = etree.Element(
        _xs("schema"),
        nsmap={"xs": XS, None: ns},  # type: ignore[dict-item]  # lxml-stubs omit the default-namespace key
        targetNamespace=ns,
        elementFormDefault="qualified",
        version=spec.info.spec_version,
    )
    title = spec.info.title
    if profile is not None:
        title = Bilingual(
            zh=f"{title.zh}（脱敏方式 {profile} 的报文）", en=f"{title.en} (packages masked with profile {profile})"
        )
    _document(root, title)
    for name, element_id in domain_types(spec).items():
        element = spec.elements[element_id]
        title = spec.value_domains[element.value_domain].name if element.value_domain else element.name
        _simple_type(root, name, spec.domains[element_id], title)
    masked = _masked_types(root, spec, profile) if profile is not None else {}
    for entity in spec.entities.values():
        ct = etree.SubElement(root, _xs("complexType"), name=entity.id)
        _document(ct, (f"{entity.name.zh}。{entity.definition.zh}", f"{entity.name.en}. {entity.definition.en}"))
        seq = etree.SubElement(ct, _xs("sequence"))
        for f in entity.fields:
            type_name = f.entity or domain_type_name(spec, f.element or "")
            if f.element is not None and spec.elements[f.element].personal_data:
                type_name = masked.get(type_name, type_name)
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
