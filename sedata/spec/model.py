"""The spec meta-model: what a data element, value domain, code set and entity are.

These classes describe the files in ``spec/`` (see ``spec/README.md``); they hold no domain
content themselves. They validate the shape of each file; cross-references between files are
checked by :mod:`sedata.spec.loader`.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    field_validator,
    model_validator,
)
from pydantic_core import CoreSchema, core_schema

Status = Literal["CONFIRMED", "PARTIAL", "UNCONFIRMED"]
DataType = Literal["string", "integer", "decimal", "date", "datetime"]
Obligation = Literal["M", "C", "O"]
PersonalData = Literal["citizen-id", "name", "phone", "address"]

_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_CARDINALITY = re.compile(r"^(0|1)\.\.(1|n)$")


def _listify(value: object) -> object:
    """Let authors write a single value where a list is expected."""
    if value is None:
        return []
    if isinstance(value, str | dict):
        return [value]
    return value


class _Meta(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(_Meta):
    """A text in Chinese (normative) and English (informative)."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class PartialDate(str):
    """A date known to a year (``2014``), a month (``2014-10``) or a day (``2014-10-30``).

    Regulations are often dated only by their notice number's year; the spec keeps that
    precision instead of inventing a day.
    """

    @classmethod
    def __get_pydantic_core_schema__(cls, source: object, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_plain_validator_function(cls.parse)

    @classmethod
    def parse(cls, value: object) -> PartialDate:
        text = str(value)
        if not _PARTIAL_DATE.match(text):
            raise ValueError(f"expected YYYY, YYYY-MM or YYYY-MM-DD, got {text!r}")
        cls(text).earliest()  # reject 2014-13 and 2014-02-30
        return cls(text)

    def earliest(self) -> dt.date:
        """The first day this value can denote."""
        parts = [int(p) for p in self.split("-")]
        return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)

    def latest(self) -> dt.date:
        """The last day this value can denote."""
        parts = [int(p) for p in self.split("-")]
        if len(parts) == 3:
            return dt.date(*parts)
        if len(parts) == 2:
            nxt = dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
            return nxt - dt.timedelta(days=1)
        return dt.date(parts[0], 12, 31)


PartialDateField = PartialDate


class SourceRef(_Meta):
    """A citation: a source id from ``spec/sources.yaml`` and, where known, the clause."""

    ref: str
    clause: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: object) -> object:
        if isinstance(value, str):
            return {"ref": value}
        return value


SourceList = Annotated[list[SourceRef], BeforeValidator(_listify)]


class Source(_Meta):
    """A document the spec answers to: a regulation, standard, notice or public copy."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9.\-]*$")
    title: str
    kind: Literal["regulation", "standard", "notice", "web-copy", "public-code", "package"]
    issued: PartialDateField | None = None
    effective: PartialDateField | None = None
    superseded_by: str | None = None
    url: str | None = None
    note: str | None = None


class Constraints(_Meta):
    """The representation part of a value domain, shared by value domains and elements."""

    data_type: DataType | None = None
    format: str | None = None
    pattern: str | None = None
    codeset: str | None = None
    codeset_versions: Annotated[list[str], BeforeValidator(_listify)] = []
    level: str | None = None
    min: Decimal | None = None
    max: Decimal | None = None
    unit: str | None = None
    identifier: Annotated[list[str], BeforeValidator(_listify)] = []


class ValueDomain(Constraints):
    """A named, reusable set of permissible values (ISO/IEC 11179 value domain)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9\-]*$")
    name: Bilingual
    definition: Bilingual | None = None
    sources: SourceList = []
    status: Status = "CONFIRMED"
    examples: Annotated[list[str], BeforeValidator(_listify)] = []
    invalid_examples: Annotated[list[str], BeforeValidator(_listify)] = []
    note: str | None = None


