"""Which spec versions the site documents, each with the example and conformance files its pages quote."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sedata.spec import Spec, current


@dataclass(frozen=True)
class SiteVersion:
    """One spec version: the spec itself, and where its example messages and conformance cases are (if shipped)."""

    spec: Spec
    examples: Path | None = None
    """A folder of ``<message-id>.json|.jsonl|.xml`` example messages."""
    conformance: Path | None = None
    """A conformance suite folder (``cases.yaml`` and its ``cases/``)."""

    @property
    def label(self) -> str:
        """The version as it appears in URLs and the version switcher (``1.0.0``)."""
        return self.spec.info.spec_version


def _semver(label: str) -> tuple[int, ...]:
    return tuple(int(part) for part in label.split("."))


def ordered(versions: list[SiteVersion]) -> list[SiteVersion]:
    """Versions newest first (the first is the one the site opens on)."""
    return sorted(versions, key=lambda v: _semver(v.label), reverse=True)


def shipped_versions(checkout: Path | None = None) -> list[SiteVersion]:
    """The spec versions this package ships, with the checkout's examples and conformance suite when there is one.

    One :class:`SiteVersion` per released bundle (:func:`sedata.spec.versions.released`); the checkout's examples
    and conformance suite are those of the current version, so only its pages quote them.
    """
    from sedata.spec.versions import released, spec_for

    examples = conformance = None
    if checkout is not None:
        if (checkout / "examples" / "messages").is_dir():
            examples = checkout / "examples" / "messages"
        if (checkout / "spec" / "conformance" / "cases.yaml").is_file():
            conformance = checkout / "spec" / "conformance"
    now = current()
    out = [SiteVersion(now, examples, conformance)]
    for label in released():
        spec = spec_for(label)
        if spec is not None and spec is not now:
            out.append(SiteVersion(spec))
    return ordered(out)
