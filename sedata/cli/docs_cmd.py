"""``sedata spec docs``: the standard as a static bilingual website (MkDocs with Material, works from file://)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sedata.cli._out import EXIT_FINDINGS, EXIT_USAGE, console, err_console, fail


def _checkout(given: Path | None) -> Path | None:
    """The source checkout whose examples and conformance cases the pages quote (None: an installed package)."""
    if given is not None:
        if not (given / "spec" / "spec.yaml").is_file():
            fail(
                f"{given} 不是 sedata 源码目录（缺少 spec/spec.yaml）",
                f"{given} is not a sedata checkout (no spec/spec.yaml)",
            )
        return given
    for candidate in (Path.cwd(), Path(__file__).resolve().parents[2]):
        if (candidate / "spec" / "spec.yaml").is_file():
            return candidate
    return None


def docs(
    out: Annotated[Path, typer.Option("--out", "-o", help="站点写入此目录 / folder to write the site to.")],
    checkout: Annotated[
        Path | None,
        typer.Option(
            "--checkout",
            help="引用其示例报文与一致性用例的源码目录（默认自动查找）/ the checkout whose examples and conformance "
            "cases the pages quote (default: found from here).",
        ),
    ] = None,
    check_links: Annotated[
        bool,
        typer.Option("--check-links/--no-check-links", help="生成后检查站内链接 / check every link after building."),
    ] = True,
) -> None:
    """生成规范网站（中文为默认，附英文）/ Build the spec as a static website, Chinese first, English one click away."""
    from sedata.site import SiteError, build_site, shipped_versions
    from sedata.site.links import check_links as check

    if out.exists() and not out.is_dir():
        fail(f"{out} 已存在且不是目录", f"{out} exists and is not a folder", EXIT_USAGE)
    try:
        built = build_site(shipped_versions(_checkout(checkout)), out)
    except SiteError as exc:
        fail(exc.zh, exc.en, EXIT_USAGE)
    for (version, lang), folder in built.folders.items():
        console.print(f"  {version} {lang}: {built.pages[(version, lang)]} pages → {folder}", markup=False)
    console.print(f"站点入口 / entry page: {built.index}", markup=False)
    if not check_links:
        return
    report = check(out)
    if report.broken:
        for page, link, why in report.broken[:50]:
            err_console.print(f"  {page}: {link} ({why})", markup=False)
        err_console.print(f"[bold red]{len(report.broken)} 个失效链接 / broken link(s)[/]")
        raise typer.Exit(EXIT_FINDINGS)
    console.print(f"链接检查通过 / links checked: {report.checked}, none broken", markup=False)