class DataElement(Constraints):
    """A data element: identifier, names, definition and a value domain (named or inline)."""

    id: str = Field(pattern=r"^SE\.[A-Z]{3}\.\d{4}$")
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    exchange_name: str | None = Field(default=None, pattern=r"^[a-z][A-Za-z0-9]*$")
    name: Bilingual
    definition: Bilingual
    value_domain: str | None = None
    synonyms: Annotated[list[str], BeforeValidator(_listify)] = []
    sources: SourceList
    status: Status = "CONFIRMED"
    version: int = Field(default=1, ge=1)
    personal_data: PersonalData | None = None
    personal_when: Annotated[list[str], BeforeValidator(_listify)] = []
    """Elements that decide: the value is personal only when one of them (same object) holds a citizen ID."""
    examples: Annotated[list[str], BeforeValidator(_listify)] = []
    note: str | None = None

    @field_validator("sources")
    @classmethod
    def _cited(cls, value: list[SourceRef]) -> list[SourceRef]:
        if not value:
            raise ValueError("every data element cites at least one source / 每个数据元须注明来源")
        return value


class CodeEntry(_Meta):
    """One permissible value of a code set."""

    code: str = Field(min_length=1)
    zh: str = Field(min_length=1)
    en: str | None = None
    level: str | None = None
    parent: str | None = None
    valid_from: PartialDateField | None = None
    valid_to: PartialDateField | None = None
    status: Status | None = None
    applies_to: Annotated[list[str], BeforeValidator(_listify)] = []
    note: str | None = None


class ExternalTable(_Meta):
    """A code table shipped by a maintained package instead of copied into the spec."""

    package: str
    resource: str
    min_version: str
    note: str | None = None


class CodeSet(_Meta):
    """One version of a code set (a code table as published at one time)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9\-]*$")
    version: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9.\-]*$")
    name: Bilingual
    definition: Bilingual | None = None
    coding: Literal["code", "term"] = "code"
    valid_from: PartialDateField | None = None
    valid_to: PartialDateField | None = None
    supersedes: str | None = None
    status: Status
    sources: SourceList
    levels: Annotated[list[str], BeforeValidator(_listify)] = []
    external: ExternalTable | None = None
    entries: list[CodeEntry] = []
    note: str | None = None

    @cached_property
    def by_code(self) -> dict[str, CodeEntry]:
        """Entries by code (built once; code sets are looked up per record)."""
        return {e.code: e for e in self.entries}

    @cached_property
    def children(self) -> dict[str | None, list[CodeEntry]]:
        """Entries by parent code (None: top level)."""
        out: dict[str | None, list[CodeEntry]] = {}
        for e in self.entries:
            out.setdefault(e.parent, []).append(e)
        return out

    @model_validator(mode="after")
    def _entries_or_external(self) -> CodeSet:
        if bool(self.entries) == bool(self.external):
            raise ValueError("a code set has either entries or an external table, not both or neither")
        return self


class EntityField(_Meta):
    """One field of an entity: an element or a nested entity, with obligation and cardinality."""

    element: str | None = None
    entity: str | None = None
    key: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")
    exchange_name: str | None = Field(default=None, pattern=r"^[a-z][A-Za-z0-9]*$")
    name: Bilingual | None = None
    obligation: Obligation
    condition: Bilingual | None = None
    cardinality: str | None = None
    references: str | None = Field(default=None, pattern=r"^[A-Z][A-Za-z0-9]*$")
    """The entity whose business key this field's values name (an inspection's device → ``Equipment``)."""
    note: str | None = None

    @model_validator(mode="after")
    def _shape(self) -> EntityField:
        if (self.element is None) == (self.entity is None):
            raise ValueError("a field names exactly one of `element` or `entity`")
        if self.references is not None and self.element is None:
            raise ValueError("only a data-element field can reference an entity / 仅数据元字段可引用实体")
        if self.entity is not None and (self.key is None or self.name is None):
            raise ValueError("a nested-entity field needs its own `key` and `name`")
        if self.obligation == "C" and self.condition is None:
            raise ValueError("a conditional (C) field states its condition / 条件必选项须写明条件")
        if self.cardinality is not None:
            if not _CARDINALITY.match(self.cardinality):
                raise ValueError("cardinality is one of 0..1, 1..1, 0..n, 1..n")
            if (self.obligation == "M") != self.cardinality.startswith("1"):
                raise ValueError("mandatory fields have cardinality 1..1 or 1..n; others 0..1 or 0..n")
        return self

    @property
    def repeated(self) -> bool:
        return bool(self.cardinality and self.cardinality.endswith("n"))


class FormSection(_Meta):
    """One section of the paper form an entity transcribes: its heading and its fields (keys), in the form's order."""

    section: Bilingual
    fields: list[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]] = Field(min_length=1)


