"""The spec: its meta-model, the loader for ``spec/`` and the compiled bundle shipped with the package."""

from sedata.spec.bundle import current
from sedata.spec.loader import Spec, SpecError, SpecProblem, exchange_name, load_spec
from sedata.spec.resolved import Domain

__all__ = ["Domain", "Spec", "SpecError", "SpecProblem", "current", "exchange_name", "load_spec"]
