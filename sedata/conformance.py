"""The conformance suite: small message files with the findings each must yield, run through the validator.

A suite is a folder with ``cases.yaml`` (written by spec/conformance/build.py). A positive case lists the
findings its file must yield, exactly (rule, record index, JSON pointer); a negative case also names rules
that must not fire. Rules the validator does not check automatically (manual ones, or layers this release
does not implement) are reported as not checked, never as passed.

Every case is validated through both engines (row and columnar, see :data:`ENGINES`), which must give the
expected findings and the same report; ``engine`` runs one of them only. Every case is validated as a run of
its own (``validate_files``), so the cross-record layer applies; ``with`` names files validated in that same
run before the case's file. ``before`` names packages validated first,
each in a run of its own (earlier deliveries). A case may switch on optional layers: a fresh channel ledger
(``ledger``, shared by the ``before`` runs and the case's run), or
signature checking (``trust``: certificates relative to the suite, ``require_signature``; the signature is
``FILE.sig`` beside the file). ``parameters`` sets rule parameters as a receiver's policy would (e.g. the
algorithms SE-SIG-003 allows).

A reconciliation case (``reconcile: {registrations: [...]}``) checks the consistency layer as ``sedata reconcile``
does: the registration datasets it names are reconciled (:func:`~sedata.validate.layers.consistency.reconcile`)
with the case's file, the inspection dataset, on the case's ``today``; ``with`` names further inspection files
read before it. Its findings are those of every file of the reconciliation together (each SE-CON rule reports on
one side only: SE-CON-001 on the registration record, the others on the inspection side), so the keys stay
(rule, record index, JSON pointer). ``before``, ``ledger`` and ``trust`` do not apply to a reconciliation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import ValidationError

from sedata.spec import Spec, current
from sedata.spec.rule_params import schema_of
from sedata.trust.errors import TrustError
from sedata.validate import validate_files
from sedata.validate.layers import registry
from sedata.validate.layers.base import Signatures
from sedata.validate.layers.consistency import reconcile
from sedata.validate.report import FileReport, Finding
from sedata.validate.run import Engine

Key = tuple[str, int | None, str | None]


class SuiteError(Exception):
    """The suite folder or its cases.yaml is missing or malformed."""


@dataclass(frozen=True)
class Case:
    id: str
    rule: str
    kind: str
    format: str
    file: Path
    today: dt.date
    findings: tuple[Key, ...]
    absent: tuple[str, ...] = ()
    before: tuple[Path, ...] = ()
    """Files validated first, each in a run of its own; only the case's file's findings are compared."""
    together: tuple[Path, ...] = ()
    """Files validated in the case's run, before its file (``with`` in cases.yaml)."""
    ledger: bool = False
    """Validate with a fresh channel ledger."""
    trust: tuple[Path, ...] | None = None
    """Check the signature (``FILE.sig``) against these certificates; None: the trust layer is not run."""
    require_signature: bool = True
    """With ``trust``: an unsigned package is a finding."""
    parameters: tuple[tuple[str, str, str], ...] = ()
    """Rule parameters set for this case: (rule, name, value)."""
    registrations: tuple[Path, ...] | None = None
    """A reconciliation: these registration datasets against the case's file (the inspection dataset); None: not."""


@dataclass
class Outcome:
    case: Case
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


@dataclass
class Result:
    outcomes: list[Outcome]
    not_checked: list[str]

    @property
    def passed(self) -> int:
        return sum(o.passed for o in self.outcomes)

    @property
    def failed(self) -> int:
        return len(self.outcomes) - self.passed