class Entity(_Meta):
    """A record type built from data elements (设备, 单位, 人员 …)."""

    id: str = Field(pattern=r"^[A-Z][A-Za-z0-9]*$")
    name: Bilingual
    definition: Bilingual
    component: bool = False
    business_key: Annotated[list[str], BeforeValidator(_listify)] = []
    event_date: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")
    """The field (Python name) dating the event a record reports; the quality scorecard's timeliness reads it."""
    fields: list[EntityField] = Field(min_length=1)
    layout: list[FormSection] = []
    """The sections of the form the record transcribes (the site shows the fields in them); empty when there is none."""
    sources: SourceList = []
    status: Status = "CONFIRMED"
    note: str | None = None


class MessageRecord(_Meta):
    """A record type a message may carry."""

    entity: str
    note: str | None = None


class Message(_Meta):
    """An exchange message type: who sends it to whom, and which records it carries."""

    id: str = Field(pattern=r"^[a-z][a-z0-9\-]*$")
    name: Bilingual
    definition: Bilingual
    flow: Bilingual
    modes: list[Literal["snapshot", "changes"]] = Field(min_length=1)
    records: list[MessageRecord] = Field(min_length=1)
    sources: SourceList
    status: Status = "CONFIRMED"
    note: str | None = None


Layer = Literal["syntax", "schema", "codes", "business", "cross-record", "sequence", "consistency", "trust"]
LAYER_PREFIX = {
    "syntax": "SYN",
    "schema": "SCH",
    "codes": "COD",
    "business": "BIZ",
    "cross-record": "XRF",  # across records and files of one run (uniqueness, references)
    "sequence": "SEQ",  # across runs: the packages of a channel (gaps, replays, conflicts, order)
    "consistency": "CON",  # supervision (registration) against inspection data
    "trust": "SIG",  # signatures and digests of signed packages
}
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


class Rule(_Meta):
    """A validation rule: stable id, severity, bilingual message template and its source."""

    id: str = Field(pattern=r"^SE-(SYN|SCH|COD|BIZ|XRF|SEQ|CON|SIG)-\d{3}$")
    name: Bilingual
    severity: Literal["error", "warning", "info"]
    message: Bilingual
    check: Literal["automatic", "manual"] = "automatic"
    valid_from: PartialDateField | None = None
    valid_to: PartialDateField | None = None
    sources: SourceList
    status: Status = "CONFIRMED"
    severity_by_status: dict[Status, Literal["error", "warning", "info"]] = {}
    """For a rule whose parameters are dated versions of mixed status: the severity of a finding made with a
    version of each status (a CONFIRMED text errs where a PARTIAL one warns). Others report at ``severity``."""
    parameters: dict[str, Any] = {}
    """Numbers and lists the rule's check reads; their shape is the rule's schema (``sedata.spec.rule_params``)
    or, for a rule without one, names mapped to text. Checked by the loader."""
    applies_to: Annotated[list[str], BeforeValidator(_listify)] = []
    """The entities (record types) the rule checks; empty: every entity that has the fields it reads."""
    note: str | None = None

    @model_validator(mode="after")
    def _same_placeholders(self) -> Rule:
        zh, en = (set(_PLACEHOLDER.findall(t)) for t in (self.message.zh, self.message.en))
        if zh != en:
            raise ValueError(f"the zh and en templates use different placeholders: {sorted(zh)} vs {sorted(en)}")
        return self

    @property
    def placeholders(self) -> set[str]:
        return set(_PLACEHOLDER.findall(self.message.zh))


class RuleFile(_Meta):
    """One ``spec/rules/*.yaml`` file: the rules of one layer."""

    layer: Layer
    rules: list[Rule] = Field(min_length=1)


