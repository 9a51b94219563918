"""Layer 2 (structure), the record envelope: record types the message may carry, change-set attributes, keys.

``sedata.exchange.rules.MessageRules`` raises at the first envelope problem, which ends the reading of the
file. The validator must go on to report every record, so it gives the reader :class:`ReportingRules`,
which notes each problem for the record it belongs to (SE-SCH-005, SE-SCH-006) and lets the record
through. SE-SCH-007 compares the record's ``recordKey`` with the key its data gives.
"""

from __future__ import annotations

from dataclasses import replace

from sedata.elements import MessageHeader
from sedata.exchange import MessageRules, Record, StructureError
from sedata.exchange.rules import record_key
from sedata.spec import Spec
from sedata.spec.envelope import envelope_ids
from sedata.validate.context import FileContext, Where
from sedata.validate.masking import show
from sedata.validate.report import ElementRef, Finding, Text
from sedata.validate.shapes import EntityShape, masked_key, record_pointer


class ReportingRules(MessageRules):
    """A message's envelope rules that note problems instead of raising, so every record is read."""

    def __init__(self, header: MessageHeader, spec: Spec | None = None):
        super().__init__(header, spec)
        self.allowed: tuple[str, ...] = self.record_types
        # Readers look record elements up by these names: with every entity listed, a record of a type
        # this message does not carry is read (and reported) instead of ending the file.
        self.record_types = tuple(self.spec.entities)
        self.problems: list[tuple[str, Text | None]] = []

    def check(self, record: Record) -> None:
        """Note the record's envelope problems (rule id and the reader's description) in ``problems``."""
        probe = record
        if not isinstance(record.type, str) or record.type not in self.allowed:
            self.problems.append(("SE-SCH-005", None))
            # The remaining envelope rules still apply; check them as for a record type that is allowed.
            probe = replace(record, type=self.allowed[0])
        try:
            super().check(probe)
        except StructureError as exc:
            self.problems.append(("SE-SCH-006", Text(exc.zh, exc.en)))

    def take(self) -> list[tuple[str, Text | None]]:
        """The problems noted since the last call (those of the record just read)."""
        problems, self.problems = self.problems, []
        return problems


def findings(
    ctx: FileContext, rules: ReportingRules, record: Record, entity: EntityShape | None, where: Where
) -> list[Finding]:
    """The envelope findings of ``record`` (of shape ``entity``, if known): the reader's notes, a disagreeing key."""
    spec = ctx.spec
    out: list[Finding] = []
    problems = rules.take()
    for rule, detail in problems:
        if rule == "SE-SCH-005":
            message = spec.messages[rules.header.message_type]
            out.append(
                ctx.finding(
                    rule,
                    where,
                    element=_envelope_ref(ctx, envelope_ids(spec).record_type, rules.names.record_type),
                    value=show(record.type, None),
                    expected=Text(message.name.zh, message.name.en),
                    pointer=record_pointer(record.index, rules.names.record_type),
                )
            )
        else:
            out.append(ctx.finding(rule, where, detail=detail, pointer=record_pointer(record.index)))
    mismatch = _key_mismatch(spec, entity, record)
    if mismatch is not None:
        out.append(
            ctx.finding(
                "SE-SCH-007",
                where,
                element=_envelope_ref(ctx, envelope_ids(spec).record_key, rules.names.record_key),
                value=where.key,
                expected=masked_key(entity, mismatch, None),
                pointer=record_pointer(record.index, rules.names.record_key),
            )
        )
    return out


def _key_mismatch(spec: Spec, entity: EntityShape | None, record: Record) -> str | None:
    """The key the data gives, when the record names another one (None when they agree or cannot be told)."""
    if entity is None or not entity.key_fields or record.key is None or not isinstance(record.data, dict):
        return None
    if any(record.data.get(f.name) is None for f in entity.key_fields):
        return None  # the missing key field is reported by the schema layer
    computed = record_key(entity.id, record.data, spec)
    return None if computed == record.key else computed


def _envelope_ref(ctx: FileContext, element_id: str, field: str) -> ElementRef:
    name = ctx.spec.elements[element_id].name
    return ElementRef(element_id, Text(name.zh, name.en), field)
