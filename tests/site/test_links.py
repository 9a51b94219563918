"""The link checker finds no broken link in the built site, and it does find broken ones (it is not blind)."""

from __future__ import annotations

from pathlib import Path

from sedata.site.links import check_links


def test_the_built_site_has_no_broken_link(site: Path) -> None:
    report = check_links(site)
    assert report.checked > 10_000  # every page's navigation, cross-links and assets
    assert report.broken == []
    # links to other hosts are only the sources' own addresses (hyperlinks, not loaded resources)
    assert all(link.startswith(("http://", "https://")) for link in report.external)
    assert not any("unpkg" in link or "fonts.g" in link for link in report.external)


def test_broken_files_and_anchors_are_found(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "page.html").write_text(
        '<html><body><h2 id="here">x</h2><a href="#here">ok</a><a href="#gone">bad anchor</a>'
        '<a href="../b.html#top">ok</a><a href="../missing.html">bad file</a><img src="pic.png">'
        '<a href="https://example.org/">external</a></body></html>',
        encoding="utf-8",
    )
    (tmp_path / "b.html").write_text('<html><body id="top"></body></html>', encoding="utf-8")
    report = check_links(tmp_path)
    assert sorted((link, why) for _, link, why in report.broken) == [
        ("#gone", "no id 'gone' in page.html"),
        ("../missing.html", "no such file"),
        ("pic.png", "no such file"),
    ]
    assert report.external == {"https://example.org/"}
    assert report.checked == 5


def test_docs_refuses_a_file_as_output_folder(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from sedata.cli.main import app

    taken = tmp_path / "site"
    taken.write_text("not a folder", encoding="utf-8")
    result = CliRunner().invoke(app, ["spec", "docs", "--out", str(taken)])
    assert result.exit_code == 2
    assert "不是目录" in result.output and "is not a folder" in result.output
    assert "Traceback" not in result.output
