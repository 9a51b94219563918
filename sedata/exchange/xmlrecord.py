"""One record ↔ one XML element, in the spec's namespace and field order (as the XSD declares).

Values cross as their lexical form; reading converts them back to the JSON data model (integers
become ints, everything else stays text), so a record read from XML validates like one read from JSON.
An integer is read only when written as XSD ``xs:integer`` allows (ASCII digits with an optional sign:
``1_0`` or Arabic-Indic digits stay text, for validation to report). Elements carry no attributes and
fields hold text only: an attribute, mixed content or an ``xi:include`` is an error of its own.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from collections.abc import Set as AbstractSet
from typing import Any

from lxml import etree

from sedata.exchange.errors import LimitError
from sedata.exchange.jsonvalue import MAX_NUMBER_DIGITS
from sedata.exchange.records import _in_order, exchange_fields, spec_memo
from sedata.exchange.xmlnames import local_name, namespace_of
from sedata.spec import Spec, current


class XmlRecordError(ValueError):
    """An XML element that does not map onto the entity (unknown or misplaced child)."""

    def __init__(self, zh: str, en: str, line: int | None):
        self.zh, self.en, self.line = zh, en, line
        super().__init__(f"{en} (line {line})" if line else en)


XINCLUDE_NAMESPACES = frozenset({"http://www.w3.org/2001/XInclude", "http://www.w3.org/2003/XInclude"})
_INTEGER = re.compile(r"[+-]?[0-9]+")  # xs:integer's lexical space (re.fullmatch; [0-9], not Unicode \d)
_NAMES_SHOWN = 3
MAX_ATTRIBUTE_CHARS = 4096
"""Longest attribute value (``recordKey`` is a business key of a few dozen characters)."""


def xsd_integer(text: str) -> int | None:
    """The value of ``text`` (white space collapsed) as XSD ``xs:integer`` reads it, or None if not one."""
    text = text.strip()
    if len(text) > MAX_NUMBER_DIGITS:
        return None
    if text.isascii() and text.isdigit():  # the usual case, without the pattern: ASCII digits are [0-9]
        return int(text)
    if _INTEGER.fullmatch(text) is None:
        return None
    return int(text)


def attributes(el: Any, allowed: Collection[str]) -> dict[str, str]:
    """The element's attributes: :class:`XmlRecordError` for any not in ``allowed``, :class:`LimitError` if too long.

    Linear in the number of attributes (lxml's ``attrib.items()`` is quadratic); the message names how
    many there are and the first few, never all of them.
    """
    names = el.keys()
    if not names:
        return {}
    count = len(names)
    if count <= len(allowed) and all(n in allowed for n in names):
        values = dict(el.items())  # few attributes, all allowed: one call reads them
        if all(len(v) <= MAX_ATTRIBUTE_CHARS for v in values.values()):
            return values
    unknown = [n for n in names if n not in allowed]
    if unknown:
        local = local_name(el)
        shown = ", ".join(local_name(n) for n in unknown[:_NAMES_SHOWN])
        more = f" …（共 {len(unknown)} 个）" if len(unknown) > _NAMES_SHOWN else ""
        more_en = f" … ({len(unknown)} in all)" if len(unknown) > _NAMES_SHOWN else ""
        may = "、".join(sorted(allowed)) or "无"
        may_en = ", ".join(sorted(allowed)) or "none"
        raise XmlRecordError(
            f"<{local}> 有 {count} 个属性，其中未知属性：{shown}{more}（允许：{may}）",
            f"<{local}> has {count} attribute(s), unknown: {shown}{more_en} (allowed: {may_en})",
            _line(el),
        )
    values = {n: el.get(n) for n in names}
    for name, value in values.items():
        if len(value) > MAX_ATTRIBUTE_CHARS:
            local = local_name(el)
            raise LimitError(
                f"<{local}> 的属性 {name} 长 {len(value)} 个字符，超过 {MAX_ATTRIBUTE_CHARS} 的限制",
                f"the attribute {name} of <{local}> is {len(value)} characters long, over the limit of "
                f"{MAX_ATTRIBUTE_CHARS}",
                line=_line(el),
            )
    return values


def _xinclude(el: Any) -> XmlRecordError:
    return XmlRecordError(
        f"不处理 XInclude：<{local_name(el)}>（{namespace_of(el)}）；报文须自身包含全部内容",
        f"XInclude is not processed: <{local_name(el)}> ({namespace_of(el)}); "
        "a message holds all of its content itself",
        _line(el),
    )


def check_foreign(el: Any) -> None:
    """Raise the XInclude error if ``el`` is an XInclude element (a clearer message than "unexpected")."""
    if isinstance(el.tag, str) and namespace_of(el) in XINCLUDE_NAMESPACES:
        raise _xinclude(el)


def _mixed(parent: Any, text: str) -> XmlRecordError:
    local = local_name(parent)
    shown = text.strip()[:40]
    return XmlRecordError(
        f"<{local}> 中有混合内容：元素之间有文字 {shown!r}（记录元素只含子元素，字段元素只含文字）",
        f"mixed content in <{local}>: text {shown!r} between elements (a record element holds elements, "
        "a field holds text only)",
        _line(parent),
    )


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
    text = element.text
    if text and not text.isspace():
        raise _mixed(element, text)
    for child in element:
        tail = child.tail
        if tail and not tail.isspace():
            raise _mixed(element, tail)
        known = fields.get(child.tag)
        if known is None:
            if not isinstance(child.tag, str):  # comments and processing instructions carry no data
                continue
            check_foreign(child)
            raise XmlRecordError(
                f"{entity_id} 中不应出现元素 <{local_name(child)}>",
                f"unexpected element <{local_name(child)}> in {entity_id}",
                _line(child),
            )
        if len(child.attrib):
            attributes(child, ())
        local, nested, data_type, repeated = known
        if nested is not None:
            value: Any = from_element(nested, child, spec)
        else:
            if len(child):
                _leaf_children(child)
            value = _value(data_type, child.text or "")
        if repeated:
            out.setdefault(local, []).append(value)
        else:
            out[local] = value
    return out


def simple_element(entity_id: str, element: Any, spec: Spec) -> dict[str, Any] | None:
    """What :func:`from_element` reads from ``element``, when it holds nothing it would refuse; else None.

    The common case of a large file, read without the checks' own work: every child a known field of the
    entity, with no attribute, no text between elements, no single-valued field repeated, and leaves holding
    text only. None means "not that simple": :func:`from_element` then reads the element and says what is
    wrong, so a hostile or odd record still gets the same error. When the data is returned, the element holds
    exactly the elements the data comes from (no repeat was dropped), which the reader otherwise counts.
    """
    fields = spec_memo(spec, "xml_field_maps", _field_maps)[entity_id]
    text = element.text
    if text is not None and not text.isspace():
        return None
    out: dict[str, Any] = {}
    for child in element:
        known = fields.get(child.tag)  # a comment's or PI's tag is a function, never in the table
        if known is None:
            return None
        tail = child.tail
        if (tail is not None and not tail.isspace()) or child.keys():
            return None
        local, nested, data_type, repeated = known
        if nested is not None:
            value: Any = simple_element(nested, child, spec)
            if value is None:
                return None
        elif len(child):
            return None
        else:
            value = child.text or ""
            if data_type != "string":
                value = _value(data_type, value)
        if repeated:
            items = out.get(local)
            if items is None:
                out[local] = [value]
            else:
                items.append(value)
        elif local in out:
            return None  # a single-valued field repeats: from_element keeps the last, the reader refuses it
        else:
            out[local] = value
    return out


# A record's start tag as lxml writes it, between "<" and ">": its name, then attributes and namespace
# declarations, double-quoted with markup characters escaped (so an "&" means "something escaped").
_START_NAME = re.compile(r"(\w+) ([\w:.-]+)=")  # the first piece of a start tag cut at its quotes
_NEXT_NAME = re.compile(r"( )([\w:.-]+)=")  # the following ones
_START_NAME_ALONE = re.compile(r"\w+")


class MarkupTokens:
    """``element`` serialised by lxml and cut at every "<" and ">": texts and tags in turn, each as written.

    One serialisation and two string calls for many records, instead of one Python proxy object and several
    calls per field. Every "<" in lxml's output starts a tag and every ">" ends one (the reader drops comments
    and processing instructions, and text and attribute values are written with "<" and ">" escaped), so odd
    items are tags ("name attrs", "/name", "name/") and even items the text before them.
    """

    __slots__ = ("escaped", "items")

    def __init__(self, element: Any):
        text: str = etree.tostring(element, encoding="unicode", with_tail=False)
        self.escaped = "&" in text
        """Some text or attribute holds an escaped character (those records take the element-wise reading)."""
        self.items = text.replace(">", "<").split("<")


class FlatEntity:
    """How to read one entity's record elements from :class:`MarkupTokens` (see :meth:`read`)."""

    __slots__ = ("_orders", "_shapes", "close", "entity_id", "local", "names", "spec", "typed")

    def __init__(self, spec: Spec, entity_id: str, local: str):
        self.entity_id, self.spec, self.local = entity_id, spec, local
        self.close = f"/{local}"
        fields = spec_memo(spec, "xml_field_maps", _field_maps)[entity_id].values()
        flat = [(name, data_type) for name, nested, data_type, repeated in fields if nested is None and not repeated]
        self.names = frozenset(name for name, _ in flat)
        self.typed = tuple((name, data_type == "integer") for name, data_type in flat if data_type != "string")
        self._shapes: dict[tuple[str, ...], tuple[list[str], int]] = {}
        self._orders: dict[tuple[str, ...], bool] = {}  # field names → in spec order (canonical as read)

    def read(
        self, tokens: MarkupTokens, at: int, children: int, allowed: AbstractSet[str]
    ) -> tuple[dict[str, str], dict[str, Any], int, bool] | None:
        """The attributes and data of the record element whose start tag is ``tokens.items[at]``, where the
        next element starts, and whether its fields came in spec order; ``children`` is the element's number
        of child elements.

        None unless the record is plainly what :func:`attributes` and :func:`simple_element` accept:
        unprefixed names in the record's own default namespace, only ``allowed`` attributes, no escaped
        character, white space only between fields, each field a known single-valued leaf holding text,
        given once. The element-wise reading then decides, with its errors; when not None, the result is
        exactly theirs.
        """
        items = tokens.items
        end = at + 4 * children + 2
        if end >= len(items) or items[end] != self.close:
            return None
        # The start tag cut at its quotes: names and values in turn. Its shape (the names) repeats from record to
        # record, and is looked at once.
        pieces = items[at].split('"')
        shape = tuple(pieces[0::2])
        known = self._shapes.get(shape)
        if known is None:
            known = self._shape(shape, allowed)
        names_, skip = known
        if skip < 0:
            return None
        attrs: dict[str, str] = dict(zip(names_, pieces[skip:-1:2], strict=True))
        if len(items[at]) > MAX_ATTRIBUTE_CHARS:
            return None  # attributes() says which value is too long
        # A record with n children is: start tag, text, then per child "name", text, "/name", tail, then its
        # end tag. Where a start tag is due there is a known leaf name: a plain start tag (not "name/", no
        # prefix, no attribute). The 2n tags between the record's start and end tags then hold n start tags
        # and so (the document being well formed) n end tags, each closing the start tag just before it: the
        # children are leaves holding text, read in order.
        names = items[at + 2 : end : 4]
        if not self.names.issuperset(names):
            return None
        texts = items[at + 3 : end : 4]
        if tokens.escaped and ("&" in items[at] or "&" in "".join(texts)):
            return None  # attributes() and simple_element read the escapes
        data: dict[str, Any] = dict(zip(names, texts, strict=True))
        if len(data) != children:
            return None  # a single-valued field repeats: the reader refuses it
        between = "".join(items[at + 1 : end : 4])
        if between and not between.isspace():
            return None
        for name, integer in self.typed:  # as _value() reads them
            value = data.get(name)
            if value is not None:
                value = value.strip()
                if integer:
                    number = xsd_integer(value)
                    if number is not None:
                        value = number
                data[name] = value
        members = tuple(names)
        ordered = self._orders.get(members)
        if ordered is None:
            ordered = _in_order(self.entity_id, members, self.spec)
            if len(self._orders) < 4096:
                self._orders[members] = ordered
        return attrs, data, end + 2, ordered

    def _shape(self, shape: tuple[str, ...], allowed: AbstractSet[str]) -> tuple[list[str], int]:
        """A start tag's names (``shape``): the attribute names and where their values start among the pieces
        (after the namespace declarations, which lxml writes first), or ([], -1) unless every name is plain
        and every attribute in ``allowed``."""
        *heads, last = shape
        found: tuple[list[str], int] = ([], -1)
        if heads and not last:
            match = [_START_NAME.fullmatch(heads[0]), *(_NEXT_NAME.fullmatch(h) for h in heads[1:])]
            if all(m is not None for m in match) and match[0] is not None and match[0][1] == self.local:
                names = [m[2] for m in match if m is not None]
                skip = next((i for i, n in enumerate(names) if n != "xmlns" and not n.startswith("xmlns:")), len(names))
                rest = names[skip:]
                if all(n in allowed for n in rest) and len(set(rest)) == len(rest):
                    found = (rest, 2 * skip + 1)
        elif len(shape) == 1 and _START_NAME_ALONE.fullmatch(last) and last == self.local:
            found = ([], 1)
        if len(self._shapes) < 4096:
            self._shapes[shape] = found
        return found


def _leaf_children(field: Any) -> None:
    """A field holding elements: XInclude, or mixed content (comments and PIs are dropped by the parser)."""
    for el in field.iter():
        if el is not field:
            check_foreign(el)
    inner = next(el for el in field if isinstance(el.tag, str))
    local = local_name(field)
    raise XmlRecordError(
        f"字段 <{local}> 只含文字，却含有元素 <{local_name(inner)}>（混合内容）",
        f"the field <{local}> holds text only, but holds the element <{local_name(inner)}> (mixed content)",
        _line(inner),
    )


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
        value = xsd_integer(text)
        return text if value is None else value  # not an xs:integer: left for validation to report
    return text
