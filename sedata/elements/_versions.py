"""Which package holds the models of which spec version (hand-written; the packages themselves are generated).

As fhir.resources keeps one package per FHIR release, sedata keeps one per spec version:
``sedata.elements`` is the current version, ``sedata.elements.v1_0_0`` the released 1.0.0 (generated from
its packaged bundle), and ``sedata.elements.v<current>`` the current version again under a name that
stays put when a later version becomes current.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from sedata.elements._core import SpecModel

CURRENT = "sedata.elements"


def version_package(version: str) -> str:
    """The package of the models of one spec version: ``1.0.0`` → ``sedata.elements.v1_0_0``."""
    return f"{CURRENT}.v{version.replace('.', '_')}"


def models_of(version: str) -> ModuleType:
    """The package of the models of spec ``version``; LookupError when this sedata ships no such version."""
    if not version.replace(".", "").isdigit():
        raise LookupError(f"不是规范版本号 / not a spec version: {version!r}")
    try:
        return importlib.import_module(version_package(version))
    except ModuleNotFoundError:
        raise LookupError(
            f"本 sedata 不含规范 {version} 的模型 / this sedata ships no models of spec {version}"
        ) from None


def model_of(version: str, entity_id: str) -> type[SpecModel]:
    """The model class of an entity as spec ``version`` defines it."""
    return cast("type[SpecModel]", getattr(models_of(version), entity_id))
