"""The spec: its meta-model, the loader for ``spec/`` and the compiled bundle shipped with the package.

Names are imported on first use, so ``import sedata.elements`` (which needs only the formats) does not
pay for YAML and the spec meta-model.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sedata.spec.bundle import current
    from sedata.spec.loader import Spec, SpecError, SpecProblem, exchange_name, load_spec
    from sedata.spec.resolved import Domain

_WHERE = {
    "current": "sedata.spec.bundle",
    "Spec": "sedata.spec.loader",
    "SpecError": "sedata.spec.loader",
    "SpecProblem": "sedata.spec.loader",
    "exchange_name": "sedata.spec.loader",
    "load_spec": "sedata.spec.loader",
    "Domain": "sedata.spec.resolved",
}

__all__ = ["Domain", "Spec", "SpecError", "SpecProblem", "current", "exchange_name", "load_spec"]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
