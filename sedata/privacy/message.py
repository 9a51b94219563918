"""Masking whole records and messages, streaming, in any format.

:func:`mask_message` reads a message with the exchange readers and writes it back with the exchange writer
(constant memory; atomic: a temporary file renamed over the target; the source is never the target). The
header is kept as it was but for ``maskingProfile`` (the profile applied) and the record digest: the digest
is over the records' canonical form, so once personal values change it must be computed anew. Every other
element's canonical form stays as it was, and a file sedata wrote comes out byte for byte the same but for
the masked values, the digest and the added header element.

Business keys: a personal value inside a business key (a Person's citizen ID, a certificate number that is
the holder's ID, an individual's unit code) is pseudonymised in every profile, since a key must stay unique
and stable (conventional masks such as ``110105********002X`` collide); so is a personal value of a field
that references a business key (a registration's user unit code → Unit), so the link still resolves.
Without a key the pseudonyms of ``share`` and ``publish`` use a one-off random key: unique within the file,
not linkable to other files. The envelope's ``recordKey`` is masked the same way, so it still agrees with
the data.

A valid citizen ID written into a free-text element (a summary, a note) is masked too, and counted.
"""

from __future__ import annotations

import os
import secrets
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sedata.elements import MessageHeader
from sedata.exchange import Record, open_message, write
from sedata.exchange.detect import format_name
from sedata.privacy.errors import PrivacyError
from sedata.privacy.plan import EntityPlan, FieldPlan, plans
from sedata.privacy.shapes import CITIZEN_ID, is_pseudonym
from sedata.privacy.values import apply, check_key, holds_citizen_id, profile_of, pseudonym, scrub_citizen_ids
from sedata.spec import Spec, current
from sedata.spec.envelope import CHANGES, KEY_SEPARATOR
from sedata.spec.model import KindMasking

PathLike = str | os.PathLike[str]


class Masker:
    """Masks records under one profile and key, counting what it changed (never keeping a value)."""

    def __init__(self, profile: str, key: bytes | None = None, spec: Spec | None = None):
        self.spec = spec or current()
        self.profile = profile_of(profile, self.spec)
        if key is not None:
            check_key(key, self.spec)
        elif self.profile.key == "required":
            raise PrivacyError(
                "key-required",
                f"脱敏方式 {profile} 需要密钥（--key-file 或环境变量 SEDATA_MASK_KEY）",
                f"profile {profile} needs a key (--key-file or the SEDATA_MASK_KEY environment variable)",
            )
        self.key = key
        # Business keys are always pseudonymised; without a key, with one that dies with this object.
        self.key_key = key if key is not None else secrets.token_bytes(32)
        self.masked: Counter[str] = Counter()
        """Values changed, per personal-data kind."""
        self.key_values = 0
        """Values of business keys and of references to them pseudonymised (in data and in ``recordKey``)."""
        self.scrubbed = 0
        """Citizen IDs found and masked inside free-text elements."""
        self._plans = plans(self.spec)
        self._how: dict[str, KindMasking] = {str(kind): how for kind, how in self.profile.kinds.items()}

    @property
    def one_off_key(self) -> bool:
        """Whether business keys were pseudonymised with a one-off key (not joinable with other files)."""
        return self.key is None and self.key_values > 0

    # --- values -------------------------------------------------------------------------------------

    def value(self, kind: str, value: str, *, in_key: bool = False) -> str:
        """One personal value masked by the profile (a business-key value: pseudonymised)."""
        if in_key:
            out = value if is_pseudonym(value, self.spec) else pseudonym(kind, value, self.key_key, self.spec)
            if out != value:
                self.key_values += 1
            return out
        out = apply(self._how[kind], kind, value, self.key, self.spec)
        if out != value:
            self.masked[kind] += 1
        return out

    def _scrub(self, text: str) -> str:
        out, found = scrub_citizen_ids(text, lambda number: self.value(CITIZEN_ID, number))
        self.scrubbed += found
        return out

    def _personal(self, f: FieldPlan, value: str, data: dict[str, Any]) -> bool:
        if f.always or (f.self_decides and holds_citizen_id(value, self.spec)):
            return True
        return any(isinstance(v, str) and holds_citizen_id(v, self.spec) for v in (data.get(d) for d in f.deciders))

    # --- records ------------------------------------------------------------------------------------

    def data(self, entity_id: str, data: dict[str, Any], *, top: bool = False) -> dict[str, Any]:
        """A copy of ``data`` (of ``entity_id``, nested entities included) with its personal values masked."""
        plan = self._plans.get(entity_id)
        if plan is None or not plan.fields:
            return data
        key_names = {f.name for f in plan.keys} if top else set()
        out = dict(data)
        for f in plan.fields:
            value = data.get(f.name)
            if value is None:
                continue
            if f.entity is not None:
                nested = f.entity
                if isinstance(value, list):
                    out[f.name] = [self.data(nested, v) if isinstance(v, dict) else v for v in value]
                elif isinstance(value, dict):
                    out[f.name] = self.data(nested, value)
                continue
            items = value if isinstance(value, list) else [value]
            links = f.links or f.name in key_names
            masked = [self._one(f, v, data, links) if isinstance(v, str) else v for v in items]
            out[f.name] = masked if isinstance(value, list) else masked[0]
        return out

    def _one(self, f: FieldPlan, value: str, data: dict[str, Any], in_key: bool) -> str:
        if f.kind is not None and self._personal(f, value, data):
            return self.value(f.kind, value, in_key=in_key)
        return self._scrub(value) if f.free_text else value

    def record(self, record: Record) -> Record:
        """``record`` with its data and business key masked (a delete's key too)."""
        plan = self._plans.get(record.type)
        if plan is None:
            return record
        data = record.data
        masked = self.data(record.type, data, top=True) if isinstance(data, dict) else data
        key = record.key
        if key is not None:
            before = _key_of(plan, data)
            if before is not None and before == key:
                key = _key_of(plan, masked)  # the key the masked data gives: the envelope keeps agreeing
            elif plan.personal_key:
                key = self._key_text(plan, key)
        return Record(record.type, masked, record.operation, key, record.version, record.index, record.line)

    def _key_text(self, plan: EntityPlan, key: str) -> str:
        """A ``recordKey`` masked part by part, when there is no data it agrees with (a delete)."""
        parts = key.split(KEY_SEPARATOR)
        if len(parts) != len(plan.keys):
            # Parts cannot be told apart: pseudonymise whatever is a citizen ID.
            return KEY_SEPARATOR.join(
                self.value(CITIZEN_ID, p, in_key=True) if holds_citizen_id(p, self.spec) else p for p in parts
            )
        out = []
        for part, f in zip(parts, plan.keys, strict=True):
            # Without the record's data a field decided by other fields cannot be decided: treat it as personal.
            personal = f.kind is not None and (
                f.always or bool(f.deciders) or (f.self_decides and holds_citizen_id(part, self.spec))
            )
            out.append(self.value(f.kind, part, in_key=True) if personal and f.kind else part)
        return KEY_SEPARATOR.join(out)


