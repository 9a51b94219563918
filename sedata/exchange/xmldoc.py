"""XML messages: ``<InspectionUpload xmlns=…><header>…</header><records>…</records></InspectionUpload>``.

Reading streams with lxml ``iterparse``: each record element is converted, cleared and dropped with the
siblings before it, so memory stays flat. The parser loads no DTD, resolves no entity, touches no
network and keeps libxml2's size limits (no ``huge_tree``); on top of that the prolog is scanned before
parsing and any DOCTYPE is refused, so XXE, external-DTD and billion-laughs files fail fast with nothing
expanded or fetched. The encoding comes from the XML declaration (UTF-8, GB18030, GBK …); writing is UTF-8.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any, BinaryIO

import orjson
from lxml import etree

from sedata.elements import MessageHeader
from sedata.exchange.errors import (
    DuplicateMemberError,
    EncodingError,
    ExchangeError,
    HeaderError,
    LimitError,
    MalformedError,
    StructureError,
    TrailingContentError,
    UnknownSpecVersionError,
    UnsafeXmlError,
    UnwritableRecordError,
)
from sedata.exchange.header import header_data, parse_header
from sedata.exchange.reader import MessageReader
from sedata.exchange.records import Record, _in_order
from sedata.exchange.rules import MessageRules
from sedata.exchange.writer import Encoder
from sedata.exchange.xmlnames import local_name, split_tag
from sedata.exchange.xmlrecord import (
    FlatEntity,
    MarkupTokens,
    XmlRecordError,
    attributes,
    check_foreign,
    from_element,
    simple_element,
    to_element,
    xsd_integer,
)
from sedata.spec import Spec
from sedata.spec.envelope import DELETE, HEADER, HEADER_ENTITY, RECORDS, message_class_name

# The prolog (declaration, comments, processing instructions) is short; a longer one is refused.
_PROLOG_LIMIT = 1 << 20
_CHUNK = 1 << 16


def check_prolog(f: BinaryIO, file: str | None = None) -> None:
    """Refuse a DOCTYPE (or any other ``<!`` declaration) before the root element; leave ``f`` at its start."""
    data = b""
    while True:
        chunk = f.read(_CHUNK)
        data += chunk
        verdict = _scan_prolog(_prolog_text(data), at_end=not chunk)
        if verdict is not None or not chunk:
            break
        if len(data) > _PROLOG_LIMIT:
            verdict = "too-long"
            break
    f.seek(0)
    if verdict == "doctype":
        raise unsafe_xml_error(file)
    if verdict == "too-long":
        raise MalformedError(
            f"XML 声明部分超过 {_PROLOG_LIMIT} 字节仍未见根元素",
            f"no root element within the first {_PROLOG_LIMIT} bytes of the prolog",
            file=file,
        )


def unsafe_xml_error(file: str | None) -> UnsafeXmlError:
    """The error for a DOCTYPE or an entity reference."""
    return UnsafeXmlError(
        "XML 含 DOCTYPE/DTD 声明，出于安全原因拒绝读取（不加载 DTD、不展开实体、不访问网络）",
        "the XML has a DOCTYPE/DTD declaration and is refused for safety (no DTD, no entities, no network)",
        file=file,
    )


def _prolog_text(data: bytes) -> str:
    # Markup characters are ASCII in UTF-8, GBK and GB18030 and never occur as their trail bytes,
    # so a Latin-1 view finds them; UTF-16 is decoded properly.
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="ignore")
    if data[:2] == b"<\x00":
        return data.decode("utf-16-le", errors="ignore")
    if data[:2] == b"\x00<":
        return data.decode("utf-16-be", errors="ignore")
    return data.decode("latin-1")


def _scan_prolog(text: str, at_end: bool) -> str | None:
    """``doctype``, ``root`` (the root element starts, prolog clean) or None (need more data)."""
    i = 0
    n = len(text)
    while True:
        while i < n and text[i] in "\ufeff\xef\xbb\xbf \t\r\n":
            i += 1
        if i >= n:
            return "root" if at_end else None
        if text.startswith("<?", i):
            j = text.find("?>", i + 2)
            if j < 0:
                return "root" if at_end else None
            i = j + 2
        elif text.startswith("<!--", i):
            j = text.find("-->", i + 4)
            if j < 0:
                return "root" if at_end else None
            i = j + 3
        elif text.startswith("<!", i):
            return "doctype"
        elif i + 1 >= n and not at_end:
            return None
        else:
            return "root"  # a root element, or content the parser will report as not well-formed


class XmlReader(MessageReader):
    """Reads an XML message; each record carries the line of its start tag."""

    format = "xml"

    def _read_header(self) -> MessageHeader:
        check_prolog(self._f, self.file)
        etree.clear_error_log()  # lxml's log is per thread; start it empty so errors name this file's cause
        # Only the elements the reader looks at raise events: a record's own fields would cost one Python
        # iteration each (most of the reading time). Stray elements are found from their siblings instead.
        spec = self.spec
        watched = [self._q(n) for n in (HEADER, RECORDS, DELETE, *spec.entities)]
        watched += [self._q(message_class_name(m)) for m in spec.messages]
        self._parser = etree.XMLPullParser(
            events=("end",),
            tag=watched,
            load_dtd=False,
            dtd_validation=False,
            resolve_entities=False,
            no_network=True,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
            collect_ids=False,
        )
        self._document_root: Any = None
        self._generation = 0  # counts the chunks fed: a record's events come with the chunk that ended it
        # Events one by one, without a Python frame of ours per event.
        self._events: Iterator[tuple[str, Any]] = itertools.chain.from_iterable(self._pull())
        header_q = self._q(HEADER)
        self._root: Any = None
        for el in self._elements():
            parent = el.getparent()
            if self._root is None:
                self._root = el if parent is None else self._top(el)
                self._check_namespace(self._root)
                _no_attributes(self._root)
            if parent is self._root and el.tag == header_q:
                if el.getprevious() is not None:
                    name = local_name(el.getprevious())
                    raise HeaderError(
                        f"<{HEADER}> 应为根元素的第一个子元素，却先见到 <{name}>",
                        f"<{HEADER}> must be the root's first child; found <{name}> first",
                        line=_line(el.getprevious()),
                    )
                self._header_el = el
                header = self._header(el)
                expected = self._q(message_class_name(header.message_type))
                if self._root.tag != expected:
                    raise StructureError(
                        f"根元素 <{local_name(self._root)}> 与报文类型 {header.message_type} 不符"
                        f"（应为 <{message_class_name(header.message_type)}>）",
                        f"root element <{local_name(self._root)}> does not match message type "
                        f"{header.message_type} (expected <{message_class_name(header.message_type)}>)",
                        line=_line(self._root),
                    )
                return header
            if parent is None:
                raise HeaderError(f"根元素中没有 <{HEADER}>", f"the root element has no <{HEADER}>", line=_line(el))
            in_header = parent.tag == header_q and parent.getparent() is self._root
            if not in_header:
                first = el
                while first.getparent() is not None and first.getparent() is not self._root:
                    first = first.getparent()
                name = local_name(first)
                raise HeaderError(
                    f"<{HEADER}> 应为根元素的第一个子元素，却先见到 <{name}>",
                    f"<{HEADER}> must be the root's first child; found <{name}> first",
                    line=_line(first),
                )
        # No watched element at all: a root of another namespace or name, or an empty document element.
        root = self._document_root
        if root is not None:
            self._check_namespace(root)
            raise HeaderError(f"根元素中没有 <{HEADER}>", f"the root element has no <{HEADER}>", line=_line(root))
        raise HeaderError(f"没有 <{HEADER}>", f"no <{HEADER}> element")  # pragma: no cover - the parser raises

    def _pull(self) -> Iterator[Iterator[tuple[str, Any]]]:
        """The parser's events, fed chunk by chunk, a chunk's at a time; on a syntax error, the events before it
        come first.

        lxml 6.2 raises a syntax error found in a chunk before handing out that chunk's events (so content
        after the root used to hide every record); feeding the parser ourselves keeps them.
        """
        parser, read = self._parser, self._f.read
        while True:
            chunk = read(_CHUNK)
            if not chunk:
                break
            try:
                parser.feed(chunk)
            except etree.XMLSyntaxError:
                self._generation += 1
                yield parser.read_events()  # the elements that ended before the error are whole
                raise
            self._generation += 1
            yield parser.read_events()
        # At the end, libxml2 closes the elements still open (the file broke off inside them): their
        # events are not of whole elements, so a syntax error from close() drops them.
        self._document_root = parser.close()
        self._generation += 1
        yield parser.read_events()

    def _q(self, local: str) -> str:
        return f"{{{self.spec.info.namespace}}}{local}"

    @staticmethod
    def _top(el: Any) -> Any:
        while el.getparent() is not None:
            el = el.getparent()
        return el

    def _check_namespace(self, root: Any) -> None:
        ns, local = split_tag(root)
        expected = self.spec.info.namespace
        if ns is None:
            raise HeaderError(
                f'根元素 <{local}> 没有命名空间；报文的根元素应在命名空间 {expected} 中（xmlns="{expected}"）',
                f"the root element <{local}> has no namespace; a message's root element is in the "
                f'namespace {expected} (xmlns="{expected}")',
                line=_line(root),
            )
        if ns != expected:
            raise UnknownSpecVersionError(
                f"XML 命名空间 {ns!r} 不是本版本规范的命名空间 {self.spec.info.namespace!r}，拒绝读取",
                f"XML namespace {ns!r} is not this spec's namespace {self.spec.info.namespace!r}; refused",
                line=_line(root),
            )

    def _header(self, el: Any) -> MessageHeader:
        try:
            if len(el.attrib):
                attributes(el, ())
            data = from_element(HEADER_ENTITY, el, self.spec)
        except XmlRecordError as exc:
            raise HeaderError(exc.zh, exc.en, line=exc.line) from None
        header = parse_header(data, self.spec, file=self.file, line=_line(el))
        el.clear(keep_tail=True)
        return header

    def _elements(self) -> Iterator[Any]:
        try:
            for _, el in self._events:
                yield el
        except etree.XMLSyntaxError as exc:
            raise self._syntax_error(exc) from None

    def _syntax_error(self, exc: etree.XMLSyntaxError) -> ExchangeError:
        # The exception's own text can be a generic "no element found"; the error log has the first cause.
        log: Any = exc.error_log  # lxml-stubs types the log as opaque; it is a list of entries
        entries = [e for e in log if e.level >= etree.ErrorLevels.ERROR]
        ours = [e for e in entries if e.filename == self._f.name]
        entries = ours or entries
        if entries:
            first = entries[0]
            msg, line, kind = first.message.strip(), first.line or None, first.type_name
            column = first.column or None
        else:
            msg = (exc.msg or str(exc)).strip()
            line, kind = (exc.lineno or None), ""
            column = None
        lowered = msg.lower()
        if "ENCODING" in kind or "encoding" in lowered or "utf-8" in lowered or "bytes:" in lowered:
            return EncodingError(
                f"XML 编码错误：{msg}（编码须在 XML 声明中写明，如 UTF-8、GB18030、GBK）",
                f"XML encoding error: {msg} (declare the encoding in the XML declaration: UTF-8, GB18030, GBK …)",
                file=self.file,
                line=line,
            )
        if "ENTITY" in kind:
            return UnsafeXmlError(
                f"XML 引用了未声明的实体（{msg}）；除五个预定义实体外一律拒绝",
                f"the XML refers to an undeclared entity ({msg}); only the five predefined entities are accepted",
                file=self.file,
                line=line,
            )
        if "extra content at the end" in lowered:
            return self._trailing(line, msg)
        if kind == "ERR_RESOURCE_LIMIT" or "xml_parse_huge" in lowered or "excessive depth" in lowered:
            return _limit_error(msg, self.file, line)
        truncated = "premature end" in lowered or "end of data" in lowered or self._at_end(line)
        return self.broken(
            f"XML 文件在第 {line} 行中途结束（{msg}）" if truncated else f"XML 格式错误（第 {line} 行）：{msg}",
            f"the XML ends early at line {line} ({msg})" if truncated else f"XML not well-formed at line {line}: {msg}",
            truncated=truncated,
            line=line,
            column=column if line is not None else None,
        )

    def _trailing(self, line: int | None, msg: str) -> TrailingContentError:
        count = self.count
        return TrailingContentError(
            f"第 {line} 行根元素结束后还有内容（{msg}）",
            f"more content after the root element at line {line} ({msg})",
            file=self.file,
            line=line,
            last_good=count - 1 if count else None,
        )

    def _at_end(self, line: int | None) -> bool:
        # libxml2 names the last line when the input ran out inside an open element.
        if line is None:
            return False
        with open(self.path, "rb") as f:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(_CHUNK), b""))
        return line >= lines

    def _records(self) -> Iterator[Record]:
        for record, _ in self._records_with_lines():
            yield record

    def _records_with_lines(self) -> Iterator[tuple[Record, bytes | None]]:
        try:
            yield from self._walk()
        except etree.XMLSyntaxError as exc:
            raise self._syntax_error(exc) from None

    def _walk(self) -> Iterator[tuple[Record, bytes | None]]:
        """Each record, with its canonical line when it was simple to read (else None: the base writes it)."""
        spec, rules, root, q = self.spec, self.rules, self._root, self._q
        records_q = q(RECORDS)
        tags = {q(t): t for t in rules.record_types}
        delete_q = q(DELETE)
        known = {*tags, delete_q}
        names = rules.names
        entity_attrs = {names.operation, names.record_key, names.record_version}
        delete_attrs = {names.record_type, names.record_key, names.record_version}
        flats = {t: FlatEntity(spec, t, t) for t in tags.values()}
        delete_local = DELETE + " "
        generation = -1
        tokens: MarkupTokens | None = None
        at = 0
        versions: dict[str, int] = {}  # the few version texts a file holds, read once
        clean: set[tuple[Any, ...]] = set()
        index = 0
        records_el: Any = None
        previous: Any = None
        for _, el in self._events:
            tag = el.tag
            entity = tags.get(tag)
            if entity is not None or tag == delete_q:
                parent = el.getparent()
                if records_el is None:
                    if parent is None or parent.tag != records_q or parent.getparent() is not root:
                        raise self._misplaced(el)
                    records_el = parent
                    _no_attributes(records_el)
                    self._check_before_records(records_el)
                    _no_text(records_el.text, records_el)
                elif parent is not records_el:
                    raise self._misplaced(el)
                if previous is not None:
                    tail = previous.tail
                    if tail and not tail.isspace():
                        _no_text(tail, previous)
                line = el.sourceline
                canonical: bytes | None = None
                if self._generation != generation:  # the first record of a new chunk: read its records at once
                    generation = self._generation
                    tokens, at = _chunk_tokens(records_el, el, previous)
                flat = None
                if tokens is not None:
                    if entity is not None:
                        flat = flats[entity].read(tokens, at, len(el), entity_attrs)
                        if flat is None:
                            tokens = None  # out of step: the rest of the chunk is read element by element
                        else:
                            at = flat[2]
                    elif tokens.items[at].startswith(delete_local) and tokens.items[at].endswith("/"):
                        at += 2  # an empty <Delete …/>, read below
                    else:
                        tokens = None
                ordered: bool | None = None
                data: dict[str, Any] | None
                try:
                    if entity is not None:
                        if flat is not None:
                            attrs, data, _, ordered = flat
                            simple = True
                        else:
                            attrs = attributes(el, entity_attrs)
                            data = simple_element(entity, el, spec)
                            simple = data is not None
                            if data is None:  # something odd in it: the full reading says what
                                data = from_element(entity, el, spec)
                                if rules.element_count(entity, data) != sum(1 for _ in el.iterdescendants()):
                                    raise DuplicateMemberError(
                                        f"<{entity}> 中有单值元素重复出现",
                                        f"a single-valued element repeats in <{entity}>",
                                    )
                        operation = attrs.get(names.operation)
                    else:
                        attrs = attributes(el, delete_attrs)
                        if len(el) or (el.text or "").strip():
                            raise StructureError(f"<{DELETE}/> 应为空元素", f"<{DELETE}/> must be empty")
                        entity, data, operation = attrs.get(names.record_type, ""), None, rules.delete
                        simple = False
                    text = attrs.get(names.record_version)
                    version = None if text is None else versions.get(text)
                    if version is None:
                        version = _version(text, names.record_version)
                        if text is not None and version is not None and len(versions) < 64:
                            versions[text] = version
                    key = attrs.get(names.record_key)
                    record = Record(entity, data, operation, key, version, index, line)
                    # The envelope rules look at these only: a record like one found clean is clean.
                    envelope = (entity, operation, version, key is None, key == "", data is None)
                    if envelope not in clean:
                        rules.check(record)
                        # The validator's rules note problems instead of raising: clean only if none noted.
                        if not getattr(rules, "problems", None) and len(clean) < 256:
                            clean.add(envelope)
                    if simple:
                        canonical = self._canonical(record, ordered)
                except XmlRecordError as exc:
                    raise StructureError(exc.zh, exc.en, index=index, line=exc.line) from None
                except ExchangeError as exc:
                    raise exc.locate(index=index, line=line) from None
                el.clear(keep_tail=True)
                before = el.getprevious()
                if before is not None and before is previous and records_el[0] is previous:
                    del records_el[0]  # the usual case: only the record read before, emptied, is left
                    before = None
                while before is not None and el.getprevious() is not None:
                    if records_el[0].tag not in known:  # an element that raised no event of its own
                        raise self._unexpected(records_el[0])
                    del records_el[0]
                previous = el
                yield record, canonical
                index += 1
                continue
            parent = el.getparent()
            if parent is None:  # the root has ended
                self._check_root_end(el, records_q)
                for _ in self._events:  # parse to the end of the input, so trailing content is reported
                    pass
                return
            if parent is root:
                if tag != records_q:
                    raise self._unexpected(el)
                if records_el is None:
                    _no_attributes(el)
                    self._check_before_records(el)
                stray = next((child for child in el if child.tag not in known), None)
                if stray is not None:
                    raise self._unexpected(stray)
                if previous is not None:
                    _no_text(previous.tail, previous)
                elif records_el is None:
                    _no_text(el.text, el)
            elif parent.tag == records_q:
                raise self._unexpected(el)

    def _canonical(self, record: Record, ordered: bool | None = None) -> bytes | None:
        """The canonical line of a record read by :func:`simple_element` whose fields came in spec order: what
        ``canonical_line`` writes for it, without its general work. None when they did not, or when a value is
        beyond orjson (an integer over 64 bits, where the standard library decides)."""
        data = record.data
        assert data is not None
        if ordered is None:
            ordered = _in_order(record.type, tuple(data), self.spec)  # remembered per member list and spec
        if not ordered:
            return None
        try:
            return orjson.dumps(record.envelope(self.rules.names, data))
        except (orjson.JSONEncodeError, TypeError):
            return None

    def _check_before_records(self, records_el: Any) -> None:
        """Only the header may come before <records> (other elements raise no event to be caught by)."""
        before = records_el.getprevious()
        if before is not None and before is not self._header_el:
            raise self._unexpected(before)

    def _check_root_end(self, root: Any, records_q: str) -> None:
        children = [c.tag for c in root]
        if children != [self._q(HEADER), records_q]:
            raise StructureError(
                f"根元素应恰好含 <{HEADER}> 与 <{RECORDS}>", f"the root holds exactly <{HEADER}> and <{RECORDS}>"
            )
        for node_text, node in ((root.text, root), *((c.tail, c) for c in root)):
            _no_text(node_text, node)

    def _misplaced(self, el: Any) -> ExchangeError:
        name = local_name(el)
        return StructureError(
            f"记录元素 <{name}> 应直接位于 <{RECORDS}> 之下",
            f"record element <{name}> belongs directly in <{RECORDS}>",
            line=_line(el),
        )

    def _unexpected(self, el: Any) -> ExchangeError:
        try:
            check_foreign(el)
        except XmlRecordError as exc:
            return StructureError(exc.zh, exc.en, line=exc.line)
        name = local_name(el)
        return StructureError(
            f"此处不应出现元素 <{name}>（报文类型 {self.header.message_type} 的记录为："
            f"{'、'.join(self.rules.record_types)}、{DELETE}）",
            f"unexpected element <{name}> (records of {self.header.message_type} are: "
            f"{', '.join(self.rules.record_types)}, {DELETE})",
            line=_line(el),
        )


def _chunk_tokens(records_el: Any, el: Any, previous: Any) -> tuple[MarkupTokens | None, int]:
    """The tokens of ``<records>`` as it stands (see :class:`MarkupTokens`) and where ``el``'s start tag is.

    ``el`` is the first record of a chunk: every record after it that ended in the same chunk is whole, and
    is found after it in turn. Only the record read before ``el`` (emptied: a tag and its tail) may come
    before it; else (None, 0), and the chunk is read element by element.
    """
    first = records_el[0]
    if first is el:
        at = 3  # after the text before <records> (none), its start tag and its text
    elif first is previous and records_el[1] is el:
        at = 5
    else:
        return None, 0
    return MarkupTokens(records_el), at


def _version(text: str | None, name: str) -> int | None:
    if text is None:
        return None
    value = xsd_integer(text)
    if value is None:
        shown = text[:40]
        raise StructureError(
            f"{name} 应为以数字 0-9 书写的整数：{shown!r}", f"{name} must be an integer written with 0-9: {shown!r}"
        )
    return value


def _no_attributes(el: Any) -> None:
    """Raise a structure error for any attribute on an element that takes none (root, header, records)."""
    if len(el.attrib):
        try:
            attributes(el, ())
        except XmlRecordError as exc:
            raise StructureError(exc.zh, exc.en, line=exc.line) from None  # LimitError passes as it is


def _limit_error(msg: str, file: str, line: int | None) -> LimitError:
    """libxml2 stopped at one of its limits (kept on: no ``huge_tree``); say which one in both languages."""
    if "depth" in msg.lower():
        zh, en = (
            "XML 元素嵌套超过 256 层（libxml2 的限制）",
            "XML elements nested deeper than 256 levels (libxml2's limit)",
        )
    else:
        zh = "XML 中一段文字、一个属性值或名称过长（libxml2 的限制：文字与属性值 10,000,000 字节，名称 50,000 字节）"
        en = (
            "a text, attribute value or name in the XML is too long (libxml2's limits: 10,000,000 bytes for "
            "text and attribute values, 50,000 for names)"
        )
    return LimitError(f"第 {line} 行：{zh}（{msg}）", f"line {line}: {en} ({msg})", file=file, line=line)


def _no_text(text: str | None, el: Any) -> None:
    if text and text.strip():
        raise StructureError(
            f"元素之间不应有文字：{text.strip()[:40]!r}",
            f"text between elements is not allowed: {text.strip()[:40]!r}",
            line=_line(el),
        )


def _line(el: Any) -> int | None:
    line = el.sourceline
    return line if isinstance(line, int) else None


class XmlEncoder(Encoder):
    """UTF-8 with declaration; header and each record on a line of their own."""

    format = "xml"

    def __init__(self, spec: Spec, rules: MessageRules):
        super().__init__(spec, rules)
        ns = spec.info.namespace
        self._ns = ns
        self._root = message_class_name(rules.header.message_type)
        self._decl = f' xmlns="{ns}"'.encode()
        names = rules.names
        self._attrs = (names.operation, names.record_key, names.record_version)
        self._delete_attrs = (names.record_type, names.record_key, names.record_version)

    def _bytes(self, el: Any, local: str) -> bytes:
        try:
            text: bytes = etree.tostring(el, encoding="utf-8", xml_declaration=False)
        except ValueError as exc:  # e.g. a control character XML 1.0 cannot carry
            raise UnwritableRecordError(f"无法写成 XML：{exc}", f"cannot be written as XML: {exc}") from None
        # Every record repeats the root's default namespace declaration; drop it, the root declares it once.
        head = b"<" + local.encode() + self._decl
        return b"<" + local.encode() + text[len(head) :] if text.startswith(head) else text

    def prefix(self, header: MessageHeader) -> bytes:
        el = to_element(HEADER_ENTITY, header_data(header, self.spec), tag=HEADER, spec=self.spec)
        return (
            b'<?xml version="1.0" encoding="UTF-8"?>\n'
            + f'<{self._root} xmlns="{self._ns}">\n'.encode()
            + self._bytes(el, HEADER)
            + f"\n<{RECORDS}>\n".encode()
        )

    def record(self, record: Record, canonical: bytes, first: bool) -> bytes:
        if record.data is None:
            el = etree.Element(f"{{{self._ns}}}{DELETE}", nsmap={None: self._ns})  # type: ignore[dict-item]
            local = DELETE
            values: tuple[Any, ...] = (record.type, record.key, record.version)
            attrs = self._delete_attrs
        else:
            try:
                el = to_element(record.type, record.data, spec=self.spec)
            except (TypeError, ValueError) as exc:
                raise UnwritableRecordError(
                    f"无法写成 XML：{exc}", f"cannot be written as XML: {exc}", index=record.index
                ) from None
            local = record.type
            values = (record.operation, record.key, record.version)
            attrs = self._attrs
        for name, value in zip(attrs, values, strict=True):
            if value is not None:
                el.set(name, str(value))
        try:
            return self._bytes(el, local) + b"\n"
        except ExchangeError as exc:
            raise exc.locate(index=record.index) from None

    def suffix(self) -> bytes:
        return f"</{RECORDS}>\n</{self._root}>\n".encode()
