"""Runtime core of the generated models (hand-written; the models beside it are generated).

Values are typed Python objects or their exact lexical form as written in JSON and XML. Dates,
date-times and decimals accept a string only in the one lexical form the JSON Schema and XSD
accept too, so the three artefacts agree on what is valid.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, JsonValue, ValidationInfo
from pydantic_core import PydanticCustomError

from sedata.spec.formats import DATE_PATTERN, DATETIME_PATTERN

_DATE = re.compile(DATE_PATTERN)
_DATETIME = re.compile(DATETIME_PATTERN)


class SpecModel(BaseModel):
    """Base of every generated entity model."""

    model_config = ConfigDict(
        extra="forbid",
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
    )

    __entity__: ClassVar[str]
    """The spec identifier of the entity this model was generated from."""

    def to_data(self) -> dict[str, Any]:
        """The canonical JSON data of this record: exchange names, absent values left out."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    @classmethod
    def element_of(cls, field_name: str) -> str | None:
        """The data-element identifier (e.g. ``SE.EQP.0001``) behind a field, or None for a nested entity."""
        extra = cls.model_fields[field_name].json_schema_extra
        return extra.get("element") if isinstance(extra, dict) else None  # type: ignore[return-value]


def spec_field(element: str | None, alias: str, title: str, description: str, *, required: bool, **kw: Any) -> Any:
    """A model field carrying its exchange name, Chinese title and data-element identifier."""
    extra: dict[str, JsonValue] = {"element": element} if element else {}
    default: Any = ... if required else None
    return Field(
        default,
        validation_alias=alias,
        serialization_alias=alias,
        title=title,
        description=description,
        json_schema_extra=extra,
        **kw,
    )


def lexical_date(value: Any) -> Any:
    """Accept a date, or a string written exactly YYYY-MM-DD."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError(
        "date_lexical",
        "应为 YYYY-MM-DD 格式的有效日期 / expected a valid date written YYYY-MM-DD, got {value}",
        {"value": value},
    )


def lexical_datetime(value: Any) -> Any:
    """Accept an aware datetime, or a string written exactly YYYY-MM-DDThh:mm:ss±hh:mm (or Z)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            return value
    elif isinstance(value, str) and _DATETIME.fullmatch(value):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError(
        "datetime_lexical",
        "应为带时区的日期时间 YYYY-MM-DDThh:mm:ss±hh:mm / expected a date-time with offset, got {value}",
        {"value": value},
    )


def lexical_decimal(pattern: str, fmt: str) -> Callable[[Any], Any]:
    """Accept a finite Decimal, or a string in the decimal's one lexical form (no exponent, no sign)."""
    rx = re.compile(pattern)

    def check(value: Any) -> Any:
        if isinstance(value, Decimal) and value.is_finite():
            return value
        if isinstance(value, str) and rx.fullmatch(value):
            try:
                return Decimal(value)
            except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
                pass
        raise PydanticCustomError(
            "decimal_lexical",
            "应为格式 {format} 的十进制数（用字符串书写） / "
            "expected a decimal of format {format} written as a string, got {value}",
            {"value": value, "format": fmt},
        )

    return check


CODES_LAYER = "sedata.codes-layer"
"""Validation context key: when true, identifier rules are left to the validator's codes layer (which reports
them as SE-COD findings, with the rule's status) instead of failing the model (the message header reader)."""


def identifier(*kinds: str) -> Callable[[str, ValidationInfo], str]:
    """Accept a string that one of the ``sedata.codes`` kinds parses (check characters, tables): as the codes layer.

    The module is imported on first use, so importing the models stays cheap.
    """

    def check(value: str, info: ValidationInfo) -> str:
        if isinstance(info.context, dict) and info.context.get(CODES_LAYER):
            return value
        from stdnum.exceptions import ValidationError

        reasons: list[str] = []
        for kind in kinds:
            try:
                importlib.import_module(f"sedata.codes.{kind}").parse(value)
            except ValidationError as exc:
                reasons.append(str(exc))
                continue
            return value
        raise PydanticCustomError(
            "identifier",
            "不是有效的 {kinds}（sedata.codes）/ not a valid {kinds} (sedata.codes): {reasons}",
            {"kinds": " | ".join(kinds), "reasons": "; ".join(reasons), "value": value},
        )

    return check
