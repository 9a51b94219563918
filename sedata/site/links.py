"""A link checker over a built static site: every local ``href``/``src`` resolves to a file, every ``#anchor`` to an id.

Links to other hosts are listed, not followed (the site must work with no network; the page test checks
that nothing is requested from them).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import html

_SKIP_SCHEMES = {"mailto", "data", "javascript", "tel"}
_ATTRIBUTES = ("href", "src")


@dataclass
class LinkReport:
    """Links checked, broken ones as (page, link, why), and links to other hosts."""

    checked: int = 0
    broken: list[tuple[str, str, str]] = field(default_factory=list)
    external: set[str] = field(default_factory=set)


@cache
def _ids(path: Path) -> frozenset[str]:
    tree = html.parse(str(path))
    return frozenset(str(x) for x in tree.xpath("//@id | //a/@name"))


def _links(page: Path) -> Iterator[str]:
    tree = html.parse(str(page))
    for attribute in _ATTRIBUTES:
        for value in tree.xpath(f"//*[@{attribute}]/@{attribute}"):
            yield str(value)


def check_links(root: Path) -> LinkReport:
    """Check every link of every ``.html`` page under ``root``."""
    _ids.cache_clear()
    report = LinkReport()
    for page in sorted(root.rglob("*.html")):
        where = page.relative_to(root).as_posix()
        for link in _links(page):
            parts = urlsplit(link)
            if parts.scheme in _SKIP_SCHEMES:
                continue
            if parts.scheme or parts.netloc:
                report.external.add(link)
                continue
            report.checked += 1
            target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                report.broken.append((where, link, "no such file"))
                continue
            anchor = unquote(parts.fragment)
            if anchor and target.suffix == ".html" and anchor not in _ids(target):
                report.broken.append((where, link, f"no id {anchor!r} in {target.name}"))
    return report