class ObjectClass(_Meta):
    """The object class an element file describes, with its identifier prefix."""

    code: str = Field(pattern=r"^[A-Z]{3}$")
    name: Bilingual


class ElementFile(_Meta):
    """The content of one ``spec/elements/*.yaml`` file."""

    object_class: ObjectClass
    elements: list[DataElement] = Field(min_length=1)


class Envelope(_Meta):
    """The entity of the message header and the data elements with a part in every message (by element id)."""

    header: str
    message_type: str
    sender: str
    mode: str
    record_count: str
    digest_algorithm: str
    digest: str
    record_type: str
    operation: str
    record_key: str
    record_version: str

    def elements(self) -> dict[str, str]:
        """Each part (Python name) and its element id."""
        return {k: v for k, v in self.model_dump().items() if k != "header"}


class SpecInfo(_Meta):
    """``spec/spec.yaml``: the version and namespace of the whole spec."""

    spec_version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    namespace: str
    title: Bilingual
    released: PartialDateField | None = None
    previous_versions: Annotated[list[str], BeforeValidator(_listify)] = []
    envelope: Envelope | None = None
    """Which elements play which part in a message (absent only in bundles released before 1.1.0)."""


# --- Masking and pseudonymisation (spec/privacy.yaml) -----------------------------------------------------

MaskMethod = Literal["keep-ends", "keep-start", "hide", "address-division", "pseudonym"]
DivisionLevel = Literal["province", "prefecture", "county"]


class MaskExample(_Meta):
    """A value and what a profile writes in its place."""

    value: str
    masked: str


class KindMasking(_Meta):
    """What one profile does to one kind of personal data, and the shape the result has."""

    method: MaskMethod
    keep_start: int = Field(default=0, ge=0)
    keep_end: int = Field(default=0, ge=0)
    level: DivisionLevel | None = None
    shape: str
    examples: list[MaskExample] = []
    invalid_examples: Annotated[list[str], BeforeValidator(_listify)] = []
    note: str | None = None

    @model_validator(mode="after")
    def _parameters(self) -> KindMasking:
        if (self.method == "address-division") != (self.level is not None):
            raise ValueError("`level` is given exactly for the address-division method")
        if self.method not in ("keep-ends", "keep-start") and (self.keep_start or self.keep_end):
            raise ValueError("keep_start / keep_end apply to keep-ends and keep-start only")
        if self.method == "keep-start" and self.keep_end:
            raise ValueError("keep-start keeps no end; use keep-ends")
        return self


class MaskingProfile(_Meta):
    """A masking profile: per personal-data kind, the method and the masked shape."""

    id: str = Field(pattern=r"^[a-z][a-z0-9\-]*$")
    name: Bilingual
    definition: Bilingual
    key: Literal["optional", "required"]
    refines: Annotated[list[str], BeforeValidator(_listify)] = []
    """Profiles a package may already carry when it is masked again with this one (never a weaker one)."""
    kinds: dict[PersonalData, KindMasking]
    sources: SourceList
    status: Status = "CONFIRMED"
    note: str | None = None


class PseudonymVector(_Meta):
    """A test vector of the pseudonym: key (UTF-8 text), kind, value and the pseudonym."""

    key: str
    kind: PersonalData
    value: str
    pseudonym: str


class PseudonymRule(_Meta):
    """How a keyed pseudonym is computed and written."""

    name: Bilingual
    definition: Bilingual
    algorithm: Literal["hmac-sha256"]
    prefix: str = Field(min_length=1)
    length: int = Field(ge=16, le=52)
    pattern: str
    min_key_bytes: int = Field(ge=16)
    sources: SourceList
    status: Status = "CONFIRMED"
    note: str | None = None
    test_vectors: list[PseudonymVector] = []


class PrivacyFile(_Meta):
    """``spec/privacy.yaml``: the pseudonym rule and the masking profiles."""

    pseudonym: PseudonymRule
    profiles: list[MaskingProfile] = Field(min_length=1)
    report_profile: str
    """The profile whose methods show a personal value in a validation report (a profile without a key)."""

    @cached_property
    def by_id(self) -> dict[str, MaskingProfile]:
        """Profiles by id."""
        return {p.id: p for p in self.profiles}