def load(suite: Path) -> list[Case]:
    """The cases of ``suite`` (a folder holding cases.yaml)."""
    listing = suite / "cases.yaml"
    try:
        raw = yaml.safe_load(listing.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SuiteError(f"cannot read {listing}: {exc}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("cases"), list):
        raise SuiteError(f"{listing}: expected a mapping with a 'cases' list")
    try:
        return [_case(suite, item) for item in raw["cases"]]
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise SuiteError(f"{listing}: malformed case: {exc!r}") from None


def _case(suite: Path, item: dict[str, Any]) -> Case:
    today = item["today"]
    return Case(
        id=str(item["id"]),
        rule=str(item["rule"]),
        kind=str(item["kind"]),
        format=str(item["format"]),
        file=suite / str(item["file"]),
        today=today if isinstance(today, dt.date) else dt.date.fromisoformat(str(today)),
        findings=tuple((str(f["rule"]), f["index"], f["pointer"]) for f in item.get("findings") or []),
        absent=tuple(str(r) for r in item.get("absent") or []),
        before=tuple(suite / str(p) for p in item.get("before") or []),
        together=tuple(suite / str(p) for p in item.get("with") or []),
        ledger=bool(item.get("ledger", False)),
        trust=None if item.get("trust") is None else tuple(suite / str(p) for p in _listed(item["trust"])),
        require_signature=bool(item.get("require_signature", True)),
        parameters=tuple(
            (str(rule), str(name), str(value))
            for rule, values in (item.get("parameters") or {}).items()
            for name, value in values.items()
        ),
        registrations=_registrations(suite, item.get("reconcile")),
    )


def _registrations(suite: Path, reconcile: object) -> tuple[Path, ...] | None:
    """The registration datasets of a ``reconcile`` entry (None: the case is no reconciliation)."""
    if reconcile is None:
        return None
    if not isinstance(reconcile, dict):
        raise TypeError(f"reconcile: expected a mapping, got {reconcile!r}")
    return tuple(suite / str(p) for p in _listed(reconcile["registrations"]))


def _listed(value: object) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError(f"expected a list, got {value!r}")
    return value


SUITE_LAYERS: tuple[str, ...] = registry.names()
"""The layers the suite checks: every layer, since a case can switch each on (files of a run, ledger, trust, and
the reconciliation of registration with inspection data)."""


def automatic_rules(spec: Spec | None = None) -> set[str]:
    """Rules the validator checks: automatic ones of the layers the suite covers."""
    spec = spec or current()
    return {r.id for r in spec.rules.values() if r.check == "automatic" and spec.rule_layers[r.id] in SUITE_LAYERS}


ENGINES: tuple[Engine, ...] = ("row", "columnar")
"""The validation engines a case runs through with ``engine="both"``; they must give the same findings."""


def run_case(case: Case, spec: Spec | None = None, engine: Engine | Literal["both"] = "both") -> Outcome:
    """Validate the case's file (after its ``before`` files), or reconcile it with its registration datasets, and
    compare its findings with the expected ones.

    ``engine`` names the validation engine, or ``"both"``: each engine's findings must be the expected ones,
    and the two must give the same findings, field for field (messages, values, locations), in the same order.
    """
    spec = _with_parameters(spec or current(), case.parameters)
    outcome = Outcome(case)
    if case.registrations is not None:  # reconcile has one engine of its own
        outcome.problems = _problems(case, _reconciled(case, case.registrations, spec))
        return outcome
    engines = ENGINES if engine == "both" else (engine,)
    reports = {e: _validated(case, spec, e) for e in engines}
    problems = {e: _problems(case, report.findings) for e, report in reports.items()}
    if len({tuple(p) for p in problems.values()}) == 1:
        outcome.problems = problems[engines[0]]
    else:  # one engine right and the other wrong: say which
        outcome.problems = [f"[{e}] {p}" for e, listed in problems.items() for p in listed]
    if len(engines) > 1:
        outcome.problems += _differences(reports)
    return outcome


def _problems(case: Case, findings: list[Finding]) -> list[str]:
    """How ``findings`` differ from what the case expects (rule, record index, pointer; rules that must not fire)."""
    actual = Counter((f.rule, f.index, f.pointer) for f in findings)
    expected = Counter(case.findings)
    problems = [f"missing {_show(key)}" for key in sorted((expected - actual).elements(), key=str)]
    problems += [f"unexpected {_show(key)}" for key in sorted((actual - expected).elements(), key=str)]
    fired = {f.rule for f in findings}
    problems += [f"{rule} fired but must not" for rule in case.absent if rule in fired]
    return problems


def _differences(reports: dict[Engine, FileReport]) -> list[str]:
    """Where the engines' reports of the case's file differ: the first differing finding, or the other fields."""
    (first, a), (second, b) = list(reports.items())[:2]
    left, right = _comparable(a), _comparable(b)
    if left == right:
        return []
    fa, fb = a.findings, b.findings
    if left["findings"] != right["findings"]:
        pairs = zip(left["findings"], right["findings"], strict=False)
        at = next((i for i, (x, y) in enumerate(pairs) if x != y), min(len(fa), len(fb)))
        return [
            f"engines differ at finding {at}: {first} {_show_finding(fa, at)}, {second} {_show_finding(fb, at)}"
            f" ({len(fa)} and {len(fb)} findings)"
        ]
    fields = sorted(k for k in left.keys() | right.keys() if left.get(k) != right.get(k))
    return [f"engines differ in the report's {', '.join(fields)}: {first} and {second}"]


_RECEIVED = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})")
"""A time of receipt the ledger names (SE-SEQ): the clock when each engine's earlier packages were recorded."""


