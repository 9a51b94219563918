"""Load ``spec/`` into a checked :class:`Spec`: parse each file, then resolve every reference.

Errors are collected, not raised one at a time, so a spec author sees every problem of an
edit in one run, each with file, line and the YAML path.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, get_args

import yaml
from pydantic import BaseModel, ValidationError

from sedata.codes import KINDS as IDENTIFIER_KINDS
from sedata.spec.formats import FormatError, check_portable_pattern
from sedata.spec.model import (
    LAYER_PREFIX,
    CodeSet,
    Constraints,
    DataElement,
    ElementFile,
    Entity,
    EntityField,
    Message,
    ObjectClass,
    PersonalData,
    PrivacyFile,
    Rule,
    RuleFile,
    Source,
    SpecInfo,
    ValueDomain,
)
from sedata.spec.resolved import Domain, resolve_domain
from sedata.spec.rule_params import schema_of, severity_of
from sedata.spec.yamlio import line_of, load_yaml

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class SpecProblem:
    """One problem in the spec: where it is and what is wrong."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class SpecError(Exception):
    """The spec has problems; ``problems`` lists them all."""

    def __init__(self, problems: list[SpecProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Spec:
    """The whole spec, loaded and cross-checked (from spec/ or from the packaged bundle)."""

    root: Path | None
    info: SpecInfo
    sources: dict[str, Source]
    value_domains: dict[str, ValueDomain]
    elements: dict[str, DataElement]
    element_object_class: dict[str, str]
    object_classes: dict[str, ObjectClass]
    codesets: dict[str, dict[str, CodeSet]]
    entities: dict[str, Entity]
    messages: dict[str, Message] = field(default_factory=dict)
    rules: dict[str, Rule] = field(default_factory=dict)
    rule_layers: dict[str, str] = field(default_factory=dict)
    rule_parameters: dict[str, Any] = field(default_factory=dict)
    """Each rule's parameters as its typed model (``sedata.spec.rule_params``)."""
    domains: dict[str, Domain] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    privacy: PrivacyFile | None = None
    """Masking profiles and the pseudonym rule (``spec/privacy.yaml``); None in a spec without one."""
    # Names per field object, computed once: exchange code asks for them per record.
    _wire_names: dict[int, str] = field(default_factory=dict, repr=False, compare=False)

    def codeset_versions(self, codeset_id: str) -> list[CodeSet]:
        """All versions of a code set, oldest first by validity."""
        versions = self.codesets[codeset_id].values()
        return sorted(versions, key=lambda c: c.valid_from.earliest() if c.valid_from else _MIN_DATE)

    def field_key(self, f: EntityField) -> str:
        """The Python name of an entity field."""
        if f.key:
            return f.key
        assert f.element is not None
        return self.elements[f.element].key

    def field_exchange_name(self, f: EntityField) -> str:
        """The JSON key / XML element name of an entity field."""
        name = self._wire_names.get(id(f))
        if name is None:
            name = self._wire_names[id(f)] = self._field_exchange_name(f)
        return name

    def _field_exchange_name(self, f: EntityField) -> str:
        if f.exchange_name:
            return f.exchange_name
        if f.element is not None and not f.key:
            return exchange_name(self.elements[f.element])
        return _camel(self.field_key(f))


_MIN_DATE = dt.date.min
_BROKEN = object()  # a file that could not be read at all (already reported)


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def exchange_name(element: DataElement) -> str:
    """The element's name on the wire: declared, or the key in lowerCamelCase."""
    return element.exchange_name or _camel(element.key)


class _Collector:
    def __init__(self, root: Path):
        self.root = root
        self.problems: list[SpecProblem] = []

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def add(self, file: Path, line: int | None, path: str, message: str) -> None:
        self.problems.append(SpecProblem(self.rel(file), line, path, message))

    def parse(self, model: type[M], data: Any, file: Path, prefix: tuple[Any, ...] = ()) -> M | None:
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                loc = prefix + tuple(err["loc"])
                message = err["msg"]
                last = err["loc"][-1] if err["loc"] else ""
                if err["type"] == "extra_forbidden" and isinstance(last, str) and " " in last.strip():
                    # The usual cause: an unquoted comma inside a {zh: …, en: …} flow mapping.
                    message += (
                        "; a comma inside {…} splits the text: quote the value / {…} 内的逗号会拆分文字，请加引号"
                    )
                self.add(file, line_of(data, tuple(err["loc"])), _dotted(loc), message)
            return None


def _dotted(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _yaml_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.yaml") if p.is_file())


def load_spec(root: Path) -> Spec:
    """Load and check the spec in ``root``; raise SpecError listing every problem found."""
    root = root.resolve()
    c = _Collector(root)
    files: dict[str, str] = {}

    def read(path: Path) -> Any:
        if not path.is_file():
            c.add(path, None, "", "file is missing / 缺少文件")
            return _BROKEN
        files[c.rel(path)] = path.read_text(encoding="utf-8")
        try:
            return load_yaml(path)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            c.add(path, mark.line + 1 if mark else None, "", f"not valid YAML / YAML 语法错误: {exc}")
            return _BROKEN

    def items(path: Path, key: str) -> list[Any]:
        """The list under ``key`` of a file that must be a mapping holding one list."""
        data = read(path)
        if data is _BROKEN:
            return []
        if not isinstance(data, dict) or not isinstance(data.get(key), list):
            c.add(path, getattr(data, "line", None), key, f"expected a mapping with a list under `{key}:`")
            return []
        listed: list[Any] = data[key]
        return listed

    info_path = root / "spec.yaml"
    if not info_path.exists():
        raise SpecError([SpecProblem(str(info_path), None, "", "spec.yaml is missing / 缺少 spec.yaml")])
    raw_info = read(info_path)
    info = None if raw_info is _BROKEN else c.parse(SpecInfo, raw_info, info_path)

    sources: dict[str, Source] = {}
    src_path = root / "sources.yaml"
    for i, item in enumerate(items(src_path, "sources")):
        s = c.parse(Source, item, src_path, ("sources", i))
        if s:
            if s.id in sources:
                c.add(src_path, getattr(item, "line", None), f"sources[{i}]", f"duplicate source id {s.id}")
            sources[s.id] = s

    value_domains: dict[str, ValueDomain] = {}
    vd_path = root / "value-domains.yaml"
    vd_lines: dict[str, tuple[Path, int | None]] = {}
    raw_of: dict[str, Any] = {}  # the YAML mapping of each value domain and element (for the lines of its keys)
    for i, item in enumerate(items(vd_path, "value_domains")):
        vd = c.parse(ValueDomain, item, vd_path, ("value_domains", i))
        if vd:
            if vd.id in value_domains:
                c.add(vd_path, getattr(item, "line", None), f"value_domains[{i}]", f"duplicate id {vd.id}")
            value_domains[vd.id] = vd
            vd_lines[vd.id] = (vd_path, getattr(item, "line", None))
            raw_of[vd.id] = item

    elements: dict[str, DataElement] = {}
    element_oc: dict[str, str] = {}
    object_classes: dict[str, ObjectClass] = {}
    el_lines: dict[str, tuple[Path, int | None]] = {}
    keys_seen: dict[str, str] = {}
    for path in _yaml_files(root / "elements"):
        data = read(path)
        ef = None if data is _BROKEN else c.parse(ElementFile, data, path)
        if not ef:
            continue
        object_classes[ef.object_class.code] = ef.object_class
        for i, el in enumerate(ef.elements):
            line = getattr(data["elements"][i], "line", None)
            if not el.id.startswith(f"SE.{ef.object_class.code}."):
                c.add(path, line, f"elements[{i}]", f"{el.id} is not in object class {ef.object_class.code}")
            if el.id in elements:
                c.add(path, line, f"elements[{i}]", f"duplicate element id {el.id}")
            if el.key in keys_seen:
                c.add(path, line, f"elements[{i}]", f"key {el.key} already used by {keys_seen[el.key]}")
            keys_seen[el.key] = el.id
            elements[el.id] = el
            element_oc[el.id] = ef.object_class.code
            el_lines[el.id] = (path, line)
            raw_of[el.id] = data["elements"][i]

    codesets: dict[str, dict[str, CodeSet]] = {}
    cs_lines: dict[tuple[str, str], Path] = {}
    for path in _yaml_files(root / "codesets"):
        data = read(path)
        cs = None if data is _BROKEN else c.parse(CodeSet, data, path)
        if not cs:
            continue
        if cs.version in codesets.get(cs.id, {}):
            c.add(path, 1, "", f"code set {cs.id}@{cs.version} is defined twice")
        codesets.setdefault(cs.id, {})[cs.version] = cs
        cs_lines[(cs.id, cs.version)] = path
        _check_codeset(c, cs, path, data)

    entities: dict[str, Entity] = {}
    ent_data: dict[str, tuple[Path, Any]] = {}
    for path in _yaml_files(root / "entities"):
        data = read(path)
        ent = None if data is _BROKEN else c.parse(Entity, data, path)
        if ent:
            if ent.id in entities:
                c.add(path, 1, "", f"duplicate entity {ent.id}")
            entities[ent.id] = ent
            ent_data[ent.id] = (path, data)

    messages: dict[str, Message] = {}
    msg_files: dict[str, Path] = {}
    for path in _yaml_files(root / "messages"):
        data = read(path)
        msg = None if data is _BROKEN else c.parse(Message, data, path)
        if msg:
            if msg.id in messages:
                c.add(path, 1, "", f"duplicate message {msg.id}")
            messages[msg.id] = msg
            msg_files[msg.id] = path

    rules: dict[str, Rule] = {}
    rule_layers: dict[str, str] = {}
    rule_files: dict[str, Path] = {}
    rule_data: dict[str, Any] = {}
    rule_parameters: dict[str, Any] = {}
    for path in _yaml_files(root / "rules"):
        data = read(path)
        rf = None if data is _BROKEN else c.parse(RuleFile, data, path)
        if not rf:
            continue
        for i, rule in enumerate(rf.rules):
            line = line_of(data, ("rules", i))
            if rule.id in rules:
                c.add(path, line, f"rules[{i}]", f"duplicate rule id {rule.id}")
            if rule.id.split("-")[1] != LAYER_PREFIX[rf.layer]:
                c.add(path, line, f"rules[{i}]", f"{rule.id} does not belong to layer {rf.layer}")
            rules[rule.id] = rule
            rule_layers[rule.id] = rf.layer
            rule_files[rule.id] = path
            rule_data[rule.id] = data["rules"][i]
            typed = _rule_parameters(c, rule, rf.layer, data["rules"][i], path, i)
            if typed is not None:
                rule_parameters[rule.id] = typed

    privacy: PrivacyFile | None = None
    privacy_path = root / "privacy.yaml"
    privacy_data: Any = None
    if privacy_path.exists():  # optional, so a spec without personal data needs none
        privacy_data = read(privacy_path)
        if privacy_data is not _BROKEN:
            privacy = c.parse(PrivacyFile, privacy_data, privacy_path)

    if info is None or c.problems:
        raise SpecError(c.problems)

    spec = Spec(
        root,
        info,
        sources,
        value_domains,
        elements,
        element_oc,
        object_classes,
        codesets,
        entities,
        messages=messages,
        rules=rules,
        rule_layers=rule_layers,
        rule_parameters=rule_parameters,
        files=files,
    )

    def cite(path: Path, line: int | None, where: str, refs: Iterable[Any]) -> None:
        for r in refs:
            if r.ref not in sources:
                c.add(path, line, where, f"cites unknown source {r.ref!r} (add it to sources.yaml)")

    broken_domains: set[str] = set()
    for vd in value_domains.values():
        path, line = vd_lines[vd.id]
        cite(path, line, vd.id, vd.sources)
        dom = _resolve(c, spec, vd, path, line, vd.id)
        if dom:
            _check_examples(c, dom, vd.examples, vd.invalid_examples, path, line, vd.id)
        else:
            broken_domains.add(vd.id)
    for el in elements.values():
        path, line = el_lines[el.id]
        cite(path, line, el.id, el.sources)
        if el.value_domain in broken_domains:
            continue  # already reported once, at the value domain
        dom = _resolve(c, spec, el, path, line, el.id)
        if dom:
            spec.domains[el.id] = dom
            _check_examples(c, dom, el.examples, [], path, line, el.id)
    for (cs_id, version), path in cs_lines.items():
        cite(path, 1, f"{cs_id}@{version}", codesets[cs_id][version].sources)
    for ent in entities.values():
        path, data = ent_data[ent.id]
        cite(path, 1, ent.id, ent.sources)
        _check_entity(c, spec, ent, path, data)
    _check_nesting(c, spec, ent_data)
    for rule in rules.values():
        cite(rule_files[rule.id], line_of(rule_data[rule.id], ()), rule.id, rule.sources)
        _check_rule(c, spec, rule, rule_files[rule.id], rule_data[rule.id], cite)
    for vd in value_domains.values():
        path, _ = vd_lines[vd.id]
        _check_identifiers(c, vd, path, line_of(raw_of[vd.id], ("identifier",)), vd.id)
    for el in elements.values():
        path, _ = el_lines[el.id]
        _check_identifiers(c, el, path, line_of(raw_of[el.id], ("identifier",)), el.id)
    for msg in messages.values():
        cite(msg_files[msg.id], 1, msg.id, msg.sources)
        _check_message(c, spec, msg, msg_files[msg.id])
    _check_envelope(c, spec, info_path, raw_info)
    for el in elements.values():
        path, line = el_lines[el.id]
        _check_personal_when(c, spec, el, path, line)
    if privacy is not None:
        spec.privacy = privacy
        cite(privacy_path, None, "pseudonym", privacy.pseudonym.sources)
        for profile in privacy.profiles:
            cite(privacy_path, None, f"profiles.{profile.id}", profile.sources)
        _check_privacy(c, spec, privacy, privacy_path, privacy_data)
    declared = [e.code for cs in codesets.get("message-type", {}).values() for e in cs.entries]
    if sorted(declared) != sorted(messages):
        c.add(
            root / "codesets",
            None,
            "message-type",
            f"the message-type code set {sorted(declared)} must list exactly the messages {sorted(messages)}",
        )
    if c.problems:
        raise SpecError(c.problems)
    return spec


def _resolve(c: _Collector, spec: Spec, item: Constraints, path: Path, line: int | None, where: str) -> Domain | None:
    try:
        named = None
        if isinstance(item, DataElement) and item.value_domain:
            named = spec.value_domains.get(item.value_domain)
            if named is None:
                raise FormatError(f"unknown value domain {item.value_domain!r}")
        return resolve_domain(item, named, spec.codesets)
    except FormatError as exc:
        c.add(path, line, where, str(exc))
        return None


def _check_examples(
    c: _Collector,
    dom: Domain,
    good: list[str],
    bad: list[str],
    path: Path,
    line: int | None,
    where: str,
) -> None:
    for ex in good:
        if not dom.accepts_lexical(ex):
            c.add(path, line, where, f"example {ex!r} does not fit the value domain")
    for ex in bad:
        if dom.accepts_lexical(ex):
            c.add(path, line, where, f"invalid example {ex!r} is accepted by the value domain")


def _check_codeset(c: _Collector, cs: CodeSet, path: Path, data: Any) -> None:
    codes: dict[str, int] = {}
    for i, entry in enumerate(cs.entries):
        line = line_of(data, ("entries", i))
        where = f"entries[{i}]"
        if entry.code in codes:
            c.add(path, line, where, f"code {entry.code} repeats entry {codes[entry.code]}")
        codes[entry.code] = i
        if cs.levels and entry.level not in cs.levels:
            c.add(path, line, where, f"level {entry.level!r} is not one of {cs.levels}")
        if not cs.levels and entry.level:
            c.add(path, line, where, "the code set declares no levels")
        if re.search(r"\s", entry.code):
            c.add(path, line, where, "codes carry no white space")
    for i, entry in enumerate(cs.entries):
        if entry.parent is not None:
            line = line_of(data, ("entries", i))
            if entry.parent not in codes:
                c.add(path, line, f"entries[{i}]", f"parent {entry.parent} is not a code of this set")
            elif cs.levels and entry.level:
                parent_level = cs.entries[codes[entry.parent]].level
                if parent_level and cs.levels.index(parent_level) >= cs.levels.index(entry.level):
                    c.add(path, line, f"entries[{i}]", f"parent {entry.parent} is not at a higher level")


def _check_entity(c: _Collector, spec: Spec, ent: Entity, path: Path, data: Any) -> None:
    seen: dict[str, int] = {}
    wire: dict[str, int] = {}
    for i, f in enumerate(ent.fields):
        line = line_of(data, ("fields", i))
        where = f"fields[{i}]"
        if f.element is not None and f.element not in spec.elements:
            c.add(path, line, where, f"unknown data element {f.element}")
            continue
        if f.entity is not None and f.entity not in spec.entities:
            c.add(path, line, where, f"unknown entity {f.entity}")
            continue
        key = spec.field_key(f)
        if key in seen:
            c.add(path, line, where, f"field key {key} repeats fields[{seen[key]}]; give one a `key`")
        seen[key] = i
        name = spec.field_exchange_name(f)
        if name in wire:
            c.add(path, line, where, f"exchange name {name} repeats fields[{wire[name]}]")
        wire[name] = i
        if f.references is not None:
            problem = _reference_problem(spec, f)
            if problem:
                c.add(path, line, f"{where}.references", problem)
    _check_layout(c, ent, path, data, seen)
    for k in ent.business_key:
        if k not in seen:
            c.add(path, 1, "business_key", f"{k} is not a field of {ent.id}")
        elif ent.fields[seen[k]].obligation != "M" or ent.fields[seen[k]].repeated:
            c.add(path, 1, "business_key", f"{k} is a business key, so it must be mandatory (M) and single")
    if ent.event_date is not None:
        event = ent.fields[seen[ent.event_date]] if ent.event_date in seen else None
        if event is None or event.element is None or event.repeated:
            c.add(path, 1, "event_date", f"{ent.event_date} is not a single data-element field of {ent.id}")
        elif event.element in spec.domains and spec.domains[event.element].data_type not in ("date", "datetime"):
            c.add(path, 1, "event_date", f"{ent.event_date} is not a date or datetime field")


def _check_layout(c: _Collector, ent: Entity, path: Path, data: Any, keys: dict[str, int]) -> None:
    """A form layout names each field of the entity once, and nothing else."""
    if not ent.layout:
        return
    placed: dict[str, int] = {}
    for i, section in enumerate(ent.layout):
        line = line_of(data, ("layout", i, "fields"))
        for name in section.fields:
            where = f"layout[{i}].fields"
            if name not in keys:
                c.add(path, line, where, f"{name} is not a field of {ent.id} / {name} 不是 {ent.id} 的字段")
            elif name in placed:
                c.add(path, line, where, f"{name} is already in layout[{placed[name]}] / {name} 已在其他分节中")
            else:
                placed[name] = i
    missing = [k for k in keys if k not in placed]
    if missing:
        c.add(
            path,
            line_of(data, ("layout",)),
            "layout",
            f"the layout leaves out {', '.join(missing)} / 表单版式缺少字段 {'、'.join(missing)}",
        )


def _reference_problem(spec: Spec, f: EntityField) -> str | None:
    """What is wrong with a field's ``references`` (None: it names a key the field's values can fill)."""
    target = spec.entities.get(f.references or "")
    if target is None:
        return f"references unknown entity {f.references}"
    if target.component or len(target.business_key) != 1:
        # A composite key (equipment code + change date) cannot be named by the value of one field.
        return f"{target.id} has no single-field business key, so a field cannot reference it"
    (key,) = target.business_key
    key_field = next((k for k in target.fields if spec.field_key(k) == key), None)
    if key_field is None or key_field.element is None or f.element is None:
        return None  # reported at the target's business_key
    mine, theirs = spec.domains.get(f.element), spec.domains.get(key_field.element)
    if mine is None or theirs is None:
        return None  # a broken value domain, reported at the element
    if not domain_fits(mine, theirs):
        return (
            f"the values of {f.element} ({mine.value_domain or mine.format}) cannot be keys of {target.id}: "
            f"{key_field.element} ({theirs.value_domain or theirs.format}) has another value domain"
        )
    return None


def domain_fits(mine: Domain, theirs: Domain) -> bool:
    """Whether every value ``mine`` admits is admitted by ``theirs`` (same domain, or a narrower identifier)."""
    if mine.value_domain is not None and mine.value_domain == theirs.value_domain:
        return True
    same = ("data_type", "format", "pattern", "lexical_pattern", "codeset", "codeset_versions", "level")
    if any(getattr(mine, a) != getattr(theirs, a) for a in same):
        return False
    # A USCC-only field may name a key that is a USCC or a citizen ID, not the other way round.
    return set(mine.identifiers) <= set(theirs.identifiers) and (bool(mine.identifiers) or not theirs.identifiers)


def _check_personal_when(c: _Collector, spec: Spec, el: DataElement, path: Path, line: int | None) -> None:
    """``personal_when`` needs ``personal_data`` and names elements that can hold a citizen ID."""
    if el.personal_when and el.personal_data is None:
        c.add(path, line, el.id, "personal_when needs personal_data (what kind of personal data the value is)")
    for ref in el.personal_when:
        other = spec.elements.get(ref)
        if other is None:
            c.add(path, line, f"{el.id}.personal_when", f"unknown data element {ref}")
        elif other.personal_data != "citizen-id":
            c.add(path, line, f"{el.id}.personal_when", f"{ref} is not marked personal_data: citizen-id")


def _check_privacy(c: _Collector, spec: Spec, privacy: PrivacyFile, path: Path, data: Any) -> None:
    """Portable shapes that accept their examples and refuse their invalid examples; profiles tied to the code set."""

    def shape(pattern: str, where: tuple[Any, ...]) -> re.Pattern[str] | None:
        try:
            check_portable_pattern(pattern)
        except FormatError as exc:
            c.add(path, line_of(data, where), _dotted(where), str(exc))
            return None
        return re.compile(pattern)

    rule = privacy.pseudonym
    pseudonym = shape(rule.pattern, ("pseudonym", "pattern"))
    if pseudonym is not None:
        if not pseudonym.fullmatch(rule.prefix + "A" * rule.length):
            c.add(path, line_of(data, ("pseudonym",)), "pseudonym.pattern", "does not fit prefix and length")
        for i, vector in enumerate(rule.test_vectors):
            if not pseudonym.fullmatch(vector.pseudonym):
                where = ("pseudonym", "test_vectors", i)
                c.add(path, line_of(data, where), _dotted(where), "the pseudonym does not fit the pattern")
    kinds = set(get_args(PersonalData))
    ids = [p.id for p in privacy.profiles]
    for i, profile in enumerate(privacy.profiles):
        at: tuple[Any, ...] = ("profiles", i)
        if ids.count(profile.id) > 1:
            c.add(path, line_of(data, at), _dotted(at), f"duplicate profile {profile.id}")
        missing = sorted(kinds - set(profile.kinds))
        if missing:
            c.add(path, line_of(data, at), _dotted(at), f"profile {profile.id} says nothing about {missing}")
        for other in profile.refines:
            if other not in ids or other == profile.id:
                c.add(path, line_of(data, at), f"{_dotted(at)}.refines", f"{other} is not another profile")
        for kind, how in profile.kinds.items():
            where = (*at, "kinds", kind)
            if profile.key == "required" and how.method != "pseudonym":
                c.add(path, line_of(data, where), _dotted(where), "a profile that requires a key pseudonymises")
            compiled = shape(how.shape, (*where, "shape"))
            if compiled is None:
                continue
            for ex in how.examples:
                if not compiled.fullmatch(ex.masked):
                    c.add(path, line_of(data, where), _dotted(where), f"example {ex.masked!r} does not fit the shape")
            for bad in how.invalid_examples:
                if compiled.fullmatch(bad) or (pseudonym is not None and pseudonym.fullmatch(bad)):
                    c.add(path, line_of(data, where), _dotted(where), f"invalid example {bad!r} fits the shape")
    shown = privacy.by_id.get(privacy.report_profile)
    if shown is None or shown.key != "optional" or any(h.method == "pseudonym" for h in shown.kinds.values()):
        c.add(
            path,
            line_of(data, ("report_profile",)),
            "report_profile",
            f"{privacy.report_profile} is not a profile that masks without a key / 不是无需密钥的脱敏方式",
        )
    declared = sorted(e.code for cs in spec.codesets.get("masking-profile", {}).values() for e in cs.entries)
    if declared != sorted(ids):
        c.add(path, None, "profiles", f"the masking-profile code set {declared} must list exactly the profiles {ids}")


_WRAPPER = ("record_type", "operation", "record_key", "record_version")
"""Envelope parts that wrap each record; the others are fields of the header."""


def _check_envelope(c: _Collector, spec: Spec, path: Path, raw: Any) -> None:
    """spec.yaml's envelope names a header component and elements that exist (header parts among its fields)."""
    envelope = spec.info.envelope
    if envelope is None:
        c.add(path, None, "envelope", "spec.yaml must name the envelope's elements / spec.yaml 须给出 envelope")
        return
    header = spec.entities.get(envelope.header)
    if header is None or not header.component:
        message = f"{envelope.header} is not a component entity / 报文头须为组件实体"
        c.add(path, line_of(raw, ("envelope", "header")), "envelope.header", message)
        return
    fields = {f.element for f in header.fields}
    for part, element in envelope.elements().items():
        where = ("envelope", part)
        if element not in spec.elements:
            c.add(path, line_of(raw, where), _dotted(where), f"{element} is not a data element / 未知数据元")
        elif part not in _WRAPPER and element not in fields:
            message = f"{element} is not a field of {envelope.header} / 不是报文头的字段"
            c.add(path, line_of(raw, where), _dotted(where), message)


def _check_message(c: _Collector, spec: Spec, msg: Message, path: Path) -> None:
    seen: set[str] = set()
    for i, rec in enumerate(msg.records):
        where = f"records[{i}]"
        ent = spec.entities.get(rec.entity)
        if ent is None:
            c.add(path, None, where, f"unknown entity {rec.entity}")
        elif ent.component:
            c.add(path, None, where, f"{rec.entity} is a component; messages carry top-level entities only")
        elif not ent.business_key:
            c.add(path, None, where, f"{rec.entity} has no business_key, so change-set records could not name it")
        if rec.entity in seen:
            c.add(path, None, where, f"{rec.entity} is listed twice")
        seen.add(rec.entity)


def _check_nesting(c: _Collector, spec: Spec, ent_data: dict[str, tuple[Path, Any]]) -> None:
    """Nested entities must be components and must not contain themselves."""

    def walk(ent_id: str, trail: tuple[str, ...]) -> None:
        for f in spec.entities[ent_id].fields:
            if f.entity is None:
                continue
            if f.entity in trail:
                path, _ = ent_data[ent_id]
                c.add(path, 1, ent_id, f"entity nesting forms a cycle: {' → '.join((*trail, f.entity))}")
                continue
            if not spec.entities[f.entity].component:
                path, _ = ent_data[ent_id]
                c.add(path, 1, ent_id, f"{f.entity} is nested, so it must be declared `component: true`")
            walk(f.entity, (*trail, f.entity))

    for ent_id in spec.entities:
        walk(ent_id, (ent_id,))


def _rule_parameters(c: _Collector, rule: Rule, layer: str, raw: Any, path: Path, i: int) -> Any:
    """The rule's parameters as its declared schema's model (None, with the problems added, when they do not fit)."""
    params = raw.get("parameters") if isinstance(raw, dict) else None
    params = {} if params is None else params
    at = ("rules", i, "parameters")
    schema = schema_of(rule.id)
    if schema is None:
        message = f"{rule.id} has no declared parameter schema / 规则参数无模式"
        c.add(path, line_of(raw, ()), _dotted(at[:2]), message)
        return None
    try:
        return schema.parameters.model_validate(params)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err["loc"])
            c.add(path, line_of(raw, ("parameters", *loc)), _dotted(at + loc), f"{rule.id}: {err['msg']}")
        return None


def _check_rule(c: _Collector, spec: Spec, rule: Rule, path: Path, raw: Any, cite: Any) -> None:
    """A rule's scope names entities with the fields it reads; its parameters name codes and elements that exist."""
    schema = schema_of(rule.id)
    line = line_of(raw, ("applies_to",))
    for j, ent_id in enumerate(rule.applies_to):
        where = ("applies_to", j)
        ent = spec.entities.get(ent_id)
        if ent is None:
            c.add(path, line, f"{rule.id}.{_dotted(where)}", f"unknown entity {ent_id!r} / 未知实体")
            continue
        keys = {spec.field_key(f) for f in ent.fields}
        missing = [k for k in (schema.reads if schema else ()) if k not in keys]
        if missing:
            message = f"{ent_id} has no field {', '.join(missing)} the rule reads / 实体缺少规则读取的字段"
            c.add(path, line, f"{rule.id}.{_dotted(where)}", message)
    typed = spec.rule_parameters.get(rule.id)
    if typed is None or not hasattr(typed, "problems"):
        return
    for loc, message in typed.problems(spec):
        c.add(path, line_of(raw, ("parameters", *loc)), _dotted((rule.id, "parameters", *loc)), message)
    for loc, version in _versions(typed):
        at = ("parameters", *loc)
        cite(path, line_of(raw, at), _dotted((rule.id, *at)), version.sources)
        if severity_of(rule, version) == "error" and version.status != "CONFIRMED":
            # CONFIRMED facts are errors; a PARTIAL or UNCONFIRMED version warns at most.
            c.add(
                path,
                line_of(raw, (*at, "status")),
                _dotted((rule.id, *at, "status")),
                f"status {version.status} in an error rule: move it to a warning rule / 未确认的版本不得作为错误",
            )
        elif version.status != rule.status and version.status not in rule.severity_by_status:
            # The finding's severity follows the version's status, so a status the rule does not state needs one.
            c.add(
                path,
                line_of(raw, (*at, "status")),
                _dotted((rule.id, *at, "status")),
                f"status {version.status} differs from the rule's {rule.status}: give its severity in "
                f"severity_by_status / 版本状态与规则不同，须在 severity_by_status 中给出其严重程度",
            )
    for status, severity in rule.severity_by_status.items():
        if severity == "error" and status != "CONFIRMED":
            graded: tuple[str, str] = ("severity_by_status", status)
            message = f"{status} cannot be an error / 未确认不得为错误"
            c.add(path, line_of(raw, graded), _dotted((rule.id, *graded)), message)


def _versions(typed: Any) -> list[tuple[tuple[str, int], Any]]:
    """The dated versions inside typed parameters, each with its place (list name, index)."""
    from sedata.spec.rule_params import Dated

    out: list[tuple[tuple[str, int], Any]] = []
    for name, value in typed.__dict__.items():
        if isinstance(value, list):
            out += [((name, i), v) for i, v in enumerate(value) if isinstance(v, Dated)]
    return out


def _check_identifiers(c: _Collector, item: Constraints, path: Path, line: int | None, where: str) -> None:
    """Every identifier name is one of the identifier modules of ``sedata.codes`` (its one registry)."""
    for name in item.identifier:
        if name not in IDENTIFIER_KINDS:
            c.add(
                path,
                line,
                f"{where}.identifier",
                f"unknown identifier {name!r} / 未知标识符（known: {', '.join(IDENTIFIER_KINDS)}）",
            )


__all__ = ["Spec", "SpecError", "SpecProblem", "check_portable_pattern", "exchange_name", "load_spec"]
