"""Build the site: write the Markdown pages of each version and language, then run MkDocs (Material) on them.

Layout of ``out``: ``<version>/zh/`` (the default) and ``<version>/en/`` per version, and ``index.html``
opening the newest version in Chinese. Every site works from ``file://`` with no network: no web fonts,
directory URLs off, and Material's ``offline`` plugin (search runs from a bundled index segmented by jieba).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from sedata.site.pages import SCHEMA_FILES, pages
from sedata.site.text import LANGS, word
from sedata.site.versions import SiteVersion, ordered

CSS = """\
.se-badge { display: inline-block; padding: 0 .5em; border-radius: .3em; font-size: .75em; font-weight: 600;
  color: #fff; white-space: nowrap; }
.se-confirmed { background: #2e7d32; }
.se-partial { background: #b26a00; }
.se-unconfirmed { background: #757575; }
.se-sev { font-weight: 600; }
.se-error { color: #c62828; } .se-warning { color: #b26a00; } .se-info { color: #1565c0; }
.se-lang { margin-top: -.5em; }
"""

# Chinese text is segmented at build time by jieba (Material's search plugin) and joined by U+200B,
# which this separator splits on; the rest is Material's default separator.
SEARCH_SEPARATOR = r'[\s\u200b\-_,:!=\[\]()"`/]+|\.(?!\d)|&[lg]t;|(?=[A-Z][a-z])'

SHIM = "assets/iframe-worker-shim.js"
SECTIONS = ("elements", "domains", "codesets", "entities", "messages", "rules")


class SiteError(Exception):
    """MkDocs (or Material) is missing, or the build reported a problem (a broken link, a bad page)."""

    def __init__(self, zh: str, en: str):
        self.zh, self.en = zh, en
        super().__init__(en)


@dataclass
class BuiltSite:
    """What was built: the entry page and one folder per (version, language)."""

    index: Path
    folders: dict[tuple[str, str], Path] = field(default_factory=dict)
    pages: dict[tuple[str, str], int] = field(default_factory=dict)


def _config(version: SiteVersion, lang: str, docs: Path, site: Path) -> dict[str, Any]:
    info = version.spec.info
    return {
        "site_name": f"{info.title.zh if lang == 'zh' else info.title.en} {version.label}",
        "docs_dir": str(docs),
        "site_dir": str(site),
        "use_directory_urls": False,  # file:// has no index.html lookup for folders
        "strict": True,
        "theme": {
            "name": "material",
            "language": lang,
            "font": False,  # no request for web fonts
            "features": ["navigation.top", "search.highlight", "content.code.copy"],
        },
        "extra": {
            "generator": False,
            # No `alternate` language selector: it fetches sitemap.xml, which file:// refuses (a console error);
            # every page links the same page in the other language itself.
            # Material's offline plugin adds this shim from a CDN unless one is listed: ours is vendored.
            "polyfills": [SHIM],
        },
        "extra_css": ["assets/sedata.css"],
        "plugins": [
            {"search": {"lang": ["zh", "en"] if lang == "zh" else ["en"], "separator": SEARCH_SEPARATOR}},
            "offline",
        ],
        "markdown_extensions": [
            "tables",
            "attr_list",
            "md_in_html",
            {"toc": {"permalink": False}},
            "pymdownx.superfences",
            {"pymdownx.tabbed": {"alternate_style": True}},
            {"pymdownx.highlight": {"use_pygments": True}},
        ],
        "nav": [
            {word("home", lang): "index.md"},
            *({word(s, lang): f"{s}/index.md"} for s in SECTIONS),
            {word("sources", lang): "sources.md"},
            {word("versions", lang): "versions.md"},
            {word("changes", lang): "changes.md"},
        ],
        "not_in_nav": "\n".join(f"/{s}/*.md" for s in SECTIONS),
        "validation": {
            "omitted_files": "warn",
            "absolute_links": "warn",
            "unrecognized_links": "warn",
            "anchors": "warn",
            "links": {"not_found": "warn"},
        },
    }


def _write_docs(version: SiteVersion, versions: list[SiteVersion], lang: str, docs: Path) -> int:
    written = pages(version, versions, lang)
    for page in written:
        target = docs / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.markdown, encoding="utf-8")
    (docs / "assets").mkdir(exist_ok=True)
    (docs / "assets" / "sedata.css").write_text(CSS, encoding="utf-8")
    vendored = resources.files("sedata.site") / "assets"
    for name in ("iframe-worker-shim.js", "iframe-worker.LICENSE"):
        (docs / "assets" / name).write_bytes(vendored.joinpath(name).read_bytes())
    schemas = resources.files("sedata.schemas")
    for path in SCHEMA_FILES.values():
        target = docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(schemas.joinpath(Path(path).name).read_bytes())
    return len(written)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _quiet_jieba() -> None:
    """jieba logs its dictionary loading at DEBUG level to stderr on import; that is not a problem to report."""
    try:
        import jieba  # type: ignore[import-untyped]
    except ImportError:  # search then indexes Chinese without word segmentation
        return
    jieba.setLogLevel(logging.WARNING)


def _mkdocs(config_file: Path) -> None:
    try:
        from mkdocs.commands.build import build
        from mkdocs.config import load_config
        from mkdocs.exceptions import MkDocsException
    except ImportError:
        raise SiteError(
            "未安装 MkDocs：请安装 sedata[docs]（pip install 'sedata[docs]'）",
            "MkDocs is not installed: install sedata[docs] (pip install 'sedata[docs]')",
        ) from None
    logger = logging.getLogger("mkdocs")
    collect = _Collect()
    logger.addHandler(collect)
    level, propagate = logger.level, logger.propagate
    logger.setLevel(logging.WARNING)
    _quiet_jieba()
    logger.propagate = False  # warnings are reported once, in the SiteError, not also on stderr
    try:
        build(load_config(config_file=str(config_file)))
    except (MkDocsException, SystemExit) as exc:
        detail = "; ".join(collect.messages[:10]) or str(exc)
        raise SiteError(f"站点生成失败：{detail}", f"the site build failed: {detail}") from None
    finally:
        logger.removeHandler(collect)
        logger.setLevel(level)
        logger.propagate = propagate


def _entry_page(first: SiteVersion) -> str:
    target = f"{first.label}/{LANGS[0]}/index.html"
    title = first.spec.info.title
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f'<meta http-equiv="refresh" content="0; url={target}"><title>{title.zh} / {title.en}</title></head>'
        f'<body><p><a href="{target}">{title.zh}</a> · '
        f'<a href="{first.label}/en/index.html">{title.en}</a></p></body></html>\n'
    )


def build_site(versions: list[SiteVersion], out: Path) -> BuiltSite:
    """Build the site of ``versions`` (newest first whatever the order given) into ``out``."""
    if not versions:
        raise SiteError("没有要生成的规范版本", "no spec version to build a site for")
    chosen = ordered(versions)
    out.mkdir(parents=True, exist_ok=True)
    built = BuiltSite(index=out / "index.html")
    with tempfile.TemporaryDirectory(prefix="sedata-site-") as tmp:
        for version in chosen:
            for lang in LANGS:
                docs = Path(tmp) / version.label / lang / "docs"
                site = out / version.label / lang
                if site.exists():
                    shutil.rmtree(site)
                built.pages[(version.label, lang)] = _write_docs(version, chosen, lang, docs)
                config_file = docs.parent / "mkdocs.yml"
                config = _config(version, lang, docs, site)
                config_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
                _mkdocs(config_file)
                # A 404 page is for web servers; its root-absolute links cannot resolve from file://.
                (site / "404.html").unlink(missing_ok=True)
                built.folders[(version.label, lang)] = site
    built.index.write_text(_entry_page(chosen[0]), encoding="utf-8")
    return built