def _comparable(report: FileReport) -> dict[str, Any]:
    """The report's data with the ledger's times of receipt blanked: the one thing two runs cannot share."""
    data: dict[str, Any] = json.loads(_RECEIVED.sub("<received>", json.dumps(report.to_data(), ensure_ascii=False)))
    return data


def _show_finding(findings: list[Finding], at: int) -> str:
    if at >= len(findings):
        return "(none)"
    f = findings[at]
    return f"{_show((f.rule, f.index, f.pointer))}: {f.message.en}"


def _reconciled(case: Case, registrations: tuple[Path, ...], spec: Spec) -> list[Finding]:
    """The findings of every file of the case's reconciliation (``registrations`` against its file)."""
    if case.before or case.ledger or case.trust is not None:
        raise SuiteError(f"{case.id}: before, ledger and trust do not apply to a reconciliation")
    report = reconcile(registrations, [*case.together, case.file], today=case.today, spec=spec)
    return [f for file in report.files for f in file.findings]


def _validated(case: Case, spec: Spec, engine: Engine = "row") -> FileReport:
    """The report of the case's file, validated in a run with its ``with`` files (after its ``before`` runs)."""
    signatures = None
    if case.trust is not None:
        signatures = Signatures(tuple(str(p) for p in case.trust), case.require_signature)
    with tempfile.TemporaryDirectory(prefix="sedata-conformance-") as tmp:
        ledger = Path(tmp) / "ledger.sqlite" if case.ledger else None
        try:
            for earlier in case.before:
                validate_files(
                    [earlier], spec=spec, today=case.today, ledger=ledger, signatures=signatures, engine=engine
                )
            run = validate_files(
                [*case.together, case.file],
                spec=spec,
                today=case.today,
                ledger=ledger,
                signatures=signatures,
                engine=engine,
            )
        except TrustError as exc:  # a certificate of the case's trust list cannot be loaded
            raise SuiteError(f"{case.id}: {exc.message()}") from None
    return run.files[len(case.together)]


def _with_parameters(spec: Spec, parameters: tuple[tuple[str, str, str], ...]) -> Spec:
    """``spec`` with the rule parameters of a case set (the same spec when there are none)."""
    if not parameters:
        return spec
    rules, typed = dict(spec.rules), dict(spec.rule_parameters)
    for rule_id, name, value in parameters:
        if rule_id not in rules:
            raise SuiteError(f"a case sets a parameter of {rule_id}, which the spec does not define")
        rule = rules[rule_id]
        rules[rule_id] = rule.model_copy(update={"parameters": {**rule.parameters, name: value}})
        schema = schema_of(rule_id)
        try:
            typed[rule_id] = schema.parameters.model_validate(rules[rule_id].parameters) if schema else None
        except ValidationError as exc:
            raise SuiteError(f"a case sets parameter {name} of {rule_id} to {value!r}: {exc}") from None
    return dataclasses.replace(spec, rules=rules, rule_parameters=typed)


def _show(key: Key) -> str:
    rule, index, pointer = key
    return f"{rule} (index {index}, pointer {pointer})"


def run(suite: Path, spec: Spec | None = None, engine: Engine | Literal["both"] = "both") -> Result:
    """Run every case of ``suite`` through ``engine`` (default: both engines, which must agree); cases of rules
    not checked automatically are set aside, not run."""
    spec = spec or current()
    checked = automatic_rules(spec)
    outcomes = []
    skipped: set[str] = {r for r in spec.rules if r not in checked}
    for case in load(suite):
        if case.rule not in checked:
            skipped.add(case.rule)
            continue
        outcomes.append(run_case(case, spec, engine))
    return Result(outcomes, sorted(skipped))
