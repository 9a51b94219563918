"""Spec versions side by side: the bundle of every released version, each read with its own rules.

``sedata/spec/bundle.json`` is the current version (:func:`sedata.spec.current`); ``sedata/spec/bundles/``
holds each earlier release's bundle exactly as it was released (``1.0.0.json`` is the bundle of commit
40dc24c). An older bundle is read into today's meta-model by :func:`upgrade`, which changes the *shape* of its
data (typed rule parameters, rule scopes) and never what its rules decide, so a message declaring 1.0.0 is
judged as sedata 1.0.0 judged it. To release a version: copy ``bundle.json`` to ``bundles/<version>.json``
before bumping ``spec/spec.yaml``.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from sedata.spec.bundle import current, from_bundle
from sedata.spec.loader import Spec

FOLDER = "bundles"


def released() -> tuple[str, ...]:
    """The spec versions this sedata ships, oldest first (the current one last)."""
    folder = resources.files("sedata.spec").joinpath(FOLDER)
    older = [p.name[: -len(".json")] for p in folder.iterdir() if p.name.endswith(".json")]
    now = current().info.spec_version
    return tuple(sorted({*older, now}, key=_semver))


def older_releases(current_version: str) -> tuple[str, ...]:
    """The versions shipped as packaged bundles before ``current_version``, oldest first."""
    folder = resources.files("sedata.spec").joinpath(FOLDER)
    names = [p.name[: -len(".json")] for p in folder.iterdir() if p.name.endswith(".json")]
    return tuple(sorted((v for v in names if _semver(v) < _semver(current_version)), key=_semver))


def _semver(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def spec_for(version: str) -> Spec | None:
    """The spec of ``version`` (None: this sedata does not ship it)."""
    if version == current().info.spec_version:
        return current()
    return _older(version)


@cache
def _older(version: str) -> Spec | None:
    path = resources.files("sedata.spec").joinpath(FOLDER, f"{version}.json")
    if not path.is_file():
        return None
    return from_bundle(json.dumps(upgrade(json.loads(path.read_text(encoding="utf-8")))))


# What 1.0.0 said in Python and 1.1.0 says in spec: the records each business rule checked (its `_CHECKS` table).
_SCOPES_1_0_0 = {
    "SE-BIZ-001": ["Equipment", "UseRegistration"],
    "SE-BIZ-002": ["UseRegistration", "Inspection"],
    "SE-BIZ-003": ["UseRegistration", "Inspection"],
    "SE-BIZ-004": ["UseRegistration", "Inspection"],
    "SE-BIZ-005": ["UseRegistration", "Inspection"],
    "SE-BIZ-006": ["Accident"],
    "SE-BIZ-007": ["OperatorCertificate"],
    "SE-BIZ-008": ["Inspection"],
}


def upgrade(bundle: dict[str, Any]) -> dict[str, Any]:
    """A released bundle in today's meta-model (same decisions); a bundle already in it is returned unchanged."""
    version = bundle["info"]["spec_version"]
    if _semver(version) >= (1, 1, 0):
        return bundle
    out = dict(bundle)
    out["rules"] = [_rule_1_0_0(dict(r)) for r in bundle.get("rules", [])]
    # 1.0.0 named the envelope's elements in Python; the ids never change meaning, so today's declaration holds.
    envelope = current().info.envelope
    out["info"] = {**bundle["info"], "envelope": None if envelope is None else envelope.model_dump()}
    if bundle.get("privacy"):
        # 1.0.0 masked report values in Python by the conventions of its `share` profile (addresses cut at six
        # characters rather than at a division); reports are masked by the current spec's choice anyway.
        out["privacy"] = {**bundle["privacy"], "report_profile": "share"}
    return out


def _rule_1_0_0(rule: dict[str, Any]) -> dict[str, Any]:
    """A 1.0.0 business rule's flat text parameters as typed parameters without validity bounds."""
    rule_id = rule["id"]
    if rule_id in _SCOPES_1_0_0:
        rule["applies_to"] = _SCOPES_1_0_0[rule_id]
    params: dict[str, str] = rule.get("parameters") or {}
    sources = rule.get("sources") or []
    status = rule.get("status", "CONFIRMED")
    dated = {"sources": sources, "status": status}
    if rule_id in ("SE-BIZ-004", "SE-BIZ-005"):
        intervals = []
        for key, years in params.items():
            code, kind, *grade = key.split()
            item = {"id": f"1.0.0 {key}", "codes": code, "kind": kind, "years": years, **dated}
            if grade:
                item["grade"] = grade[0]
            intervals.append(item)
        rule["parameters"] = {"intervals": intervals}
    elif rule_id == "SE-BIZ-006":
        criteria = ("deaths", "serious_injuries", "direct_economic_loss", "people_evacuated")
        rule["parameters"] = {
            "gradings": [
                {
                    "id": "1.0.0",
                    **dated,
                    "grades": params["grades"],
                    "thresholds": {k: params[k] for k in criteria},
                    "stranded_hours": {k.split()[1]: v for k, v in params.items() if k.startswith("stranded_hours ")},
                    "stranded_people": params["stranded_people"],
                    "events": {k.split(" ", 1)[1]: v for k, v in params.items() if k.startswith("event ")},
                }
            ]
        }
    elif rule_id.startswith("SE-CON-"):
        rule["parameters"] = _consistency_1_0_0(rule_id, params)
    elif rule_id == "SE-BIZ-007":
        rule["parameters"] = {"validities": [{"id": "1.0.0", "years": params["validity_years"], **dated}]}
    return rule


def _consistency_1_0_0(rule_id: str, params: dict[str, str]) -> dict[str, Any]:
    """1.0.0 wrote element-keyed codes flat (``exempt SE.EQP.0016: 1 3``, SE-CON-003 ``SE.EQP.0016: 4``)."""
    if rule_id == "SE-CON-003":
        return {"retired": dict(params)}
    out: dict[str, Any] = {k: v for k, v in params.items() if not k.startswith("exempt ")}
    exempt = {k.split(" ", 1)[1]: v for k, v in params.items() if k.startswith("exempt ")}
    return {**out, "exempt": exempt} if exempt else out
