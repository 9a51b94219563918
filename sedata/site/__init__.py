"""The standard as a website: Markdown pages from the spec, built into a static bilingual site with MkDocs.

``build_site(versions, out)`` writes one site per spec version and language (Chinese first, English one
click away) under ``out``; a version is data (:class:`~sedata.site.versions.SiteVersion`), so documenting
another release adds an item to the list, not code. MkDocs and Material are the ``docs`` extra.
"""

from __future__ import annotations

from sedata.site.build import SiteError, build_site
from sedata.site.versions import SiteVersion, shipped_versions

__all__ = ["SiteError", "SiteVersion", "build_site", "shipped_versions"]
