"""What switches the layers on and how a record is handed to the record layers (layers/base.py).

bench/mutate.py on sedata/validate/layers/base.py asked for these: each field of ``Given`` turns on its own
switch and no other, an unsigned package is a finding unless the caller says otherwise (SE-SIG-001), and a
record's data reaches the record layers only when there is data of a known entity at a known index.
"""

from __future__ import annotations

from typing import Any, cast

import pytest

from sedata.exchange import Record
from sedata.spec import current
from sedata.spec.envelope import DATA, RECORDS
from sedata.validate.context import FileContext
from sedata.validate.layers import registry
from sedata.validate.layers.base import Given, RecordAt, Signatures, names
from sedata.validate.shapes import shapes

SPEC = current()
DEVICE = "311010523201500318"  # 漳州 曳引驱动乘客电梯 of examples/entities/Equipment.json


def test_nothing_given_switches_on_only_the_layers_that_always_run() -> None:
    given = Given()
    assert (given.run, given.ledger, given.signatures, given.reconcile) == (False, None, None, False)
    assert given.switches() == frozenset({"always"})
    assert registry.active(given.switches()) == ("syntax", "schema", "codes", "business")


@pytest.mark.parametrize(
    ("given", "switch", "layer"),
    [
        (Given(run=True), "run", "cross-record"),
        (Given(ledger=cast(Any, object())), "ledger", "sequence"),
        (Given(signatures=Signatures(("certs",))), "signatures", "trust"),
        (Given(reconcile=True), "reconcile", "consistency"),
    ],
)
def test_each_thing_given_turns_on_its_own_switch_and_layer(given: Given, switch: str, layer: str) -> None:
    assert given.switches() == frozenset({"always", switch})
    assert registry.active(given.switches()) == ("syntax", "schema", "codes", "business", layer)


def test_everything_given_turns_on_every_layer() -> None:
    given = Given(run=True, ledger=cast(Any, object()), signatures=Signatures(()), reconcile=True)
    assert given.switches() == frozenset({"always", "run", "ledger", "signatures", "reconcile"})
    assert registry.active(given.switches()) == registry.names()


def test_signatures_are_required_unless_the_caller_says_not() -> None:
    # SE-SIG-001: an unsigned package is a finding when the receiver checks signatures at all.
    assert Signatures(("certs",)).required is True
    assert Signatures(("certs",), required=False).required is False


def test_names_keep_the_order_given() -> None:
    assert names([registry.CONSISTENCY, registry.SYNTAX]) == ("consistency", "syntax")
    assert names(()) == ()


def _at(record: Record, entity: str | None) -> RecordAt:
    shape = shapes(SPEC)[entity] if entity is not None else None
    ctx = FileContext(SPEC, "upload.jsonl")
    return RecordAt.of(ctx, cast(Any, "rules"), cast(Any, "business"), record, shape)


def test_a_record_of_a_known_entity_hands_its_data_and_where_it_sits() -> None:
    data = {"equipmentCode": DEVICE, "equipmentCategory": "3000"}
    at = _at(Record("Equipment", data, index=4, line=7), "Equipment")
    assert at.data is data and at.prefix == (RECORDS, 4, DATA) == ("records", 4, "data")
    assert (at.where.line, at.where.index, at.where.record_type) == (7, 4, "Equipment")
    assert at.where.key is not None and at.bad == set()
    assert (at.rules, at.business, at.entity) == ("rules", "business", shapes(SPEC)["Equipment"])


@pytest.mark.parametrize(
    ("record", "entity"),
    [
        (Record("Equipment", None, index=4, line=7, operation="delete", key=DEVICE), "Equipment"),  # a delete
        (Record("Equipment", ["not", "an", "object"], index=4, line=7), "Equipment"),
        (Record("Nothing", {"equipmentCode": DEVICE}, index=4, line=7), None),  # a type the spec lacks
        (Record("Equipment", {"equipmentCode": DEVICE}, index=None, line=7), "Equipment"),  # no index
    ],
)
def test_no_data_is_handed_on_without_a_known_entity_an_object_and_an_index(record: Record, entity: str | None) -> None:
    at = _at(record, entity)
    assert at.data is None and at.prefix == ()
    assert at.where.line == 7 and at.where.record_type == record.type


def test_the_key_shown_is_the_records_business_key() -> None:
    at = _at(Record("Equipment", {"equipmentCode": DEVICE}, index=0, line=2), "Equipment")
    assert at.where.key == DEVICE  # an equipment code is no personal data: shown whole
