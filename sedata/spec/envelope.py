"""How records travel in a message: the structural names of the envelope, tied to spec elements.

A message document is ``{"header": MessageHeader, "records": [record, …]}``. A record is
``{"recordType": …, "operation": …, "recordKey": …, "recordVersion": …, "data": {…}}`` where the
four wrapper names are the exchange names of the MSG data elements below, and ``data`` is the entity
record (absent for a delete). In XML the same record is ``<Entity operation=… recordKey=…
recordVersion=…>fields</Entity>`` or ``<Delete recordType=… recordKey=… recordVersion=…/>``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sedata.spec.loader import Spec
from sedata.spec.model import Envelope

HEADER_ENTITY = "MessageHeader"
HEADER = "header"
RECORDS = "records"
DATA = "data"
DELETE = "Delete"
KEY_SEPARATOR = "|"
VERSION_SEPARATOR = "\x1e"
"""Between a business key and its record version in the run's key index (never in a key value: successive
versions of one key are different entries). The row engine, the columnar screen and Dask write keys alike."""

# The two modes the meta-model allows (sedata.spec.model.Message.modes); the message-mode code set holds them.
SNAPSHOT = "snapshot"
CHANGES = "changes"


def envelope_ids(spec: Spec) -> Envelope:
    """The element id of each part of the envelope, as ``spec/spec.yaml`` declares them."""
    if spec.info.envelope is None:  # pragma: no cover - every shipped bundle is upgraded to carry one
        raise LookupError(f"spec {spec.info.spec_version} declares no envelope")
    return spec.info.envelope


@dataclass(frozen=True)
class EnvelopeNames:
    """The exchange names of the record wrapper, read from the spec."""

    message_type: str
    mode: str
    record_type: str
    operation: str
    record_key: str
    record_version: str


def envelope_names(spec: Spec) -> EnvelopeNames:
    """The header and wrapper names as the spec's MSG elements define them."""
    from sedata.spec.loader import exchange_name

    e = envelope_ids(spec)
    ids = (e.message_type, e.mode, e.record_type, e.operation, e.record_key, e.record_version)
    return EnvelopeNames(*(exchange_name(spec.elements[i]) for i in ids))


def message_class_name(message_id: str) -> str:
    """``inspection-upload`` → ``InspectionUpload`` (XML root element and JSON Schema definition)."""
    return "".join(part[:1].upper() + part[1:] for part in message_id.split("-"))


def delete_operation(spec: Spec) -> str:
    """The operation code of a delete: the code the XML ``<Delete/>`` element stands for."""
    # The XML element and the operation code name the same thing; tie them so neither is restated.
    for code in spec.domains[envelope_ids(spec).operation].codes or ():
        if code.lower() == DELETE.lower():
            return code
    raise LookupError(f"the record-operation code set has no code for <{DELETE}/>")  # pragma: no cover


def upsert_operations(spec: Spec) -> tuple[str, ...]:
    """The operation codes of records that carry data (every operation but the delete)."""
    delete = delete_operation(spec)
    return tuple(c for c in spec.domains[envelope_ids(spec).operation].codes or () if c != delete)


def digest_algorithms(spec: Spec) -> tuple[str, ...]:
    """The digest algorithms the spec's code set allows."""
    return tuple(spec.domains[envelope_ids(spec).digest_algorithm].codes or ())