def _key_of(plan: EntityPlan, data: Any) -> str | None:
    """The business key ``data`` gives (as ``sedata.exchange.record_key`` builds it), None if it gives none."""
    if not isinstance(data, dict) or not plan.keys:
        return None
    values = [data.get(f.name) for f in plan.keys]
    if any(v is None for v in values):
        return None
    return KEY_SEPARATOR.join(str(v) for v in values)


@dataclass
class MaskSummary:
    """What :func:`mask_message` did, in counts only (a summary is printed and logged; it holds no value)."""

    source: str
    target: str
    format: str
    profile: str
    header: MessageHeader
    records: int = 0
    masked: dict[str, int] = field(default_factory=dict)
    key_values: int = 0
    scrubbed: int = 0
    one_off_key: bool = False
    warnings: list[tuple[str, str]] = field(default_factory=list)
    """(zh, en) notes for the user, e.g. that one-off pseudonyms do not join with other files."""


def _same_file(a: Path, b: Path) -> bool:
    try:
        if b.exists() and a.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return a.resolve() == b.resolve()


def mask_message(
    src: PathLike,
    dst: PathLike,
    profile: str,
    key: bytes | None = None,
    spec: Spec | None = None,
    *,
    to: str | None = None,
) -> MaskSummary:
    """Mask the personal data of message ``src`` into ``dst`` (same format unless ``to``); return the summary.

    Raises :class:`PrivacyError` (profile, key, same file, weaker profile) or an ``ExchangeError`` (reading,
    writing); on any error ``dst`` is left as it was.
    """
    spec = spec or current()
    masker = Masker(profile, key, spec)
    if _same_file(Path(src), Path(dst)):
        raise PrivacyError(
            "same-file",
            "输出文件不能是输入文件本身（原文件不得被覆盖）",
            "the output must not be the input file itself (the original is never overwritten)",
        )
    with open_message(src, spec) as reader:
        header = reader.header
        _check_profile_order(header.masking_profile, masker)
        fmt = format_name(to) if to else reader.format

        def records() -> Iterator[Record]:
            for record in reader:
                yield masker.record(record)

        written = write(
            dst, records(), header=header.model_copy(update={"masking_profile": profile}), format=fmt, spec=spec
        )
    summary = MaskSummary(
        source=str(src),
        target=str(dst),
        format=fmt,
        profile=profile,
        header=written,
        records=written.record_count,
        masked=dict(sorted(masker.masked.items())),
        key_values=masker.key_values,
        scrubbed=masker.scrubbed,
        one_off_key=masker.one_off_key,
    )
    if masker.one_off_key:
        summary.warnings.append(
            (
                "业务键中的个人信息已用一次性密钥假名化：本文件内唯一，但与其他文件无法按业务键对应"
                + ("（增量报文的后续变更将无法对上）" if header.mode == CHANGES else "")
                + "；需要跨文件关联时请用 --key-file 提供密钥",
                "personal data in business keys was pseudonymised with a one-off key: unique within this file, "
                "but not joinable with other files"
                + (" (later change sets will not match these records)" if header.mode == CHANGES else "")
                + "; give a key with --key-file to keep them joinable",
            )
        )
    if masker.scrubbed:
        summary.warnings.append(
            (
                f"在未标为个人信息的文本数据元中发现并遮蔽了 {masker.scrubbed} 个公民身份号码",
                f"{masker.scrubbed} citizen ID number(s) found and masked in free-text elements not marked personal",
            )
        )
    return summary


def _check_profile_order(already: str | None, masker: Masker) -> None:
    """Refuse to mask a masked package with a profile that does not refine the one it carries."""
    target = masker.profile
    if already is None or already == target.id or already in target.refines:
        return
    raise PrivacyError(
        "already-masked",
        f"输入报文已按 {already} 脱敏，不能再按 {target.id} 处理（只能保持或加强）",
        f"the input is already masked with {already}; it cannot be masked with {target.id} "
        "(a profile can only be kept or made stronger)",
    )
