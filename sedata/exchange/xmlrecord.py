"""One record ↔ one XML element, in the spec's namespace and field order (as the XSD declares).

Values cross as their lexical form; reading converts them back to the JSON data model (integers
become ints, everything else stays text), so a record read from XML validates like one read from JSON.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from sedata.exchange.records import exchange_fields, spec_memo
from sedata.spec import Spec, current


class XmlRecordError(ValueError):
    """An XML element that does not map onto the entity (unknown or misplaced child)."""

    def __init__(self, zh: str, en: str, line: int | None):
        self.zh, self.en, self.line = zh, en, line
        super().__init__(f"{en} (line {line})" if line else en)


def _qname(spec: Spec, local: str) -> str:
    return f"{{{spec.info.namespace}}}{local}"


def _text(value: Any) -> str:
    if isinstance(value, bool):  # bool is an int; no element is boolean, so refuse rather than print "True"
        raise TypeError("boolean values have no lexical form in this spec")
    return str(value)


def to_element(
    entity_id: str, data: dict[str, Any], tag: str | None = None, spec: Spec | None = None
) -> etree._Element:
    """Build the XML element for one record in canonical JSON data form."""
    spec = spec or current()
    nsmap = {None: spec.info.namespace}
    element = etree.Element(_qname(spec, tag or entity_id), nsmap=nsmap)  # type: ignore[arg-type]
    _fill(spec, entity_id, data, element)
    return element


def _xml_fields(spec: Spec) -> dict[str, tuple[tuple[str, str, str | None, bool], ...]]:
    """Per entity: (exchange name, qualified XML name, nested entity, repeated) in spec order."""
    return {
        entity_id: tuple(
            (name, _qname(spec, name), f.entity, f.repeated) for name, f in exchange_fields(entity_id, spec)
        )
        for entity_id in spec.entities
    }


def _fill(spec: Spec, entity_id: str, data: dict[str, Any], parent: etree._Element) -> None:
    sub = etree.SubElement
    for name, qname, nested, repeated in spec_memo(spec, "xml_fields", _xml_fields)[entity_id]:
        value = data.get(name)
        if value is None:
            continue
        for item in value if repeated else [value]:
            child = sub(parent, qname)
            if nested is not None:
                _fill(spec, nested, item, child)
            else:
                child.text = item if type(item) is str else _text(item)


def from_element(entity_id: str, element: etree._Element, spec: Spec | None = None) -> dict[str, Any]:
    """Read one record element back into canonical JSON data form."""
    spec = spec or current()
    fields = spec_memo(spec, "xml_field_maps", _field_maps)[entity_id]
    out: dict[str, Any] = {}
    for child in element:
        known = fields.get(child.tag)
        if known is None:
            if not isinstance(child.tag, str):  # comments and processing instructions carry no data
                continue
            raise XmlRecordError(
                f"{entity_id} 中不应出现元素 <{etree.QName(child).localname}>",
                f"unexpected element <{etree.QName(child).localname}> in {entity_id}",
                _line(child),
            )
        local, nested, data_type, repeated = known
        value: Any = from_element(nested, child, spec) if nested is not None else _value(data_type, child.text or "")
        if repeated:
            out.setdefault(local, []).append(value)
        else:
            out[local] = value
    return out


def _field_maps(spec: Spec) -> dict[str, dict[str, tuple[str, str | None, str, bool]]]:
    """Per entity: qualified XML name → (exchange name, nested entity, data type, repeated)."""
    out: dict[str, dict[str, tuple[str, str | None, str, bool]]] = {}
    for entity_id in spec.entities:
        table = {}
        for name, f in exchange_fields(entity_id, spec):
            data_type = spec.domains[f.element].data_type if f.element is not None else ""
            table[_qname(spec, name)] = (name, f.entity, data_type, f.repeated)
        out[entity_id] = table
    return out


def _line(element: etree._Element) -> int | None:
    line = element.sourceline
    return line if isinstance(line, int) else None


def _value(data_type: str, text: str) -> Any:
    # XSD collapses white space in numbers and dates but keeps it in strings; do the same.
    if data_type == "string":
        return text
    text = text.strip()
    if data_type == "integer":
        try:
            return int(text)
        except ValueError:
            return text  # left for validation to report with its location
    return text
