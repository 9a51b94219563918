"""Making findings: the rule's severity, layer and message template all come from the spec.

The engine holds no rule text. A layer names a rule id and supplies the template's placeholders
(``name``, ``element``, ``value``, ``expected``, ``detail``); :func:`render` fills the rule's zh and
en templates. A placeholder the layer did not supply is a programming error and raises, so the tests
that make every rule fire also prove that every template can be rendered.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Callable
from dataclasses import dataclass, field

from sedata.spec import Spec
from sedata.spec.model import Rule
from sedata.validate.masking import redact, shorten
from sedata.validate.report import ElementRef, Finding, Text, severity
from sedata.validate.shapes import EntityShape, shapes

_FORMATTER = string.Formatter()


class MissingPlaceholder(KeyError):
    """A rule's template names a placeholder the layer did not fill."""


def render(rule: Rule, params: dict[str, Text]) -> Text:
    """The rule's message in both languages with ``params`` filled in."""
    missing = rule.placeholders - params.keys()
    if missing:
        raise MissingPlaceholder(f"{rule.id}: no value for placeholder(s) {sorted(missing)}")
    return Text(
        _fill(rule.message.zh, {k: v.zh for k, v in params.items()}),
        _fill(rule.message.en, {k: v.en for k, v in params.items()}),
    )


def _fill(template: str, values: dict[str, str]) -> str:
    # str.format would interpret format specs and attribute access in values; only plain names are used.
    out = []
    for literal, name, _spec, _conv in _FORMATTER.parse(template):
        out.append(literal)
        if name is not None:
            value = values[name]
            lead = literal.strip()
            if len(lead) > 1 and value.startswith(lead):
                # A reader's detail often opens with the template's own words ("无法读取文件：…"); say them once.
                value = value[len(lead) :].lstrip()
            out.append(value)
    return "".join(out)


class Where:
    """Where in the file a finding is: line and column, record index, record type and business key.

    The key shown in a finding is masked, which costs time; a clean record makes no finding, so the key
    may be given as ``key_of``, a function called the first time ``key`` is read.
    """

    __slots__ = ("_key", "_key_of", "column", "index", "line", "record_type")

    def __init__(
        self,
        line: int | None = None,
        column: int | None = None,
        index: int | None = None,
        record_type: str | None = None,
        key: str | None = None,
        *,
        key_of: Callable[[], str | None] | None = None,
    ):
        self.line, self.column, self.index, self.record_type = line, column, index, record_type
        self._key, self._key_of = key, key_of

    @property
    def key(self) -> str | None:
        """The record's business key, masked for display."""
        if self._key_of is not None:
            self._key, self._key_of = self._key_of(), None
        return self._key

    def __repr__(self) -> str:
        return f"Where(line={self.line}, index={self.index}, record_type={self.record_type!r}, key={self.key!r})"


NOWHERE = Where()


_MAX_DETAIL = 500
"""Characters of an explanation or expectation a finding shows: a hostile file can put megabytes in any text."""


def _text(value: Text | str | None) -> Text | None:
    if value is None:
        return None
    if not isinstance(value, Text):
        value = Text(value, value)
    if len(value.zh) > _MAX_DETAIL or len(value.en) > _MAX_DETAIL:
        value = Text(_cut(value.zh), _cut(value.en))
    return value


def _cut(text: str) -> str:
    return text if len(text) <= _MAX_DETAIL else text[: _MAX_DETAIL - 1] + "…"


@dataclass
class FileContext:
    """Everything a layer needs to make findings for one file: the spec and the file name."""

    spec: Spec
    file: str
    _rules: dict[str, tuple[Rule, str]] = field(default_factory=dict, repr=False)
    today: dt.date | None = None
    """The run's date (``--today``) that identifier rules compare with; None: the local date."""

    def __post_init__(self) -> None:
        self.shapes: dict[str, EntityShape] = shapes(self.spec)
        """Every entity's shape, by entity id."""
        self.masking: str | None = None
        """The masking profile the header declares (SE.MSG.0016): personal data is checked in masked form."""

    def rule(self, rule_id: str) -> tuple[Rule, str]:
        """The spec rule and its layer."""
        found = self._rules.get(rule_id)
        if found is None:
            found = self._rules[rule_id] = (self.spec.rules[rule_id], self.spec.rule_layers[rule_id])
        return found

    def finding(
        self,
        rule_id: str,
        where: Where = NOWHERE,
        *,
        pointer: str | None = None,
        element: ElementRef | None = None,
        value: str | None = None,
        expected: Text | str | None = None,
        detail: Text | str | None = None,
    ) -> Finding:
        """A finding of ``rule_id``; ``value`` must already be masked and shortened for display."""
        rule, layer = self.rule(rule_id)
        if value is not None and len(value) > 80:  # layers shorten what they show; a stray long one is cut here
            value = shorten(redact(value))
        params: dict[str, Text] = {}
        if element is not None:
            params["name"] = element.name
            params["element"] = Text(element.id, element.id)
        if value is not None:
            params["value"] = Text(value, value)
        expected_text = _text(expected)
        if expected_text is not None:
            params["expected"] = expected_text
        detail_text = _text(detail)
        if detail_text is not None:
            params["detail"] = detail_text
        # Masking by value: whatever a layer passed (a member name, a number, an ID typed into another field),
        # no valid citizen ID leaves this function whole. Fields are masked by element before they get here.
        if element is not None and redact(element.field) != element.field:
            element = ElementRef(element.id, element.name, redact(element.field))
        return Finding(
            rule=rule.id,
            severity=severity(rule.severity),
            layer=layer,
            message=_redacted(render(rule, params)),
            file=self.file,
            line=where.line,
            column=where.column,
            pointer=None if pointer is None else _cut(redact(pointer)),
            index=where.index,
            record_type=None if where.record_type is None else shorten(redact(where.record_type)),
            key=None if where.key is None else shorten(redact(where.key)),
            element=element,
            value=None if value is None else redact(value),
            expected=None if expected_text is None else _redacted(expected_text),
        )


def _redacted(text: Text) -> Text:
    zh, en = redact(text.zh), redact(text.en)
    return text if zh is text.zh and en is text.en else Text(zh, en)
