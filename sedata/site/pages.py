"""The Markdown pages of one spec version in one language: a page per element, value domain, code set,
entity, message and rule, section indexes, sources and the version list.

Pages link to each other with relative ``.md`` links (MkDocs checks and rewrites them); the link to the same
page in the other language is plain HTML, since it leaves this language's site.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sedata.site.cases import RuleExamples, rule_examples
from sedata.site.diff import diff
from sedata.site.text import LANG_NAMES, STATUS_WORDS, both, code, md, slug, word
from sedata.site.usage import Usage, usage
from sedata.site.versions import SiteVersion, ordered
from sedata.spec import Spec, exchange_name
from sedata.spec.model import CodeEntry, CodeSet, DataElement, Entity, EntityField, Message, Rule, SourceRef

EXAMPLE_FORMATS = (("json", "JSON"), ("jsonl", "JSON Lines"), ("xml", "XML"))
MAX_EXAMPLE_LINES = 120
# Dictionary entries rank above the rules and messages that mention them (Material's front-matter boost).
SEARCH_BOOST = {"elements": 4, "codesets": 3, "entities": 3, "domains": 2}
SCHEMA_FILES = {"json_schema": "schemas/sedata.schema.json", "xsd": "schemas/sedata.xsd"}


@dataclass(frozen=True)
class Page:
    """A page: its path in the docs folder and its Markdown."""

    path: str
    markdown: str


def element_path(element_id: str) -> str:
    return f"elements/{element_id}.md"


def domain_path(domain_id: str) -> str:
    return f"domains/{domain_id}.md"


def codeset_path(codeset_id: str) -> str:
    return f"codesets/{codeset_id}.md"


def entity_path(entity_id: str) -> str:
    return f"entities/{entity_id}.md"


def message_path(message_id: str) -> str:
    return f"messages/{message_id}.md"


def rule_path(rule_id: str) -> str:
    return f"rules/{rule_id}.md"


class _Writer:
    """Writes the pages of one version in one language."""

    def __init__(self, version: SiteVersion, versions: list[SiteVersion], lang: str):
        self.version = version
        self.versions = ordered(versions)
        self.spec: Spec = version.spec
        self.lang = lang
        self.used: Usage = usage(self.spec)
        self.here = ""

    # --- helpers ---------------------------------------------------------------------------------------------

    def w(self, name: str) -> str:
        return word(name, self.lang)

    def t(self, text: object) -> str:
        return md(both(text, self.lang)) if text is not None else ""  # type: ignore[arg-type]

    def link(self, label: str, target: str, anchor: str | None = None) -> str:
        rel = posixpath.relpath(target, posixpath.dirname(self.here) or ".")
        return f"[{label}]({rel}{'#' + anchor if anchor else ''})"

    def element_link(self, element_id: str) -> str:
        e = self.spec.elements.get(element_id)
        label = f"{element_id} {md(both(e.name, self.lang))}" if e else element_id
        return self.link(label, element_path(element_id)) if e else md(element_id)

    def entity_link(self, entity_id: str) -> str:
        ent = self.spec.entities.get(entity_id)
        return (
            self.link(f"{entity_id} {md(both(ent.name, self.lang))}", entity_path(entity_id)) if ent else md(entity_id)
        )

    def codeset_link(self, codeset_id: str, version: str | None = None) -> str:
        if codeset_id not in self.spec.codesets:
            return md(codeset_id)
        label = codeset_id + (f"@{version}" if version else "")
        return self.link(label, codeset_path(codeset_id), slug(f"v-{version}") if version else None)

    def badge(self, status: str | None) -> str:
        if not status:
            return ""
        zh, en = STATUS_WORDS[status]
        return f'<span class="se-badge se-{status.lower()}">{status} {zh if self.lang == "zh" else en}</span>'

    def sources(self, refs: list[SourceRef]) -> str:
        parts = []
        for ref in refs:
            label = md(ref.ref)
            if ref.ref in self.spec.sources:
                label = self.link(label, "sources.md", slug(ref.ref))
            parts.append(label + (f" {md(ref.clause)}" if ref.clause else ""))
        return "; ".join(parts)

    def header(self, title: str, status: str | None = None) -> list[str]:
        other = "en" if self.lang == "zh" else "zh"
        depth = self.here.count("/")
        prefix = "../" * (depth + 1)
        other_href = f"{prefix}{other}/{self.here[:-3]}.html"
        lines = []
        boost = SEARCH_BOOST.get(self.here.split("/")[0])
        if boost:
            lines += ["---", "search:", f"  boost: {boost}", "---", ""]
        lines += [f"# {title}", ""]
        lines.append(
            f'<p class="se-lang"><a href="{other_href}" hreflang="{other}" lang="{other}">{LANG_NAMES[other]}</a>'
            + (f" {self.badge(status)}" if status else "")
            + "</p>"
        )
        lines.append("")
        return lines

    def table(self, rows: list[tuple[str, str]]) -> list[str]:
        kept = [(k, v) for k, v in rows if v not in ("", None)]
        lines = [f"| {self.w('attribute')} | {self.w('value')} |", "|---|---|"]
        lines += [f"| {k} | {v} |" for k, v in kept]
        lines.append("")
        return lines

    # --- pages -----------------------------------------------------------------------------------------------

    def element(self, e: DataElement) -> Page:
        self.here = element_path(e.id)
        d = self.spec.domains[e.id]
        oc = self.spec.object_classes[self.spec.element_object_class[e.id]]
        lines = self.header(f"{e.id} {md(both(e.name, self.lang))}", e.status)
        lines += [f"## {self.w('attributes')}", ""]
        lines += self.table(
            [
                (self.w("identifier"), code(e.id)),
                (self.w("version"), str(e.version)),
                (self.w("name_zh"), md(e.name.zh)),
                (self.w("name_en"), md(e.name.en)),
                (self.w("definition"), self.t(e.definition)),
                (self.w("synonyms"), md(", ".join(e.synonyms))),
                (self.w("object_class"), f"{code(oc.code)} {self.t(oc.name)}"),
                (self.w("exchange_name"), code(exchange_name(e))),
                (self.w("key"), code(e.key)),
                (self.w("status"), self.badge(e.status)),
                (self.w("personal"), md(e.personal_data or "")),
                (self.w("personal_when"), ", ".join(self.element_link(x) for x in e.personal_when)),
                (self.w("sources"), self.sources(e.sources)),
                (self.w("note"), md(e.note or "")),
            ]
        )
        lines += [f"## {self.w('representation')}", ""]
        lines += self.table(
            [
                (self.w("domain"), self.link(d.value_domain, domain_path(d.value_domain)) if d.value_domain else ""),
                (self.w("data_type"), code(d.data_type)),
                (self.w("format"), code(d.format)),
                (self.w("pattern"), code(d.pattern) if d.pattern else ""),
                (self.w("min"), md(d.minimum) if d.minimum is not None else ""),
                (self.w("max"), md(d.maximum) if d.maximum is not None else ""),
                (self.w("unit"), md(d.unit or "")),
                (
                    self.w("codeset"),
                    ", ".join(self.codeset_link(d.codeset, v) for v in d.codeset_versions) if d.codeset else "",
                ),
                (self.w("level"), md(d.level or "")),
                (self.w("identifier_rules"), ", ".join(code(i) for i in d.identifiers)),
                (self.w("examples"), ", ".join(code(x) for x in e.examples)),
            ]
        )
        lines += [f"## {self.w('where_used')}", ""]
        holders = self.used.element_in.get(e.id, [])
        if not holders:
            lines += [self.w("no_use"), ""]
        else:
            lines += [f"| {self.w('entity')} | {self.w('obligation')} | {self.w('messages')} |", "|---|---|---|"]
            for entity_id, f in holders:
                messages = ", ".join(
                    self.link(m, message_path(m)) for m in self.used.entity_messages.get(entity_id, [])
                )
                lines.append(f"| {self.entity_link(entity_id)} | {f.obligation} | {messages} |")
            lines.append("")
        rules = self.used.element_rules.get(e.id, [])
        if rules:
            lines += [f"{self.w('rules')}: " + ", ".join(self.link(r, rule_path(r)) for r in rules), ""]
        return Page(self.here, "\n".join(lines))

    def domain(self, domain_id: str) -> Page:
        vd = self.spec.value_domains[domain_id]
        self.here = domain_path(domain_id)
        lines = self.header(f"{vd.id} {md(both(vd.name, self.lang))}", vd.status)
        lines += self.table(
            [
                (self.w("identifier"), code(vd.id)),
                (self.w("definition"), self.t(vd.definition)),
                (self.w("data_type"), code(vd.data_type) if vd.data_type else ""),
                (self.w("format"), code(vd.format) if vd.format else ""),
                (self.w("pattern"), code(vd.pattern) if vd.pattern else ""),
                (self.w("codeset"), self.codeset_link(vd.codeset) if vd.codeset else ""),
                (self.w("identifier_rules"), ", ".join(code(i) for i in vd.identifier)),
                (self.w("unit"), md(vd.unit or "")),
                (self.w("examples"), ", ".join(code(x) for x in vd.examples)),
                (self.w("invalid_examples"), ", ".join(code(x) for x in vd.invalid_examples)),
                (self.w("status"), self.badge(vd.status)),
                (self.w("sources"), self.sources(vd.sources)),
                (self.w("note"), md(vd.note or "")),
            ]
        )
        users = self.used.domain_elements.get(domain_id, [])
        lines += [f"## {self.w('used_by_elements')}", ""]
        lines += [f"- {self.element_link(x)}" for x in users] or [self.w("no_use")]
        return Page(self.here, "\n".join(lines) + "\n")

    def codeset(self, codeset_id: str) -> Page:
        versions = self.spec.codeset_versions(codeset_id)
        newest = versions[-1]
        self.here = codeset_path(codeset_id)
        lines = self.header(f"{codeset_id} {md(both(newest.name, self.lang))}", newest.status)
        lines += [self.t(newest.definition), ""] if newest.definition else []
        lines += [
            f"{self.w('versions')}: " + ", ".join(f"[{md(v.version)}](#{slug('v-' + v.version)})" for v in versions),
            "",
        ]
        users = self.used.codeset_elements.get(codeset_id, [])
        lines += [f"{self.w('used_by_elements')}: " + (", ".join(self.element_link(x) for x in users) or "—"), ""]
        for cs in reversed(versions):
            lines += self.codeset_version(cs)
        return Page(self.here, "\n".join(lines))

    def codeset_version(self, cs: CodeSet) -> list[str]:
        lines = [f"## {md(cs.id)}@{md(cs.version)} {md(both(cs.name, self.lang))} {{#{slug('v-' + cs.version)}}}", ""]
        lines += self.table(
            [
                (self.w("version"), code(cs.version)),
                (self.w("valid"), md(f"{cs.valid_from or '…'} – {cs.valid_to or '…'}")),
                (self.w("status"), self.badge(cs.status)),
                (self.w("coding"), code(cs.coding)),
                (self.w("levels"), md(", ".join(cs.levels))),
                (self.w("supersedes"), self.codeset_link(cs.id, cs.supersedes) if cs.supersedes else ""),
                (
                    self.w("external"),
                    f"{code(cs.external.package)} {code(cs.external.resource)} ≥ {md(cs.external.min_version)}"
                    if cs.external
                    else "",
                ),
                (self.w("sources"), self.sources(cs.sources)),
                (self.w("note"), md(cs.note or "")),
            ]
        )
        if not cs.entries:
            return lines
        lines += [f"### {self.w('entries')} ({len(cs.entries)})", ""]
        head = ["code", "name_zh", "name_en", "level", "parent", "valid", "status", "applies_to", "note"]
        rows = []
        for entry in cs.entries:
            valid = f"{entry.valid_from or '…'} – {entry.valid_to or '…'}" if entry.valid_from or entry.valid_to else ""
            rows.append(
                [
                    code(entry.code),
                    md(entry.zh),
                    md(entry.en or ""),
                    md(entry.level or ""),
                    code(entry.parent) if entry.parent else "",
                    md(valid),
                    self.badge(entry.status),
                    md(", ".join(entry.applies_to)),
                    md(entry.note or ""),
                ]
            )
        # Columns no entry fills are left out: a code set with neither validity nor notes reads as a short table.
        used = [i for i in range(len(head)) if i < 2 or any(row[i] for row in rows)]
        lines += ["| " + " | ".join(self.w(head[i]) for i in used) + " |", "|" + "---|" * len(used)]
        lines += ["| " + " | ".join(row[i] for i in used) + " |" for row in rows]
        lines.append("")
        if any(entry.parent for entry in cs.entries):
            lines += [f"### {self.w('hierarchy')}", ""]
            lines += list(self.tree(cs, None, 0))
            lines.append("")
        return lines

    def tree(self, cs: CodeSet, parent: str | None, depth: int) -> Iterator[str]:
        children: list[CodeEntry] = cs.children.get(parent, [])
        for entry in children:
            name = entry.en if self.lang == "en" and entry.en else entry.zh
            yield f"{'    ' * depth}- {code(entry.code)} {md(name)}"
            yield from self.tree(cs, entry.code, depth + 1)

    def entity(self, ent: Entity) -> Page:
        self.here = entity_path(ent.id)
        lines = self.header(f"{ent.id} {md(both(ent.name, self.lang))}", ent.status)
        lines += self.table(
            [
                (self.w("identifier"), code(ent.id)),
                (self.w("definition"), self.t(ent.definition)),
                (self.w("business_key"), ", ".join(code(k) for k in ent.business_key)),
                (self.w("event_date"), code(ent.event_date) if ent.event_date else ""),
                (self.w("component"), "✓" if ent.component else ""),
                (self.w("status"), self.badge(ent.status)),
                (self.w("sources"), self.sources(ent.sources)),
                (self.w("note"), md(ent.note or "")),
            ]
        )
        lines += [f"## {self.w('fields')}", ""]
        if ent.layout:
            # The form's sections, in its order: a reader holds the paper form beside the page.
            by_key = {self.spec.field_key(f): f for f in ent.fields}
            n = 0
            for section in ent.layout:
                heading = section.section.zh + ("" if self.lang == "zh" else f" · {section.section.en}")
                lines += [f"### {md(heading)}", ""]
                lines += self.field_table([(n + i, by_key[k]) for i, k in enumerate(section.fields, 1)])
                n += len(section.fields)
        else:
            lines += self.field_table(list(enumerate(ent.fields, 1)))
        lines += [f"## {self.w('where_used')}", ""]
        holders = [self.entity_link(x) for x in self.used.entity_in.get(ent.id, [])]
        holders += [self.link(m, message_path(m)) for m in self.used.entity_messages.get(ent.id, [])]
        lines += [", ".join(holders) or self.w("no_use"), ""]
        return Page(self.here, "\n".join(lines))

    def field_table(self, fields: list[tuple[int, EntityField]]) -> list[str]:
        """A table of numbered entity fields."""
        head = ["exchange_name", "name", "element", "obligation", "cardinality", "condition", "references"]
        lines = ["| # | " + " | ".join(self.w(h) for h in head) + " |", "|---|" + "---|" * len(head)]
        for n, f in fields:
            name = f.name or (self.spec.elements[f.element].name if f.element else None)
            target = self.element_link(f.element) if f.element else self.entity_link(str(f.entity))
            cardinality = f.cardinality or ("1..1" if f.obligation == "M" else "0..1")
            cells = [
                str(n),
                code(self.spec.field_exchange_name(f)),
                self.t(name),
                target,
                f.obligation,
                code(cardinality),
                self.t(f.condition),
                self.entity_link(f.references) if f.references else "",
            ]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
        return lines

    def message(self, m: Message) -> Page:
        self.here = message_path(m.id)
        lines = self.header(f"{m.id} {md(both(m.name, self.lang))}", m.status)
        lines += self.table(
            [
                (self.w("identifier"), code(m.id)),
                (self.w("definition"), self.t(m.definition)),
                (self.w("flow"), self.t(m.flow)),
                (self.w("modes"), ", ".join(code(x) for x in m.modes)),
                (self.w("records"), ", ".join(self.entity_link(r.entity) for r in m.records)),
                (self.w("status"), self.badge(m.status)),
                (self.w("sources"), self.sources(m.sources)),
                (self.w("note"), md(m.note or "")),
            ]
        )
        lines += [f"## {self.w('structure')}", ""]
        lines += [f"- {code(m.id)}", f"    - `header` — {self.entity_link('MessageHeader')}"]
        lines += list(self.entity_tree("MessageHeader", 2, set()))
        lines.append("    - `records[]`")
        for record in m.records:
            lines.append(f"        - `recordType: {record.entity}` → `data` — {self.entity_link(record.entity)}")
            lines += list(self.entity_tree(record.entity, 3, set()))
        lines.append("")
        lines += [f"## {self.w('schemas')}", ""]
        lines += [f"- {self.link(self.w(key), path)}" for key, path in SCHEMA_FILES.items()]
        lines.append("")
        lines += [f"## {self.w('examples')}", ""]
        lines += self.examples(m.id)
        return Page(self.here, "\n".join(lines))

    def entity_tree(self, entity_id: str, depth: int, seen: set[str]) -> Iterator[str]:
        ent = self.spec.entities.get(entity_id)
        if ent is None or entity_id in seen:
            return
        for f in ent.fields:
            name = f.name or (self.spec.elements[f.element].name if f.element else None)
            card = f.cardinality or ("1..1" if f.obligation == "M" else "0..1")
            suffix = "[]" if f.repeated else ""
            wire = self.spec.field_exchange_name(f) + suffix
            yield f"{'    ' * depth}- `{wire}` {self.t(name)} ({f.obligation}, {card})"
            if f.entity:
                yield from self.entity_tree(f.entity, depth + 1, seen | {entity_id})

    def examples(self, message_id: str) -> list[str]:
        folder = self.version.examples
        found = (
            [] if folder is None else [(ext, label, folder / f"{message_id}.{ext}") for ext, label in EXAMPLE_FORMATS]
        )
        found = [item for item in found if item[2].is_file()]
        if not found:
            return [self.w("no_example"), ""]
        lines = []
        for ext, label, path in found:
            text = path.read_text("utf-8")
            if ext == "json":
                text = json.dumps(json.loads(text), ensure_ascii=False, indent=2)
            lines += [f'=== "{label}"', "", *self.fenced(text, "json" if ext == "jsonl" else ext, indent="    ")]
        return lines

    def fenced(self, text: str, language: str, indent: str = "") -> list[str]:
        rows = text.rstrip("\n").split("\n")
        cut = rows[MAX_EXAMPLE_LINES:]
        rows = rows[:MAX_EXAMPLE_LINES]
        out = [f"{indent}``` {language}", *(indent + r for r in rows), f"{indent}```", ""]
        if cut:
            out += [indent + self.w("truncated").format(len(cut)), ""]
        return out

    def rule(self, r: Rule) -> Page:
        self.here = rule_path(r.id)
        layer = self.spec.rule_layers[r.id]
        lines = self.header(f"{r.id} {md(both(r.name, self.lang))}", r.status)
        valid = f"{r.valid_from or '…'} – {r.valid_to or '…'}" if r.valid_from or r.valid_to else ""
        lines += self.table(
            [
                (self.w("identifier"), code(r.id)),
                (self.w("layer"), code(layer)),
                (self.w("severity"), f'<span class="se-sev se-{r.severity}">{r.severity}</span>'),
                (self.w("check"), code(r.check)),
                (self.w("name_zh"), md(r.name.zh)),
                (self.w("name_en"), md(r.name.en)),
                (self.w("message_text") + " (zh)", md(r.message.zh)),
                (self.w("message_text") + " (en)", md(r.message.en)),
                (self.w("valid"), md(valid)),
                (self.w("status"), self.badge(r.status)),
                (self.w("sources"), self.sources(r.sources)),
                (self.w("note"), md(r.note or "")),
            ]
        )
        params = parameter_rows(r.parameters)
        if params:
            lines += [f"## {self.w('parameters')}", ""]
            lines += [f"| {self.w('parameter')} | {self.w('value')} |", "|---|---|"]
            lines += [f"| {code(name)} | {md(value)} |" for name, value in params]
            lines.append("")
        found = rule_examples(self.version.conformance, r.id)
        lines += self.case_section("fires", found)
        lines += self.case_section("quiet", found)
        return Page(self.here, "\n".join(lines))

    def case_section(self, which: str, found: RuleExamples) -> list[str]:
        case = found.fires if which == "fires" else found.quiet
        lines = [f"## {self.w(which)}", ""]
        if case is None:
            return [*lines, self.w("no_case"), ""]
        lines += [f"{md(case.description.get(self.lang, ''))} — {code(case.id)}", ""]
        lines += [f"{self.w('validated_on')}: {case.today}", ""]
        if case.findings:
            lines += [f"{self.w('expected_findings')}:", ""]
            lines += [
                f"- {code(rule)} records[{index if index is not None else '—'}] {code(pointer) if pointer else ''}"
                for rule, index, pointer in case.findings
            ]
            lines.append("")
        if case.absent:
            lines += [f"{self.w('must_not_fire')}: " + ", ".join(code(x) for x in case.absent), ""]
        if case.text is None:
            return [*lines, self.w("no_file"), ""]
        text = case.text
        if case.format == "json":
            try:
                text = json.dumps(json.loads(text), ensure_ascii=False, indent=2)
            except ValueError:
                pass  # a syntax case: show the broken file as it is
        return lines + self.fenced(text, "json" if case.format == "jsonl" else case.format)

    # --- indexes ---------------------------------------------------------------------------------------------

    def index_page(self, kind: str, rows: list[list[str]], head: list[str]) -> Page:
        self.here = f"{kind}/index.md"
        lines = self.header(f"{self.w(kind)} ({len(rows)})")
        lines += ["| " + " | ".join(self.w(h) for h in head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return Page(self.here, "\n".join(lines) + "\n")

    def indexes(self) -> list[Page]:
        s = self.spec
        out = []
        self.here = "elements/index.md"
        out.append(
            self.index_page(
                "elements",
                [
                    [
                        self.element_link(e.id),
                        code(s.element_object_class[e.id]),
                        code(exchange_name(e)),
                        self.badge(e.status),
                    ]
                    for e in s.elements.values()
                ],
                ["identifier", "object_class", "exchange_name", "status"],
            )
        )
        self.here = "domains/index.md"
        out.append(
            self.index_page(
                "domains",
                [
                    [self.link(vd.id, domain_path(vd.id)), self.t(vd.name), self.badge(vd.status)]
                    for vd in s.value_domains.values()
                ],
                ["identifier", "name", "status"],
            )
        )
        self.here = "codesets/index.md"
        rows = []
        for cid in s.codesets:
            versions = s.codeset_versions(cid)
            rows.append(
                [
                    self.codeset_link(cid),
                    self.t(versions[-1].name),
                    ", ".join(self.codeset_link(cid, v.version) for v in versions),
                    self.badge(versions[-1].status),
                ]
            )
        out.append(self.index_page("codesets", rows, ["identifier", "name", "versions", "status"]))
        self.here = "entities/index.md"
        out.append(
            self.index_page(
                "entities",
                [[self.entity_link(x.id), str(len(x.fields)), self.badge(x.status)] for x in s.entities.values()],
                ["entity", "fields", "status"],
            )
        )
        self.here = "messages/index.md"
        out.append(
            self.index_page(
                "messages",
                [
                    [self.link(m.id, message_path(m.id)), self.t(m.name), self.t(m.flow), self.badge(m.status)]
                    for m in s.messages.values()
                ],
                ["identifier", "name", "flow", "status"],
            )
        )
        self.here = "rules/index.md"
        out.append(
            self.index_page(
                "rules",
                [
                    [
                        self.link(r.id, rule_path(r.id)),
                        self.t(r.name),
                        code(s.rule_layers[r.id]),
                        r.severity,
                        self.badge(r.status),
                    ]
                    for r in sorted(s.rules.values(), key=lambda r: r.id)
                ],
                ["identifier", "name", "layer", "severity", "status"],
            )
        )
        return out

    def sources_page(self) -> Page:
        self.here = "sources.md"
        lines = self.header(self.w("sources"))
        for src in self.spec.sources.values():
            lines += [f"## {md(src.id)} {{#{slug(src.id)}}}", ""]
            lines += self.table(
                [
                    (self.w("name"), md(src.title)),
                    (self.w("kind"), code(src.kind)),
                    (self.w("issued"), md(src.issued or "")),
                    (self.w("effective"), md(src.effective or "")),
                    (self.w("superseded_by"), md(src.superseded_by or "")),
                    (self.w("note"), md(src.note or "")),
                ]
            )
            if src.url:
                lines += [f"<{src.url}>", ""]
            cited = self.used.cited_by.get(src.id, [])
            if cited:
                targets = {
                    "elements": element_path,
                    "domains": domain_path,
                    "codesets": codeset_path,
                    "entities": entity_path,
                    "messages": message_path,
                    "rules": rule_path,
                }
                seen: dict[str, str] = {}
                for kind, item, clause in cited:
                    seen.setdefault(item, self.link(item, targets[kind](item)) + (f" ({md(clause)})" if clause else ""))
                lines += [f"{self.w('cited_by')}: " + ", ".join(seen.values()), ""]
        return Page(self.here, "\n".join(lines))

    def home(self) -> Page:
        self.here = "index.md"
        s = self.spec
        lines = self.header(md(both(s.info.title, self.lang)))
        lines += [self.w("intro"), ""]
        lines += self.table(
            [
                (self.w("spec_version"), code(s.info.spec_version)),
                (self.w("namespace"), code(s.info.namespace)),
                (self.w("released"), md(s.info.released or "")),
            ]
        )
        counts = [
            ("elements", len(s.elements)),
            ("domains", len(s.value_domains)),
            ("codesets", len(s.codesets)),
            ("entities", len(s.entities)),
            ("messages", len(s.messages)),
            ("rules", len(s.rules)),
        ]
        lines += [f"| {self.w('name')} | {self.w('count')} |", "|---|---|"]
        lines += [f"| {self.link(self.w(k), f'{k}/index.md')} | {n} |" for k, n in counts]
        lines += [
            "",
            f"{self.link(self.w('sources'), 'sources.md')} · {self.link(self.w('versions'), 'versions.md')}"
            f" · {self.link(self.w('changes'), 'changes.md')}",
        ]
        return Page(self.here, "\n".join(lines) + "\n")

    def changes_page(self) -> Page:
        """What this version adds, removes and changes against the next older version on the site."""
        self.here = "changes.md"
        lines = self.header(self.w("changes"))
        labels = [v.label for v in self.versions]
        older = self.versions[labels.index(self.version.label) + 1 :]
        if not older:
            return Page(self.here, "\n".join([*lines, self.w("first_version"), ""]))
        previous = older[0]
        lines += [self.w("against").format(previous.label), ""]
        paths = {
            "elements": element_path,
            "domains": domain_path,
            "codesets": codeset_path,
            "entities": entity_path,
            "messages": message_path,
            "rules": rule_path,
        }
        for kind, found in diff(previous.spec, self.spec).items():
            lines += [f"## {self.w(kind)}", ""]
            if found.empty:
                lines += [self.w("no_changes"), ""]
                continue
            if found.added:
                lines += [f"{self.w('added')}: " + ", ".join(self.link(x, paths[kind](x)) for x in found.added), ""]
            if found.removed:
                old = [
                    f'<a href="../../{previous.label}/{self.lang}/{paths[kind](x)[:-3]}.html">{md(x)}</a>'
                    for x in found.removed
                ]
                lines += [f"{self.w('removed')}: " + ", ".join(old), ""]
            if found.changed:
                lines += [f"| {self.w('changed')} | {self.w('changed_attributes')} |", "|---|---|"]
                lines += [
                    f"| {self.link(x, paths[kind](x))} | {', '.join(code(a) for a in attrs)} |"
                    for x, attrs in found.changed.items()
                ]
                lines.append("")
        return Page(self.here, "\n".join(lines))

    def versions_page(self) -> Page:
        self.here = "versions.md"
        lines = self.header(self.w("versions"))
        lines += [f"| {self.w('version')} | {self.w('released')} | |", "|---|---|---|"]
        for n, v in enumerate(self.versions):
            mark = []
            if v.label == self.version.label:
                mark.append(self.w("this_version"))
            if n == 0:
                mark.append(self.w("latest"))
            href = f"../../{v.label}/{self.lang}/index.html"
            lines.append(
                f'| <a href="{href}">{md(v.label)}</a> | {md(v.spec.info.released or "")} | {", ".join(mark)} |'
            )
        return Page(self.here, "\n".join(lines) + "\n")


def parameter_rows(parameters: object) -> list[tuple[str, str]]:
    """A rule's parameters as (name, value) rows, whether given as text (today) or as typed values."""
    rows: list[tuple[str, str]] = []
    items: Iterable[tuple[object, object]] = (
        parameters.items()
        if isinstance(parameters, dict)
        else enumerate(parameters)
        if isinstance(parameters, list)
        else ()
    )
    for name, value in items:
        dump = getattr(value, "model_dump", None)
        if dump is not None:
            data = dump(mode="json", exclude_defaults=True)
            label = str(data.pop("name", name))
            rows.append(
                (label, json.dumps(data, ensure_ascii=False) if len(data) != 1 else str(next(iter(data.values()))))
            )
        else:
            rows.append((str(name), value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)))
    return rows


def pages(version: SiteVersion, versions: list[SiteVersion], lang: str) -> list[Page]:
    """Every page of ``version`` in ``lang``."""
    w = _Writer(version, versions, lang)
    s = version.spec
    out = [w.home(), w.sources_page(), w.versions_page(), w.changes_page(), *w.indexes()]
    out += [w.element(e) for e in s.elements.values()]
    out += [w.domain(d) for d in s.value_domains]
    out += [w.codeset(c) for c in s.codesets]
    out += [w.entity(x) for x in s.entities.values()]
    out += [w.message(m) for m in s.messages.values()]
    out += [w.rule(r) for r in s.rules.values()]
    return out
